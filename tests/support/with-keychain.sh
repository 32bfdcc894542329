#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a throw-away, unlocked gnome-keyring and
# private HOME and XDG folders, so a test that uses the OS keychain never touches the user's
# own keyring and starts with an empty one. Works inside tests/run-tests.sh's session too: the
# command then gets a nested session of its own.
# Usage: with-keychain.sh COMMAND [ARGUMENTS...]
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: with-keychain.sh COMMAND [ARGUMENTS...]" >&2; exit 2; }

sandbox=$(mktemp -d "${TMPDIR:-/tmp}/chartinsight-keychain.XXXXXX")
trap 'rm -rf "$sandbox"' EXIT
mkdir -m 700 "$sandbox/home" "$sandbox/run"

# The daemon runs in the foreground so that its process id is known: a daemon that no client
# ever called does not notice the end of the D-Bus session and would outlive it. The keyring
# password only protects this throw-away keyring.
status=0
HOME=$sandbox/home XDG_RUNTIME_DIR=$sandbox/run XDG_CACHE_HOME=$sandbox/home/.cache \
XDG_DATA_HOME=$sandbox/home/.local/share XDG_CONFIG_HOME=$sandbox/home/.config \
    dbus-run-session -- bash -c '
        set -euo pipefail
        # The daemon log goes to a file: it warns about harmless item re-registrations.
        printf "chartinsight-tests" |
            gnome-keyring-daemon --foreground --unlock --components=secrets \
                >/dev/null 2>"$HOME/keyring.log" &
        keyring=$!
        trap "kill $keyring 2>/dev/null || true; wait $keyring 2>/dev/null || true" EXIT
        ready=no
        for _ in $(seq 100); do
            if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
                org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
                grep -q "boolean true"; then
                ready=yes
                break
            fi
            sleep 0.1
        done
        if [[ $ready != yes ]]; then
            echo "with-keychain.sh: gnome-keyring-daemon did not start within 10 s:" >&2
            cat "$HOME/keyring.log" >&2
            exit 1
        fi
        status=0
        "$@" || status=$?
        exit "$status"
    ' with-keychain "$@" || status=$?
exit "$status"
