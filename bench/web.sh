#!/bin/sh
# bench/web.sh [CSPI] [NS] - the playground against the native build on the
# dining philosophers (bench/phils.sh, divergence freedom) for each N of NS
# (default "6 7"), in the same run: `cspi check --workers 1` three times
# (wall seconds, CPU seconds), then bench/web.mjs's pages (the first check
# after opening a page, then two more). Needs `make web` (build/web) and
# Debian's chromium (make web-test installs it). Issue 19's goal: N = 6
# within 2x the native build.
set -eu
CSPI=${1:-build/cspi}
NS=${2:-6 7}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
. "$(dirname "$0")/phils.sh"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in $NS; do
    phils "$n" >"$dir/p$n.csp"
    native=""
    for _ in 1 2 3; do
        t=$( { /usr/bin/time -f '%e s (%U+%S s CPU)' "$CSPI" check --workers 1 "$dir/p$n.csp" >/dev/null; } 2>&1 | tail -1)
        native="$native${native:+, }$t"
    done
    echo "N = $n native: $native"
    node "$(dirname "$0")/web.mjs" "$dir/p$n.csp" 3 | sed "s/^/N = $n /"
done
