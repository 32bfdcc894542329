#!/usr/bin/env bash
# Builds the ClamAV signature database the tests scan with, from files made here: the EICAR test
# file as an MD5 hash signature (exact file, alone or inside an archive) and as a body signature
# (EICAR anywhere inside another file). Usage: make-signatures.sh OUTPUT_DIR
set -euo pipefail
out=${1:?usage: make-signatures.sh OUTPUT_DIR}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' > "$work/eicar.com"
(cd "$work" && sigtool --md5 eicar.com) | sed 's/:eicar\.com$/:ChartInsight-Test-Eicar/' > "$out/chartinsight-test.hdb"
echo "ChartInsight-Test-Eicar-Body:0:*:$(xxd -p "$work/eicar.com" | tr -d '\n')" > "$out/chartinsight-test.ndb"
