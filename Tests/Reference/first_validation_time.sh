#!/usr/bin/env bash
# Issue 21: seconds from starting the workbench (pressing Enter) to its first training
# loss and to its first validation point, on the generated Zipf corpus (make_zipf_corpus.py:
# 850,000 lines, V ≈ 226k words at --min-count 5), word LSTM 2×256, default softmax and
# --eval-tokens. Read from the screen through tmux, every 0.5 s.
# Needs python3 (PYTHON) and tmux.
# Usage: Tests/Reference/first_validation_time.sh [path/to/recur] [lines]
set -euo pipefail
cd "$(dirname "$0")/../.."
recur=${1:-.build/release/recur}
recur=$(cd "$(dirname "$recur")" && pwd)/$(basename "$recur")
lines=${2:-850000}
python=${PYTHON:-python3}
work=$(mktemp -d)
session="recur-firstval-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT
"$python" Tests/Reference/make_zipf_corpus.py "$work/zipf.txt" --lines "$lines"
echo "corpus: $(du -m "$work/zipf.txt" | cut -f1) MB, $lines lines"
start=$(date +%s.%N)
tmux new-session -d -s "$session" -x 160 -y 45 -c "$work" \
    "$recur --corpus zipf.txt --level word --min-count 5 --layers 2 --hidden 256 --embed 256 --no-autosave; sleep 600"
first_train="" first_val=""
for _ in $(seq 2400); do
    screen=$(tmux capture-pane -p -t "$session")
    now=$(date +%s.%N)
    if [ -z "$first_train" ] && grep -q "train [0-9]" <<<"$screen"; then first_train=$(echo "$now - $start" | bc); fi
    if [ -z "$first_val" ] && grep -q "val [0-9][0-9.]*  best" <<<"$screen"; then first_val=$(echo "$now - $start" | bc); break; fi
    sleep 0.5
done
tmux capture-pane -p -t "$session" | head -3
tmux send-keys -t "$session" q
echo "first training loss on screen after ${first_train:-never} s; first validation point after ${first_val:-never (20 min)} s"
