#!/usr/bin/env bash
# Bad input of every kind, for every command: each must end with a one-line reason on
# stderr and an exit status from 1 to 127 — never a crash, a hang or a stack trace.
# Usage: Tests/EndToEnd/bad_input.sh [path/to/recur]
set -uo pipefail
source "$(dirname "$0")/prologue.sh"

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
expect_error "--tie-weights with unequal widths" "needs --hidden equal to --embed" "$recur" train --corpus "$small" --steps 1 --tie-weights --embed 16 --hidden 32
expect_error "--freeze-embed without --embed-init" "embed-init" "$recur" train --corpus "$small" --steps 1 --freeze-embed
# The adaptive softmax, the vocabulary cap and the validation slice (issue 21).
expect_error "--cutoffs decreasing" "increase strictly" "$recur" train --corpus "$small" --steps 1 --softmax adaptive --cutoffs 20,10
expect_error "--cutoffs past the vocabulary" "vocabulary size" "$recur" train --corpus "$small" --steps 1 --softmax adaptive --cutoffs 10,99999
expect_error "--cutoffs not numbers" "whole numbers" "$recur" train --corpus "$small" --steps 1 --cutoffs 10,,x
expect_error "--cutoffs with --softmax full" "needs --softmax adaptive" "$recur" train --corpus "$small" --steps 1 --softmax full --cutoffs 10
expect_error "--softmax unknown" "softmax" "$recur" train --corpus "$small" --steps 1 --softmax sparse
expect_error "--tie-weights with --softmax adaptive" "no decoder.weight" "$recur" train --corpus "$small" --steps 1 --softmax adaptive --tie-weights
expect_error "--div-value leaves no projection" "no projection" "$recur" train --corpus "$small" --steps 1 --softmax adaptive --cutoffs 10,20 --hidden 8 --div-value 4
expect_error "--div-value inf" "div-value" "$recur" train --corpus "$small" --steps 1 --softmax adaptive --div-value inf
expect_error "--max-vocab at char level" "needs --level word" "$recur" train --corpus "$small" --steps 1 --max-vocab 10
expect_error "--max-vocab 1" "max-vocab" "$recur" train --corpus "$small" --level word --steps 1 --max-vocab 1
expect_error "--eval-tokens negative" "eval-tokens" "$recur" train --corpus "$small" --steps 1 --eval-tokens=-1
expect_error "--freeze-embed with --tie-weights" "exclude" "$recur" train --corpus "$small" --steps 1 --freeze-embed --tie-weights --embed-init "$work/none.txt"
expect_error "--embed-init: a missing file" "cannot read vectors" "$recur" train --corpus "$small" --steps 1 --embed-init "$work/none.txt"
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

# word2vec, vectors and the other commands.
printf 'the fox ran\nthe owl flew\n' >"$work/few-words.txt"
expect_error "embed: missing corpus" "not found" "$recur" embed --corpus "$work/none.txt"
expect_error "embed: binary corpus" "binary" "$recur" embed --corpus "$work/binary.txt"
expect_error "embed: too few words for min-count" "min-count" "$recur" embed --corpus "$work/few-words.txt"
expect_error "embed: --dim 0" "dim" "$recur" embed --corpus "$small" --dim 0
expect_error "embed: --window 0" "window" "$recur" embed --corpus "$small" --window 0
expect_error "embed: --negative 0 without --hs" "hs" "$recur" embed --corpus "$small" --negative 0
expect_error "embed: --epochs 0" "epochs" "$recur" embed --corpus "$small" --epochs 0
expect_error "embed: --threads 0" "threads" "$recur" embed --corpus "$small" --threads 0
expect_error "embed: unwritable --out" "cannot write" "$recur" embed --corpus "$small" --min-count 1 --epochs 1 --out "$work/no/such/dir/v.txt"
"$recur" embed --corpus "$small" --min-count 1 --epochs 1 --dim 8 --out "$work/v.txt" 2>/dev/null
printf '2 3\na 1 2 3\nb 1 2\n' >"$work/bad-vectors.txt"
head -c 20 "$work/v.txt" >"$work/truncated-vectors.txt"
expect_error "neighbours: missing vectors file" "cannot read" "$recur" neighbours --vectors "$work/none.txt" fox
expect_error "neighbours: malformed vectors" "line 3" "$recur" neighbours --vectors "$work/bad-vectors.txt" a
expect_error "neighbours: truncated vectors" "vectors\|promises\|line" "$recur" neighbours --vectors "$work/truncated-vectors.txt" the
expect_error "neighbours: binary junk as vectors" "" "$recur" neighbours --vectors "$work/random.safetensors" the
expect_error "neighbours: unknown word suggests" "did you mean" "$recur" neighbours --vectors "$work/v.txt" thee
expect_error "neighbours: -k 0" "-k" "$recur" neighbours --vectors "$work/v.txt" the -k 0
expect_error "neighbours: no source" "exactly one" "$recur" neighbours the
expect_error "analogy: two words" "three words" "$recur" analogy --vectors "$work/v.txt" a b
expect_error "evaluate: nothing to evaluate" "analogies" "$recur" evaluate --vectors "$work/v.txt"
printf 'a b c\n' >"$work/bad-analogies.txt"
expect_error "evaluate: malformed analogies" "4 words" "$recur" evaluate --vectors "$work/v.txt" --analogies "$work/bad-analogies.txt"
expect_error "workbench: --vectors missing" "cannot read" "$recur" --vectors "$work/none.txt"

# recur map: bad flags, bad files, and never writing into what it reads.
words=$(head -1 "$work/v.txt" | cut -d' ' -f1)
expect_error "map: missing vectors file" "cannot read" "$recur" map --vectors "$work/none.txt" --out "$work/m.tsv"
expect_error "map: malformed vectors" "line 3" "$recur" map --vectors "$work/bad-vectors.txt" --out "$work/m.tsv"
expect_error "map: no source" "exactly one" "$recur" map --out "$work/m.tsv"
expect_error "map: --words above the vocabulary" "more than the $words words" "$recur" map --vectors "$work/v.txt" --words $((words + 1)) --out "$work/m.tsv"
expect_error "map: --words 0" "words" "$recur" map --vectors "$work/v.txt" --words 0 --out "$work/m.tsv"
expect_error "map: --words not a number" "words" "$recur" map --vectors "$work/v.txt" --words many --out "$work/m.tsv"
expect_error "map: --neighbors 1" "neighbors" "$recur" map --vectors "$work/v.txt" --neighbors 1 --out "$work/m.tsv"
expect_error "map: --neighbors above the words" "neighbors" "$recur" map --vectors "$work/v.txt" --words 10 --neighbors 10 --out "$work/m.tsv"
expect_error "map: --min-dist -1" "min-dist" "$recur" map --vectors "$work/v.txt" --min-dist=-1 --out "$work/m.tsv"
expect_error "map: --min-dist nan" "min-dist" "$recur" map --vectors "$work/v.txt" --min-dist nan --out "$work/m.tsv"
expect_error "map: --neighbors with pca does nothing" "UMAP's" "$recur" map --vectors "$work/v.txt" --method pca --neighbors 5 --out "$work/m.tsv"
expect_error "map: unknown method" "method" "$recur" map --vectors "$work/v.txt" --method mds --out "$work/m.tsv"
printf '3 2\na 1 2\nb nan 1\nc 0 0\n' >"$work/nan-vectors.txt"
expect_error "map: a vector that is not finite" "finite\|nan\|number" "$recur" map --vectors "$work/nan-vectors.txt" --method pca --out "$work/m.tsv"
expect_error "map: unwritable --out" "cannot write" "$recur" map --vectors "$work/v.txt" --out "$work/no/such/dir/m.tsv"
cp "$work/v.txt" "$work/v-copy.txt"
expect_error "map: --out is the input" "never written over" "$recur" map --vectors "$work/v.txt" --out "$work/v.txt"
ln -s v.txt "$work/v-link.txt"
expect_error "map: --out links to the input" "never written over" "$recur" map --vectors "$work/v.txt" --out "$work/v-link.txt"
if cmp -s "$work/v.txt" "$work/v-copy.txt"; then ok "map: the input is untouched"; else fail "map wrote into its input"; fi
# And a map that works: a TSV with a header and one row per word, trustworthiness in [0, 1].
for method in umap pca tsne; do
    if "$recur" map --vectors "$work/v.txt" --method $method --words 40 --seed 3 --out "$work/m.$method.tsv" --json >"$work/map.json" 2>"$work/err" \
        && [ "$(head -1 "$work/m.$method.tsv")" = "$(printf 'word\tx\ty')" ] && [ "$(wc -l <"$work/m.$method.tsv")" -eq 41 ] \
        && python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert 0 <= r["trustworthiness"] <= 1 and r["words"] == 40, r' "$work/map.json"; then
        ok "map --method $method writes 40 rows"
    else
        fail "map --method $method: $(head -c 300 "$work/err")"
    fi
done
"$recur" map --vectors "$work/v.txt" --method umap --words 40 --seed 3 --out "$work/m.again.tsv" >/dev/null 2>&1
if cmp -s "$work/m.umap.tsv" "$work/m.again.tsv"; then ok "map: one seed, one map"; else fail "map: the same seed gave another map"; fi
expect_error "race: unknown cell" "unknown cell" "$recur" race --cells rnn,transformer
expect_error "gradflow: negative steps" "steps" "$recur" gradflow --corpus "$small" --steps=-1
expect_error "bench: --steps 0" "steps" "$recur" bench --cell lstm --steps 0

# Word-level and word2vec corpora read on two threads (#20): the same one-line errors,
# naming the first bad byte of the file even when it lies in the second thread's half.
# Generated here: 3 MB of words (two ranges), then the same with a bad byte at 2 MB and
# a NUL after it; and a 3 MB line with no space, which no chunk can cut.
python3 - "$work" <<'PY'
import sys
folder = sys.argv[1]
words = b"".join(b"word%d other words here\n" % (i % 997) for i in range(120_000))
open(folder + "/words.txt", "wb").write(words)
bad = bytearray(words)
bad[2_000_000] = 0xFF
bad[2_500_000] = 0
open(folder + "/late-bad.txt", "wb").write(bytes(bad))
open(folder + "/one-word.txt", "wb").write(b"x" * 3_000_000)
PY
for level in word char; do
    expect_error "train --level $level: a folder as corpus" "directory" "$recur" train --level $level --corpus "$work/folder"
    expect_error "train --level $level: invalid UTF-8 names the offset" "offset 11" "$recur" train --level $level --corpus "$work/invalid.txt"
    expect_error "train --level $level: a bad byte at 2 MB, of 3" "offset 2000000" "$recur" train --level $level --corpus "$work/late-bad.txt"
done
expect_error "embed: a folder as corpus" "directory" "$recur" embed --corpus "$work/folder"
expect_error "embed: invalid UTF-8 names the offset" "offset 11" "$recur" embed --corpus "$work/invalid.txt"
expect_error "embed: a bad byte at 2 MB, of 3" "offset 2000000" "$recur" embed --corpus "$work/late-bad.txt" --epochs 1
expect_error "train --level word: a 3 MB word is one token" "too small" "$recur" train --level word --corpus "$work/one-word.txt" --steps 1
expect_error "embed: a 3 MB word is one word" "min-count" "$recur" embed --corpus "$work/one-word.txt" --min-count 1

finish
