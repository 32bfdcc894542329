#!/usr/bin/env bash
# Upload benchmark: end-to-end throughput of chartinsight-cli uploads (local pre-scan, TLS 1.3
# transfer, server-side encryption, scan and commit) for one 512 MiB file and for 500 files of
# 64 KiB, with the server's peak memory. Beside each figure it prints, from the same run, the
# unavoidable work on the same bytes: a plain TLS 1.3 transfer over loopback (openssl s_server
# and s_client) and clamscan with the same signatures.
#
# Usage: bench/upload-bench.sh [BUILD_DIR]   (default: build-tests, as tests/run-tests.sh builds)
# Sizes can be lowered for a quick look: BENCH_LARGE_MIB=64 BENCH_SMALL_COUNT=50.
set -euo pipefail

source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=$(cd "${1:-$source_dir/build-tests}" && pwd)
large_mib=${BENCH_LARGE_MIB:-512}
small_count=${BENCH_SMALL_COUNT:-500}
small_kib=64

if [[ -z ${CHARTINSIGHT_BENCH_INSIDE:-} ]]; then
    # Re-run inside a private D-Bus session with its own keyring, as the CLI keeps its token there.
    sandbox=$(mktemp -d)
    trap 'rm -rf "$sandbox"' EXIT
    mkdir -m 700 "$sandbox/home" "$sandbox/run"
    HOME=$sandbox/home XDG_RUNTIME_DIR=$sandbox/run CHARTINSIGHT_BENCH_INSIDE=$sandbox \
        dbus-run-session -- bash -c 'printf bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$0" "$1"' \
        "$0" "$build_dir"
    exit $?
fi

work=$CHARTINSIGHT_BENCH_INSIDE
server=$build_dir/app/server/chartinsight-server
cli=$build_dir/app/cli/chartinsight-cli
signatures=$work/signatures
data=$work/data
export CHARTINSIGHT_PROFILE_DIR=$work/profile
export CHARTINSIGHT_SIGNATURES=$signatures

"$source_dir/installer/make-eicar-signatures.sh" "$signatures" chartinsight-bench

mkdir -p "$work/large" "$work/small"
head -c "$((large_mib * 1024 * 1024))" /dev/urandom > "$work/large/large.bin"
for i in $(seq 1 "$small_count"); do
    head -c "$((small_kib * 1024))" /dev/urandom > "$work/small/small-$i.bin"
done

seconds() { date +%s.%N; }
rate() { awk -v bytes="$1" -v start="$2" -v end="$3" 'BEGIN { printf "%8.1f MB/s (%6.2f s)", bytes / 1e6 / (end - start), end - start }'; }
peak_kib() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }

"$server" serve --data-dir "$data" --listen 127.0.0.1:0 --signatures "$signatures" \
    >"$work/server.out" 2>"$work/server.log" &
server_pid=$!
trap 'kill -TERM $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do grep -q '^listening on ' "$work/server.out" && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$work/server.out")
password='Quartz-Harbor-Lantern-2718!'
printf '%s\n' "$password" | CHARTINSIGHT_BCRYPT_COST=4 "$server" add-user --data-dir "$data" --email bench@clinic.test >/dev/null
printf '%s\n' "$password" | "$cli" --server "$url" --ca-file "$data/tls/server.crt" \
    --signatures "$signatures" login --email bench@clinic.test >/dev/null

baseline_kib=$(peak_kib "$server_pid")

# Plain TLS 1.3 over loopback: the transport's share of the upload.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$work/k.pem" \
    -out "$work/c.pem" -days 1 -subj /CN=localhost 2>/dev/null
tls_transfer() { # FILE... ; sends all files over one TLS 1.3 connection
    local port=$((20000 + RANDOM % 20000))
    openssl s_server -quiet -tls1_3 -accept "127.0.0.1:$port" -cert "$work/c.pem" -key "$work/k.pem" \
        -naccept 1 >/dev/null 2>&1 &
    local sink=$!
    sleep 0.3
    cat "$@" | openssl s_client -quiet -tls1_3 -connect "127.0.0.1:$port" >/dev/null 2>&1 || true
    wait "$sink" 2>/dev/null || true
}

token=$(curl -sS --cacert "$data/tls/server.crt" "$url/api/v1/auth/login" \
    -d "{\"email\":\"bench@clinic.test\",\"password\":\"$password\"}" |
    sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
curl_upload() { # FILE... ; one connection, one request per file
    local arguments=() first=1
    for file in "$@"; do
        ((first)) || arguments+=(--next)
        first=0
        arguments+=(-sS -o /dev/null --fail --cacert "$data/tls/server.crt"
            -H "Authorization: Bearer $token" --data-binary "@$file" "$url/api/v1/records?filename=bench.bin")
    done
    curl "${arguments[@]}"
}

run_case() { # LABEL BYTES FILE...
    local label=$1 bytes=$2
    shift 2
    local start end
    start=$(seconds); "$cli" upload "$@" >/dev/null; end=$(seconds)
    printf '%-22s chartinsight-cli upload %s, server peak %d MiB\n' "$label" "$(rate "$bytes" "$start" "$end")" "$(($(peak_kib "$server_pid") / 1024))"
    start=$(seconds); curl_upload "$@"; end=$(seconds)
    printf '%-22s curl to the server      %s (server side only: no local pre-scan)\n' "" "$(rate "$bytes" "$start" "$end")"
    start=$(seconds); tls_transfer "$@"; end=$(seconds)
    printf '%-22s plain TLS 1.3 transfer  %s\n' "" "$(rate "$bytes" "$start" "$end")"
    # clamscan skips files over 100 MiB by default, so its limits are raised to the server's
    # (libclamav scans at most 2 GiB - 1 bytes of one file).
    start=$(seconds)
    clamscan --no-summary --max-filesize=2047M --max-scansize=4000M -d "$signatures" "$@" >/dev/null
    end=$(seconds)
    printf '%-22s clamscan                %s\n' "" "$(rate "$bytes" "$start" "$end")"
}

echo "ChartInsight upload benchmark, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo "server memory after start and sign-in: $((baseline_kib / 1024)) MiB"
run_case "1 x ${large_mib} MiB" "$((large_mib * 1024 * 1024))" "$work/large/large.bin"
run_case "${small_count} x ${small_kib} KiB" "$((small_count * small_kib * 1024))" "$work"/small/*.bin
