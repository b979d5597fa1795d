#!/usr/bin/env bash
# What --norm layer costs and what it gives (issue #24), measured side by side in one run
# (the machine may be shared: the speed figures are ratios of alternating runs):
#  1. training tokens/s of `recur bench`'s configurations a (char LSTM 2×256, embed 64,
#     seq 64, batch 32) and b (char GRU 1×256, same shapes), with and without --norm layer,
#     alternating, ROUNDS rounds; the ratio LN / none of each round and their median;
#  2. validation loss (`recur eval`, the whole validation text) at equal tokens of a char
#     LSTM 2×256 (embed 64, seq 64, batch 32, Adam 0.002, clip 5) trained STEPS steps
#     (STEPS·2048 tokens) with and without, for seeds 1, 2 and 3;
#  3. `recur gradflow` of that LSTM over a 200-step sequence (8 validation streams), with and
#     without, freshly initialised and after GRADFLOW_STEPS training steps: ‖∂L_T/∂h_{T−k}‖.
# Usage: Tests/Reference/layer_norm_effect.sh CORPUS [path/to/recur]
#   STEPS (default 200), ROUNDS (default 3), GRADFLOW_STEPS (default 100) shorten or lengthen it.
# Not in CI: it trains for minutes. The CPU it ran on is printed first.
set -euo pipefail
corpus=${1:?usage: layer_norm_effect.sh CORPUS [path/to/recur]}
recur=${2:-.build/release/recur}
steps=${STEPS:-200} rounds=${ROUNDS:-3} gradflow_steps=${GRADFLOW_STEPS:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); kernels: $("$recur" bench --steps 1 --warmup 0 --cell lstm --hidden 16 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["kernels"])')"

echo "== 1. tokens/s, recur bench a and b, with and without --norm layer ($rounds alternating rounds)"
a=(--cell lstm --vocab 65 --embed 64 --hidden 256 --layers 2 --seq 64 --batch 32)
b=(--cell gru --vocab 65 --embed 64 --hidden 256 --layers 1 --seq 64 --batch 32)
for name in a b; do
    declare -n shape=$name
    for round in $(seq "$rounds"); do
        for norm in none layer; do
            "$recur" bench "${shape[@]}" --norm "$norm" --steps 20 --warmup 3 --json >>"$work/bench-$name-$norm.jsonl"
        done
    done
done
python3 - "$work" "$rounds" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
for name in "ab":
    runs = {norm: [json.loads(l)["tokens_per_sec"] for l in open(f"{work}/bench-{name}-{norm}.jsonl")] for norm in ("none", "layer")}
    ratios = [ln / plain for plain, ln in zip(runs["none"], runs["layer"])]
    print(f"config {name}: none {' '.join(f'{x:.0f}' for x in runs['none'])} tok/s; layer {' '.join(f'{x:.0f}' for x in runs['layer'])} tok/s;"
          f" LN/none per round {' '.join(f'{r:.3f}' for r in ratios)}, median {statistics.median(ratios):.3f}")
PY

echo "== 2. validation loss after $steps steps ($((steps * 2048)) tokens), char LSTM 2×256, seeds 1-3"
for seed in 1 2 3; do
    for norm in none layer; do
        "$recur" train --corpus "$corpus" --cell lstm --layers 2 --hidden 256 --embed 64 --seq 64 --batch 32 --seed "$seed" \
            --norm "$norm" --steps "$steps" --eval-every 0 --checkpoint "$work/$norm-$seed.safetensors" 2>/dev/null >/dev/null
        "$recur" eval --checkpoint "$work/$norm-$seed.safetensors" --corpus "$corpus" --json >"$work/eval-$norm-$seed.json"
    done
done
python3 - "$work" <<'PY'
import json, statistics, sys
work = sys.argv[1]
losses = {norm: [json.load(open(f"{work}/eval-{norm}-{seed}.json"))["val_loss"] for seed in (1, 2, 3)] for norm in ("none", "layer")}
for norm, values in losses.items():
    print(f"--norm {norm:5}: val_loss {' '.join(f'{v:.4f}' for v in values)} (mean {statistics.mean(values):.4f} nats/char)")
differences = [ln - plain for plain, ln in zip(losses["none"], losses["layer"])]
print(f"layer − none per seed: {' '.join(f'{d:+.4f}' for d in differences)}")
PY

echo "== 3. gradient flow over 200 steps: ‖∂L_T/∂h_{T−k}‖ per layer"
for trained in 0 "$gradflow_steps"; do
    for norm in none layer; do
        "$recur" gradflow --corpus "$corpus" --cell lstm --layers 2 --hidden 256 --embed 64 --seq 200 --batch 8 \
            --norm "$norm" --steps "$trained" --json >"$work/flow-$norm-$trained.json" 2>/dev/null
    done
done
python3 - "$work" "$gradflow_steps" <<'PY'
import json, sys
work, trained = sys.argv[1], sys.argv[2]
for steps in ("0", trained):
    for norm in ("none", "layer"):
        flow = json.load(open(f"{work}/flow-{norm}-{steps}.json"))
        for layer, norms in enumerate(flow["layers"]):
            picks = " ".join(f"k={k}: {norms[k]:.2e}" for k in (0, 10, 50, 100, 199))
            print(f"trained {steps:>3} steps, --norm {norm:5} layer {layer}: {picks}  (k=199 / k=0: {norms[199] / norms[0]:.2e})")
PY
