#!/bin/sh
# bench/web.sh [CSPI] [NS] [PAGES] - the playground against the native build
# on the dining philosophers (bench/phils.sh, divergence freedom) for each N
# of NS (default "6 7"), in the same run: `cspi check --workers 1` five
# times (wall seconds and CPU seconds, to the microsecond), then
# bench/web.mjs's PAGES pages (default 5; the first check after opening a
# page, then two more; the time in the page, the worker's CPU, the time as
# the driver saw it). The last line of each N compares the medians: the
# page's first check against the native wall time, the worker's CPU against
# the native CPU (the figure the machine's load changes least). Needs
# `make web` (build/web) and Debian's chromium (make web-test installs it).
# Issue 19's goal: N = 6 within 2x the native build.
set -eu
CSPI=${1:-build/cspi}
NS=${2:-6 7}
PAGES=${3:-5}
NATIVE_RUNS=5
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
. "$(dirname "$0")/phils.sh"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in $NS; do
    phils "$n" >"$dir/p$n.csp"
    # Each run's wall and CPU (user + system: the kernel's exact sum) seconds.
    python3 - "$CSPI" "$dir/p$n.csp" "$NATIVE_RUNS" >"$dir/native" <<'PY'
import resource, subprocess, sys, time
cspi, script, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
for _ in range(runs):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    subprocess.run([cspi, 'check', '--workers', '1', script], stdout=subprocess.DEVNULL, check=True)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    print(f'{wall:.3f} {cpu:.3f}')
PY
    echo "N = $n native: $(awk '{ printf "%s%s s (%s s CPU)", (NR > 1 ? ", " : ""), $1, $2 }' "$dir/native")"
    node "$(dirname "$0")/web.mjs" "$dir/p$n.csp" "$PAGES" | tee "$dir/web" | sed "s/^/N = $n /"
    sort -n "$dir/native" | awk 'NR == int((n + 1) / 2) { print $1 }' n="$NATIVE_RUNS" >"$dir/nw"
    cut -d' ' -f2 "$dir/native" | sort -n | awk 'NR == int((n + 1) / 2)' n="$NATIVE_RUNS" >"$dir/nc"
    awk -v nw="$(cat "$dir/nw")" -v nc="$(cat "$dir/nc")" -v n="$n" '/^first checks/ {
        printf "N = %s first check / native (medians): page %.3f / %.3f s = %.2fx, worker CPU %.3f / %.3f s = %.2fx\n",
            n, $5, nw, $5 / nw, $8, nc, $8 / nc }' "$dir/web"
done
