#!/usr/bin/env bash
# Recur as a library, as another package uses it: docs/LibraryExample copied to a temporary
# folder, its dependency pointed at this checkout by path, built and run. Passes when it
# builds, the 100 training steps lower the loss, and it prints a sample.
#   bash Tests/EndToEnd/library.sh
set -euo pipefail
source "$(dirname "$0")/prologue.sh"
cp -R "$root/docs/LibraryExample" "$work/example"
sed -i.orig "s|path: \"../..\"|path: \"$root\"|" "$work/example/Package.swift"
grep -q "path: \"$root\"" "$work/example/Package.swift" || { echo "library.sh: could not point the example at $root" >&2; exit 1; }
start=$SECONDS
(cd "$work/example" && swift build -c release 2>&1 | tail -3)
echo "example build: $((SECONDS - start)) s"
output=$("$work/example/.build/release/TinyShakespeare")
echo "$output"
read -r first last < <(sed -n 's/.*; loss \([0-9.]*\) → \([0-9.]*\)$/\1 \2/p' <<<"$output")
if [ -z "${first:-}" ] || ! awk -v a="$first" -v b="$last" 'BEGIN { exit !(b < a - 1) }'; then
    echo "FAIL: the loss did not fall by more than 1 nat over 100 steps ($first → $last)" >&2
    exit 1
fi
grep -q "^To be" <<<"$output" || { echo "FAIL: no sample after the prime" >&2; exit 1; }
echo "ok: library example trained ($first → $last nats/char) and sampled"
