#!/usr/bin/env bash
# What a new user hit (#26), checked with the release binary under tmux: race mode's
# text boxes are drawn and never swallow q; every mode answers a key it lacks; help
# scrolls at 60×20; ! shows a long notice whole and it is printed again on exit; a
# terminal without an alternate screen is left clean; ansi16 sends 16-colour codes only;
# tok/s stays on an 80-column bar; word level opens Neighbours on a word.
# Usage: Tests/EndToEnd/keys.sh [path/to/recur]
set -euo pipefail
source "$(dirname "$0")/prologue.sh"
corpus=$root/samples/small.txt

# start [ENV=…] -- ARGS…: recur in a fresh session of 120×36 (or $columns×$rows); what it
# prints after the screen is restored lands in the pane, then its exit status.
start() {
    local environment=()
    while [ "$1" != "--" ]; do environment+=("$1"); shift; done
    shift
    rm -f "$work/status"
    tmux kill-session -t "$session" 2>/dev/null || true
    tmux new-session -d -s "$session" -x "${columns:-120}" -y "${rows:-36}" -c "$work" \
        "env ${environment[*]} $recur $*; echo \$? > $work/status; sleep 600"
}
exited() { local deadline=$((SECONDS + ${1:-15})); while [ $SECONDS -lt $deadline ]; do [ -s "$work/status" ] && return 0; sleep 0.2; done; return 1; }
small=(--corpus "$corpus" --hidden 32 --embed 16 --seq 16 --batch 4)

# 1. Race mode: / answers that a race has no neighbours and q still quits; k opens a box
#    that shows what is typed; s steps every model while paused.
start -- race "${small[@]}" --cells rnn,gru --paused
check "race opens paused" wait_for ' paused ' 30
tmux send-keys -t "$session" /
check "race: / says it does nothing there" wait_status '/ does nothing in a race' 5
tmux send-keys -t "$session" k 5
check "race: k draws the top-k box with what is typed" wait_for 'top-k = 5▏' 5
tmux send-keys -t "$session" Escape s
check "race: s steps every model while paused" wait_status ' step 1 ' 10
tmux send-keys -t "$session" q
check "race: q quits" exited
check "  … with status 0" [ "$(cat "$work/status")" = 0 ]

# 2. Vectors mode: keys that cannot act there say so.
"$recur" embed --corpus "$corpus" --epochs 1 --dim 16 --out "$work/v.txt" 2>/dev/null
start -- --vectors "$work/v.txt"
check "vectors mode opens" wait_for 'Neighbours' 20
tmux send-keys -t "$session" s
check "vectors: s says nothing trains" wait_status 'nothing trains in vectors mode' 5
tmux send-keys -t "$session" Right
check "vectors: → says there is no temperature" wait_status 'no sample, so no temperature' 5
tmux send-keys -t "$session" q
check "vectors: q quits" exited

# 3. Help at 60×20 scrolls to its last key without cutting words.
columns=60 rows=20 start -- "${small[@]}" --paused --no-autosave
check "60×20 opens" wait_for 'Loss' 30
tmux send-keys -t "$session" '?'
check "help says it scrolls" wait_for '↑↓ scroll' 5
for _ in $(seq 30); do tmux send-keys -t "$session" Down; done
check "↓ reaches the last pane's keys" wait_for 'explore \(inspecting\)' 5
tmux send-keys -t "$session" q
check "q quits from help" exited

# 4. A replaced run: the notice is read whole with ! and printed again on exit.
"$recur" train "${small[@]}" --steps 3 --checkpoint "$work/r.safetensors" 2>/dev/null
start -- "${small[@]}" --hidden 24 --paused --no-autosave --checkpoint "$work/r.safetensors"
check "the run is replaced with a notice" wait_status 'kept the previous run' 30
tmux send-keys -t "$session" v '!'
check "! shows the notice whole" wait_for 'which this run uses: --hidden 24' 5
tmux send-keys -t "$session" Escape q
check "q quits" exited
check "the notice is printed again on exit" wait_for 'recur: kept the previous run as r.1.safetensors' 5

# 5. A terminal without an alternate screen (vt100): q leaves no frame behind.
start TERM=vt100 -- "${small[@]}" --paused --checkpoint "$work/vt.safetensors"
check "vt100 draws the workbench" wait_for 'Hidden state' 30
tmux send-keys -t "$session" q
check "vt100: q quits" exited
check "vt100: the last frame is cleared" bash -c "! tmux capture-pane -p -t '$session' | grep -q 'Hidden state'"
check "vt100: saved … is readable" wait_for '^saved .*vt.safetensors' 5

# 6. ansi16 sends only 16-colour codes.
start -- "${small[@]}" --paused --no-autosave --theme ansi16
check "ansi16 draws" wait_for 'Loss' 30
check "ansi16: colours, none of them 256-colour indices" bash -c \
    "tmux capture-pane -p -e -t '$session' | grep -q \$'\\e\\[[0-9;]*3[0-7]' && ! tmux capture-pane -p -e -t '$session' | grep -q '[34]8;5;'"
tmux send-keys -t "$session" q
exited || true

# 7. At 80×24 the status bar keeps tok/s; word level opens Neighbours on a word.
columns=80 rows=24 start -- --corpus "$corpus" --level word --hidden 32 --embed 16 --no-autosave
check "80×24: tok/s on the status bar" wait_status ' tok/s ' 30
tmux send-keys -t "$session" s
check "80×24: a notice leaves tok/s on the bar" wait_status 'tok/s .*s trains one step' 5
check "word level: the first query is a word, not ⏎" bash -c \
    "sleep 3; tmux capture-pane -p -t '$session' | grep -o \"nearest to [^ ]*\" | grep -vq \"'⏎'\""
tmux send-keys -t "$session" q
exited || true

finish "keys.sh"
