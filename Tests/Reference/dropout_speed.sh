#!/usr/bin/env bash
# What a dropout step costs (issue #23), two builds side by side, in CPU time per step
# (a machine shared with other work inflates wall time far more; both builds run the
# same threads): for config a (char-LSTM 2×256, embed 64, seq 64, batch 32) with
# --dropout 0.2 and without, `recur train` to STEPS2 minus to STEPS1 steps, divided by
# the difference (start-up and the small final validation cancel), ROUNDS alternating
# rounds, medians. Prints ms per step, dropout over plain per build, new/old per setting.
# Usage: Tests/Reference/dropout_speed.sh OLD_RECUR NEW_RECUR CORPUS [rounds (3)] [steps1 (5)] [steps2 (30)]
set -euo pipefail
old=$(realpath "${1:?usage: dropout_speed.sh OLD_RECUR NEW_RECUR CORPUS [rounds] [steps1] [steps2]}")
new=$(realpath "${2:?usage: dropout_speed.sh OLD_RECUR NEW_RECUR CORPUS [rounds] [steps1] [steps2]}")
corpus=$(realpath "${3:?usage: dropout_speed.sh OLD_RECUR NEW_RECUR CORPUS [rounds] [steps1] [steps2]}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$old" "$new" "$corpus" "${4:-3}" "${5:-5}" "${6:-30}" "$work" <<'PY'
import resource, statistics, subprocess, sys
old, new, corpus, rounds, first, second, work = sys.argv[1], sys.argv[2], sys.argv[3], *map(int, sys.argv[4:7]), sys.argv[7]
def cpu(binary, dropout, steps):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([binary, "train", "--corpus", corpus, "--level", "char", "--cell", "lstm", "--embed", "64", "--hidden", "256",
                    "--layers", "2", "--seq", "64", "--batch", "32", "--dropout", dropout, "--steps", str(steps),
                    "--eval-every", "0", "--eval-tokens", "2048", "--checkpoint", f"{work}/run.safetensors", "--fresh"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
results = {}
for _ in range(rounds):
    for name, binary in [("old", old), ("new", new)]:
        for dropout in ["0", "0.2"]:
            per_step = (cpu(binary, dropout, second) - cpu(binary, dropout, first)) / (second - first)
            results.setdefault((name, dropout), []).append(per_step)
median = {key: statistics.median(values) for key, values in results.items()}
print(f"{'build':6} {'ms/step p=0':>12} {'ms/step p=0.2':>14} {'p=0.2 / p=0':>12}   (CPU time, medians of {rounds})")
for name in ["old", "new"]:
    plain, dropped = median[(name, "0")], median[(name, "0.2")]
    print(f"{name:6} {plain * 1000:12.1f} {dropped * 1000:14.1f} {dropped / plain:12.3f}")
for dropout in ["0", "0.2"]:
    print(f"new/old CPU per step at dropout {dropout}: {median[('new', dropout)] / median[('old', dropout)]:.3f}")
PY
