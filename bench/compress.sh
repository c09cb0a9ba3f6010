#!/bin/sh
# bench/compress.sh [CSPI] [TIMEOUT] - hierarchical compression (issue 16;
# Roscoe et al., "Hierarchical compression for model-checking CSP", TACAS
# 1995). Each system is a chain grown one stage at a time: the new stage is
# put in parallel with the chain so far, the link between them (now
# internal) is hidden, and the result is compressed, so every chain in the
# fold is a small machine. Each is checked with the compression (normal)
# and without it (the identity: the whole product is explored):
#  (a) dining philosophers, philosopher i with fork i and their private
#      events hidden, deadlock freedom [F], N = 10, 100, 1000: the symmetric
#      ring deadlocks (Failed); when philosopher 0 picks up the other fork
#      first it does not (Passed);
#  (b) a chain of N one-place buffers, refined both ways against a FIFO
#      buffer of capacity N over {0,1}, N = 8, 12, 16 (Passed twice).
# Printed per run: the verdicts, the states the checker visited (summed over
# the assertions), the largest machine a compression was given and made,
# wall and CPU seconds (the machine may be shared: CPU is the fairer
# figure), peak memory. Runs without compression stop at --max-states
# 10000000 or TIMEOUT seconds (default 60), or are refused (a chain of 1000
# nested parallels is deeper than a term may be): "timeout", "undecided".
set -eu
CSPI=${1:-build/cspi}
TIMEOUT=${2:-60}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

phil_chain() { # N ASYM COMPRESSION
    cat <<CSP
N = $1
channel thinks, sits, eats, getsup : {0..N-1}
channel picks, putsdown : {0..N-1}.{0..N-1}
right(i) = (i+1)%N
left(i) = (i-1+N)%N
-- philosopher i picks up fork i, then fork i+1 (with ASYM, philosopher 0
-- the other way round), eats, and puts them down
PHIL(i) = thinks.i -> sits.i -> FIRST(i)
FIRST(i) = if $2 and i == 0
           then picks.i.right(i) -> picks.i.i -> EAT(i)
           else picks.i.i -> picks.i.right(i) -> EAT(i)
EAT(i) = eats.i -> putsdown.i.right(i) -> putsdown.i.i -> getsup.i -> PHIL(i)
FORK(i) = picks.i.i -> putsdown.i.i -> FORK(i)
       [] picks.left(i).i -> putsdown.left(i).i -> FORK(i)
AP(i) = {thinks.i, sits.i, picks.i.i, picks.i.right(i), eats.i,
         putsdown.i.i, putsdown.i.right(i), getsup.i}
AF(i) = {picks.i.i, picks.left(i).i, putsdown.i.i, putsdown.left(i).i}
-- a philosopher with its fork, their private events hidden
UNIT(i) = (PHIL(i) [AP(i) || AF(i)] FORK(i))
          \\ {thinks.i, sits.i, eats.i, getsup.i, picks.i.i, putsdown.i.i}
IU(i) = {picks.i.right(i), putsdown.i.right(i), picks.left(i).i, putsdown.left(i).i}
LINK(k) = {picks.(k-1).k, putsdown.(k-1).k}
IC(k) = union({picks.(N-1).0, putsdown.(N-1).0}, LINK(k))
-- units 0..k-1 with the links between them hidden, compressed at each step
C(1) = COMPRESS(UNIT(0))
C(k) = COMPRESS((C(k-1) [IC(k-1) || IU(k-1)] UNIT(k-1)) \\ LINK(k-1))
COMPRESS(P) = $3
assert C(N) :[deadlock free [F]]
CSP
}

buf_chain() { # N COMPRESSION
    cat <<CSP
N = $1
channel c : {0..N}.{0,1}
-- one-place buffer i copies from link i to link i+1 (c.0 in, c.N out)
COPY(i) = c.i?x -> c.(i+1)!x -> COPY(i)
-- buffers 0..k-1 with the links between them hidden, compressed at each step
B(1) = COMPRESS(COPY(0))
B(k) = COMPRESS((B(k-1) [| {| c.(k-1) |} |] COPY(k-1)) \\ {| c.(k-1) |})
COMPRESS(P) = $2
FIFO(s) = #s < N & c.0?x -> FIFO(s ^ <x>)
       [] #s > 0 & c.N!head(s) -> FIFO(tail(s))
assert FIFO(<>) [FD= B(N)
assert B(N) [FD= FIFO(<>)
CSP
}

measure() { # NAME FILE
    /usr/bin/time -f '%e %U %S %M' -o "$dir/time" timeout "$TIMEOUT" "$CSPI" check --verbose \
        --max-states 10000000 "$1.csp" >"$dir/out" 2>"$dir/err" || true
    # Passed, Failed, or undecided (a limit, the timeout, an error: see the
    # run's stderr by hand); nothing at all when the timeout cut it short
    verdicts=$(grep -E '^    Result:' "$dir/out" |
               awk '{ printf "%s%s", sep, $2 == "Not" ? "undecided" : $2; sep = "," }')
    [ -n "$verdicts" ] || verdicts=timeout
    states=$(grep 'Visited States' "$dir/out" | tr -dc '0-9\n' | awk '{ s += $1 } END { print s + 0 }')
    big=$(grep -E '^cspi: [a-z_]+\(' "$dir/err" | sed 's/.*): \([0-9]*\) states\{0,1\} -> \([0-9]*\).*/\1 \2/' |
          awk '$1 > b { b = $1; a = $2 } END { if (b) printf "%d->%d", b, a; else printf "-" }')
    awk -v n="$2" -v v="$verdicts" -v s="$states" -v big="$big" -v t="$(cat "$dir/time" | tail -1)" 'BEGIN {
        split(t, x, " ")
        printf "%-34s %-15s %10d states  largest %-14s %7.2f s wall %7.2f s cpu %7.1f MB\n",
               n, v, s, big, x[1], x[2] + x[3], x[4] / 1024 }'
}

for n in 10 100 1000; do
    for asym in false true; do
        for comp in 'normal(P)' 'P'; do
            phil_chain "$n" "$asym" "$comp" >"$dir/p.csp"
            label="philosophers N=$n $( [ "$asym" = true ] && echo asym || echo ring )"
            measure "$dir/p" "$label $( [ "$comp" = P ] && echo plain || echo normal)"
        done
    done
done
for n in 8 12 16; do
    for comp in 'normal(P)' 'P'; do
        buf_chain "$n" "$comp" >"$dir/b.csp"
        measure "$dir/b" "buffers N=$n $( [ "$comp" = P ] && echo plain || echo normal)"
    done
done
