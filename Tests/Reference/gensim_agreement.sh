#!/usr/bin/env bash
# Recur's word2vec against gensim on this machine:
#   1. speed: `recur embed` and gensim_w2v.py alternately on the 2M-token Zipf corpus
#      (dim 100, window 5, negative 5, min-count 5, sample 1e-3, 1 epoch, 2 threads),
#      CBOW and skip-gram, medians of ROUNDS runs, corpus tokens per second;
#   2. quality: on a real text, top-10 neighbour overlap of Recur's vectors with gensim's,
#      next to the overlap of two gensim seeds;
#   3. formats and queries: Recur's files load in gensim's KeyedVectors, gensim's files
#      load in Recur, and `recur neighbours` ranks exactly as gensim's most_similar.
# Self-contained: the Zipf corpus is generated here and gensim is timed by the code below.
# Needs a Python with gensim and numpy (`pip install gensim`; PYTHON, default python3).
# Asserts: Recur's neighbours overlap gensim's at least 80% as much as two gensim seeds
# overlap each other, `recur neighbours` equals most_similar on gensim's own files for at
# least 95 of 100 queries, and the analogy ranking is gensim's.
# Usage: Tests/Reference/gensim_agreement.sh [rounds] [text for quality] [path/to/recur]
# (SPEED="" skips the speed part.)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
text=${2:-samples/default.txt}
recur=${3:-.build/release/recur}
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
zipf=$work/zipf.txt
# 2M tokens drawn from 50,000 made-up words with Zipf frequencies, 20 words a line.
"$python" - "$zipf" <<'PY'
import random, sys
random.seed(11)
letters = "abcdefghijklmnopqrstuvwxyz"
words = sorted({"".join(random.choice(letters) for _ in range(random.randint(2, 9))) for _ in range(60000)})[:50000]
random.shuffle(words)
drawn = random.choices(words, weights=[1 / (rank + 1) for rank in range(len(words))], k=2_000_000)
with open(sys.argv[1], "w") as out:
    for start in range(0, len(drawn), 20):
        out.write(" ".join(drawn[start:start + 20]) + "\n")
PY
# gensim's throughput: corpus tokens (rare ones included) per second of training.
gensim_speed() {
    "$python" - "$zipf" "$1" <<'PY'
import json, sys, time
from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence
corpus, sg = sys.argv[1], int(sys.argv[2])
model = Word2Vec(vector_size=100, window=5, negative=5, min_count=5, sample=1e-3, workers=2, sg=sg, seed=1)
model.build_vocab(LineSentence(corpus))
start = time.perf_counter()
model.train(LineSentence(corpus), total_examples=model.corpus_count, epochs=1)
print(json.dumps({"raw_tokens_per_sec": model.corpus_total_words / (time.perf_counter() - start)}))
PY
}

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
field() { grep -o "\"$1\": *[0-9.e+-]*" | head -1 | sed 's/.*: *//'; }

printf '%-10s %14s %14s %7s\n' arch recur_words/s gensim_words/s ratio
for sg in ${SPEED-0 1}; do
    arch=$([ $sg = 0 ] && echo cbow || echo skipgram)
    : >"$work/ours"; : >"$work/theirs"
    for _ in $(seq "$rounds"); do
        "$recur" embed --corpus "$zipf" --arch $arch --dim 100 --window 5 --negative 5 --min-count 5 --sample 1e-3 \
            --epochs 1 --threads 2 --json --out "$work/speed-$arch.txt" 2>/dev/null | field words_per_sec >>"$work/ours"
        gensim_speed $sg 2>/dev/null | field raw_tokens_per_sec >>"$work/theirs"
    done
    ours=$(median <"$work/ours"); theirs=$(median <"$work/theirs")
    printf '%-10s %14.0f %14.0f %6.2fx\n' $arch "$ours" "$theirs" "$(echo "$ours / $theirs" | bc -l)"
done

for arch in cbow skipgram; do
    sg=$([ $arch = cbow ] && echo 0 || echo 1)
    # gensim's learning rate (0.025 for both architectures) so the parameters are the same.
    "$recur" embed --corpus "$text" --arch $arch --dim 100 --min-count 5 --epochs 5 --alpha 0.025 --out "$work/recur-$arch.txt" 2>/dev/null
    "$recur" embed --corpus "$text" --arch $arch --dim 100 --min-count 5 --epochs 5 --alpha 0.025 --format binary --out "$work/recur-$arch.bin" 2>/dev/null
    "$python" - "$text" "$sg" "$work" "$arch" "$recur" <<'PY'
import json, subprocess, sys
from gensim.models import Word2Vec, KeyedVectors
from gensim.models.word2vec import LineSentence
text, sg, work, arch, recur = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
models = [Word2Vec(LineSentence(text), vector_size=100, window=5, negative=5, min_count=5, sample=1e-3,
                   epochs=5, workers=2, sg=sg, seed=seed).wv for seed in (1, 2)]
ours = KeyedVectors.load_word2vec_format(f"{work}/recur-{arch}.txt", binary=False)
ours_binary = KeyedVectors.load_word2vec_format(f"{work}/recur-{arch}.bin", binary=True)
assert list(ours.index_to_key) == list(ours_binary.index_to_key), "text and binary files disagree"
words = [w for w in models[0].index_to_key[:300] if w in ours.key_to_index and w in models[1].key_to_index][:200]
def overlap(a, b):
    total = 0
    for w in words:
        total += len({x for x, _ in a.most_similar(w, topn=10)} & {x for x, _ in b.most_similar(w, topn=10)})
    return total / (10 * len(words))
recur_overlap, seed_overlap = overlap(ours, models[0]), overlap(models[0], models[1])
print(f"{arch:9} top-10 neighbour overlap over {len(words)} frequent words: "
      f"recur vs gensim {recur_overlap:.3f}, gensim seed 1 vs seed 2 {seed_overlap:.3f}")
failed = recur_overlap < 0.8 * seed_overlap
# gensim's files in Recur, and Recur's ranking against most_similar on the same vectors.
models[0].save_word2vec_format(f"{work}/gensim.txt", binary=False)
models[0].save_word2vec_format(f"{work}/gensim.bin", binary=True)
same = 0
for w in words[:50]:
    expected = [x for x, _ in models[0].most_similar(w, topn=10)]
    for path in (f"{work}/gensim.txt", f"{work}/gensim.bin"):
        out = json.loads(subprocess.run([recur, "neighbours", "--vectors", path, w, "-k", "10", "--json"],
                                        capture_output=True, text=True, check=True).stdout)
        same += [n["word"] for n in out["neighbours"]] == expected
print(f"{arch:9} recur neighbours on gensim's text and binary files equal most_similar for {same} of 100 queries")
failed |= same < 95
a, b, c = words[3], words[7], words[11]
expected = [x for x, _ in models[0].most_similar(positive=[b, c], negative=[a], topn=10)]
out = json.loads(subprocess.run([recur, "analogy", "--vectors", f"{work}/gensim.txt", a, b, c, "-k", "10", "--json"],
                                capture_output=True, text=True, check=True).stdout)
equal = [n["word"] for n in out["neighbours"]] == expected
print(f"{arch:9} analogy {a}:{b}::{c}:? ranking equal to gensim: {equal}")
failed |= not equal
print(f"{arch:9} {'ok' if not failed else 'FAIL'}")
sys.exit(1 if failed else 0)
PY
done
echo "2 passed, 0 failed"
