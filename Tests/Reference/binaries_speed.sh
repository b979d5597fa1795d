#!/usr/bin/env bash
# Two builds of recur side by side: `recur bench --json` (configs a-e) run alternately,
# ROUNDS times each, then the median tokens/s of every configuration and the ratio
# new / old. For "did this change cost speed" on a shared machine, where only ratios of
# interleaved runs mean anything. Build the old one from another commit first, e.g.
#   git worktree add /tmp/old <commit> && (cd /tmp/old && swift build -c release)
# Usage: Tests/Reference/binaries_speed.sh OLD_RECUR NEW_RECUR [ROUNDS]   (default 5)
set -euo pipefail
old=$1 new=$2 rounds=${3:-5}
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for round in $(seq "$rounds"); do
    "$old" bench --json | sed "s/^/old /"
    "$new" bench --json | sed "s/^/new /"
done >"$results"
python3 - "$results" <<'PY'
import collections, json, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    build, record = line.split(" ", 1)
    record = json.loads(record)
    runs[(record["name"], build)].append(record["tokens_per_sec"])
    kernels = record["kernels"]
for name in sorted({key[0] for key in runs}):
    old, new = statistics.median(runs[(name, "old")]), statistics.median(runs[(name, "new")])
    print(f"{name:10s} old {old:9.0f} tok/s  new {new:9.0f} tok/s  new/old {new / old:.3f}"
          f"  (medians of {len(runs[(name, 'new')])}, kernels {kernels})")
PY
