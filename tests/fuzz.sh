#!/bin/sh
# fuzz.sh - feed mutated scripts to `cspi parse` and catch crashes and hangs.
#
# usage: tests/fuzz.sh CSPI MUTATE_BIN [COUNT]
#
# Mutates every corpus file (tests/corpus/*.csp, samples/*.csp) with
# MUTATE_BIN (built from tests/fuzz/mutate.c with $CC when it does not exist
# yet), about COUNT inputs in all (default 2000), and runs `CSPI parse` on
# each from a temporary folder, stdin from /dev/null, with a timeout of
# FUZZ_TIMEOUT (default 10s). An input fails when
#   - the exit status is not in FUZZ_OK_CODES (default "0 65 74"),
#   - stderr mentions a sanitizer ("AddressSanitizer", "LeakSanitizer", ...)
#     or UBSan's "runtime error:", or
#   - the timeout fires.
# Each failure prints the input's path, cspi's stderr and the mutate command
# that regenerates it; the folder is kept when something failed and removed
# otherwise. The last line is 'fuzz: N inputs, M failures'; exit 1 when M > 0.
# FUZZ_SEED (default 1) changes every mutant; FUZZ_JOBS (default: the number
# of CPUs) runs that many corpus files at once.

set -u
LC_ALL=C
export LC_ALL

usage() {
    printf 'usage: %s CSPI MUTATE_BIN [COUNT]\n' "$0" >&2
    exit 2
}

if [ $# -lt 2 ] || [ $# -gt 3 ]; then usage; fi
cspi=$1 mutate=$2 total=${3:-2000}
case $total in
    ''|*[!0-9]*) usage ;;
esac

abs() {
    case $1 in
        /*) printf '%s\n' "$1" ;;
        */*) printf '%s\n' "$PWD/$1" ;;
        *) command -v "$1" || printf '%s\n' "$PWD/$1" ;;
    esac
}
cspi=$(abs "$cspi")
mutate=$(abs "$mutate")

case $0 in
    */*) here=${0%/*} ;;
    *) here=. ;;
esac
cd "$here/.." || exit 2

if [ ! -x "$cspi" ] || [ -d "$cspi" ]; then
    printf 'fuzz.sh: %s is not an executable\n' "$1" >&2
    exit 2
fi
if [ ! -x "$mutate" ]; then
    printf 'fuzz.sh: building %s\n' "$mutate" >&2
    mkdir -p "${mutate%/*}" &&
        ${CC:-cc} -std=c11 -O2 -Wall -Wextra -o "$mutate" tests/fuzz/mutate.c || exit 2
fi

limit=${FUZZ_TIMEOUT:-10s}
ok_codes=${FUZZ_OK_CODES:-0 65 74}
seed=${FUZZ_SEED:-1}
jobs=${FUZZ_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
case $seed in ''|*[!0-9]*) printf 'fuzz.sh: FUZZ_SEED must be a number\n' >&2; exit 2 ;; esac
case $jobs in ''|*[!0-9]*|0) jobs=1 ;; esac

work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz.XXXXXX") || exit 2
keep=0
trap '[ $keep = 1 ] || rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

n_files=0
for f in tests/corpus/*.csp samples/*.csp; do
    [ -f "$f" ] && n_files=$((n_files + 1))
done
if [ $n_files = 0 ]; then
    printf 'fuzz.sh: no corpus files (tests/corpus/*.csp, samples/*.csp)\n' >&2
    printf 'fuzz: 0 inputs, 0 failures\n'
    exit 0
fi
per_file=$(((total + n_files - 1) / n_files))

# fuzz_one K FILE: mutate FILE into $work/K and run cspi on each mutant.
# Writes one line 'STATUS PATH' per mutant to $work/K/results.
fuzz_one() {
    dir=$work/$1
    mkdir -p "$dir"
    file_seed=$((seed * 100003 + $1))
    printf '%s %s %s\n' "$file_seed" "$per_file" "$2" >"$dir/source"
    if ! "$mutate" "$file_seed" "$per_file" "$2" "$dir"; then
        printf 'mutate-failed %s\n' "$2" >"$dir/results"
        return
    fi
    i=0
    while [ $i -lt "$per_file" ]; do
        m=$dir/m_$i
        timeout -k 5 "$limit" "$cspi" parse "$m.csp" </dev/null >"$m.out" 2>"$m.err"
        printf '%s %s\n' "$?" "$m.csp"
        i=$((i + 1))
    done >"$dir/results"
}

k=0 running=0
for f in tests/corpus/*.csp samples/*.csp; do
    [ -f "$f" ] || continue
    fuzz_one $k "$PWD/$f" &
    k=$((k + 1)) running=$((running + 1))
    if [ $running -ge "$jobs" ]; then
        wait
        running=0
    fi
done
wait

n_inputs=0 n_fail=0

# report PATH WHY : one failing input.
report() {
    n_fail=$((n_fail + 1))
    printf 'FAIL %s: %s\n' "$1" "$2"
    err=${1%.csp}.err
    if [ -s "$err" ]; then
        head -n 15 "$err" | sed 's/^/  | /'
    fi
    dir=${1%/*} name=${1##*/}
    read -r s _ src <"$dir/source"
    idx=${name#m_}
    idx=${idx%.csp}
    printf '  regenerate: %s %s %s %s DIR   (then DIR/%s)\n' \
        "$mutate" "$s" "$((idx + 1))" "$src" "$name"
}

k=0
while [ $k -lt $n_files ]; do
    dir=$work/$k
    k=$((k + 1))
    while read -r code path; do
        if [ "$code" = mutate-failed ]; then
            n_fail=$((n_fail + 1))
            printf 'FAIL mutate could not process %s\n' "$path"
            continue
        fi
        n_inputs=$((n_inputs + 1))
        case " $ok_codes " in
            *" $code "*) ;;
            *)
                if [ "$code" = 124 ]; then
                    report "$path" "timed out after $limit"
                else
                    report "$path" "exit status $code"
                fi
                : >"${path%.csp}.reported"
                ;;
        esac
    done <"$dir/results"
    # One grep per corpus file finds sanitizer reports in any mutant's stderr.
    grep -l -e 'Sanitizer' -e 'runtime error:' "$dir"/m_*.err 2>/dev/null >"$dir/flagged"
    while read -r err; do
        path=${err%.err}.csp
        [ -e "${path%.csp}.reported" ] || report "$path" "sanitizer report on stderr"
    done <"$dir/flagged"
done

if [ $n_fail -gt 0 ]; then
    keep=1
    printf 'inputs and outputs kept in %s\n' "$work"
fi
printf 'fuzz: %d inputs, %d failures\n' "$n_inputs" "$n_fail"
[ $n_fail = 0 ]
