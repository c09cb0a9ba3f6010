#!/bin/sh
# golden.sh - run cspi's golden tests and compare stdout, stderr and exit status.
#
# usage: tests/golden.sh CSPI [--accept] [FILTER]
#
# A test is a script plus its expectations, next to it:
#   tests/golden/<phase>/NAME.csp   (files in deeper folders are not tests: keep
#                                    included helpers there)
#   samples/NAME.csp                (only when samples/NAME.out exists)
#     NAME.out   expected stdout (required; may be empty)
#     NAME.err   expected stderr, exact (absent: stderr must be empty)
#     NAME.code  expected exit status (absent: 0)
#     NAME.args  one line of arguments, split on blanks (no quoting); every
#                '{}' becomes the script's path. Default: 'parse {}' for
#                tests/golden, 'parse --print {}' for samples.
#     NAME.in    standard input (absent: /dev/null)
# Each test runs from the repository root, so paths in diagnostics read
# 'tests/golden/parse/x.csp:1:2: error: ...', under LC_ALL=C and a timeout
# (GOLDEN_TIMEOUT, default 20s). FILTER keeps the tests whose path contains it.
# --accept writes the actual results as the expectations of every test that
# differs (.err/.code only when non-empty/non-zero, stale ones deleted); read
# `git diff` afterwards. Timeouts are never accepted.
# The last line is always 'N passed, M failed'; the exit status is 1 when
# M > 0, 2 on a usage error.
#
# Plain POSIX sh (the Makefile runs it with `sh`). Speed matters: per test
# it starts timeout, cspi and at most two `cmp`s; everything else is builtins.

set -u
LC_ALL=C
export LC_ALL

usage() {
    printf 'usage: %s CSPI [--accept] [FILTER]\n' "$0" >&2
    exit 2
}

cspi='' accept=0 filter='' have_filter=0
for arg do
    case $arg in
        --accept) accept=1 ;;
        -h|--help) usage ;;
        -*) printf 'golden.sh: unknown option %s\n' "$arg" >&2; usage ;;
        *)
            if [ -z "$cspi" ]; then cspi=$arg
            elif [ $have_filter = 0 ]; then filter=$arg; have_filter=1
            else usage
            fi ;;
    esac
done
[ -n "$cspi" ] || usage
cspi_arg=$cspi

# Resolve CSPI against the caller's directory before moving to the root.
case $cspi in
    /*) ;;
    */*) cspi=$PWD/$cspi ;;
    *) cspi=$(command -v "$cspi") || cspi= ;;
esac
if [ -z "$cspi" ] || [ ! -x "$cspi" ] || [ -d "$cspi" ]; then
    printf 'golden.sh: %s is not an executable\n' "$cspi_arg" >&2
    exit 2
fi

case $0 in
    */*) here=${0%/*} ;;
    *) here=. ;;
esac
cd "$here/.." || exit 2

limit=${GOLDEN_TIMEOUT:-20s}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/golden.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
out=$tmp/out
err=$tmp/err

n_pass=0 n_fail=0 n_accepted=0

# invoke PATH STDIN ARG... : run cspi with ARGs, '{}' replaced by PATH.
# Leaves stdout in $out, stderr in $err, and returns cspi's status.
invoke() {
    path=$1 input=$2
    shift 2
    n_args=$# shown=$cspi
    while [ "$n_args" -gt 0 ]; do
        word=$1 rebuilt=''
        shift
        while :; do
            case $word in
                *'{}'*) rebuilt=$rebuilt${word%%'{}'*}$path; word=${word#*'{}'} ;;
                *) rebuilt=$rebuilt$word; break ;;
            esac
        done
        set -- "$@" "$rebuilt"
        shown="$shown $rebuilt"
        n_args=$((n_args - 1))
    done
    timeout -k 5 "$limit" "$cspi" "$@" <"$input" >"$out" 2>"$err"
    status=$?
    # ASan notes (not errors) that it cannot clean up after a longjmp across
    # a very deep stack (cspi's "recursion too deep"); they are not output.
    if grep -q '__asan_handle_no_return' "$err" 2>/dev/null; then
        grep -v -e '__asan_handle_no_return' -e '^False positive error reports may follow' \
            -e 'google/sanitizers/issues/189' "$err" >"$err.f"
        mv "$err.f" "$err"
    fi
    return $status
}

# same EXPECTED ACTUAL : whether the two files hold the same bytes.
same() {
    if [ ! -s "$1" ] && [ ! -s "$2" ]; then return 0; fi
    cmp -s "$1" "$2"
}

show_diff() {
    diff -u -a --label "$1" --label "$3" "$2" "$4"
}

# run_test SCRIPT DEFAULT_ARGS
run_test() {
    script=$1
    base=${script%.csp}
    if [ -f "$base.args" ]; then
        line=
        IFS= read -r line <"$base.args" || :
    else
        line=$2
    fi
    stdin=/dev/null
    [ -f "$base.in" ] && stdin=$base.in

    set -f
    # shellcheck disable=SC2086 # $line is split into arguments on purpose
    invoke "$script" "$stdin" $line
    code=$?
    set +f

    want_code=0
    if [ -f "$base.code" ]; then
        read -r want_code <"$base.code" || :
    fi
    bad_code=0 bad_out=0 bad_err=0 no_out=0
    [ "$code" = "$want_code" ] || bad_code=1
    if [ -f "$base.out" ]; then
        same "$base.out" "$out" || bad_out=1
    else
        no_out=1 bad_out=1
    fi
    if [ -f "$base.err" ]; then
        same "$base.err" "$err" || bad_err=1
    elif [ -s "$err" ]; then
        bad_err=1
    fi

    if [ $bad_code = 0 ] && [ $bad_out = 0 ] && [ $bad_err = 0 ]; then
        n_pass=$((n_pass + 1))
        return
    fi

    if [ $accept = 1 ] && [ "$code" != 124 ]; then
        mv "$out" "$base.out"
        if [ -s "$err" ]; then
            mv "$err" "$base.err"
        elif [ -e "$base.err" ]; then
            rm -f "$base.err"
        fi
        if [ "$code" != 0 ]; then
            printf '%s\n' "$code" >"$base.code"
        elif [ -e "$base.code" ]; then
            rm -f "$base.code"
        fi
        printf 'accepted %s\n' "$script"
        n_accepted=$((n_accepted + 1))
        return
    fi

    n_fail=$((n_fail + 1))
    if [ "$code" = 124 ]; then
        printf 'FAIL %s: timed out after %s\n' "$script" "$limit"
    else
        printf 'FAIL %s\n' "$script"
    fi
    if [ "$stdin" = /dev/null ]; then
        printf '  command: %s\n' "$shown"
    else
        printf '  command: %s <%s\n' "$shown" "$stdin"
    fi
    if [ $bad_code = 1 ]; then
        printf '  exit status: expected %s, got %s\n' "$want_code" "$code"
    fi
    if [ $no_out = 1 ]; then
        printf '  missing %s (required; --accept creates it)\n' "$base.out"
        show_diff "$base.out" /dev/null "$script (stdout)" "$out"
    elif [ $bad_out = 1 ]; then
        show_diff "$base.out" "$base.out" "$script (stdout)" "$out"
    fi
    if [ $bad_err = 1 ]; then
        want_err=/dev/null
        [ -f "$base.err" ] && want_err=$base.err
        show_diff "$base.err" "$want_err" "$script (stderr)" "$err"
    fi
}

for script in tests/golden/*/*.csp; do
    [ -f "$script" ] || continue
    case $script in *"$filter"*) ;; *) continue ;; esac
    run_test "$script" 'parse {}'
done
for script in samples/*.csp; do
    if [ ! -f "$script" ] || [ ! -f "${script%.csp}.out" ]; then continue; fi
    case $script in *"$filter"*) ;; *) continue ;; esac
    run_test "$script" 'parse --print {}'
done

[ $accept = 1 ] && printf '%d accepted\n' "$n_accepted"
printf '%d passed, %d failed\n' "$n_pass" "$n_fail"
[ $n_fail = 0 ]
