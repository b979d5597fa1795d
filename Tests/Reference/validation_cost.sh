#!/usr/bin/env bash
# What periodic validation costs beside training (issue #23: ≤ 5% at the workbench's
# interval). Trains with `recur train` at the workbench's interval (validation every 200
# steps, --eval-tokens at its default of 200,000) and reads the log's per-step "time"
# stamps: a step's stamp is taken before that step's validation, so the gap to the next
# stamp is one step plus the validation. Validation time = those gaps minus the median
# step; training time = the other gaps. Prints both and the percentage per validation.
# Usage: Tests/Reference/validation_cost.sh path/to/recur CORPUS [steps (default 601)] [extra recur train flags]
# The model is config a of `recur bench` with dropout 0.2 (a char-LSTM 2×256, embed 64,
# seq 64, batch 32), the workbench's defaults otherwise.
set -euo pipefail
recur=$(realpath "${1:?usage: validation_cost.sh path/to/recur CORPUS [steps] [flags]}")
corpus=$(realpath "${2:?usage: validation_cost.sh path/to/recur CORPUS [steps] [flags]}")
steps=${3:-601}
shift $(( $# >= 3 ? 3 : 2 ))
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$recur" train --corpus "$corpus" --level char --cell lstm --embed 64 --hidden 256 --layers 2 --seq 64 --batch 32 \
    --dropout 0.2 --steps "$steps" --eval-every 200 --log "$work/log.jsonl" --checkpoint "$work/run.safetensors" "$@" \
    2> "$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
grep -m1 "val_loss reads" "$work/stderr" || true
python3 - "$work/log.jsonl" <<'PY'
import json, statistics, sys
records = [json.loads(line) for line in open(sys.argv[1])]
gaps = [(b["time"] - a["time"], "val_loss" in a) for a, b in zip(records, records[1:])]
step = statistics.median(g for g, validated in gaps if not validated)
validations = [g - step for g, validated in gaps if validated]
training = sum(g for g, validated in gaps if not validated) + step * len(validations)
if not validations:
    sys.exit("validation_cost: no validation between two steps (train at least 201 steps)")
per_interval = statistics.median(validations) / (200 * step)
print(f"median step {step * 1000:.1f} ms; validations {', '.join(f'{v:.2f}' for v in validations)} s; "
      f"training {training:.1f} s over {len(gaps)} steps")
print(f"validation per 200-step interval: {100 * per_interval:.1f}% of the interval's training time "
      f"(all measured: {100 * sum(validations) / training:.1f}% of {training:.0f} s)")
PY
