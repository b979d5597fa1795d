#!/usr/bin/env bash
# What periodic validation costs beside training (issue #23: ≤ 5% at the workbench's
# interval), in CPU seconds, which a machine shared with other work inflates far less
# than wall time (both sides run the same kernels on the same threads):
#   - one training step: the CPU time of `recur train` to STEPS2 minus to STEPS1 steps,
#     divided by the difference (start-up and the small final validation cancel);
#   - one validation: the CPU time of `recur eval` on the run's checkpoint, which reads the
#     whole validation text, as the workbench does when it has at most --eval-tokens
#     (200,000) tokens (tinyshakespeare: 111,540), start-up included (a slight overstatement).
# Prints validation / (200 steps), recur train's --eval-every in the examples, and /
# (the workbench's interval), which the workbench sizes from the validation slice and its
# Session caps at 5% of training time as measured. Also prints the wall times.
# The model is config a of `recur bench` with dropout 0.2 (char-LSTM 2×256, embed 64,
# seq 64, batch 32).
# Usage: Tests/Reference/validation_cost.sh path/to/recur CORPUS [steps1 (10)] [steps2 (50)]
set -euo pipefail
recur=$(realpath "${1:?usage: validation_cost.sh path/to/recur CORPUS [steps1] [steps2]}")
corpus=$(realpath "${2:?usage: validation_cost.sh path/to/recur CORPUS [steps1] [steps2]}")
first=${3:-10}
second=${4:-50}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$recur" "$corpus" "$first" "$second" "$work" <<'PY'
import resource, subprocess, sys, time
recur, corpus, first, second, work = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
def cpu(command):
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, time.monotonic() - started
def train(steps):
    return cpu([recur, "train", "--corpus", corpus, "--level", "char", "--cell", "lstm", "--embed", "64", "--hidden", "256",
                "--layers", "2", "--seq", "64", "--batch", "32", "--dropout", "0.2", "--steps", str(steps), "--eval-every", "0",
                "--eval-tokens", "2048", "--checkpoint", f"{work}/run{steps}.safetensors"])
(short, short_wall), (long, long_wall) = train(first), train(second)
step, step_wall = (long - short) / (second - first), (long_wall - short_wall) / (second - first)
validation, validation_wall = cpu([recur, "eval", "--checkpoint", f"{work}/run{second}.safetensors", "--corpus", corpus])
print(f"CPU: one training step {step * 1000:.0f} ms, one validation {validation:.2f} s; "
      f"wall: {step_wall * 1000:.0f} ms, {validation_wall:.2f} s")
# The workbench's interval (WorkbenchApp: max(100, ⌈chunks / 3 / 0.02⌉) for the validation
# slice's chunks of B·T tokens, an estimate that aims at 2%), beside recur train's 200.
characters = len(open(corpus, encoding="utf-8").read())
chunks = min(characters - int(characters * 0.9), 200_000) / (64 * 32)
workbench = max(100, -(-chunks // (3 * 0.02)))
for interval, name in ((200, "recur train --eval-every 200"), (int(workbench), "the workbench's interval")):
    print(f"validation every {interval} steps ({name}): {100 * validation / (interval * step):.1f}% of the training CPU time "
          f"({100 * validation_wall / (interval * step_wall):.1f}% in wall time)")
PY
