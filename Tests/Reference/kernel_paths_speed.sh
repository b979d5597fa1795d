#!/usr/bin/env bash
# What each kernel path is worth on this CPU: runs `recur bench --json` (the five
# reference configurations a–e) alternately with RECUR_KERNELS=avx2 and =avx512 (and any
# other paths given), ROUNDS times each, and prints per configuration the median
# tokens/s and GFLOP/s of every path and the ratio of each path to the first.
# Alternating keeps slow drift (another build on the same cores, thermals) out of the
# ratios; medians keep single disturbed runs out of them.
# Usage: Tests/Reference/kernel_paths_speed.sh [RECUR_BINARY] [ROUNDS] [PATHS...]
#   defaults: .build/release/recur (built here if missing), 5 rounds, "avx2 avx512".
# About 16 s per bench run on 2 cores, so ~3 minutes with the defaults.
set -euo pipefail
cd "$(dirname "$0")/../.."
recur=${1:-.build/release/recur}
rounds=${2:-5}
shift $(( $# > 2 ? 2 : $# ))
paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=(avx2 avx512)
if [ ! -x "$recur" ]; then swift build -c release >/dev/null; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
echo "binary: $recur   rounds: $rounds   paths: ${paths[*]}"
for round in $(seq "$rounds"); do
    for path in "${paths[@]}"; do
        # A path the CPU cannot run falls back (with a note on stderr); the "kernels"
        # field records what really ran, and the summary below uses it.
        RECUR_KERNELS=$path "$recur" bench --json | sed "s/^/$path /"
    done
done >"$work/results"
python3 - "$work/results" "${paths[@]}" <<'PY'
import collections, json, statistics, sys
results, paths = sys.argv[1], sys.argv[2:]
tokens, gflops = collections.defaultdict(list), collections.defaultdict(list)
for line in open(results):
    asked, record = line.split(" ", 1)
    record = json.loads(record)
    if record["kernels"] != asked:
        sys.exit(f"asked for {asked} but {record['kernels']} ran: this CPU lacks {asked}")
    tokens[(record["name"], asked)].append(record["tokens_per_sec"])
    gflops[(record["name"], asked)].append(record["gflops"])
base = paths[0]
header = f"{'configuration':13s}" + "".join(f" {p + ' tok/s':>14s} {'GFLOP/s':>8s}" for p in paths) \
    + "".join(f" {p + '/' + base:>12s}" for p in paths[1:])
print(header)
for name in sorted({key[0] for key in tokens}):
    row = f"{name:13s}"
    for path in paths:
        row += f" {statistics.median(tokens[(name, path)]):14.0f} {statistics.median(gflops[(name, path)]):8.1f}"
    for path in paths[1:]:
        row += f" {statistics.median(tokens[(name, path)]) / statistics.median(tokens[(name, base)]):12.3f}"
    print(row)
spread = max(max(v) / min(v) for v in tokens.values())
print(f"(medians of {len(next(iter(tokens.values())))} runs; largest max/min spread of one cell: {spread:.2f})")
PY
