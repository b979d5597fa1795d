#!/usr/bin/env bash
# Holds Recur against PyTorch (the numerical oracle) for every cell with 2 layers:
# validation loss of the same checkpoint (recur eval vs torch_oracle.py eval) and one
# SGD step from --init (lr 0.5, no clipping) vs torch_oracle.py step.
# Needs a Python with Tests/Reference/requirements.txt (PYTHON, default python3); the
# reference model is Tests/Reference/recur_torch_reference.py, the text the bundled sample.
# RECUR_KERNELS=portable|avx2|avx512 checks one kernel path of the binary.
# Usage: Tests/Reference/pytorch_agreement.sh [corpus] [path/to/recur]
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus=${1:-samples/default.txt}
recur=${2:-.build/release/recur}
python=${PYTHON:-python3}
oracle=Tests/Reference/recur_torch_reference.py
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The tied LSTM: decoder.weight = encoder.weight in both (Recur --tie-weights, PyTorch's
# shared Parameter), so the step's gradient is the sum of both uses. The "table" runs use
# chunks of 32 × 16 = 512 rows, four times the vocabulary or more, where Recur computes
# layer 0's input projection through its token table (TrainingGraph); the others embed
# every row. The "adaptive" runs use nn.AdaptiveLogSoftmaxWithLoss's layout (cutoffs 10,30,
# div_value 2: a shortlist of 10 and two clusters projected to 16 and 8), and also compare
# `recur explain` (log p of a shortlist token and of one in each cluster, and the
# saliency, a gradient through the whole network) with the same in PyTorch. The "ln" runs
# are --norm layer, against recur_torch's LayerNormRNN (torch ops step by step, nn.LayerNorm
# for the norms, the LSTM carrying c itself); "ln-table" takes layer 0's table of LN rows.
passed=0
for config in "lstm tanh" "gru tanh" "rnn tanh" "rnn relu" "rnn sigmoid" "lstm tanh tied" \
        "lstm tanh table" "gru tanh table" "rnn tanh table" \
        "lstm tanh adaptive" "gru tanh adaptive" "rnn relu adaptive" "lstm tanh adaptive-table" \
        "lstm tanh ln" "gru tanh ln" "rnn tanh ln" "rnn sigmoid ln" "lstm tanh ln-table" "gru tanh ln-table"; do
    set -- $config
    shape=(--embed 16 --hidden 32)
    chunks=(--seq 16 --batch 8)
    [ "${3:-}" = tied ] && shape=(--embed 32 --hidden 32 --tie-weights)
    [ "${3:-}" = table ] && chunks=(--seq 32 --batch 16)
    case "${3:-}" in ln*) shape+=(--norm layer) ;; esac
    [ "${3:-}" = ln-table ] && chunks=(--seq 32 --batch 16)
    case "${3:-}" in adaptive*) shape+=(--softmax adaptive --cutoffs 10,30 --div-value 2) ;; esac
    [ "${3:-}" = adaptive-table ] && chunks=(--seq 32 --batch 16)
    before=$work/$1-$2-${3:-}.safetensors after=$work/$1-$2-${3:-}-after.safetensors
    "$recur" train --corpus "$corpus" --cell "$1" --activation "$2" --layers 2 "${shape[@]}" \
        "${chunks[@]}" --steps 30 --eval-every 0 --checkpoint "$before" 2>/dev/null
    ours=$("$recur" eval --checkpoint "$before" --corpus "$corpus" --json)
    theirs=$("$python" "$oracle" eval "$before" "$corpus")
    "$recur" train --corpus "$corpus" --init "$before" --optimizer sgd --lr 0.5 --clip 0 --steps 1 \
        --eval-every 0 --checkpoint "$after" 2>/dev/null
    step=$("$python" "$oracle" step "$before" "$after" "$corpus" --lr 0.5)
    "$python" - "$1 $2 ${3:-}" "$ours" "$theirs" "$step" <<'PY'
import json, sys
name, ours, theirs, step = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3]), json.loads(sys.argv[4])
relative = abs(ours["val_loss"] - theirs["val_loss"]) / theirs["val_loss"]
# The adaptive softmax is held to the issue's bar (relative 1e-6); the others keep theirs.
ok = relative <= (1e-6 if "adaptive" in name else 2e-4) and step["max_abs_diff"] <= 1e-4
print(f"{name:12} val_loss recur {ours['val_loss']:.8f} torch {theirs['val_loss']:.8f} (relative {relative:.1e})"
      f"  SGD step max |Δw| {step['max_abs_diff']:.1e}  {'ok' if ok else 'FAIL'}")
sys.exit(0 if ok else 1)
PY
    case "${3:-}" in adaptive*)
        "$python" - "$recur" "$python" "$oracle" "$before" "$1 $2 $3" <<'PY'
import json, math, subprocess, sys
recur, python, oracle, checkpoint, name = sys.argv[1:6]
sys.path.insert(0, "python")
from recur_torch import checkpoint as checkpoints
stored = checkpoints.read(checkpoint, training_state=False)
vocab, cutoffs = stored.vocab, stored.config["cutoffs"]
picks = [vocab[1], vocab[cutoffs[0]], vocab[cutoffs[1] + 1], vocab[-1]]
text = "Once upon a time, in a meadow"
theirs = json.loads(subprocess.check_output([python, oracle, "explain", checkpoint, text] + picks))
worst_log_p, worst_saliency = 0.0, 0.0
for token in picks:
    ours = json.loads(subprocess.check_output([recur, "explain", "--checkpoint", checkpoint, "--text", text, "--token", token, "--json"]))
    worst_log_p = max(worst_log_p, abs(math.log(ours["probability"]) - theirs[token]["log_prob"]))
    for mine, reference in zip([s["score"] for s in ours["saliency"]], theirs[token]["saliency"]):
        worst_saliency = max(worst_saliency, abs(mine - reference) / (1e-6 + abs(reference)))
total = max(abs(entry["log_prob_sum"]) for entry in theirs.values())
ok = worst_log_p <= 1e-5 and worst_saliency <= 1e-3 and total <= 1e-5
print(f"{name:12} explain: max |Δ log p| {worst_log_p:.1e} over {len(picks)} tokens (shortlist and every cluster), "
      f"saliency max relative Δ {worst_saliency:.1e}  {'ok' if ok else 'FAIL'}")
sys.exit(0 if ok else 1)
PY
    esac
    passed=$((passed + 1))
done
echo "$passed passed, 0 failed"
