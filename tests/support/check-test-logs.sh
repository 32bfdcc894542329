#!/bin/sh
# Searches every log that the tests wrote into LOG_DIR (servers started by ServerProcess,
# chartinsight-cli runs through runProcess, the C15 test's client library) for the secrets the
# tests recorded in LOG_DIR/secrets: the test accounts' e-mail addresses and passwords, e-mail
# codes, reset and invitation tokens, access and refresh tokens, titles and file names. It also
# fails on any e-mail address and on an unmasked password=, token= or secret= value, because the
# log handler masks all of them. CTest runs it after every other test (FIXTURES_CLEANUP).
# Usage: check-test-logs.sh LOG_DIR
set -u

log_dir=$1
logs=$(find "$log_dir" -maxdepth 1 -name '*.log' -type f 2>/dev/null | sort)
if [ -z "$logs" ]; then
    echo "no logs in $log_dir: no test that writes one ran"
    exit 0
fi

secrets=$(mktemp)
found=$(mktemp)
trap 'rm -f "$secrets" "$found"' EXIT
# Values shorter than 6 characters also occur in ordinary text; recordTestSecret skips them too.
# A value of one repeated character, such as the wrong code 000000 that several tests send, is
# part of every nil UUID and of padding, so it proves nothing either.
cat "$log_dir"/secrets/*.txt 2>/dev/null | awk '
    length($0) >= 6 {
        for (i = 2; i <= length($0); i++)
            if (substr($0, i, 1) != substr($0, 1, 1)) { print; next }
    }' | sort -u > "$secrets"

echo "$(echo "$logs" | wc -l) log files, $(wc -l < "$secrets") recorded secrets"
status=0

# grep -F matches all the fixed strings in one pass.
if [ -s "$secrets" ] && echo "$logs" | xargs grep -n -F -f "$secrets" > "$found"; then
    echo "FAIL: log lines contain secrets the tests used:"
    head -n 50 "$found"
    status=1
fi

if echo "$logs" | xargs grep -n -E '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+' > "$found"; then
    echo "FAIL: log lines contain e-mail addresses:"
    head -n 50 "$found"
    status=1
fi

if echo "$logs" | xargs grep -n -i -E '(password|token|secret)=[^*&[:space:]]' > "$found"; then
    echo "FAIL: log lines contain unmasked secret values:"
    head -n 50 "$found"
    status=1
fi

[ $status -eq 0 ] && echo "no secret found in the logs"
exit $status
