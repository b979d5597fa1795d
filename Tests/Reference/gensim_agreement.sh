#!/usr/bin/env bash
# Recur's word2vec against gensim on this machine:
#   1. speed: `recur embed` and gensim_w2v.py alternately on the 2M-token Zipf corpus
#      (dim 100, window 5, negative 5, min-count 5, sample 1e-3, 1 epoch, 2 threads),
#      CBOW and skip-gram, medians of ROUNDS runs, corpus tokens per second;
#   2. quality: on a real text, top-10 neighbour overlap of Recur's vectors with gensim's,
#      next to the overlap of two gensim seeds;
#   3. formats and queries: Recur's files load in gensim's KeyedVectors, gensim's files
#      load in Recur, and `recur neighbours` ranks exactly as gensim's most_similar.
# Needs ../shared/bench and a Python with gensim and numpy (PYTHON, default python3).
# Usage: Tests/Reference/gensim_agreement.sh [rounds] [text for quality] [path/to/recur]
# (SPEED="" skips the speed part.)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
text=${2:-../shared/corpora/tinyshakespeare.txt}
recur=${3:-.build/release/recur}
python=${PYTHON:-python3}
bench=../shared/bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
zipf=/tmp/zipf_corpus.txt
[ -f "$zipf" ] || "$python" "$bench/make_zipf_corpus.py" --out "$zipf" >/dev/null

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
field() { grep -o "\"$1\": *[0-9.e+-]*" | head -1 | sed 's/.*: *//'; }

printf '%-10s %14s %14s %7s\n' arch recur_words/s gensim_words/s ratio
for sg in ${SPEED-0 1}; do
    arch=$([ $sg = 0 ] && echo cbow || echo skipgram)
    : >"$work/ours"; : >"$work/theirs"
    for _ in $(seq "$rounds"); do
        "$recur" embed --corpus "$zipf" --arch $arch --dim 100 --window 5 --negative 5 --min-count 5 --sample 1e-3 \
            --epochs 1 --threads 2 --json 2>/dev/null | field words_per_sec >>"$work/ours"
        "$python" "$bench/gensim_w2v.py" --corpus "$zipf" --sg $sg --workers 2 2>/dev/null | field raw_tokens_per_sec >>"$work/theirs"
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
print(f"{arch:9} top-10 neighbour overlap over {len(words)} frequent words: "
      f"recur vs gensim {overlap(ours, models[0]):.3f}, gensim seed 1 vs seed 2 {overlap(models[0], models[1]):.3f}")
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
a, b, c = words[3], words[7], words[11]
expected = [x for x, _ in models[0].most_similar(positive=[b, c], negative=[a], topn=10)]
out = json.loads(subprocess.run([recur, "analogy", "--vectors", f"{work}/gensim.txt", a, b, c, "-k", "10", "--json"],
                                capture_output=True, text=True, check=True).stdout)
print(f"{arch:9} analogy {a}:{b}::{c}:? ranking equal to gensim: {[n['word'] for n in out['neighbours']] == expected}")
PY
done
