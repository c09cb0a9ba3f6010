#!/bin/sh
# json.sh CSPI - every JSON document cspi prints is valid JSON.
# Runs each golden test whose .args ask for JSON (--json, --format json) as
# tests/golden.sh runs it, and `run --json` and `check --json` on every
# samples/*.csp, then parses each standard output with python3's json
# module: one document, an object, in UTF-8, ending with a newline (no NaN,
# no repeated keys). Only a usage error on the command line (status 64)
# may print nothing. Prints "json: N passed, M failed" (exit 1 when M > 0);
# skips (passes) without python3.
set -u
LC_ALL=C
export LC_ALL
case $1 in
    /*) cspi=$1 ;;
    *) cspi=$PWD/$1 ;;
esac
cd "$(dirname "$0")/.." || exit 2
if ! command -v python3 >/dev/null 2>&1; then
    echo "json: skipped (no python3)"
    exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/json.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
n=0

# json_of NAME STDIN ARG...: runs cspi, keeping its stdout as a case.
json_of() {
    name=$1 input=$2
    shift 2
    n=$((n + 1))
    printf '%s\n' "$name" >"$tmp/$n.name"
    timeout -k 5 60 "$cspi" "$@" <"$input" >"$tmp/$n.json" 2>/dev/null
    echo $? >"$tmp/$n.code"
}

for args in tests/golden/*/*.args; do
    grep -q -e '--json' -e '--format json' "$args" || continue
    base=${args%.args}
    input=/dev/null
    [ -f "$base.in" ] && input=$base.in
    line=$(sed "s|{}|$base.csp|g" "$args")
    set -f
    # shellcheck disable=SC2086 # split into arguments, as golden.sh does
    json_of "$base.csp: cspi $line" "$input" $line
    set +f
done
for script in samples/*.csp; do
    json_of "cspi run --json $script" /dev/null run --json --seed 1 "$script"
    json_of "cspi check --json $script" /dev/null check --json --time "$script"
done

python3 - "$tmp" "$n" <<'EOF'
import json, sys

def no_constant(name):
    raise ValueError("not JSON: " + name)

def no_repeats(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("a key is repeated")
    return dict(pairs)

folder, count = sys.argv[1], int(sys.argv[2])
passed = failed = 0
for i in range(1, count + 1):
    name = open(f"{folder}/{i}.name", "rb").read().decode("utf-8", "replace").strip()
    data = open(f"{folder}/{i}.json", "rb").read()
    status = int(open(f"{folder}/{i}.code").read())
    if not data and status == 64:
        passed += 1
        continue
    try:
        text = data.decode("utf-8")
        if not text.endswith("\n"):
            raise ValueError("no newline at the end")
        doc = json.loads(text, parse_constant=no_constant, object_pairs_hook=no_repeats)
        if not isinstance(doc, dict):
            raise ValueError("not an object")
        passed += 1
    except ValueError as e:   # UnicodeDecodeError and JSONDecodeError are ValueErrors
        failed += 1
        print(f"FAIL {name}: {e}")
        print(f"  exit status {status}, output: " + repr(data[:300]))
print(f"json: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
EOF
