#!/usr/bin/env bash
# Installs what is missing, builds ChartInsight with warnings as errors, and runs the whole test
# suite with ctest under a throw-away HOME, so no test reads or writes the user's own profile.
# Tests that use the OS keychain get a private D-Bus session and keyring each, through
# tests/support/with-keychain.sh.
# Usage: tests/run-tests.sh [ctest arguments...]   (BUILD_DIR overrides the build folder)
set -euo pipefail

source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$source_dir/build-tests}

"$source_dir/installer/install-deps.sh"
"$source_dir/installer/build.sh" "$build_dir" -DCHARTINSIGHT_WERROR=ON

sandbox=$(mktemp -d)
trap 'rm -rf "$sandbox"' EXIT
mkdir -m 700 "$sandbox/home" "$sandbox/run"

cd "$build_dir"
HOME=$sandbox/home XDG_RUNTIME_DIR=$sandbox/run XDG_CACHE_HOME=$sandbox/home/.cache \
XDG_DATA_HOME=$sandbox/home/.local/share XDG_CONFIG_HOME=$sandbox/home/.config \
    ctest --output-on-failure --parallel 2 "$@"
