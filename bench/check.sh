#!/bin/sh
# bench/check.sh [CSPI] [MAX_N] [WORKERS] - states, transitions, seconds,
# states/s and bytes/state of `cspi check`: a full exploration of the dining
# philosophers for N = 5..MAX_N (default 7; N = 8 takes about 4 s and 100 MB
# on one core), the philosophers at N = MAX against RUN(Events) ([T=)
# and CHAOS(Events) ([F=) (refinements) and for determinism, and a
# refinement check of a chain of buffers, each with
# --workers 1 and with every number of WORKERS (default: "2"; a list such
# as "2 4" works), side by side, with the speed-up over one worker; and,
# when Open MPI and $CSPI_MPI (default build/cspi-mpi: make mpi) are
# there, `mpirun -np K cspi-mpi check` for every K of $RANKS (default
# "2"), its bytes/state from the largest rank's memory times K. Peers on this machine (from the
# issue), philosophers N = 8, 6,627,583 states: Spin ~0.26 M states/s at
# 48 bytes/state; a hand-written C explorer 2.1-2.7 M states/s at 20-30
# bytes/state. That explorer is bench/phils.c (specialised to the model by
# hand, not part of cspi): it is built with CC (default cc) and run on each
# N in the same run, and one worker's rate is given as a ratio of its own.
# Rates are per second of CPU time (user + system), which other work on
# the machine disturbs less than the wall clock; the seconds shown are the
# wall clock's.
set -eu
CSPI=${1:-build/cspi}
CSPI_MPI=${CSPI_MPI:-build/cspi-mpi}
RANKS=${RANKS:-2}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
MAX=${2:-7}
WORKERS=${3:-2}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
${CC:-cc} -O2 -o "$dir/phils" "$(dirname "$0")/phils.c"
# The hand-written explorer on philosophers N: its rate, for the ratio.
hand=0
hand_measure() {
    out=$( { /usr/bin/time -f '%e %M %U %S' "$dir/phils" "$1" >"$dir/out" 2>"$dir/err"; } 2>&1 || true)
    set -- $(tail -1 "$dir/err")
    states=$(grep -m1 'Visited States' "$dir/out" | tr -dc 0-9)
    trans=$(grep -m1 'Visited Transitions' "$dir/out" | tr -dc 0-9)
    hand=$(awk -v s="$states" -v u="$3" -v y="$4" -v e="$1" 'BEGIN { c = u + y; if (c == 0) c = e; print (c > 0 ? s / c : 0) }')
    awk -v s="$states" -v t="$trans" -v sec="$1" -v kb="$2" -v r="$hand" 'BEGIN {
        printf "%-22s %10s %10d states %11d transitions %7.2f s %10.0f states/s %6.1f bytes/state\n",
               "  hand-written C", "", s, t, sec, r, kb * 1024 / s }'
}
. "$(dirname "$0")/phils.sh"
measure() {
    name=$1 file=$2 workers=$3 ranks=${4:-0}
    if [ "$ranks" -gt 0 ]; then   # K ranks of one thread each; the largest one's memory, K times
        { /usr/bin/time -f '%e %M %U %S' mpirun -q -np "$ranks" --oversubscribe "$CSPI_MPI" check \
              --max-states 1000000000 "$file" >"$dir/out" 2>"$dir/err"; } 2>&1 || true
        awk -v k="$ranks" '{ l = $0 } END { split(l, f, " "); print f[1], f[2] * k, f[3], f[4] }' "$dir/err" >"$dir/e"
        cp "$dir/e" "$dir/err"
    else
        { /usr/bin/time -f '%e %M %U %S' "$CSPI" check --workers "$workers" --max-states 1000000000 "$file" >"$dir/out" 2>"$dir/err"; } 2>&1 || true
    fi
    secs=$(tail -1 "$dir/err" | cut -d' ' -f1)
    kb=$(tail -1 "$dir/err" | cut -d' ' -f2)
    cpu=$(tail -1 "$dir/err" | awk '{ print $3 + $4 }')
    states=$(grep -m1 'Visited States' "$dir/out" | tr -dc 0-9)
    trans=$(grep -m1 'Visited Transitions' "$dir/out" | tr -dc 0-9)
    [ -n "$states" ] || { echo "$name: failed"; cat "$dir/err"; return; }
    [ "$workers" = 1 ] && [ "$ranks" = 0 ] && one=$secs
    awk -v n="$name" -v w="$workers" -v r="$ranks" -v s="$states" -v t="$trans" -v sec="$secs" -v kb="$kb" -v one="$one" \
        -v cpu="$cpu" -v hand="$hand" 'BEGIN {
        # one worker: per CPU second; more: per second of the wall clock
        rate = w == 1 && r == 0 && cpu > 0 ? s / cpu : (sec > 0 ? s / sec : 0)
        printf "%-22s %2d %s %10d states %11d transitions %7.2f s %10.0f states/s %6.1f bytes/state",
               n, w, (r > 0 ? "ranks  " : (w == 1 ? "worker " : "workers")), s, t, sec, rate, kb * 1024 / s
        # against the peers: Spin (measured at N = 8), the hand-written explorer (this run)
        if (rate > 0) printf "   %.1fx Spin", rate / 260000
        if (w == 1 && r == 0 && hand > 0) printf ", %.2fx hand-written C", rate / hand
        if (w != 1 && sec > 0) printf ", %.2fx one worker", one / sec
        printf "\n" }'
}
# One script with one worker, then with each of WORKERS.
measure_all() {
    measure "$1" "$2" 1
    for w in $WORKERS; do measure "$1" "$2" "$w"; done
    if command -v mpirun >/dev/null 2>&1 && [ -x "$CSPI_MPI" ]; then
        for k in $RANKS; do measure "$1" "$2" "$k" "$k"; done
    fi
}
one=0
n=5
while [ "$n" -le "$MAX" ]; do
    phils "$n" >"$dir/p$n.csp"
    hand_measure "$n"
    measure_all "philosophers N=$n" "$dir/p$n.csp"
    n=$((n + 1))
done
# Refinement on the threads: the philosophers at N = MAX against RUN of
# their events (every state a pair with the one normal-form node).
phils "$MAX" | sed 's/^assert SYSTEM :\[divergence free\]$/assert RUN(Events) [T= SYSTEM/' >"$dir/r$MAX.csp"
measure_all "phils N=$MAX [T= RUN" "$dir/r$MAX.csp"
# The same in stable failures against CHAOS (which refuses anything, so
# the deadlock is allowed): every pair judged by its acceptances too.
phils "$MAX" | sed 's/^assert SYSTEM :\[divergence free\]$/assert CHAOS(Events) [F= SYSTEM/' >"$dir/f$MAX.csp"
measure_all "phils N=$MAX [F= CHAOS" "$dir/f$MAX.csp"
# Determinism on the threads: the philosophers at N = MAX, every state a
# node of the normal form (they deadlock, but that does not matter).
phils "$MAX" | sed 's/^assert SYSTEM :\[divergence free\]$/assert SYSTEM :[deterministic [F]]/' >"$dir/d$MAX.csp"
hand=0
measure_all "phils N=$MAX determinism" "$dir/d$MAX.csp"
cat >"$dir/chain.csp" <<'CSP'
channel c : {0..5}.{0..1}
COPY(i) = c.i?x -> c.(i+1)!x -> COPY(i)
CHAIN = (|| i : {0..4} @ [{| c.i, c.(i+1) |}] COPY(i)) \ {| c.1, c.2, c.3, c.4 |}
BUFF(s) = (#s < 5 & c.0?x -> BUFF(s ^ <x>)) [] (#s > 0 & c.5!head(s) -> BUFF(tail(s)))
assert BUFF(<>) [FD= CHAIN
CSP
hand=0
measure_all "buffer chain (5)" "$dir/chain.csp"
