#!/usr/bin/env bash
# Two builds of recur side by side on the five reference configurations (a-e of
# `recur bench`): each configuration runs alone, old then new, and the pair repeats
# ROUNDS times, so both builds see the same load from moment to moment. Prints per
# configuration the median tokens/s of each build and the ratio new/old, and the ratio of
# median CPU seconds per run (old/new, > 1 = new cheaper), which a loaded machine
# disturbs less than wall-clock rates. For "did this change cost speed" on a shared
# machine, where only ratios of interleaved runs mean anything. Build the old one first:
#   git worktree add /tmp/old <commit> && (cd /tmp/old && swift build -c release)
# Usage: Tests/Reference/binaries_speed.sh OLD_RECUR NEW_RECUR [ROUNDS]   (default 5)
set -euo pipefail
python3 - "$1" "$2" "${3:-5}" <<'PY'
import collections, json, resource, statistics, subprocess, sys
old, new, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
# TrainingBenchmark.references, as flags (the names are the table's).
configs = {
    "a char-lstm": "--cell lstm --vocab 65 --embed 64 --hidden 256 --layers 2 --seq 64 --batch 32",
    "b char-gru": "--cell gru --vocab 65 --embed 64 --hidden 256 --layers 1 --seq 64 --batch 32",
    "c char-rnn": "--cell rnn --vocab 65 --embed 64 --hidden 256 --layers 1 --seq 64 --batch 32",
    "d word-lstm": "--cell lstm --vocab 10000 --embed 200 --hidden 200 --layers 2 --seq 35 --batch 20 --steps 20",
    "e tiny": "--cell lstm --vocab 65 --embed 32 --hidden 128 --layers 1 --seq 32 --batch 16 --steps 1000 --warmup 50",
}
rate, cpu = collections.defaultdict(list), collections.defaultdict(list)
kernels = set()
for _ in range(rounds):
    for name, flags in configs.items():
        for build, binary in (("old", old), ("new", new)):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            out = subprocess.run([binary, "bench", "--json", *flags.split()], check=True,
                                 capture_output=True, text=True).stdout
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            record = json.loads(out.splitlines()[-1])
            kernels.add(record["kernels"])
            rate[(name, build)].append(record["tokens_per_sec"])
            cpu[(name, build)].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
print(f"kernels {', '.join(sorted(kernels))}; medians of {rounds} interleaved runs")
for name in configs:
    o, n = statistics.median(rate[(name, "old")]), statistics.median(rate[(name, "new")])
    co, cn = statistics.median(cpu[(name, "old")]), statistics.median(cpu[(name, "new")])
    print(f"{name:12s} old {o:8.0f} tok/s  new {n:8.0f} tok/s  new/old {n / o:.3f}   "
          f"CPU s/run old {co:6.2f} new {cn:6.2f}  old/new {co / cn:.3f}")
PY
