#!/usr/bin/env bash
# The workbench's responsiveness and overhead, measured under tmux:
#   1. key-to-screen latency: → pressed while a char-LSTM 2×256 saturates both cores,
#      time until the new temperature is on screen (tmux polling included);
#   2. training throughput in the workbench against `recur train` (default model);
#   3. CPU used while paused and idle for 5 s.
# Usage: Tests/Reference/workbench_speed.sh [path/to/recur]
set -euo pipefail
cd "$(dirname "$0")/../.."
recur=${1:-.build/release/recur}
session="recur-speed-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true' EXIT
screen() { tmux capture-pane -p -t "$session"; }
step() { screen | grep -o 'step [0-9]*' | tail -1 | awk '{print $2}'; }

tmux new-session -d -s "$session" -x 120 -y 36 "$recur --no-autosave --layers 2 --hidden 256 --embed 64; sleep 600"
sleep 6
for _ in 1 2 3 4 5; do
    before=$(screen | grep -o 'temperature [0-9.]*' | head -1)
    start=$(date +%s%N)
    tmux send-keys -t "$session" Right
    while [ "$(screen | grep -o 'temperature [0-9.]*' | head -1)" = "$before" ]; do :; done
    echo "key to screen while training: $(( ($(date +%s%N) - start) / 1000000 )) ms"
    sleep 0.37
done
tmux kill-session -t "$session"

start=$(date +%s.%N)
"$recur" train --steps 1500 --eval-every 0 >/dev/null 2>&1
headless=$(echo "1500 / ($(date +%s.%N) - $start)" | bc -l)
tmux new-session -d -s "$session" -x 120 -y 36 "$recur --no-autosave; sleep 600"
sleep 5
first=$(step); start=$(date +%s.%N)
sleep 20
workbench=$(echo "($(step) - $first) / ($(date +%s.%N) - $start)" | bc -l)
printf 'steps/s: headless %.1f, workbench %.1f (%.0f%%)\n' "$headless" "$workbench" "$(echo "100 * $workbench / $headless" | bc -l)"

tmux send-keys -t "$session" p
sleep 2
pid=$(pgrep -f "^$recur --no-autosave" | head -1)
before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
sleep 5
echo "CPU while paused and idle for 5 s: $(( $(awk '{print $14 + $15}' "/proc/$pid/stat") - before )) ticks of 10 ms"
