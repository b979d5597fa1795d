#!/usr/bin/env bash
# Issue 21: the workbench answers keys while each step is slow. On the generated Zipf
# corpus (make_zipf_corpus.py: V ≈ 226k words at --min-count 5), word LSTM 2×256 with the
# full softmax forced (a step takes seconds; the default, adaptive, takes a fraction of
# one), measured through tmux: the milliseconds from sending a key to the first frame
# that differs (capture-pane polled every 10 ms), for keys that only redraw (x, ?, Esc,
# →), for p (its label, then the pause itself), for a sample (r: until the sample text
# changes) and a neighbour query (/ WORD Enter: until the list changes), first while
# training, then while the first validation runs, and finally q: until the process exits.
# A benchmark, not a CI test (minutes). Needs python3 (PYTHON), tmux and bc.
#
# Usage: Tests/Reference/workbench_latency.sh [path/to/recur] [corpus.txt]
# (without a corpus, the 87 MB one is generated); SEQ (35), BATCH (32), SOFTMAX (full),
# EVAL_TOKENS (200000: the workbench's default slice). QUIT_ONLY=1: only q, 3 s after the
# first step (when the first validation is due), until the process exits or 180 s pass
# (then it is killed): this compares binaries that do not show a validation's progress.
set -euo pipefail
cd "$(dirname "$0")/../.."
recur=${1:-.build/release/recur}
recur=$(cd "$(dirname "$recur")" && pwd)/$(basename "$recur")
python=${PYTHON:-python3}
work=$(mktemp -d)
session="recur-latency-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT
if [ -n "${2:-}" ]; then
    corpus=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
else
    corpus="$work/zipf.txt"
    "$python" Tests/Reference/make_zipf_corpus.py "$corpus"
fi
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
tmux new-session -d -s "$session" -x 160 -y 45 -c "$work" \
    "$recur --corpus '$corpus' --level word --min-count 5 --layers 2 --hidden 256 --embed 256 --softmax ${SOFTMAX:-full} --seq ${SEQ:-35} --batch ${BATCH:-32} --eval-tokens ${EVAL_TOKENS:-200000} --no-autosave --checkpoint '$work/latency.safetensors'; sleep 600"

screen() { tmux capture-pane -p -t "$session"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# Waits (up to $2 s) until the screen matches the regular expression $1.
wait_for() {
    local deadline=$(( $(date +%s) + $2 ))
    until screen | grep -q -- "$1"; do
        [ "$(date +%s)" -lt "$deadline" ] || { echo "never saw '$1' within $2 s"; screen | tail -3; exit 1; }
        sleep 0.2
    done
}
# Milliseconds from sending key $1 until the screen (or the part `$2` cuts out of it, a
# sed range of lines and a cut range of columns) differs; "no answer" after 60 s.
latency() {
    local key=$1 part=${2:-} before start
    region() { if [ -n "$part" ]; then screen | sed -n "${part% *}p" | cut -c"${part#* }"; else screen; fi; }
    before=$(region)
    start=$(now_ms)
    tmux send-keys -t "$session" "$key"
    while [ "$(region)" = "$before" ]; do
        [ $(( $(now_ms) - start )) -lt 60000 ] || { echo "no answer in 60 s"; return; }
        sleep 0.01
    done
    echo "$(( $(now_ms) - start )) ms"
}
measure_keys() {
    echo "  x (loss axis): $(latency x)"
    echo "  x again: $(latency x)"
    echo "  ? (help): $(latency '?')"
    echo "  Esc: $(latency Escape)"
    echo "  → (temperature): $(latency Right)"
    sleep 3
    # The sample's text: the right column's last 12 rows (its header and candidates stay).
    echo "  r (a new sample, until its text shows): $(latency r '30,44 90-159')"
    sleep 1
    tmux send-keys -t "$session" /
    sleep 0.3
    tmux send-keys -t "$session" "$word"
    sleep 0.3
    echo "  / $word Enter (until the neighbour list changes): $(latency Enter '3,14 90-159')"
}

started=$(date +%s.%N)
# Keys are measured once the first step has been trained (the loss pane shows it).
wait_for "train [0-9]" 1200
echo "first step shown after $(echo "$(date +%s.%N) - $started" | bc | cut -c1-6) s: $(screen | tail -1 | tr -s ' ')"
# Waits for the process to exit after q, up to $1 ms (then kills it).
quit_time() {
    local start pid
    pid=$(pgrep -P "$(tmux display-message -p -t "$session" '#{pane_pid}')" | head -1)
    start=$(now_ms)
    tmux send-keys -t "$session" q
    until [ "$(tmux display-message -p -t "$session" '#{pane_current_command}')" = sleep ]; do
        if [ $(( $(now_ms) - start )) -gt "$1" ]; then
            echo "  q: still running after $(( $1 / 1000 )) s (killed)"
            kill -9 "$pid" 2>/dev/null || true
            return
        fi
        sleep 0.05
    done
    echo "  q (until the process exited): $(( $(now_ms) - start )) ms"
}
if [ -n "${QUIT_ONLY:-}" ]; then
    sleep 3
    quit_time 180000
    exit 0
fi
# A word of the vocabulary to ask the neighbours for: a frequent one from the corpus.
word=$(sed -n 2p "$corpus" | cut -d' ' -f4)
echo "while training (full softmax: each step takes seconds):"
measure_keys
wait_for "first validation: [0-9]*% read\|validating [0-9]\|val [0-9]" 1200
echo "while the first validation runs ($(screen | grep -o 'first validation: [0-9]*% read\|validating [0-9]*%' | head -1)):"
measure_keys
echo "  p (its label): $(latency p '45,45 1-160')"
start=$(now_ms)
wait_for " paused " 1200
echo "  p (paused shown): $(( $(now_ms) - start )) ms"
quit_time 1200000
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
