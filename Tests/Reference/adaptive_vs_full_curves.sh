#!/usr/bin/env bash
# Issue 21: perplexity at equal tokens, adaptive against full softmax, where the full
# softmax is still practical (V ≈ 30k). For each text, `recur train` trains the same
# word LSTM twice — same seed, same initial recurrent weights, same token stream, same
# steps — once with --softmax full and once with --softmax adaptive (default cutoffs:
# 2000,10000 below V = 30k), logs the validation loss every EVAL_EVERY steps (--log),
# and prints both curves side by side with the final difference.
#
# Texts: a generated Zipf corpus (make_zipf_corpus.py, 30,000 lines over 40,000 types) and a real English
# text, the Wikipedia extract in gensim's test data (wiki_prose.py, made at run time,
# skipped when gensim is absent), both capped at --max-vocab 30000; any further
# arguments are more word-level texts (for example tinyshakespeare.txt).
# Needs python3 (PYTHON) with gensim for the real text. A benchmark, not a CI test: the
# full softmax at V = 30k takes minutes.
#
# Usage: Tests/Reference/adaptive_vs_full_curves.sh [path/to/recur] [TEXT...]
# STEPS (default 600, 35 × 20 = 700 tokens each), EVAL_EVERY (default 100),
# LAYERS (1), HIDDEN (256).
set -euo pipefail
cd "$(dirname "$0")/../.."
recur=${1:-.build/release/recur}
shift || true
python=${PYTHON:-python3}
steps=${STEPS:-600}
every=${EVAL_EVERY:-100}
layers=${LAYERS:-1}
hidden=${HIDDEN:-256}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores; kernels: $("$recur" bench --vocab 65 --steps 1 --warmup 0 --json | sed 's/.*"kernels":"\([a-z0-9]*\)".*/\1/')"
echo "model: word LSTM ${layers}x$hidden (embed $hidden), 35 x 20, Adam 0.002, seed 1, $steps steps, validation every $every steps"

texts=()
"$python" Tests/Reference/make_zipf_corpus.py "$work/zipf.txt" --lines 30000 --types 40000
texts+=("$work/zipf.txt")
if "$python" Tests/Reference/wiki_prose.py "$work/wiki.txt"; then
    texts+=("$work/wiki.txt")
else
    echo "(no real text from gensim: skipped)"
fi
texts+=("$@")

for text in "${texts[@]}"; do
    name=$(basename "$text")
    for softmax in full adaptive; do
        started=$(date +%s.%N)
        "$recur" train --corpus "$text" --level word --max-vocab 30000 --embed "$hidden" --hidden "$hidden" --layers "$layers" \
            --seq 35 --batch 20 --seed 1 --softmax "$softmax" --steps "$steps" --eval-every "$every" --eval-tokens 0 \
            --log "$work/$name.$softmax.jsonl" --checkpoint "$work/$name.$softmax.safetensors" 2>"$work/$name.$softmax.err" \
            || { cat "$work/$name.$softmax.err" >&2; exit 1; }
        echo "$name $softmax: $(echo "$(date +%s.%N) - $started" | bc | cut -c1-6) s wall"
    done
    "$python" - "$name" "$work/$name.full.jsonl" "$work/$name.adaptive.jsonl" "$work/$name.adaptive.safetensors" <<'PY'
import json, math, sys
name, full_path, adaptive_path, checkpoint = sys.argv[1:5]
with open(checkpoint, "rb") as file:  # safetensors: the header's metadata holds vocab and training
    metadata = json.loads(file.read(int.from_bytes(file.read(8), "little")))["__metadata__"]
vocabulary = json.loads(metadata["vocab"])
corpus_tokens = json.loads(metadata["training"])["corpus_tokens"]
def curve(path):
    points = {}
    for line in open(path):
        record = json.loads(line)
        if "val_loss" in record:
            points[record["step"]] = (record["tokens"], record["val_loss"])
    return points
full, adaptive = curve(full_path), curve(adaptive_path)
print(f"{name}: V = {len(vocabulary)}, {corpus_tokens} tokens (validation: the last 10%); validation loss (nats/token) and perplexity at equal tokens")
print(f"  {'step':>6} {'tokens':>9}  {'full':>7} {'ppl':>8}  {'adaptive':>8} {'ppl':>8}  {'adapt-full':>10}")
for step in sorted(set(full) & set(adaptive)):
    tokens, f = full[step]
    _, a = adaptive[step]
    print(f"  {step:>6} {tokens:>9}  {f:7.4f} {math.exp(f):8.1f}  {a:8.4f} {math.exp(a):8.1f}  {a - f:+10.4f}")
last = max(set(full) & set(adaptive))
f, a = full[last][1], adaptive[last][1]
print(f"  final ({full[last][0]} tokens): adaptive - full = {a - f:+.4f} nats/token, "
      f"perplexity {math.exp(a):.1f} vs {math.exp(f):.1f} ({100 * (math.exp(a - f) - 1):+.1f}%)")
PY
done
