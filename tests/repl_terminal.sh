#!/bin/sh
# repl_terminal.sh CSPI - the REPL on a real terminal (tmux): Tab completion,
# history (Up), Ctrl-C stopping a computation but not the REPL, :quit; the
# session across file edits, :graph without Graphviz, a long :check's progress.
# Prints "repl terminal: N passed, M failed"; skips (passes) without tmux.
set -u
cspi=$1
if ! command -v tmux >/dev/null 2>&1; then
    echo "repl terminal: skipped (no tmux)"
    exit 0
fi
home=$(mktemp -d)
session=cspi_repl_test_$$
trap 'tmux kill-session -t "$session" 2>/dev/null; rm -rf "$home"' EXIT
tmux new-session -d -s "$session" -x 120 -y 40 "HOME=$home $cspi repl samples/vending.csp"
pass=0 fail=0
screen() { tmux capture-pane -p -t "$session"; }
wait_for() {   # TEXT: wait up to 5 s for TEXT on the screen
    i=0
    while [ $i -lt 50 ]; do
        screen | grep -qF -- "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
check() {   # NAME TEXT
    if wait_for "$2"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1"; screen; fi
}
check "prompt" "vending.csp>"
tmux send-keys -t "$session" 'car' Tab
check "completion of a built-in" "vending.csp> card"
tmux send-keys -t "$session" '({| coin, choc |})' Enter
check "evaluation" "2"
# (the completed line is shown once typed, and once more after Up below)
tmux send-keys -t "$session" Up
check "history" "vending.csp> card({| coin, choc |})"
tmux send-keys -t "$session" C-u 'let fib(n) = if n < 2 then n else fib(n - 1) + fib(n - 2)' Enter
tmux send-keys -t "$session" 'fib(60)' Enter
sleep 0.5
tmux send-keys -t "$session" C-c
check "Ctrl-C stops the computation" "interrupted"
tmux send-keys -t "$session" '1 + 1' Enter
check "the REPL goes on after Ctrl-C" "vending.csp> 1 + 1"
tmux send-keys -t "$session" 'fib(15)' Enter
check "the session's definitions survive Ctrl-C" "610"
tmux send-keys -t "$session" ':quit' Enter
sleep 0.5
if [ -s "$home/.cspi_history" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: history file"; fi
# One session lives across commands: editing the loaded file changes nothing
# until :reload, and a file saved with a syntax error breaks nothing.
tmux kill-session -t "$session" 2>/dev/null
printf 'channel a\nOLD = a -> OLD\n' >"$home/edit.csp"
tmux new-session -d -s "$session" -x 120 -y 40 "HOME=$home PATH=/nonexistent $cspi repl $home/edit.csp"
check "prompt on the edited script" "edit.csp>"
sleep 1.1   # the next save gets a new modification time
printf 'channel a\nNEW = a -> \n' >"$home/edit.csp"
tmux send-keys -t "$session" '1 + 2' Enter
check "a change on disk is noted once" "changed on disk; the session still has it as loaded"
check "an expression still evaluates" "3"
tmux send-keys -t "$session" ':initials OLD' Enter
check "the session is the one loaded" "{a}"
tmux send-keys -t "$session" ':reload' Enter
check "a syntax error on :reload keeps the old session" "did not load: still using"
tmux send-keys -t "$session" ':type OLD' Enter
check "the old definitions stay" "OLD :: Proc"
sleep 1.1
printf 'channel a\nNEW = a -> STOP\n' >"$home/edit.csp"
tmux send-keys -t "$session" ':reload' Enter
tmux send-keys -t "$session" ':type NEW' Enter
check ":reload loads the fixed file" "NEW :: Proc"
# Without Graphviz (no dot on PATH), FILE.svg becomes FILE.dot, and it says so.
tmux send-keys -t "$session" ":graph NEW $home/g.svg" Enter
check ":graph without dot says what it wrote" "wrote $home/g.dot (2 states), not"
if grep -q 'digraph' "$home/g.dot" 2>/dev/null; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: g.dot"; fi
tmux send-keys -t "$session" ':quit' Enter
# A long :check shows progress on the terminal, as cspi check does, and
# Ctrl-C stops it (6^10 states: never done within the second progress waits).
tmux kill-session -t "$session" 2>/dev/null
printf 'channel c : {0..9}
C(i, n) = c.i -> C(i, (n + 1) %% 6)
SYS = ||| i : {0..9} @ C(i, 0)
assert SYS :[deadlock free]
' >"$home/big.csp"
tmux new-session -d -s "$session" -x 120 -y 40 "HOME=$home $cspi repl $home/big.csp"
check "prompt on a big script" "big.csp>"
tmux send-keys -t "$session" ':check 1' Enter
check ":check shows progress" "states/s"
tmux send-keys -t "$session" C-c
check "Ctrl-C stops :check" "Not decided"
tmux send-keys -t "$session" ':quit' Enter
echo "repl terminal: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
