#!/usr/bin/env bash
# Exact resume through the command line: 20 steps, save, resume to 40 must give the
# same per-step losses and a byte-identical checkpoint (weights, optimizer state, carried
# state, RNG) as 40 straight steps — with dropout on and two layers.
# Usage: Tests/EndToEnd/resume.sh [path/to/recur]
set -euo pipefail
cd "$(dirname "$0")/../.."
recur=${1:-.build/release/recur}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flags=(--corpus samples/small.txt --dropout 0.3 --layers 2 --hidden 48 --seq 32 --batch 8 --eval-every 0)
"$recur" train "${flags[@]}" --steps 40 --log "$work/straight.jsonl" --checkpoint "$work/straight.safetensors" 2>/dev/null
"$recur" train "${flags[@]}" --steps 20 --log "$work/first.jsonl" --checkpoint "$work/half.safetensors" 2>/dev/null
"$recur" train --corpus samples/small.txt --resume "$work/half.safetensors" --steps 40 --eval-every 0 \
    --log "$work/second.jsonl" --checkpoint "$work/resumed.safetensors" 2>/dev/null
losses() { grep -o '"loss":[^,}]*' "$@"; }
passed=0; failed=0
if [ "$(losses "$work/straight.jsonl")" = "$(cat "$work/first.jsonl" "$work/second.jsonl" | grep -o '"loss":[^,}]*')" ]; then
    echo "ok: 40 per-step losses identical"; passed=$((passed + 1))
else
    echo "FAIL: per-step losses differ"; failed=$((failed + 1))
fi
if cmp -s "$work/straight.safetensors" "$work/resumed.safetensors"; then
    echo "ok: checkpoints byte-identical"; passed=$((passed + 1))
else
    echo "FAIL: checkpoints differ"; failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
