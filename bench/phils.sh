# bench/phils.sh - phils N: the dining philosophers script the benchmarks
# check (sourced by check.sh and web.sh).
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
