#!/bin/sh
# tutorial.sh CSPI [--accept] - MANUAL's "Learning CSP with cspi" walked at
# the prompt exactly as written: every line of its code blocks after a
# prompt (`vending.csp> `, `step> `, ...) is typed into
# `cspi repl samples/vending.csp`, and the transcript (stdout and stderr)
# is compared with tests/tutorial.out. Graphviz is kept off PATH so the
# transcript is the same on every machine. Then the same lines are typed on
# a real terminal (tmux, when installed): the prompt must come back after
# the last one. Prints "tutorial: N passed, M failed".
set -u
cspi=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
accept=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
session=cspi_tutorial_$$
trap 'tmux kill-session -t "$session" 2>/dev/null; rm -rf "$dir"' EXIT
ln -s "$root/samples" "$dir/samples"
awk '/^### Learning CSP with cspi/ { on = 1; next }
     on && /^##/ { exit }
     on && /^```/ { block = !block; next }
     on && block && /^[A-Za-z0-9_.-]*> / { sub(/^[A-Za-z0-9_.-]*> /, ""); print }' \
    "$root/MANUAL.md" >"$dir/input"
pass=0 fail=0
(cd "$dir" && PATH=/nonexistent "$cspi" repl samples/vending.csp <input >transcript 2>&1)
if [ "$accept" = --accept ]; then
    cp "$dir/transcript" "$root/tests/tutorial.out"
    echo "tutorial: accepted tests/tutorial.out"
fi
if cmp -s "$dir/transcript" "$root/tests/tutorial.out"; then
    pass=$((pass + 1))
else
    fail=$((fail + 1))
    echo "FAIL: the tutorial's transcript differs from tests/tutorial.out:"
    diff "$root/tests/tutorial.out" "$dir/transcript" | head -40
fi
if command -v tmux >/dev/null 2>&1; then
    rm -f "$dir/fork.dot"
    tmux new-session -d -s "$session" -x 150 -y 50 -c "$dir" \
        "HOME=$dir PATH=/nonexistent $cspi repl samples/vending.csp"
    while IFS= read -r line; do
        tmux send-keys -t "$session" -l -- "$line"
        tmux send-keys -t "$session" Enter
        sleep 0.2
    done <"$dir/input"
    i=0   # the last line draws fork.dot: wait for it, then for the prompt
    while [ $i -lt 100 ] && ! tmux capture-pane -p -t "$session" | grep -q "^philosophers.csp> *$"; do
        sleep 0.1
        i=$((i + 1))
    done
    if [ -s "$dir/fork.dot" ] && tmux capture-pane -p -t "$session" | grep -q "^philosophers.csp> *$"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: the tutorial on a terminal did not come back to the prompt:"
        tmux capture-pane -p -t "$session"
    fi
fi
echo "tutorial: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
