#!/bin/sh
# bench/run.sh [CSPI] - ns per event of `cspi run --quiet` on three systems:
# (a) ping-pong: two processes exchanging 1,000,000 messages (2,000,000 events);
# (b) a ring of 1,000 processes passing a token 1,000,000 hops;
# (c) 10,000 interleaved processes, 1,000,000 events.
# Peers on this machine (from the issue): Go unbuffered channels ~190 ns per
# message, a Node.js promise rendezvous ~250 ns, js-csp ~2,000 ns.
set -eu
CSPI=${1:-build/cspi}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat >"$dir/bench.csp" <<'CSP'
channel ping, pong : {0..1}
PING = ping!0 -> pong?x -> PING
PONG = ping?x -> pong!1 -> PONG
PINGPONG = PING [| {| ping, pong |} |] PONG

N = 1000
channel tok : {0..N-1}
NODE(i) = tok.i -> tok.((i + 1) % N) -> NODE(i)
RING = || i : {0..N-1} @ [{tok.i, tok.((i + 1) % N)}] (if i == 0 then tok.1 -> NODE(0) else NODE(i))

channel work : {0..9999}
W(i) = work.i -> W(i)
MANY = ||| i : {0..9999} @ W(i)
CSP
# The least of three runs of `cspi run NAME --steps N --quiet`, in ns.
best_ns() {
    best=''
    for _ in 1 2 3; do
        start=$(date +%s%N)
        "$CSPI" run "$dir/bench.csp" "$1" --steps "$2" --quiet >/dev/null
        end=$(date +%s%N)
        t=$((end - start))
        if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
    done
    echo "$best"
}
# peer_ns / ours, one decimal.
ratio() { awk -v p="$1" -v o="$2" 'BEGIN { printf "%.1f", (o > 0 ? p / o : 0) }'; }
# ns/event counts everything, start-up included; the last column leaves out
# the start-up (loading the script and building the system: a run of one
# step), which is what each further event costs.
run() {
    name=$1 steps=$2
    all=$(best_ns "$name" "$steps")
    startup=$(best_ns "$name" 1)
    per=$((all / steps))
    printf '%-10s %9d events %6d ms %5d ns/event (Go %sx slower, Node %sx, js-csp %sx)   start-up %3d ms, then %3d ns/event\n' \
        "$name" "$steps" $((all / 1000000)) "$per" "$(ratio 190 "$per")" "$(ratio 250 "$per")" \
        "$(ratio 2000 "$per")" $((startup / 1000000)) $(((all - startup) / steps))
}
run PINGPONG 2000000
run RING 1000000
run MANY 1000000
