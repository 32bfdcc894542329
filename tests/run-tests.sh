#!/usr/bin/env bash
# Installs what is missing, builds ChartInsight with warnings as errors, and runs the whole test
# suite with ctest. Tests need a D-Bus session with an unlocked keyring (the client keeps tokens
# and the offline cache key there), so ctest runs inside a private dbus-run-session with
# gnome-keyring, under a throw-away HOME that never touches the user's own keyring.
# Usage: tests/run-tests.sh [ctest arguments...]   (BUILD_DIR overrides the build folder)
set -euo pipefail

source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$source_dir/build-tests}

"$source_dir/installer/install-deps.sh"
"$source_dir/installer/build.sh" "$build_dir" -DCHARTINSIGHT_WERROR=ON

sandbox=$(mktemp -d)
cleanup() { rm -rf "$sandbox"; }
trap cleanup EXIT
mkdir -m 700 "$sandbox/home" "$sandbox/run"

# The keyring password only protects this throw-away keyring.
HOME=$sandbox/home XDG_RUNTIME_DIR=$sandbox/run XDG_CACHE_HOME=$sandbox/home/.cache \
XDG_DATA_HOME=$sandbox/home/.local/share XDG_CONFIG_HOME=$sandbox/home/.config \
    dbus-run-session -- bash -c '
        set -euo pipefail
        printf "chartinsight-tests" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
        cd "$0"
        ctest --output-on-failure --parallel 2 "$@"
    ' "$build_dir" "$@"
