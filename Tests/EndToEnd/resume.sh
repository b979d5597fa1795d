#!/usr/bin/env bash
# Exact resume through the command line: 20 steps, save, resume to 40 must give the
# same per-step losses and an identical checkpoint (weights, optimizer state, carried
# state, RNG, metadata, loss curve) as 40 straight steps — with dropout on and two layers.
# Usage: Tests/EndToEnd/resume.sh [path/to/recur]
set -euo pipefail
source "$(dirname "$0")/prologue.sh"
flags=(--corpus samples/small.txt --dropout 0.3 --layers 2 --hidden 48 --seq 32 --batch 8 --eval-every 0)
"$recur" train "${flags[@]}" --steps 40 --log "$work/straight.jsonl" --checkpoint "$work/straight.safetensors" 2>/dev/null
"$recur" train "${flags[@]}" --steps 20 --log "$work/first.jsonl" --checkpoint "$work/half.safetensors" 2>/dev/null
"$recur" train --corpus samples/small.txt --resume "$work/half.safetensors" --steps 40 --eval-every 0 \
    --log "$work/second.jsonl" --checkpoint "$work/resumed.safetensors" 2>/dev/null
losses() { grep -o '"loss":[^,}]*' "$@"; }
if [ "$(losses "$work/straight.jsonl")" = "$(cat "$work/first.jsonl" "$work/second.jsonl" | grep -o '"loss":[^,}]*')" ]; then
    ok "40 per-step losses identical"
else
    fail "per-step losses differ"
fi
# Tensors and metadata must be identical; of the history (which records wall-clock
# training time and the extra validation the first half ran at its last step) the
# training curve must be.
if python3 - "$work/straight.safetensors" "$work/resumed.safetensors" <<'PY'
import json, struct, sys
def load(path):
    raw = open(path, "rb").read()
    length = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + length])
    history = json.loads(header["__metadata__"].pop("history"))
    return header, raw[8 + length:], history
(a_header, a_data, a_history), (b_header, b_data, b_history) = load(sys.argv[1]), load(sys.argv[2])
assert a_header == b_header, "headers differ"
assert a_data == b_data, "tensor bytes differ"
strip = lambda points: [(p["step"], p["tokens"], p["loss"]) for p in points]
assert strip(a_history["train"]) == strip(b_history["train"]), "training curves differ"
assert a_history["smoothed"] == b_history["smoothed"], "smoothed curves differ"
assert len(a_history["train"]) == 40, "the history holds every step"
PY
then
    ok "checkpoints identical (tensors, metadata, and the history's training curve)"
else
    fail "checkpoints differ"
fi
finish
