#!/usr/bin/env bash
# Loading a big corpus (#20), checked under tmux with the release binary: the progress
# line shows while the text is read and counted, and Ctrl-C during the load ends the
# process at once (status 130, as for any SIGINT) with the terminal as it was (stty
# still canonical with echo), for the workbench, `recur train` and `recur embed`. The
# corpus (200 MB of words, a few seconds to load) is generated here and removed after.
# Usage: Tests/EndToEnd/load_interrupt.sh [path/to/recur]
set -euo pipefail
source "$(dirname "$0")/prologue.sh"

# (yes ends on SIGPIPE when head has its bytes: not a failure.)
yes "the quick brown fox jumps over the lazy dog while words pile up" | head -c 200000000 >"$work/big.txt" || true
# The settings of a fresh pane's terminal, which every run must leave as they were.
tmux new-session -d -s "$session" -x 80 -y 24 "stty -a >$work/stty-before; sleep 600"
while [ ! -s "$work/stty-before" ]; do sleep 0.1; done
stty_before=$(tr -s ' ;' '\n' <"$work/stty-before" | grep -E '^-?(icanon|echo|isig)$' | sort | tr '\n' ' ')

# interrupt NAME ARGS…: types recur ARGS into an interactive shell in a fresh pane (a
# non-interactive one would die of the same Ctrl-C), waits for the reading line, sends
# Ctrl-C, then asks the shell for the exit status and the terminal's settings: they only
# arrive once recur has ended.
interrupt() {
    local name=$1; shift
    rm -f "$work/status" "$work/stty-after"
    tmux kill-session -t "$session" 2>/dev/null || true
    tmux new-session -d -s "$session" -x 120 -y 30 -c "$work" "bash --norc --noprofile"
    tmux send-keys -t "$session" "$recur $*" Enter
    if ! wait_for 'reading big\.txt \(190 MB\): [0-9]+%' 30; then
        fail "$name: a progress line while the corpus loads"
        return
    fi
    ok "$name: a progress line while the corpus loads"
    if wait_for 'tok/s|words/s|step ' 0; then
        fail "$name: the load finished before Ctrl-C could be sent (make the corpus larger)"
        return
    fi
    local sent=$SECONDS
    tmux send-keys -t "$session" C-c
    tmux send-keys -t "$session" "echo \$? >$work/status; stty -a >$work/stty-after" Enter
    local deadline=$((SECONDS + 3))
    while [ ! -s "$work/stty-after" ] && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    if [ -s "$work/status" ] && [ "$(cat "$work/status")" = 130 ]; then
        ok "$name: Ctrl-C during the load exits at once (130, within $((SECONDS - sent + 1)) s)"
    else
        fail "$name: Ctrl-C during the load: status '$(cat "$work/status" 2>/dev/null)' after $((SECONDS - sent)) s"
        return
    fi
    local after
    after=$(tr -s ' ;' '\n' <"$work/stty-after" | grep -E '^-?(icanon|echo|isig)$' | sort | tr '\n' ' ')
    if [ "$after" = "$stty_before" ]; then ok "$name: the terminal is as it was ($after)"; else fail "$name: the terminal changed: '$after', was '$stty_before'"; fi
}

interrupt "workbench, word level" --corpus big.txt --level word --checkpoint "$work/wb.safetensors"
interrupt "workbench, char level" --corpus big.txt --checkpoint "$work/wc.safetensors"
interrupt "workbench --word2vec" --word2vec --corpus big.txt --out "$work/v.txt"
interrupt "train, word level" train --corpus big.txt --level word --checkpoint "$work/t.safetensors"
interrupt "embed" embed --corpus big.txt --out "$work/e.txt"
finish "load_interrupt"
