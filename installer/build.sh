#!/usr/bin/env bash
# Configures and builds ChartInsight with Ninja and ccache.
# Usage: installer/build.sh BUILD_DIR [extra cmake arguments...]
set -euo pipefail

source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:?usage: installer/build.sh BUILD_DIR [cmake arguments...]}
shift

# ccache keeps its cache in ~/.cache/ccache unless CCACHE_DIR is set, so every build on one
# machine, from any clone, reuses it.
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
# Paths relative to the clone, so a fresh clone in another folder (as CI makes) hits the cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$source_dir}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}

cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
# Two jobs at most: one Boost.Beast translation unit needs about 1 GB of memory to compile.
cmake --build "$build_dir" --parallel "${CHARTINSIGHT_BUILD_JOBS:-2}"
