#!/usr/bin/env bash
# End-to-end test of the workbench: runs the release binary inside a detached tmux
# session (no TTY needed), reads the screen with capture-pane and checks that the panes
# appear, training advances, `p` pauses and resumes, and `q`, Ctrl-C and SIGTERM each
# exit with status 0 and leave the terminal in cooked mode.
# Usage: Tests/EndToEnd/workbench.sh [path/to/recur]
set -euo pipefail
source "$(dirname "$0")/prologue.sh"
# A failure here shows the whole screen, not only its last rows.
fail_rows=1000
# The step number shown in the status bar.
current_step() { screen | grep -o 'step [0-9]*' | tail -1 | awk '{print $2}'; }

# Starts recur with the given arguments; when it exits the pane records its status and
# the terminal modes, then waits so the pane stays readable.
start() {
    rm -f "$work/status" "$work/stty"
    tmux kill-session -t "$session" 2>/dev/null || true
    tmux new-session -d -s "$session" -x 120 -y 36 -c "$work" \
        "$recur $*; echo \$? > $work/status; stty -a > $work/stty 2>&1; sleep 600"
}

wait_exit() {
    local deadline=$((SECONDS + 10))
    while [ $SECONDS -lt $deadline ] && [ ! -s "$work/stty" ]; do sleep 0.2; done
    [ -s "$work/stty" ] || { fail "$1: recur did not exit"; return; }
    local status
    status=$(cat "$work/status")
    [ "$status" = 0 ] && ok "$1: exit status 0" || fail "$1: exit status $status"
    if grep -Eq '(^| )-icanon( |$)' "$work/stty" || grep -Eq '(^| )-echo( |$)' "$work/stty"; then
        fail "$1: terminal left in raw mode: $(grep -o -- '-*icanon\|-*echo ' "$work/stty" | tr '\n' ' ')"
    else
        ok "$1: terminal back in cooked mode"
    fi
}

# 1. The panes appear and training advances.
start --checkpoint "$work/run.safetensors"
if wait_status ' step [1-9]' 60; then ok "training started"; else fail "no step advanced within 60 s"; fi
for pane in "Loss" "Hidden state" "Neighbours" "Sample" "temperature [0-9]\.[0-9][0-9]"; do
    if wait_for "$pane" 10; then ok "pane shows '$pane'"; else fail "no '$pane' on screen"; fi
done
if wait_for "nearest to '.'  / query" 15 && wait_for "0\.[0-9]{3} [█▏▎▍▌▋▊▉]" 15; then ok "neighbours listed"; else fail "no neighbours"; fi

# 2. p pauses: the step holds for 2 s; p again resumes and the step advances.
tmux send-keys -t "$session" p
if wait_for ' paused ' 5; then ok "p shows paused"; else fail "p did not pause"; fi
sleep 0.5
held=$(current_step)
sleep 2
if [ "$(current_step)" = "$held" ]; then ok "step held at $held while paused"; else fail "step moved while paused ($held → $(current_step))"; fi
tmux send-keys -t "$session" p
if wait_for ' running( |$)' 5; then ok "p resumes"; else fail "p did not resume"; fi
sleep 2
if [ "$(current_step)" -gt "$held" ]; then ok "step advanced after resume"; else fail "step stuck at $held after resume"; fi

# 3. The temperature follows the arrows; help opens.
before=$(screen | grep -o 'temperature [0-9.]*' | head -1)
tmux send-keys -t "$session" Right Right
sleep 0.5
after=$(screen | grep -o 'temperature [0-9.]*' | head -1)
[ "$before" != "$after" ] && ok "→ changes the temperature ($before → $after)" || fail "→ did not change the temperature"
tmux send-keys -t "$session" '?'
if wait_for 'pause or resume training' 3; then ok "? shows help"; else fail "? did not show help"; fi
tmux send-keys -t "$session" Escape

# 3b. A neighbour query through the query box.
tmux send-keys -t "$session" / a Enter
if wait_for "nearest to 'a'" 5 && wait_for "0\.[0-9]{3} [█▏▎▍▌▋▊▉]" 10; then ok "/ a ⏎ queries the neighbours of 'a'"; else fail "neighbour query did not run"; fi

# 3c. Resizing down to 50×14 and up to 220×60 never crashes and redraws everything.
tmux resize-window -t "$session" -x 50 -y 14
if wait_for 'terminal too small' 5; then ok "50×14 says the terminal is too small"; else fail "no too-small notice at 50×14"; fi
tmux resize-window -t "$session" -x 220 -y 60
if wait_for 'Hidden state' 5 && [ "$(screen | wc -l)" -ge 59 ] && screen | sed -n 60p | grep -q 'help  q quit'; then
    ok "220×60 lays the panes out again, status bar on the last row"
else
    fail "no full layout at 220×60"
fi
if screen | grep -q 'terminal too small'; then fail "junk from the small size left on screen"; else ok "no junk left after resizing"; fi
tmux resize-window -t "$session" -x 120 -y 36

# 4. q quits cleanly and saves a checkpoint that resumes where it stopped.
tmux send-keys -t "$session" q
wait_exit "q"
if [ -s "$work/run.safetensors" ] && "$recur" inspect "$work/run.safetensors" | grep -q '^progress    step [1-9]'; then
    ok "quit saved a readable checkpoint"
else
    fail "no checkpoint after quit"
fi
start --paused --resume "$work/run.safetensors" --checkpoint "$work/run.safetensors"
saved_step=$("$recur" inspect "$work/run.safetensors" --json | grep -o '"step":[0-9]*' | cut -d: -f2)
if wait_status " step $saved_step " 30; then ok "--resume continues at step $saved_step"; else fail "--resume did not show step $saved_step"; fi
tmux send-keys -t "$session" q
wait_exit "q after resume"

# 5. Ctrl-C and SIGTERM quit cleanly too.
start --paused
wait_for 'Loss' 30 || fail "workbench did not start"
tmux send-keys -t "$session" C-c
wait_exit "Ctrl-C"
start --paused
wait_for 'Loss' 30 || fail "workbench did not start"
pkill -TERM -f "^$recur --paused" || true
wait_exit "SIGTERM"

# 6. A too-small window says so, and q still quits.
start --paused
wait_for 'Loss' 30 || fail "workbench did not start"
tmux resize-window -t "$session" -x 40 -y 10 2>/dev/null || tmux resize-pane -t "$session" -x 40 -y 10
if wait_for 'terminal too small' 5; then ok "too-small notice"; else fail "no too-small notice at 40×10"; fi
tmux send-keys -t "$session" q
wait_exit "q when too small"

# 7. Themes and NO_COLOR: a named theme starts; NO_COLOR draws without colour codes.
start --paused --no-autosave --theme light
if wait_for 'Loss' 30 && tmux capture-pane -p -e -t "$session" | grep -q $'\e\\[[0-9;]*3[0-9]'; then ok "--theme light draws in colour"; else fail "--theme light"; fi
tmux send-keys -t "$session" q
wait_exit "q with a theme"
rm -f "$work/status" "$work/stty"
tmux kill-session -t "$session" 2>/dev/null || true
tmux new-session -d -s "$session" -x 120 -y 36 \
    "NO_COLOR=1 $recur --paused --no-autosave; echo \$? > $work/status; stty -a > $work/stty 2>&1; sleep 600"
if wait_for 'Loss' 30 && ! tmux capture-pane -p -e -t "$session" | grep -q $'\e\\[[0-9;]*3[0-7][0-9;]*m'; then ok "NO_COLOR: no colour codes"; else fail "NO_COLOR still draws colours"; fi
tmux send-keys -t "$session" q
wait_exit "q under NO_COLOR"
if "$recur" --theme no-such-theme >"$work/out" 2>&1; then fail "unknown theme accepted"; else
    grep -q "unknown theme 'no-such-theme'" "$work/out" && ok "unknown theme: clear error" || fail "unknown theme: $(cat "$work/out")"
fi

# 8. The other modes: a race, word2vec live, pretrained vectors.
start race --cells rnn,lstm,gru --hidden 64
if wait_for 'GRU 64×1' 30 && wait_status ' step [1-9]' 30; then ok "race shows three models training"; else fail "race"; fi
tmux send-keys -t "$session" q
wait_exit "q in a race"
start --word2vec --lowercase --epochs 3 --dim 32
if wait_for ' done ' 60 && wait_for 'Map · PCA' 10; then ok "--word2vec trains to the end with a map"; else fail "--word2vec"; fi
tmux send-keys -t "$session" q
wait_exit "q after word2vec"
"$recur" embed --corpus samples/default.txt --lowercase --epochs 3 --dim 32 --out "$work/vectors.txt" 2>/dev/null
start --vectors "$work/vectors.txt"
tmux send-keys -t "$session" / f o x Enter
if wait_for 'nearest to fox' 10 && wait_for '(rabbit|badger|otter|mouse|wolf|deer|bear|owl|mole|heron)' 10; then ok "--vectors: / fox lists animals"; else fail "--vectors neighbours"; fi
tmux send-keys -t "$session" q
wait_exit "q with vectors"

# 9. Bad input is a one-line error, not a crash or a garbled terminal.
if "$recur" --corpus /nonexistent.txt >"$work/out" 2>&1; then fail "missing corpus accepted"; else
    status=$?
    [ $status -lt 128 ] && grep -q 'corpus not found' "$work/out" && ok "missing corpus: exit $status, clear message" || fail "missing corpus: exit $status: $(cat "$work/out")"
fi

finish
