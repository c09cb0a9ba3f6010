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
run() {
    name=$1 steps=$2
    start=$(date +%s%N)
    "$CSPI" run "$dir/bench.csp" "$name" --steps "$steps" --quiet >/dev/null
    end=$(date +%s%N)
    ns=$(( (end - start) / steps ))
    printf '%-10s %9d events %8d ms %6d ns/event\n' "$name" "$steps" $(( (end - start) / 1000000 )) "$ns"
}
run PINGPONG 2000000
run RING 1000000
run MANY 1000000
