#!/usr/bin/env bash
# Quick start on Debian 12: installs what is missing, builds, starts chartinsight-server on the
# embedded default (SQLCipher database and encrypted file store in one data folder), creates a
# first admin account, and opens the desktop app connected to it. Closing the app stops the
# server.
#
# Usage: installer/quickstart.sh [DATA_DIR]
#   DATA_DIR defaults to ~/.local/share/chartinsight-server.
# Environment: CHARTINSIGHT_LISTEN (default 127.0.0.1:8443),
#   CHARTINSIGHT_ADMIN_EMAIL (default admin@clinic.test),
#   CHARTINSIGHT_NO_DESKTOP=1 keeps only the server running (for a machine without a display).
set -euo pipefail

source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=$source_dir/build
data_dir=${1:-${XDG_DATA_HOME:-$HOME/.local/share}/chartinsight-server}
listen=${CHARTINSIGHT_LISTEN:-127.0.0.1:8443}
admin_email=${CHARTINSIGHT_ADMIN_EMAIL:-admin@clinic.test}
say() { printf 'quickstart: %s\n' "$*"; }

"$source_dir/installer/install-deps.sh"
"$source_dir/installer/build.sh" "$build_dir" -DCHARTINSIGHT_BUILD_TESTS=OFF -DCHARTINSIGHT_BUILD_BENCH=OFF
server=$build_dir/app/server/chartinsight-server
desktop=$build_dir/app/desktop/chartinsight

mkdir -p -m 700 "$data_dir"
data_dir=$(cd "$data_dir" && pwd)

# Signatures: the system's official database when present, freshclam when the ClamAV mirrors
# can be reached, else a demo database that detects only the EICAR test file.
signatures=/var/lib/clamav
has_official() { compgen -G "$1/main.c[vl]d" >/dev/null && compgen -G "$1/daily.c[vl]d" >/dev/null; }
if ! has_official "$signatures"; then
    if getent hosts database.clamav.net >/dev/null 2>&1; then
        say "downloading ClamAV signatures with freshclam into $signatures"
        sudo_cmd=(); ((EUID == 0)) || sudo_cmd=(sudo)
        command -v freshclam >/dev/null \
            || DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q clamav-freshclam
        "${sudo_cmd[@]}" freshclam --quiet || say "freshclam failed; see its messages above"
    fi
fi
if ! has_official "$signatures"; then
    signatures=$data_dir/demo-signatures
    say "the ClamAV mirrors cannot be reached, so no official signatures are available"
    say "building a DEMO signature database in $signatures that detects only the EICAR test file"
    say "demo signatures: real malware is not detected"
    "$source_dir/installer/make-eicar-signatures.sh" "$signatures" chartinsight-demo
fi

server_log=$data_dir/server.log
server_out=$data_dir/server.out
say "starting the server on https://$listen (log: $server_log)"
"$server" serve --data-dir "$data_dir" --listen "$listen" --signatures "$signatures" \
    >"$server_out" 2>>"$server_log" &
server_pid=$!
stop_server() {
    if kill -0 "$server_pid" 2>/dev/null; then
        say "stopping the server"
        kill -TERM "$server_pid"
        wait "$server_pid" || true
    fi
}
trap stop_server EXIT

for _ in $(seq 1 300); do
    grep -q '^listening on ' "$server_out" 2>/dev/null && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
        say "the server did not start; the last lines of its log:" >&2
        tail -n 20 "$server_log" >&2
        exit 1
    fi
    sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$server_out")
fingerprint=$(sed -n 's/^certificate sha256 fingerprint: //p' "$server_out")
[[ -n $url ]] || { say "the server did not report its address within 30 s; see $server_log" >&2; exit 1; }
say "server running at $url"
say "its certificate's SHA-256 fingerprint is $fingerprint"

# The first admin gets a random password, shown once. It is not stored anywhere.
password=$(openssl rand -base64 18)
if add_output=$(printf '%s\n' "$password" | "$server" add-user --data-dir "$data_dir" \
        --email "$admin_email" --organization Default --admin 2>&1); then
    cat <<EOT

  Sign in to ChartInsight as the first admin:
      e-mail:   $admin_email
      password: $password
  Note the password now: it is shown only once.

EOT
elif grep -qi 'already exists' <<<"$add_output"; then
    say "the admin account $admin_email already exists; sign in with its password"
else
    say "could not create the admin account: $add_output" >&2
    exit 1
fi

if [[ ${CHARTINSIGHT_NO_DESKTOP:-0} == 1 || ( -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ) ]]; then
    say "no display found, so the desktop app was not opened; the server keeps running"
    say "to use the command-line client from another terminal:"
    say "  export CHARTINSIGHT_SIGNATURES=$signatures"
    say "  $build_dir/app/cli/chartinsight-cli --server $url --ca-file $data_dir/tls/server.crt login --email $admin_email"
    say "press Ctrl-C to stop the server"
    wait "$server_pid"
    exit 0
fi

say "opening the desktop app; closing it stops the server"
"$desktop" --server "$url" --ca-file "$data_dir/tls/server.crt" --signatures "$signatures"
