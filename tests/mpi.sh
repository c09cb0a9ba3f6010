#!/bin/sh
# tests/mpi.sh CSPI CSPI_MPI - checks explored by two processes
# (`mpirun -np 2 CSPI_MPI check ...`, doc/DISTRIBUTED.md) against one
# process (`CSPI check ...`): stdout, stderr and the exit status must be
# the same, byte for byte: deadlocks found and not, divergences found and
# not, refinements ([T= [F= [FD=) that hold and that fail, determinism
# ([F] and [FD]) that holds and that fails, counterexamples, past the
# owners' sample (owners.c), the state
# limit (in a refinement and in determinism too); and --timeout and an interrupt
# end both processes with one process's message and exit status (the
# number of states it names depends on the moment, and is left out; so
# is an interrupt's located message). Passes as
# skipped when Open MPI's mpirun or CSPI_MPI is missing (make mpi).
set -u
[ $# -eq 2 ] || { echo 'usage: tests/mpi.sh CSPI CSPI_MPI' >&2; exit 2; }
cspi=$1 mpi=$2
cd "$(dirname "$0")/.." || exit 2
if ! command -v mpirun >/dev/null 2>&1 || [ ! -x "$mpi" ]; then
    echo "mpi: skipped (no mpirun or no $mpi: make mpi)"
    exit 0
fi
# Open MPI refuses root unless told; -q leaves out its own notes on a
# rank's exit status (an assertion that fails is status 1).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"   # MPI's own allocations
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mpi.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

# same NAME FILTER ARGS...: one process and two give the same results
# (FILTER: a sed script applied to the outputs first; '' for none).
same() {
    name=$1 filter=$2
    shift 2
    "$cspi" check "$@" >"$tmp/1.out" 2>"$tmp/1.err"
    echo $? >"$tmp/1.code"
    timeout 120 mpirun -q -np 2 --oversubscribe "$mpi" check "$@" >"$tmp/2.out" 2>"$tmp/2.err"
    echo $? >"$tmp/2.code"
    compare "$name" "$filter" "$@"
}

# compare NAME FILTER ARGS...: the outputs in $tmp, after the sed script
# FILTER, are the same.
compare() {
    name=$1 filter=$2
    shift 2
    if [ -n "$filter" ]; then
        for f in 1.out 1.err 2.out 2.err; do
            sed -e "$filter" "$tmp/$f" >"$tmp/x" && mv "$tmp/x" "$tmp/$f"
        done
    fi
    ok=1
    for part in out err code; do
        if ! cmp -s "$tmp/1.$part" "$tmp/2.$part"; then
            [ $ok = 1 ] && echo "mpi: FAILED $name: check $*"
            echo "--- $part: one process (<), two (>)"
            diff "$tmp/1.$part" "$tmp/2.$part" | head -20
            ok=0
        fi
    done
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
}

# catching PID COUNT MASK: waits (up to two minutes) until COUNT of PID
# and its children catch the signal whose bit is MASK in /proc's SigCgt.
catching() {
    tries=0
    while [ $tries -lt 1200 ]; do
        ready=0
        for p in $1 $(pgrep -P $1); do
            mask=$(awk '/^SigCgt/ { print $2 }' /proc/$p/status 2>/dev/null)
            [ -n "$mask" ] && [ $(( 0x$mask & $3 )) -ne 0 ] && ready=$((ready + 1))
        done
        [ $ready -ge $2 ] && return 0
        sleep 0.1
        tries=$((tries + 1))
    done
    return 1
}

# interrupted NAME ARGS...: one process given SIGINT (Ctrl-C) and the
# two given SIGUSR1 through mpirun (which ends the job itself on SIGINT,
# and hands SIGUSR1 on to every rank), two seconds after they catch it:
# the same exit status and verdicts. Where the work was at that moment
# (the states explored, or evaluating still, on a slow machine) is left
# out. The state limit is raised: two workers now pass the default 10,000,000
# states within the two seconds.
interrupted() {
    name=$1
    shift
    "$cspi" check "$@" >"$tmp/1.out" 2>"$tmp/1.err" &
    pid=$!
    catching $pid 1 2   # SIGINT: 1 << 1
    sleep 2
    kill -INT $pid
    wait $pid
    echo $? >"$tmp/1.code"
    mpirun -q -np 2 --oversubscribe "$mpi" check "$@" >"$tmp/2.out" 2>"$tmp/2.err" &
    pid=$!
    catching $pid 2 512 || echo "mpi: the ranks did not start in two minutes"   # SIGUSR1: 1 << 9
    sleep 2
    kill -USR1 $pid
    wait $pid
    echo $? >"$tmp/2.code"
    : >"$tmp/1.err"
    : >"$tmp/2.err"
    compare "$name" 's/Reason: .*interrupted.*/Reason: interrupted/' "$@"
}

same "deadlock free, passed" '' samples/peterson.csp
same "deadlocks and their counterexamples" '' samples/philosophers.csp
same "divergences" '' tests/mpi/divergence.csp
same "JSON" '' --json tests/mpi/divergence.csp
same "the state limit" '' --max-states 5000 --assert 2 samples/philosophers.csp
same "the timeout" 's/after [0-9]* states/after N states/' --timeout 1 tests/mpi/big.csp
same "refinements, passing and failing" '' tests/mpi/refine.csp
same "owners chosen from a sample: a deadlock and refinements" '' tests/golden/check/owners_philosophers.csp
same "the state limit in a refinement" '' --max-states 1000 --assert 1 tests/mpi/refine.csp
# The deadlock of DF [F= SYSTEM comes at 1301 states: one less, and the
# limit comes first (in the level the failure is ranked in).
same "the state limit just before a refinement fails" '' --max-states 1300 --assert 6 tests/mpi/refine.csp
same "a refinement failing at the state limit" '' --max-states 1301 --assert 6 tests/mpi/refine.csp
same "the timeout in a refinement" 's/after [0-9]* states/after N states/' --timeout 1 --assert 2 tests/mpi/big.csp
same "determinism, passing and failing" '' tests/mpi/determinism.csp
# The state limit: one process stops normalising past it, so the ranks
# let one process decide near it; the whole space at the limit passes.
same "the state limit in determinism" '' --max-states 1000 --assert 1 tests/mpi/determinism.csp
same "determinism passing at the state limit" '' --max-states 2575 --assert 2 tests/mpi/determinism.csp
same "the timeout in determinism" 's/after [0-9]* states/after N states/' --timeout 1 --assert 3 tests/mpi/big.csp
interrupted "Ctrl-C" --max-states 1000000000 tests/mpi/big.csp
interrupted "Ctrl-C in a refinement" --max-states 1000000000 --assert 2 tests/mpi/big.csp
interrupted "Ctrl-C in determinism" --max-states 1000000000 --assert 3 tests/mpi/big.csp
echo "mpi: $pass passed, $fail failed"
[ $fail = 0 ]
