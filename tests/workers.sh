#!/bin/sh
# tests/workers.sh CSPI - the checker's golden tests (tests/golden/check)
# again with `cspi check --workers 1` and `--workers 3`: every verdict,
# count and counterexample must be the same whatever the number of threads
# exploring (the default, one per core, is what golden.sh runs).
set -u
[ $# -eq 1 ] || { echo 'usage: tests/workers.sh CSPI' >&2; exit 2; }
case $1 in
    /*) cspi=$1 ;;
    *) cspi=$PWD/$1 ;;
esac
cd "$(dirname "$0")/.." || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/workers.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
status=0
for w in 1 3; do
    # A stand-in for cspi that adds --workers to every check.
    cat >"$tmp/cspi" <<SH
#!/bin/sh
if [ "\$1" = check ]; then shift; exec "$cspi" check --workers $w "\$@"; fi
exec "$cspi" "\$@"
SH
    chmod +x "$tmp/cspi"
    echo "tests/golden/check with --workers $w:"
    sh tests/golden.sh "$tmp/cspi" tests/golden/check || status=1
done
exit $status
