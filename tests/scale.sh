#!/bin/sh
# scale.sh - big and hostile inputs end quickly, with short messages.
#
# usage: tests/scale.sh CSPI
#
# Generates scripts of about 1 MB (with awk, into a temporary folder; none
# is committed) whose shapes once made `cspi parse` quadratic or flooded
# the terminal, and runs `CSPI parse` on each under a timeout of
# SCALE_TIMEOUT (default 10s; each takes well under a second when parsing
# and resolving stay near-linear, and took from 2 s to minutes before).
# A case fails when
#   - the exit status is not the expected one (0, 65 or 74),
#   - stderr is larger than SCALE_MAX_ERR bytes (default 20000: at most 50
#     errors, each a few lines, names and source lines cut), or
#   - the timeout fires.
# The last line is 'scale: N passed, M failed'; exit 1 when M > 0.

set -u
LC_ALL=C
export LC_ALL

if [ $# -ne 1 ] || [ -z "$1" ]; then
    printf 'usage: %s CSPI\n' "$0" >&2
    exit 2
fi
cspi=$1
case $cspi in
    /*) ;;
    */*) cspi=$PWD/$cspi ;;
    *) cspi=$(command -v "$cspi") || cspi=$1 ;;
esac
if [ ! -x "$cspi" ] || [ -d "$cspi" ]; then
    printf 'scale.sh: %s is not an executable\n' "$1" >&2
    exit 2
fi
limit=${SCALE_TIMEOUT:-10s}
max_err=${SCALE_MAX_ERR:-20000}

work=$(mktemp -d "${TMPDIR:-/tmp}/scale.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

passed=0 failed=0

# run NAME EXPECTED_CODE FILE: parse FILE and judge the result.
run() {
    name=$1 want=$2 file=$3
    timeout "$limit" "$cspi" parse "$file" >/dev/null 2>"$work/err" </dev/null
    got=$?
    size=$(wc -c <"$work/err")
    why=''
    if [ $got = 124 ]; then why="timed out after $limit"
    elif [ $got != "$want" ]; then why="exit status $got, expected $want"
    elif [ "$size" -gt "$max_err" ]; then why="stderr has $size bytes (limit $max_err)"
    fi
    if [ -z "$why" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'FAIL %s: %s\n' "$name" "$why"
        head -c 600 "$work/err"
        echo
    fi
}

# gen NAME AWK_PROGRAM: writes $work/NAME.csp from an awk BEGIN block.
gen() {
    awk "BEGIN { $2 }" >"$work/$1.csp"
}

# 25,000 undefined names: the did-you-mean search ran for each (a minute).
gen undefined 'for (i = 0; i < 25000; i++) printf "P%d = u%d\n", i, i'
run undefined 65 "$work/undefined.csp"

# A module with 20,000 members, each named as M::m: each lookup scanned the
# members and measured the distance to every one (46 s).
gen module 'print "module M"; print "exports"
    for (i = 0; i < 20000; i++) printf "  m%d = %d\n", i, i
    print "endmodule"
    for (i = 0; i < 20000; i++) printf "u%d = M::m%d\n", i, i'
run module 0 "$work/module.csp"

# The same with names the module does not export (87 s).
gen module_missing 'print "module M"; print "exports"
    for (i = 0; i < 20000; i++) printf "  m%d = %d\n", i, i
    print "endmodule"
    for (i = 0; i < 20000; i++) printf "u%d = M::n%d\n", i, i'
run module_missing 65 "$work/module_missing.csp"

# A closure that captures 60,000 names: the free-variable list was
# searched for each (2 s).
gen captures 'print "channel a"; printf "f("
    for (i = 0; i < 60000; i++) printf "%sx%d", i ? ", " : "", i
    printf ") = a -> f("
    for (i = 0; i < 60000; i++) printf "%sx%d", i ? ", " : "", i
    print ")"'
run captures 0 "$work/captures.csp"

# 60,000 definitions of one name, and 60,000 functions.
gen duplicates 'for (i = 0; i < 60000; i++) printf "P = %d\n", i'
run duplicates 65 "$work/duplicates.csp"
gen functions 'for (i = 0; i < 25000; i++)
    printf "f%d(x) = if x > 0 then f%d(x - 1) else %d\n", i, i, i'
run functions 0 "$work/functions.csp"

# 20,000 includes of one small file: each kept a 64 KiB read buffer
# (157 MB, 2.8 s).
gen included 'print "-- included"'
gen includes 'for (i = 0; i < 20000; i++) print "include \"included.csp\""'
run includes 0 "$work/includes.csp"

# 100,000 syntax errors: 50 are shown (a fresh 200 KB parser per error
# took 36 s under AddressSanitizer).
gen syntax 'for (i = 0; i < 100000; i++) printf "P%d = )\n", i'
run syntax 65 "$work/syntax.csp"

# 80,000 sets written '{-1}' with no '-}' anywhere: each '{-' scanned to
# the end of the text for its '-}' (92 s).
gen brace_minus 'for (i = 0; i < 80000; i++) printf "S%d = {-1}\n", i'
run brace_minus 0 "$work/brace_minus.csp"

# A 1 MB name in an error message, a 1 MB line, a 1 MB string.
gen long_name 's = "a"; while (length(s) < 1048576) s = s s; printf "P = %s\n", s'
run long_name 65 "$work/long_name.csp"
gen long_line 'printf "P = 0"; for (i = 0; i < 200000; i++) printf " ++ %d", i; print ""'
run long_line 65 "$work/long_line.csp"
gen long_string 's = "x"; while (length(s) < 1048576) s = s s; printf "S = \"%s\"\nT = )\n", s'
run long_string 65 "$work/long_string.csp"

# Endless or binary input is refused early.
run dev_zero 74 /dev/zero
head -c 100000 "$cspi" >"$work/binary.csp"
run binary 74 "$work/binary.csp"

printf 'scale: %d passed, %d failed\n' "$passed" "$failed"
[ $failed = 0 ]
