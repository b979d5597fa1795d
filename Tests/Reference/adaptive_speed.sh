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
#   3. With BASE=path/to/an/older/recur: config d (V = 10k, full softmax) with this binary
#      and that one, alternating, on uniform tokens as `recur bench` runs it.
#   4. With TEXT=path/to/a/word-level/text (TEXT=wiki: the Wikipedia extract in gensim's
#      test data, made by wiki_prose.py): the same model trained on that text's words
#      (its own vocabulary, --max-vocab MAX_VOCAB if set) by `recur train` with the full
#      and the adaptive softmax and by `python -m recur_torch train` (PyTorch's
#      AdaptiveLogSoftmaxWithLoss), the tokenizer and streams included; tokens/s from
#      each run's log, after 2 warm-up steps, in alternating rounds; medians.
#
# Needs a Python with Tests/Reference/requirements.txt (PYTHON, default python3).
# Usage: Tests/Reference/adaptive_speed.sh [path/to/recur] [rounds]
# STEPS (default 20) timed steps of the adaptive runs, after 2 warm-up steps; the full
# softmax at V = 226k times 2 steps after 1 (each takes seconds). SYNTHETIC=0 skips 1 and 2 (the generated tokens).
set -euo pipefail
cd "$(dirname "$0")/../.."
recur=${1:-.build/release/recur}
rounds=${2:-3}
steps=${STEPS:-20}
python=${PYTHON:-python3}
oracle=Tests/Reference/recur_torch_reference.py
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores; kernels: $("$recur" bench --vocab 65 --steps 1 --warmup 0 --json | sed 's/.*"kernels":"\([a-z0-9]*\)".*/\1/')"
shape=(--vocab 226000 --embed 256 --hidden 256 --layers 2 --seq 35 --batch 32)
rate() { sed 's/.*"tokens_per_sec": *\([0-9.e+-]*\).*/\1/'; }
adaptive=() full=() torch=()
[ "${SYNTHETIC:-1}" = 0 ] && rounds_226k=0 || rounds_226k=$rounds
for round in $(seq "$rounds_226k"); do
    adaptive+=("$("$recur" bench "${shape[@]}" --softmax adaptive --cutoffs 2000,10000,50000 --zipf 1 --steps "$steps" --warmup 2 --json | rate)")
    torch+=("$(RECUR_TORCH_THREADS=$(nproc) "$python" "$oracle" speed "${shape[@]}" --softmax adaptive --cutoffs 2000,10000,50000 --zipf 1 --steps "$steps" --warmup 2 | rate)")
    full+=("$("$recur" bench "${shape[@]}" --softmax full --zipf 1 --steps 2 --warmup 1 --json | rate)")
    echo "round $round: recur adaptive ${adaptive[-1]} tok/s, pytorch adaptive ${torch[-1]} tok/s, recur full ${full[-1]} tok/s"
done
[ "$rounds_226k" = 0 ] || "$python" - "${adaptive[*]}" "${torch[*]}" "${full[*]}" <<'PY'
import statistics, sys
adaptive, torch, full = (statistics.median(map(float, a.split())) for a in sys.argv[1:4])
print(f"V=226k LSTM 2x256 (medians): recur adaptive {adaptive:.0f} tok/s, recur full {full:.1f} tok/s "
      f"-> adaptive/full {adaptive / full:.1f}x; pytorch adaptive {torch:.0f} tok/s -> recur/pytorch {adaptive / torch:.2f}x")
PY
[ "${SYNTHETIC:-1}" = 0 ] || echo "crossover (config d's shape, LSTM 2x200, 35 x 20, Zipf 1 tokens, default cutoffs):"
[ "${SYNTHETIC:-1}" = 0 ] && vocabularies="" || vocabularies="5000 10000 20000 30000 50000 100000"
for vocab in $vocabularies; do
    f=$("$recur" bench --vocab $vocab --embed 200 --hidden 200 --layers 2 --seq 35 --batch 20 --softmax full --zipf 1 --steps 10 --warmup 2 --json | rate)
    a=$("$recur" bench --vocab $vocab --embed 200 --hidden 200 --layers 2 --seq 35 --batch 20 --softmax adaptive --zipf 1 --steps 10 --warmup 2 --json | rate)
    "$python" -c "import sys; f, a = map(float, sys.argv[1:]); print(f'  V={$vocab:>6}: full {f:8.0f} tok/s, adaptive {a:8.0f} tok/s, adaptive/full {a / f:5.2f}x')" "$f" "$a"
done
if [ -n "${BASE:-}" ]; then
    d=(--cell lstm --vocab 10000 --embed 200 --hidden 200 --layers 2 --seq 35 --batch 20 --steps 20 --warmup 3 --json)
    new=() old=()
    for round in $(seq "$rounds"); do
        new+=("$("$recur" bench "${d[@]}" | rate)")
        old+=("$("$BASE" bench "${d[@]}" | rate)")
        echo "config d round $round: this binary ${new[-1]} tok/s, BASE ${old[-1]} tok/s"
    done
    "$python" - "${new[*]}" "${old[*]}" <<'PY'
import statistics, sys
new, old = (statistics.median(map(float, a.split())) for a in sys.argv[1:3])
print(f"config d (medians): this binary {new:.0f} tok/s, BASE {old:.0f} tok/s -> {new / old:.3f}x")
PY
fi
if [ -n "${TEXT:-}" ]; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    text=$TEXT
    if [ "$text" = wiki ]; then
        text="$work/wiki.txt"
        "$python" Tests/Reference/wiki_prose.py "$text"
    fi
    flags=(--corpus "$text" --level word --embed 256 --hidden 256 --layers 2 --seq 35 --batch 32 --eval-every 0 --eval-tokens 1000)
    [ -n "${MAX_VOCAB:-}" ] && flags+=(--max-vocab "$MAX_VOCAB")
    # Tokens per second between the log's record of step 3 and its last record (whose
    # time is taken before the closing validation).
    log_rate() {
        "$python" -c 'import json, sys
records = [json.loads(line) for line in open(sys.argv[1])]
first, last = records[2], records[-1]
print((last["tokens"] - first["tokens"]) / (last["time"] - first["time"]))' "$1"
    }
    text_steps=$((steps + 3)) full_steps=$((${FULL_STEPS:-4} + 3))
    text_adaptive=() text_torch=() text_full=()
    for round in $(seq "$rounds"); do
        "$recur" train "${flags[@]}" --softmax adaptive --cutoffs 2000,10000 --steps "$text_steps" --log "$work/a.jsonl" --checkpoint "$work/a.safetensors" 2>"$work/a.err" || { cat "$work/a.err" >&2; exit 1; }
        text_adaptive+=("$(log_rate "$work/a.jsonl")")
        PYTHONPATH=python "$python" -m recur_torch train "${flags[@]}" --softmax adaptive --cutoffs 2000,10000 \
            --steps "$text_steps" --log "$work/t.jsonl" --checkpoint "$work/t.safetensors" 2>"$work/t.err" >&2 || { cat "$work/t.err" >&2; exit 1; }
        text_torch+=("$(log_rate "$work/t.jsonl")")
        "$recur" train "${flags[@]}" --softmax full --steps "$full_steps" --log "$work/f.jsonl" --checkpoint "$work/f.safetensors" 2>"$work/f.err" || { cat "$work/f.err" >&2; exit 1; }
        text_full+=("$(log_rate "$work/f.jsonl")")
        rm -f "$work"/*.safetensors "$work"/*.jsonl
        echo "text round $round: recur adaptive ${text_adaptive[-1]} tok/s, pytorch adaptive ${text_torch[-1]} tok/s, recur full ${text_full[-1]} tok/s"
    done
    vocabulary=$("$recur" train "${flags[@]}" --softmax adaptive --cutoffs 2000,10000 --steps 1 --checkpoint "$work/v.safetensors" 2>/dev/null; "$python" -c 'import json, sys
with open(sys.argv[1], "rb") as file:
    print(len(json.loads(json.loads(file.read(int.from_bytes(file.read(8), "little")))["__metadata__"]["vocab"])))' "$work/v.safetensors")
    "$python" - "$(basename "$TEXT")" "$vocabulary" "${text_adaptive[*]}" "${text_torch[*]}" "${text_full[*]}" <<'PY'
import statistics, sys
name, vocabulary = sys.argv[1:3]
adaptive, torch, full = (statistics.median(map(float, a.split())) for a in sys.argv[3:6])
print(f"{name} (V={vocabulary}, LSTM 2x256, 35 x 32, cutoffs 2000,10000; medians): recur adaptive {adaptive:.0f} tok/s, recur full {full:.0f} tok/s "
      f"-> adaptive/full {adaptive / full:.1f}x; pytorch adaptive {torch:.0f} tok/s -> recur/pytorch {adaptive / torch:.2f}x")
PY
fi
