#!/usr/bin/env bash
# What a dropout step costs (issue #23), two builds side by side: alternates `recur train`
# of config a (char-LSTM 2×256, embed 64, seq 64, batch 32) with --dropout 0.2 and without,
# ROUNDS times per build, and prints the median training tokens/s of each (the rate
# `recur train` reports: start-up excluded, the one validation at the end included, which
# reads only 2,048 tokens, under 1% of 40 steps), the dropout step's rate over the plain
# step's per build, and new/old per setting.
# Usage: Tests/Reference/dropout_speed.sh OLD_RECUR NEW_RECUR CORPUS [rounds (3)] [steps (40)]
set -euo pipefail
old=$(realpath "${1:?usage: dropout_speed.sh OLD_RECUR NEW_RECUR CORPUS [rounds] [steps]}")
new=$(realpath "${2:?usage: dropout_speed.sh OLD_RECUR NEW_RECUR CORPUS [rounds] [steps]}")
corpus=$(realpath "${3:?usage: dropout_speed.sh OLD_RECUR NEW_RECUR CORPUS [rounds] [steps]}")
rounds=${4:-3}
steps=${5:-40}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
rate() {  # binary dropout -> tokens/s of the last progress line
    "$1" train --corpus "$corpus" --level char --cell lstm --embed 64 --hidden 256 --layers 2 --seq 64 --batch 32 \
        --dropout "$2" --steps "$steps" --eval-every 0 --eval-tokens 2048 --checkpoint "$work/run.safetensors" --fresh \
        2>&1 >/dev/null | grep -o '[0-9]* tok/s' | tail -1 | cut -d' ' -f1
    rm -f "$work"/run*.safetensors
}
for round in $(seq "$rounds"); do
    for build in old new; do
        binary=$old; [ "$build" = new ] && binary=$new
        for dropout in 0 0.2; do
            echo "$(rate "$binary" "$dropout")" >> "$work/$build-$dropout"
        done
    done
done
printf '%-6s %14s %14s %14s\n' build "tok/s p=0" "tok/s p=0.2" "p=0.2 / p=0"
for build in old new; do
    plain=$(median < "$work/$build-0"); dropped=$(median < "$work/$build-0.2")
    printf '%-6s %14s %14s %14.3f\n' "$build" "$plain" "$dropped" "$(echo "$dropped / $plain" | bc -l)"
done
for dropout in 0 0.2; do
    printf 'new/old at dropout %-4s %.3f\n' "$dropout" "$(echo "$(median < "$work/new-$dropout") / $(median < "$work/old-$dropout")" | bc -l)"
done
