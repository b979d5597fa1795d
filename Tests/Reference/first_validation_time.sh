#!/usr/bin/env bash
# Issue 21: seconds from starting the workbench (pressing Enter) to its first training
# loss and to its first validation point, on the generated Zipf corpus (make_zipf_corpus.py:
# 850,000 lines, V ≈ 226k words at --min-count 5), word LSTM 2×256, default softmax and
# --eval-tokens. Read from the screen through tmux, every 0.5 s, with the CPU-seconds the
# workbench's process had used by then (on a shared machine the wall time depends on the
# neighbours; the CPU time much less).
# Needs python3 (PYTHON) and tmux.
# Usage: Tests/Reference/first_validation_time.sh [path/to/recur] [lines]
# CORPUS=path reads that text instead of generating one (for example the same 87 MB file
# kept from an earlier run).
set -euo pipefail
cd "$(dirname "$0")/../.."
recur=${1:-.build/release/recur}
recur=$(cd "$(dirname "$recur")" && pwd)/$(basename "$recur")
lines=${2:-850000}
python=${PYTHON:-python3}
work=$(mktemp -d)
session="recur-firstval-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT
if [ -n "${CORPUS:-}" ]; then
    ln -s "$(cd "$(dirname "$CORPUS")" && pwd)/$(basename "$CORPUS")" "$work/zipf.txt"
else
    "$python" Tests/Reference/make_zipf_corpus.py "$work/zipf.txt" --lines "$lines"
fi
echo "corpus: $(du -mL "$work/zipf.txt" | cut -f1) MB, $(wc -l <"$work/zipf.txt") lines; CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s.%N)
tmux new-session -d -s "$session" -x 160 -y 45 -c "$work" \
    "$recur --corpus zipf.txt --level word --min-count 5 --layers 2 --hidden 256 --embed 256 --no-autosave; sleep 600"
# CPU-seconds (user + system) of the workbench's process so far.
cpu_seconds() {
    local pid
    pid=$(pgrep -P "$(tmux display-message -p -t "$session" '#{pane_pid}')" | head -1 || true)
    [ -n "$pid" ] && awk -v tick="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / tick }' "/proc/$pid/stat" || echo "?"
}
first_train="" first_val="" train_cpu="" val_cpu="" val_start="" val_start_cpu=""
for _ in $(seq 2400); do
    screen=$(tmux capture-pane -p -t "$session")
    now=$(date +%s.%N)
    if [ -z "$first_train" ] && grep -q "train [0-9]" <<<"$screen"; then first_train=$(echo "$now - $start" | bc); train_cpu=$(cpu_seconds); fi
    if [ -z "$val_start" ] && grep -q "first validation: [0-9]*% read" <<<"$screen"; then val_start=$(echo "$now - $start" | bc); val_start_cpu=$(cpu_seconds); fi
    if [ -z "$first_val" ] && grep -q "val [0-9][0-9.]*  best" <<<"$screen"; then first_val=$(echo "$now - $start" | bc); val_cpu=$(cpu_seconds); break; fi
    sleep 0.5
done
tmux capture-pane -p -t "$session" | head -3
tmux send-keys -t "$session" q
echo "first training loss on screen after ${first_train:-never} s (${train_cpu:-?} CPU-s); the first validation under way after ${val_start:-unseen} s (${val_start_cpu:-?} CPU-s); first validation point after ${first_val:-never (20 min)} s (${val_cpu:-?} CPU-s); load average $(cut -d' ' -f1-3 /proc/loadavg)"
