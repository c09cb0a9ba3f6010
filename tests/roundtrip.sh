#!/bin/sh
# roundtrip.sh - check that `cspi parse --print` is faithful and idempotent.
#
# usage: tests/roundtrip.sh CSPI
#
# For every .csp under samples/ and tests/ (recursively, from the repository
# root) that cspi parses (exit 0):
#   1. print it:         cspi parse --print F   > P
#   2. same tree:        cspi parse --tree P    == cspi parse --tree F
#   3. idempotent print: cspi parse --print P   == P
# P needs no includes: --print inlines included text.
# A file that cspi rejects with 65 (static error) or 74 (I/O, e.g. a helper
# whose includes only resolve from elsewhere) is skipped; any other non-zero
# status (crash, timeout, runtime error) is a failure. Each run has a timeout
# (ROUNDTRIP_TIMEOUT, default 20s).
# Prints a FAIL line and a diff per failure, then
# 'roundtrip: N passed, M failed, K skipped'; exits 1 when M > 0, 2 on usage.

set -u
LC_ALL=C
export LC_ALL

if [ $# -ne 1 ] || [ -z "$1" ]; then
    printf 'usage: %s CSPI\n' "$0" >&2
    exit 2
fi
cspi=$1
case $cspi in
    /*) ;;
    */*) cspi=$PWD/$cspi ;;
    *) cspi=$(command -v "$cspi") || cspi= ;;
esac
if [ -z "$cspi" ] || [ ! -x "$cspi" ] || [ -d "$cspi" ]; then
    printf 'roundtrip.sh: %s is not an executable\n' "$1" >&2
    exit 2
fi

case $0 in
    */*) here=${0%/*} ;;
    *) here=. ;;
esac
cd "$here/.." || exit 2

limit=${ROUNDTRIP_TIMEOUT:-20s}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/roundtrip.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tree1=$tmp/tree1 tree2=$tmp/tree2 printed=$tmp/printed.csp reprinted=$tmp/reprinted.csp
errs=$tmp/stderr
n_pass=0 n_fail=0 n_skip=0

# cspi ARG... : run cspi on no input with a timeout; stderr goes to $errs.
run() {
    timeout -k 5 "$limit" "$cspi" "$@" </dev/null 2>"$errs"
}

# fail FILE WHY : report a failure, with cspi's stderr when there is some.
fail() {
    n_fail=$((n_fail + 1))
    printf 'FAIL %s: %s\n' "$1" "$2"
    if [ -s "$errs" ]; then
        head -n 20 "$errs"
    fi
}

# describe STATUS : words for a failing exit status.
describe() {
    case $1 in
        124) printf 'timed out after %s' "$limit" ;;
        *) printf 'exit status %s' "$1" ;;
    esac
}

show_diff() {
    diff -u -a --label "$1" --label "$3" "$2" "$4" | head -n 60
}

check() {
    file=$1
    run parse --tree "$file" >"$tree1"
    code=$?
    if [ $code != 0 ]; then
        case $code in
            65|74) n_skip=$((n_skip + 1)); return ;;
        esac
        run parse "$file" >/dev/null
        plain=$?
        case $plain in
            0) fail "$file" "parse succeeds but parse --tree gives $(describe $code)" ;;
            65|74) n_skip=$((n_skip + 1)) ;;
            *) fail "$file" "parse: $(describe $plain)" ;;
        esac
        return
    fi

    run parse --print "$file" >"$printed"
    code=$?
    if [ $code != 0 ]; then
        fail "$file" "parse --print: $(describe $code)"
        return
    fi

    run parse --tree "$printed" >"$tree2"
    code=$?
    if [ $code != 0 ]; then
        fail "$file" "its printed form does not parse: $(describe $code)"
        show_diff "$file (printed)" /dev/null "printed" "$printed"
        return
    fi
    if ! cmp -s "$tree1" "$tree2"; then
        fail "$file" "printing changes the tree"
        show_diff "$file (tree)" "$tree1" "$file (tree of printed)" "$tree2"
        return
    fi

    run parse --print "$printed" >"$reprinted"
    code=$?
    if [ $code != 0 ]; then
        fail "$file" "reprinting: $(describe $code)"
        return
    fi
    if ! cmp -s "$printed" "$reprinted"; then
        fail "$file" "printing is not idempotent"
        show_diff "$file (printed)" "$printed" "$file (printed twice)" "$reprinted"
        return
    fi
    n_pass=$((n_pass + 1))
}

dirs=
for d in samples tests; do
    [ -d "$d" ] && dirs="$dirs $d"
done
if [ -n "$dirs" ]; then
    # shellcheck disable=SC2086 # $dirs holds plain folder names
    find $dirs -type f -name '*.csp' | sort >"$tmp/list"
else
    : >"$tmp/list"
fi
while IFS= read -r file; do
    check "$file"
done <"$tmp/list"

printf 'roundtrip: %d passed, %d failed, %d skipped\n' "$n_pass" "$n_fail" "$n_skip"
[ $n_fail = 0 ]
