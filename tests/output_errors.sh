#!/bin/sh
# output_errors.sh CSPI - output that cannot be written is exit 74, for every
# command: standard output on /dev/full (ENOSPC) and on a pipe whose reader
# is gone (EPIPE; cspi ignores SIGPIPE, so it must not die of it). Each case
# must end with status 74 and the one line 'cspi: writing output: <reason>'
# on standard error. The closed pipe needs python3 (skipped without it);
# a long run into `head -c1` must also stop early rather than finish.
# Prints "output errors: N passed, M failed" (exit 1 when M > 0).
set -u
LC_ALL=C
export LC_ALL
case $1 in
    /*) cspi=$1 ;;
    *) cspi=$PWD/$1 ;;
esac
cd "$(dirname "$0")/.." || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/outerr.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
have_python=0
command -v python3 >/dev/null 2>&1 && have_python=1

# expect NAME STATUS ERRFILE REASON: the status is 74 and stderr ends with the line.
expect() {
    want="cspi: writing output: $4"
    if [ "$2" = 74 ] && [ "$(tail -n 1 "$3")" = "$want" ] &&
       [ "$(grep -c 'writing output' "$3")" = 1 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $1: status $2 (want 74), stderr:"
        sed 's/^/  /' "$3"
    fi
}

# check_cmd NAME STDIN ARG...: one command, on /dev/full and on a closed pipe.
check_cmd() {
    name=$1 input=$2
    shift 2
    timeout -k 5 60 "$cspi" "$@" <"$input" >/dev/full 2>"$tmp/err"
    expect "$name >/dev/full" $? "$tmp/err" "No space left on device"
    [ $have_python = 1 ] || return 0
    python3 - "$input" "$cspi" "$@" 2>"$tmp/err" <<'EOF'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)   # nobody will read: every write is EPIPE
with open(sys.argv[1], "rb") as stdin:
    p = subprocess.run(sys.argv[2:], stdin=stdin, stdout=w, timeout=60)
sys.exit(p.returncode if p.returncode >= 0 else 128 - p.returncode)
EOF
    expect "$name | (closed)" $? "$tmp/err" "Broken pipe"
}

printf ':browse\n1 + 1\n:run P 3\n' >"$tmp/repl.in"
check_cmd "--help" /dev/null --help
check_cmd "--version" /dev/null --version
check_cmd "run --help" /dev/null run --help
check_cmd "parse --print" /dev/null parse --print samples/vending.csp
check_cmd "eval" /dev/null eval samples/sets.csp '{0..3}'
check_cmd "test" /dev/null test tests/conformance/01_arithmetic.csp
check_cmd "run" /dev/null run samples/seed_channel.csp
check_cmd "run --json" /dev/null run --json samples/seed_channel.csp
check_cmd "check" /dev/null check samples/traces_vs_failures.csp
check_cmd "check --json" /dev/null check --json samples/traces_vs_failures.csp
check_cmd "repl" "$tmp/repl.in" repl samples/vending.csp

# A long run into a pipe closed after one byte: stopped by the write error,
# long before its 50,000,000 steps.
printf 'channel a\nMAIN = a -> MAIN\n' >"$tmp/loop.csp"
{
    timeout -k 5 60 "$cspi" run --steps 50000000 "$tmp/loop.csp" 2>"$tmp/err"
    echo $? >"$tmp/status"
} | head -c1 >/dev/null
expect "run | head -c1" "$(cat "$tmp/status")" "$tmp/err" "Broken pipe"

echo "output errors: $pass passed, $fail failed"
[ $fail = 0 ]
