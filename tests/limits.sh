#!/bin/sh
# limits.sh CSPI - Ctrl-C (SIGINT) and the limits watched while cspi works,
# where the output depends on timing (how many states or events came
# before): check, run, eval and test interrupted, and --timeout and
# --max-memory while states are explored. Numbers in the output are
# replaced by N before comparing. Prints "limits: N passed, M failed".
set -u
case $1 in /*) cspi=$1 ;; *) cspi=$PWD/$1 ;; esac
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pass=0 fail=0
cd "$dir" || exit 1

cat > long.csp <<'CSP'
channel a, b
Count(n) = a -> Count(n + 1)
assert a -> STOP [T= a -> STOP
assert Count(0) :[deadlock free [F]]
assert b -> STOP :[deadlock free [F]]
testQuick = true
testLong = length(<x | x <- <0..>, x < 0>) == 0
CSP

# expect NAME CODE WANT_OUT WANT_ERR: compares $dir/out and $dir/err
# (numbers as N, caret lines as a caret: where an interrupt is noticed
# depends on timing) and the exit status in $code.
expect() {
    sed 's/[0-9][0-9]*/N/g' "$dir/out" > "$dir/out.n"
    sed -e 's/[0-9][0-9]*/N/g' -e 's/| *^~*$/| ^/' "$dir/err" > "$dir/err.n"
    printf '%s' "$3" > "$dir/out.want"
    printf '%s' "$4" > "$dir/err.want"
    if [ "$code" = "$2" ] && cmp -s "$dir/out.n" "$dir/out.want" && cmp -s "$dir/err.n" "$dir/err.want"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $1 (exit $code, expected $2)"
        diff -u "$dir/out.want" "$dir/out.n"
        diff -u "$dir/err.want" "$dir/err.n"
    fi
}

# interrupt WAIT_FOR ARGS...: runs cspi in the background, waits until its
# standard output has WAIT_FOR (or half a second when empty), then sends
# SIGINT; the exit status in $code.
interrupt() {
    want=$1
    shift
    "$cspi" "$@" > "$dir/out" 2> "$dir/err" &
    pid=$!
    i=0
    if [ -n "$want" ]; then
        while [ $i -lt 100 ] && ! grep -q "$want" "$dir/out"; do sleep 0.05; i=$((i + 1)); done
    fi
    sleep 0.5
    kill -INT "$pid"
    wait "$pid"
    code=$?
}

interrupt 'Passed' check long.csp
expect "check: Ctrl-C" 130 "a -> STOP [T= a -> STOP:
    Result: Passed
    Visited States: N
    Visited Transitions: N

Count(N) :[deadlock free [F]]:
    Result: Not decided (interrupted)
    Reason: long.csp:N:N: interrupted after N states

N assertions: N passed, N failed, N not decided
interrupted (Ctrl-C): N assertion decided, N not tried
" "long.csp:N:N: error: interrupted after N states
    N | assert Count(N) :[deadlock free [F]]
      | ^
" 

interrupt '' run --steps 1000000000 --quiet long.csp 'Count(0)'
expect "run: Ctrl-C" 130 "-- interrupted after N events
" ""

interrupt '' eval long.csp 'length(<x | x <- <0..>, x < 0>)'
expect "eval: Ctrl-C" 130 "" "<expression>:N:N: error: interrupted
    N | length(<x | x <- <N..>, x < N>)
      | ^
"

"$cspi" run --timeout 1 --steps 1000000000 --quiet long.csp 'Count(0)' > "$dir/out" 2> "$dir/err"
code=$?
expect "run: --timeout" 75 "-- stopped after N events: the time limit was reached: more than --timeout N s
" ""

"$cspi" check --timeout 1 --assert 2 long.csp > "$dir/out" 2> "$dir/err"
code=$?
expect "check: --timeout while exploring" 75 "Count(N) :[deadlock free [F]]:
    Result: Not decided (a limit was reached)
    Reason: long.csp:N:N: stopped after N states: the time limit was reached: more than --timeout N s

" "long.csp:N:N: error: stopped after N states: the time limit was reached: more than --timeout N s
    N | assert Count(N) :[deadlock free [F]]
      | ^
"

"$cspi" check --max-memory 60 --max-states 0 --assert 2 long.csp > "$dir/out" 2> "$dir/err"
code=$?
expect "check: --max-memory while exploring" 75 "Count(N) :[deadlock free [F]]:
    Result: Not decided (a limit was reached)
    Reason: long.csp:N:N: stopped after N states: the memory limit was reached: more than --max-memory N MB in use

" "long.csp:N:N: error: stopped after N states: the memory limit was reached: more than --max-memory N MB in use
    N | assert Count(N) :[deadlock free [F]]
      | ^
"

echo "limits: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
