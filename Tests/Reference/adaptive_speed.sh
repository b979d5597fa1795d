#!/usr/bin/env bash
# Issue 21's speed figures, measured side by side in one run (the machine may be shared:
# compare the ratios, not the absolute rates). All runs train a word LSTM on tokens drawn
# from Zipf(1) over the vocabulary (id = frequency rank, as a word vocabulary is ordered),
# the token mix of natural text that sets the adaptive softmax's cost.
#
#   1. V = 226,000, LSTM 2×256 (embed 256), 35 steps × 32 streams, cutoffs 2000,10000,50000:
#      Recur adaptive vs Recur full softmax, and Recur adaptive vs PyTorch's
#      nn.AdaptiveLogSoftmaxWithLoss (same model, cutoffs, div_value 4, Adam, clip 5), in
#      alternating rounds; medians.
#   2. The crossover that sets the default (--softmax): config d's shape (LSTM 2×200,
#      35 × 20) with full and adaptive softmax at V = 5k … 100k.
#
# Needs a Python with Tests/Reference/requirements.txt (PYTHON, default python3).
# Usage: Tests/Reference/adaptive_speed.sh [path/to/recur] [rounds]
# STEPS (default 20) timed steps of the adaptive runs, after 2 warm-up steps; the full
# softmax at V = 226k times 2 steps after 1 (each takes seconds).
set -euo pipefail
cd "$(dirname "$0")/../.."
recur=${1:-.build/release/recur}
rounds=${2:-3}
steps=${STEPS:-20}
python=${PYTHON:-python3}
oracle=Tests/Reference/recur_torch_reference.py
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores; kernels: $("$recur" bench --vocab 65 --steps 1 --warmup 0 --json | sed 's/.*"kernels":"\([a-z0-9]*\)".*/\1/')"
shape=(--vocab 226000 --embed 256 --hidden 256 --layers 2 --seq 35 --batch 32)
rate() { sed 's/.*"tokens_per_sec":\([0-9.e+-]*\).*/\1/'; }
adaptive=() full=() torch=()
for round in $(seq "$rounds"); do
    adaptive+=("$("$recur" bench "${shape[@]}" --softmax adaptive --cutoffs 2000,10000,50000 --zipf 1 --steps "$steps" --warmup 2 --json | rate)")
    torch+=("$(RECUR_TORCH_THREADS=$(nproc) "$python" "$oracle" speed "${shape[@]}" --softmax adaptive --cutoffs 2000,10000,50000 --zipf 1 --steps "$steps" --warmup 2 | rate)")
    full+=("$("$recur" bench "${shape[@]}" --softmax full --zipf 1 --steps 2 --warmup 1 --json | rate)")
    echo "round $round: recur adaptive ${adaptive[-1]} tok/s, pytorch adaptive ${torch[-1]} tok/s, recur full ${full[-1]} tok/s"
done
"$python" - "${adaptive[*]}" "${torch[*]}" "${full[*]}" <<'PY'
import statistics, sys
adaptive, torch, full = (statistics.median(map(float, a.split())) for a in sys.argv[1:4])
print(f"V=226k LSTM 2x256 (medians): recur adaptive {adaptive:.0f} tok/s, recur full {full:.1f} tok/s "
      f"-> adaptive/full {adaptive / full:.1f}x; pytorch adaptive {torch:.0f} tok/s -> recur/pytorch {adaptive / torch:.2f}x")
PY
echo "crossover (config d's shape, LSTM 2x200, 35 x 20, Zipf 1 tokens, default cutoffs):"
for vocab in 5000 10000 20000 30000 50000 100000; do
    f=$("$recur" bench --vocab $vocab --embed 200 --hidden 200 --layers 2 --seq 35 --batch 20 --softmax full --zipf 1 --steps 10 --warmup 2 --json | rate)
    a=$("$recur" bench --vocab $vocab --embed 200 --hidden 200 --layers 2 --seq 35 --batch 20 --softmax adaptive --zipf 1 --steps 10 --warmup 2 --json | rate)
    "$python" -c "import sys; f, a = map(float, sys.argv[1:]); print(f'  V={$vocab:>6}: full {f:8.0f} tok/s, adaptive {a:8.0f} tok/s, adaptive/full {a / f:5.2f}x')" "$f" "$a"
done
