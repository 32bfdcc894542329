#!/usr/bin/env bash
# Builds a ClamAV signature database, with sigtool, that detects only the EICAR anti-virus test
# file: an MD5 hash signature (the exact file, alone or inside an archive) and a body signature
# (the EICAR string anywhere inside another file).
# Usage: make-eicar-signatures.sh OUTPUT_DIR BASENAME
# The quick start uses BASENAME chartinsight-demo, which the scanner recognises and reports as
# "demo signatures"; the tests use chartinsight-test.
set -euo pipefail
out=${1:?usage: make-eicar-signatures.sh OUTPUT_DIR BASENAME}
name=${2:?usage: make-eicar-signatures.sh OUTPUT_DIR BASENAME}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' > "$work/eicar.com"
(cd "$work" && sigtool --md5 eicar.com) | sed "s/:eicar\.com\$/:${name}-eicar/" > "$out/$name.hdb"
echo "${name}-eicar-body:0:*:$(xxd -p "$work/eicar.com" | tr -d '\n')" > "$out/$name.ndb"
