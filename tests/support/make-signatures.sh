#!/usr/bin/env bash
# Builds the test signature database (EICAR only). Usage: make-signatures.sh OUTPUT_DIR
set -euo pipefail
exec "$(dirname "$0")/../../installer/make-eicar-signatures.sh" "${1:?usage: make-signatures.sh OUTPUT_DIR}" chartinsight-test
