#!/usr/bin/env bash
# Bad input of every kind, for every command: each must end with a one-line reason on
# stderr and an exit status from 1 to 127 — never a crash, a hang or a stack trace.
# Usage: Tests/EndToEnd/bad_input.sh [path/to/recur]
set -uo pipefail
cd "$(dirname "$0")/../.."
recur=${1:-.build/release/recur}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

# expect_error NAME FRAGMENT COMMAND…: non-zero status below 128, FRAGMENT on stderr,
# no crash report, within 60 s.
expect_error() {
    local name=$1 fragment=$2
    shift 2
    timeout 60 "$@" >"$work/out" 2>"$work/err" </dev/null
    local status=$?
    if [ $status -ge 1 ] && [ $status -lt 124 ] && grep -qi -- "$fragment" "$work/err" \
        && ! grep -qiE 'fatal error|stack dump|segmentation|backtrace' "$work/err"; then
        echo "ok: $name (exit $status)"; passed=$((passed + 1))
    else
        echo "FAIL: $name (exit $status): $(head -c 300 "$work/err")"; failed=$((failed + 1))
    fi
}

small=samples/small.txt
printf '' >"$work/empty.txt"
printf 'abc\0def' >"$work/binary.txt"
printf 'good text \xc3\x28 bad' >"$work/invalid.txt"
printf 'tiny' >"$work/tiny.txt"
mkdir "$work/folder"

for command in train workbench; do
    expect_error "$command: missing corpus" "not found" "$recur" $command --corpus "$work/none.txt"
    expect_error "$command: empty corpus" "empty" "$recur" $command --corpus "$work/empty.txt"
    expect_error "$command: binary corpus" "binary" "$recur" $command --corpus "$work/binary.txt"
    expect_error "$command: invalid UTF-8 names the offset" "offset 11" "$recur" $command --corpus "$work/invalid.txt"
    expect_error "$command: a folder as corpus" "directory" "$recur" $command --corpus "$work/folder"
    expect_error "$command: corpus too small for the batch" "too small" "$recur" $command --corpus "$work/tiny.txt"
done
for flag in "--hidden 0" "--hidden -3" "--embed 0" "--layers 0" "--seq 0" "--batch 0" "--lr 0" "--lr -1" "--clip -1" "--dropout 1" "--dropout -0.5" "--weight-decay -1" "--momentum 1.5"; do
    set -- $flag
    expect_error "train $flag" "" "$recur" train --corpus "$small" --steps 1 "$1=$2"
done
expect_error "train --steps -1" "steps" "$recur" train --corpus "$small" --steps=-1
expect_error "unknown cell" "cell" "$recur" train --corpus "$small" --cell transformer

# A valid checkpoint to break in various ways.
"$recur" train --corpus "$small" --hidden 16 --embed 8 --seq 8 --batch 4 --steps 2 --eval-every 0 --checkpoint "$work/good.safetensors" 2>/dev/null
size=$(stat -c %s "$work/good.safetensors")
head -c $((size / 2)) "$work/good.safetensors" >"$work/truncated.safetensors"
head -c 4096 /dev/urandom >"$work/random.safetensors"
printf '\xff\xff\xff\xff\xff\xff\xff\x7f{}' >"$work/absurd.safetensors"
python3 - "$work/good.safetensors" "$work/lying.safetensors" "$work/foreign.safetensors" <<'PY'
import json, struct, sys
raw = open(sys.argv[1], "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
header = json.loads(raw[8:8 + n])
for name, info in header.items():
    if name != "__metadata__":
        info["data_offsets"] = [info["data_offsets"][0], info["data_offsets"][1] + 10**9]
        break
body = json.dumps(header).encode()
open(sys.argv[2], "wb").write(struct.pack("<Q", len(body)) + body + raw[8 + n:])
foreign = json.dumps({"weight": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}).encode()
open(sys.argv[3], "wb").write(struct.pack("<Q", len(foreign)) + foreign + b"\0" * 8)
PY
for kind in truncated random absurd lying foreign; do
    expect_error "eval: $kind checkpoint" "checkpoint" "$recur" eval --checkpoint "$work/$kind.safetensors" --corpus "$small"
    expect_error "sample: $kind checkpoint" "checkpoint" "$recur" sample --checkpoint "$work/$kind.safetensors"
    expect_error "inspect: $kind checkpoint" "checkpoint" "$recur" inspect "$work/$kind.safetensors"
    expect_error "train --resume: $kind checkpoint" "checkpoint" "$recur" train --corpus "$small" --resume "$work/$kind.safetensors"
done
expect_error "missing checkpoint" "not found" "$recur" inspect "$work/none.safetensors"
printf 'Zebras ¤ ünïcode\n' >"$work/foreign-chars.txt"
for i in $(seq 10); do cat "$work/foreign-chars.txt"; done >"$work/foreign-text.txt"
expect_error "eval: characters outside the vocabulary" "lacks" "$recur" eval --checkpoint "$work/good.safetensors" --corpus "$work/foreign-text.txt"
rev "$small" >"$work/reversed.txt"
expect_error "resume: a different corpus" "differs" "$recur" train --corpus "$work/reversed.txt" --resume "$work/good.safetensors"
expect_error "resume: a conflicting flag" "conflict" "$recur" train --corpus "$small" --resume "$work/good.safetensors" --hidden 32
expect_error "sample: temperature out of range" "temperature" "$recur" sample --checkpoint "$work/good.safetensors" --temperature 1000
expect_error "sample: negative temperature" "temperature" "$recur" sample --checkpoint "$work/good.safetensors" --temperature=-1
expect_error "sample: top-p out of range" "top-p" "$recur" sample --checkpoint "$work/good.safetensors" --top-p 1.5
expect_error "sample: unknown prime characters" "outside the model's vocabulary" "$recur" sample --checkpoint "$work/good.safetensors" --prime "€€"
expect_error "sample: negative length" "length" "$recur" sample --checkpoint "$work/good.safetensors" --length=-5
expect_error "workbench without a terminal" "terminal" "$recur" --corpus "$small"
expect_error "unknown theme" "unknown theme" "$recur" --theme nope
expect_error "checkpoint into a missing folder" "cannot write" "$recur" train --corpus "$small" --hidden 16 --steps 1 --checkpoint "$work/no/such/dir/x.safetensors"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
