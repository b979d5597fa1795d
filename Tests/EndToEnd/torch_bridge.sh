#!/usr/bin/env bash
# The bridge between Recur and PyTorch (python/recur_torch), end to end:
#  1. for lstm, gru and rnn at char and word level: Recur trains 10 steps; Recur and
#     python -m recur_torch both continue 30 steps from that checkpoint (Adam, no
#     dropout); their logs must agree within 1e-4 relative (loss, val_loss; see README);
#  2. Recur continues Python's checkpoint and its own 5 more steps: the same losses;
#  3. torchrun with 2 CPU processes (gloo) continues the same run into a --dir: its log
#     matches the 1-process run, and `recur sample` and `recur eval` read its checkpoints;
#     Recur resumes the gathered carried state and continues like the 1-process run.
# Usage: Tests/EndToEnd/torch_bridge.sh path/to/recur   (PYTHON: a python with torch)
set -euo pipefail
: "${1:?usage: torch_bridge.sh path/to/recur}"
source "$(dirname "$0")/prologue.sh"
python=${PYTHON:-python3}
torchrun=$(dirname "$python")/torchrun
corpus=$root/samples/small.txt
export PYTHONPATH=$root/python${PYTHONPATH:+:$PYTHONPATH}

# compare A.jsonl B.jsonl NAME [tolerance]: the same steps, losses within tolerance.
compare() {
    "$python" - "$@" <<'PY'
import json, sys
first, second, name = sys.argv[1:4]
tolerance = float(sys.argv[4]) if len(sys.argv) > 4 else 1e-4
a = [json.loads(line) for line in open(first)]
b = [json.loads(line) for line in open(second)]
assert [r["step"] for r in a] == [r["step"] for r in b], f"{name}: the logs cover different steps"
assert [r["tokens"] for r in a] == [r["tokens"] for r in b], f"{name}: the logs count different tokens"
def worst(key):
    pairs = [(x[key], y[key]) for x, y in zip(a, b) if key in x or key in y]
    assert all(key in x and key in y for x, y in zip(a, b) if key in x or key in y), f"{name}: {key} on different steps"
    return max((abs(x - y) / abs(x) for x, y in pairs), default=0.0), len(pairs)
loss, steps = worst("loss")
validation, evaluations = worst("val_loss")
norm, _ = worst("grad_norm")
ok = loss <= tolerance and validation <= tolerance and evaluations > 0
print(f"{name:36} {steps} steps: max relative difference loss {loss:.1e}, val_loss {validation:.1e} "
      f"({evaluations} evaluations), grad_norm {norm:.1e}  {'ok' if ok else 'FAIL'}")
sys.exit(0 if ok else 1)
PY
}

# A frozen embedding needs vectors to start from: word2vec text, 16 numbers per word.
"$python" - "$work/vectors.txt" <<'PY'
import math, sys
words = ["the", "and", "of", "a", "to", "in", "is", "it"]
with open(sys.argv[1], "w") as out:
    out.write(f"{len(words)} 16\n")
    for row, word in enumerate(words):
        out.write(word + " " + " ".join(f"{math.sin(row * 16 + column):.6f}" for column in range(16)) + "\n")
PY

# The last five hold the other update rules, clipping that bites, weight decay, both
# schedules, tied weights, a frozen embedding and the sigmoid RNN to the same standard;
# the two after them the adaptive softmax (nn.AdaptiveLogSoftmaxWithLoss), one with a
# capped word vocabulary; the last three layer-normalised cells (--norm layer, recur_torch's
# LayerNormRNN).
for config in "lstm char" "gru char" "rnn char" "lstm word" "gru word" "rnn word" \
        "lstm char sgd --optimizer sgd --lr 0.5 --momentum 0.9 --nesterov --weight-decay 0.001 --clip 0.2 --lr-decay-every 7" \
        "gru char rmsprop --optimizer rmsprop --lr 0.001 --clip 0.1 --lr-patience 0 --lr-decay 0.7" \
        "rnn word adagrad --optimizer adagrad --lr 0.05 --weight-decay 0.01 --activation sigmoid" \
        "lstm word tied --tie-weights --hidden 16 --clip 0.5 --lowercase --min-count 2" \
        "gru word frozen --embed-init $work/vectors.txt --freeze-embed --clip 0.3" \
        "lstm word adaptive --softmax adaptive --cutoffs 30,150 --max-vocab 500" \
        "gru char adaptive --softmax adaptive --cutoffs 10,30 --div-value 2" \
        "lstm char ln --norm layer" "gru word ln --norm layer --clip 0.5" "rnn char ln --norm layer --activation relu"; do
    set -- $config
    cell=$1 level=$2 name="$1 $2${3:+ $3}"
    shift 2; [ $# -gt 0 ] && shift
    run=$work/${name// /-}
    mkdir -p "$run"
    "$recur" train --corpus "$corpus" --level "$level" --cell "$cell" --layers 2 --embed 16 --hidden 32 --seq 16 --batch 8 \
        "$@" --steps 10 --eval-every 10 --checkpoint "$run/base.safetensors" 2>/dev/null
    cp "$run/base.safetensors" "$run/recur.safetensors"
    "$recur" train --corpus "$corpus" --resume "$run/recur.safetensors" --checkpoint "$run/recur.safetensors" \
        --steps 40 --eval-every 5 --log "$run/recur.jsonl" 2>/dev/null
    "$python" -m recur_torch train --corpus "$corpus" --resume "$run/base.safetensors" --steps 40 --eval-every 5 \
        --log "$run/torch.jsonl" --checkpoint "$run/torch.safetensors" 2>/dev/null
    compare "$run/recur.jsonl" "$run/torch.jsonl" "$name: Recur vs PyTorch"
    # Recur takes Python's checkpoint back and continues as it continues its own.
    for side in recur torch; do
        "$recur" train --corpus "$corpus" --resume "$run/$side.safetensors" --checkpoint "$run/$side.safetensors" \
            --steps 45 --eval-every 5 --log "$run/$side-back.jsonl" 2>/dev/null
    done
    compare "$run/recur-back.jsonl" "$run/torch-back.jsonl" "$name: Recur resumes PyTorch"
done

# Two processes with gloo, into a run folder, from the char LSTM's step-10 checkpoint.
run=$work/lstm-char
OMP_NUM_THREADS=1 "$torchrun" --standalone --nproc_per_node 2 -m recur_torch train --corpus "$corpus" --resume "$run/base.safetensors" \
    --steps 40 --eval-every 5 --dir "$work/folder" --checkpoint-every 10 >"$work/torchrun.out" 2>&1 \
    || { cat "$work/torchrun.out"; exit 1; }
for step in 20 30 40; do
    [ -f "$work/folder/step-000000$step.safetensors" ] || { echo "FAIL: no step-000000$step.safetensors"; ls "$work/folder"; exit 1; }
done
compare "$run/torch.jsonl" "$work/folder/log.jsonl" "2 processes vs 1 (gloo)"
"$python" - "$work/folder/log.jsonl" <<'PY'
import json, sys
records = [json.loads(line) for line in open(sys.argv[1])]
assert all(isinstance(r["time"], float) for r in records), "every log line carries time"
assert all(a["time"] <= b["time"] for a, b in zip(records, records[1:])), "time runs forward"
PY
newest=$work/folder/step-00000040.safetensors
sample=$("$recur" sample --checkpoint "$newest" --length 40 --seed 3)
[ -n "$sample" ] || { echo "FAIL: recur sample printed nothing"; exit 1; }
evaluated=$("$recur" eval --checkpoint "$newest" --corpus "$corpus" --json)
"$python" - "$evaluated" "$work/folder/log.jsonl" <<'PY'
import json, sys
ours = json.loads(sys.argv[1])["val_loss"]
logged = [json.loads(line) for line in open(sys.argv[2])][-1]["val_loss"]
relative = abs(ours - logged) / logged
print(f"recur eval of the 2-process checkpoint {ours:.6f}, its log {logged:.6f} (relative {relative:.1e})  {'ok' if relative <= 1e-4 else 'FAIL'}")
sys.exit(0 if relative <= 1e-4 else 1)
PY
# The gathered state of both ranks' streams: Recur continues the 2-process run as it
# continues the 1-process one.
cp "$newest" "$work/from-folder.safetensors"
"$recur" train --corpus "$corpus" --resume "$work/from-folder.safetensors" --checkpoint "$work/from-folder.safetensors" \
    --steps 45 --eval-every 5 --log "$work/folder-back.jsonl" 2>/dev/null
compare "$run/torch-back.jsonl" "$work/folder-back.jsonl" "Recur resumes 2 processes"
echo "torch_bridge: all passed"
