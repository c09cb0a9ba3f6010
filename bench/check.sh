#!/bin/sh
# bench/check.sh [CSPI] [MAX_N] - states, transitions, seconds, states/s and
# bytes/state of `cspi check`: a full exploration of the dining philosophers
# for N = 5..MAX_N (default 7; N = 8 takes about 4 s and 100 MB) and
# a refinement check of a chain of buffers. Peers on this machine (from the
# issue), philosophers N = 8, 6,627,583 states: Spin ~0.26 M states/s at
# 48 bytes/state; a hand-written C explorer 2.7 M states/s at 20 bytes/state.
set -eu
CSPI=${1:-build/cspi}
MAX=${2:-7}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
phils() {
    # TPC's philosophers (EXAMPLES.md §11, with thinks): the model the peers
    # were measured on (N = 8: 6,627,583 states). Divergence freedom explores
    # every state (the deadlock check would stop at the deadlock).
    cat <<CSP
N = $1
channel thinks, sits, eats, getsup : {0..N-1}
channel picks, putsdown : {0..N-1}.{0..N-1}
PHIL(i) = thinks.i -> sits.i -> picks.i.i -> picks.i.((i+1)%N) -> eats.i ->
          putsdown.i.((i+1)%N) -> putsdown.i.i -> getsup.i -> PHIL(i)
FORK(i) = picks.i.i -> putsdown.i.i -> FORK(i)
       [] picks.((i-1+N)%N).i -> putsdown.((i-1+N)%N).i -> FORK(i)
AP(i) = {thinks.i, sits.i, picks.i.i, picks.i.((i+1)%N), eats.i,
         putsdown.i.i, putsdown.i.((i+1)%N), getsup.i}
AF(i) = {picks.i.i, picks.((i-1+N)%N).i, putsdown.i.i, putsdown.((i-1+N)%N).i}
SYSTEM = || i : {0..N-1} @ [union(AP(i), AF(i))] (PHIL(i) [AP(i) || AF(i)] FORK(i))
assert SYSTEM :[divergence free]
CSP
}
measure() {
    name=$1 file=$2
    out=$( { /usr/bin/time -f '%e %M' "$CSPI" check --max-states 100000000 "$file" >"$dir/out" 2>"$dir/err"; } 2>&1 || true)
    secs=$(tail -1 "$dir/err" | cut -d' ' -f1)
    kb=$(tail -1 "$dir/err" | cut -d' ' -f2)
    states=$(grep -m1 'Visited States' "$dir/out" | tr -dc 0-9)
    trans=$(grep -m1 'Visited Transitions' "$dir/out" | tr -dc 0-9)
    [ -n "$states" ] || { echo "$name: failed"; cat "$dir/err"; return; }
    awk -v n="$name" -v s="$states" -v t="$trans" -v sec="$secs" -v kb="$kb" 'BEGIN {
        rate = sec > 0 ? s / sec : 0
        printf "%-22s %10d states %11d transitions %7.2f s %10.0f states/s %6.0f bytes/state",
               n, s, t, sec, rate, kb * 1024 / s
        # ratios against the peers (measured at N = 8): Spin, the hand-written explorer
        if (rate > 0) printf "   %.1fx Spin, %.2fx hand-written C", rate / 260000, rate / 2700000
        printf "\n" }'
}
n=5
while [ "$n" -le "$MAX" ]; do
    phils "$n" >"$dir/p$n.csp"
    measure "philosophers N=$n" "$dir/p$n.csp"
    n=$((n + 1))
done
cat >"$dir/chain.csp" <<'CSP'
channel c : {0..5}.{0..1}
COPY(i) = c.i?x -> c.(i+1)!x -> COPY(i)
CHAIN = (|| i : {0..4} @ [{| c.i, c.(i+1) |}] COPY(i)) \ {| c.1, c.2, c.3, c.4 |}
BUFF(s) = (#s < 5 & c.0?x -> BUFF(s ^ <x>)) [] (#s > 0 & c.5!head(s) -> BUFF(tail(s)))
assert BUFF(<>) [FD= CHAIN
CSP
measure "buffer chain (5)" "$dir/chain.csp"
