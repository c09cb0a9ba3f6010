#!/bin/sh
# run.sh - run the libFuzzer harnesses of `make fuzz` and summarise.
#
# usage: tests/fuzz/run.sh DIR MINUTES TARGET...
#
# DIR holds the harnesses DIR/fuzz_TARGET (built by `make fuzz`; TARGET is
# parse, eval, check or repl). MINUTES are shared out evenly among the
# targets, which run one after the other, each as one libFuzzer process
# (-fork=1: it goes on after a crash, a leak or a timeout), under nice.
# Per target:
#   DIR/seeds/TARGET     made afresh from the repository: every .csp under
#                        samples/ and tests/; for repl, scripts followed by a
#                        line '%%' and REPL commands (tests/golden/repl/*.in,
#                        and a fixed list), and the commands alone
#   DIR/corpus/TARGET    what libFuzzer found interesting; kept between runs
#   DIR/findings/TARGET  crash-*, leak-*, timeout-*, oom-*: the inputs that
#                        failed (reproduce with DIR/fuzz_TARGET FILE)
#   DIR/logs/TARGET.log  libFuzzer's output
# The fuzzers run in DIR/work (an include's file name is made relative to
# there or to a private folder; see tests/fuzz/fuzz_common.h), with TMPDIR
# set to DIR/tmp.
# Prints one line per target, then
#   'fuzz: N executions in M min, K new findings (in DIR/findings)'
# and exits 1 when K > 0, 2 on a usage error.

set -u
LC_ALL=C
export LC_ALL

if [ $# -lt 3 ]; then
    printf 'usage: %s DIR MINUTES TARGET...\n' "$0" >&2
    exit 2
fi
dir=$1 minutes=$2
shift 2
case $minutes in ''|*[!0-9]*|0) printf 'run.sh: MINUTES must be a positive number\n' >&2; exit 2 ;; esac
case $dir in /*) ;; *) dir=$PWD/$dir ;; esac
case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
cd "$here/../.." || exit 2
root=$PWD

n_targets=$#
seconds=$((minutes * 60 / n_targets))
[ $seconds -gt 0 ] || seconds=1

# The commands each sample script is tried with in the repl seeds.
repl_commands=':assertions
:check 1
:browse
:initials MAIN
:traces MAIN 2
:run MAIN 20
:print MAIN
:graph MAIN
:step MAIN
1
trace
state
back
random 3
quit
card({1..3})
let f(x) = x + 1
f(41)
:help
:quit'

make_seeds() {
    seeds=$dir/seeds/$1
    rm -rf "$seeds"
    mkdir -p "$seeds"
    k=0
    if [ "$1" = repl ]; then
        for f in tests/golden/repl/*.in; do
            [ -f "$f" ] || continue
            k=$((k + 1))
            { cat "${f%.in}.csp"; printf '%%%%\n'; cat "$f"; } >"$seeds/golden$k"
            cp "$f" "$seeds/typed$k"
        done
        for f in samples/*.csp tests/golden/run/*.csp; do
            [ -f "$f" ] || continue
            k=$((k + 1))
            { cat "$f"; printf '%%%%\n%s\n' "$repl_commands"; } >"$seeds/script$k"
        done
        printf '%s\n' "$repl_commands" >"$seeds/commands"
    else
        find samples tests -type f -name '*.csp' | sort | while read -r f; do
            k=$((k + 1))
            cp "$f" "$seeds/$k.csp"
        done
    fi
}

total_runs=0 total_new=0
for t in "$@"; do
    bin=$dir/fuzz_$t
    if [ ! -x "$bin" ]; then
        printf 'run.sh: no harness %s (make fuzz builds it)\n' "$bin" >&2
        exit 2
    fi
    make_seeds "$t"
    mkdir -p "$dir/corpus/$t" "$dir/findings/$t" "$dir/logs" "$dir/work" "$dir/tmp"
    before=$(ls "$dir/findings/$t" | wc -l)
    log=$dir/logs/$t.log
    printf 'fuzz %s: %d s ...\n' "$t" "$seconds"
    # TMPDIR: libFuzzer's and the harnesses' temporary folders (those of a
    # job that timed out are left behind) stay in DIR/tmp.
    (cd "$dir/work" && TMPDIR=$dir/tmp &&
        export TMPDIR &&
        ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
        nice -n 10 "$bin" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
            -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
            -close_fd_mask=3 -print_final_stats=1 -dict="$root/tests/fuzz/cspm.dict" \
            -artifact_prefix="$dir/findings/$t/" "$dir/corpus/$t" "$dir/seeds/$t") >"$log" 2>&1
    after=$(ls "$dir/findings/$t" | wc -l)
    # Fork mode's status lines: '#RUNS: cov: C ft: F corp: N exec/s E oom/timeout/crash: a/b/c ...'
    last=$(grep -E '^#[0-9]+: cov: ' "$log" | tail -n 1)
    runs=$(printf '%s\n' "$last" | sed -n 's/^#\([0-9]*\):.*/\1/p')
    cov=$(printf '%s\n' "$last" | sed -n 's/.* cov: \([0-9]*\) .*/\1/p')
    corp=$(printf '%s\n' "$last" | sed -n 's/.* corp: \([0-9]*\) .*/\1/p')
    runs=${runs:-0}
    new=$((after - before))
    total_runs=$((total_runs + runs)) total_new=$((total_new + new))
    printf 'fuzz %s: %s executions, coverage %s edges, corpus %s, %d new findings\n' \
        "$t" "$runs" "${cov:-?}" "${corp:-?}" "$new"
    if [ $new -gt 0 ]; then
        ls -t "$dir/findings/$t" | head -n "$new" | sed "s|^|  $dir/findings/$t/|"
    fi
done
printf 'fuzz: %d executions in %d min, %d new findings (in %s/findings)\n' \
    "$total_runs" "$minutes" "$total_new" "$dir"
[ $total_new = 0 ]
