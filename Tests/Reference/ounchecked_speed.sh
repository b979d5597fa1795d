#!/usr/bin/env bash
# What -Ounchecked on RecurEngine is worth: builds the current tree twice in release
# (as is, plain -O; and with -Ounchecked added to RecurEngine) in a temporary copy, then
# runs `recur bench --json` alternately, ROUNDS times each, and prints the median
# tokens/s of every configuration and the ratio unchecked / plain.
# Usage: Tests/Reference/ounchecked_speed.sh [ROUNDS]   (about 2 minutes a round on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for variant in plain unchecked; do
    rm -rf "$work/tree" && mkdir "$work/tree"
    git ls-files -z | xargs -0 tar cf - | tar xf - -C "$work/tree"
    if [ $variant = unchecked ]; then
        python3 - "$work/tree/Package.swift" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
old = 'name: "RecurEngine",\n            dependencies: ["CRecurKernels"]\n'
assert old in text, "Package.swift changed shape; update this script"
text = text.replace(old, 'name: "RecurEngine",\n            dependencies: ["CRecurKernels"],\n            swiftSettings: [.unsafeFlags(["-Ounchecked"])]\n')
open(path, "w").write(text)
PY
    fi
    (cd "$work/tree" && swift build -c release >/dev/null && cp .build/release/recur "$work/recur-$variant")
done
for round in $(seq "$rounds"); do
    for variant in plain unchecked; do
        "$work/recur-$variant" bench --json | sed "s/^/$variant /"
    done
done >"$work/results"
python3 - "$work/results" <<'PY'
import json, statistics, sys, collections
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    variant, record = line.split(" ", 1)
    record = json.loads(record)
    runs[(record["name"], variant)].append(record["tokens_per_sec"])
for name in sorted({key[0] for key in runs}):
    plain, unchecked = statistics.median(runs[(name, "plain")]), statistics.median(runs[(name, "unchecked")])
    print(f"{name:12s} plain {plain:9.0f} tok/s  unchecked {unchecked:9.0f} tok/s  unchecked/plain {unchecked / plain:.3f}")
PY
