#!/usr/bin/env bash
# Reading real-sized corpora (#20): time and peak RSS of loading a word-level and a
# character-level corpus with the release binary, and of `recur embed`, side by side
# with gensim on the same file in the same run, so the ratios hold on a shared machine.
#
# Input: the project's own Zipf corpus (make_zipf_corpus.py: 850,000 lines of 10-30
# words, Zipf exponent 1 over 250,000 types, ~17M words, ~89 MB), generated here unless
# a file is given. Each figure is the median of ROUNDS runs of the whole process
# (/usr/bin/time: wall seconds, CPU seconds (user + system), maximum resident set). On
# a loaded machine the wall time overstates; the CPU time and the ratios hold better.
#
# Targets (#20), printed beside each figure with "met" or "NOT met":
#   word-level reading and vocabulary ≥ 50 MB/s (of wall time, and per CPU second for a
#   loaded machine);  peak RSS of `recur train --level word` ≤ 400 MB;  char level: under
#   3 s and 300 MB;  `recur embed` (1 epoch) whole process ≥ 3x gensim's speed (wall, and
#   CPU seconds) with peak RSS ≤ gensim's;  reopening a word-level run (the token cache
#   question: how long re-reading the corpus takes when a run is continued).
# "Reading and vocabulary" is `recur train ... --steps 0`: it reads the corpus, builds the
# vocabulary and the model, then refuses to train to step 0 (exit 1, "already at step
# 0"), which this script expects. (A real step would add a validation pass over 1.7M
# tokens with a 226k-word softmax, which is training, not reading.)
# The workbench's peak RSS at word level (≤ 600 MB) needs a terminal: it is measured under
# tmux when tmux is installed (the workbench opens, trains a moment, q quits).
# Usage: Tests/Reference/corpus_reading_speed.sh [corpus] [path/to/recur]
#   (PYTHON: a Python with gensim for the gensim columns; ROUNDS, default 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
recur=${2:-.build/release/recur}
recur=$(cd "$(dirname "$recur")" && pwd)/$(basename "$recur")
python=${PYTHON:-python3}
rounds=${ROUNDS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
corpus=${1:-}
if [ -z "$corpus" ]; then
    corpus=$work/zipf.txt
    python3 Tests/Reference/make_zipf_corpus.py "$corpus"
fi
corpus=$(cd "$(dirname "$corpus")" && pwd)/$(basename "$corpus")
megabytes=$(awk -v b="$(stat -c %s "$corpus")" 'BEGIN { printf "%.1f", b / 1e6 }')
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "corpus: $corpus, $megabytes MB"

# measure NAME COMMAND...: median wall seconds and median peak RSS (MB) over the rounds.
measure() {
    local name=$1; shift
    : >"$work/runs"
    for _ in $(seq "$rounds"); do
        /usr/bin/time -f "%e %M %U %S" -o "$work/one" "$@" >/dev/null 2>"$work/err" ||
            grep -Eq "already at step [01]" "$work/err" || { echo "$name failed:"; tail -3 "$work/err"; exit 1; }
        sed -i '/Command exited/d' "$work/one"
        cat "$work/one" >>"$work/runs"
    done
    seconds=$(cut -d' ' -f1 "$work/runs" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
    rss=$(cut -d' ' -f2 "$work/runs" | sort -g | awk '{v[NR]=$1} END {printf "%.0f", v[int((NR+1)/2)] / 1024}')
    cpu=$(awk '{print $3 + $4}' "$work/runs" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
    printf '%-44s %8.2f s wall %8.2f s CPU %8s MB\n' "$name" "$seconds" "$cpu" "$rss"
}
verdict() { awk -v a="$1" -v b="$2" "BEGIN { print (a $3 b) ? \"met\" : \"NOT met\" }"; }

tiny=(--hidden 4 --embed 4 --batch 1 --seq 8 --softmax full --steps 0)
measure "recur train --level word (read + vocabulary)" "$recur" train --corpus "$corpus" --level word --min-count 5 "${tiny[@]}" --checkpoint "$work/w.safetensors"
rm -f "$work"/w*.safetensors
word_seconds=$seconds word_rss=$rss
rate=$(awk -v m="$megabytes" -v s="$word_seconds" 'BEGIN { printf "%.1f", m / s }')
cpu_rate=$(awk -v m="$megabytes" -v s="$cpu" 'BEGIN { printf "%.1f", m / s }')
echo "  word level: $rate MB/s of wall time (target ≥ 50: $(verdict "$rate" 50 '>=')); $cpu_rate MB per CPU second; peak RSS $word_rss MB (target ≤ 400: $(verdict "$word_rss" 400 '<='))"

# A reopened run reads the corpus again, mapped onto the checkpoint's vocabulary: one
# real step writes a checkpoint, then the same command with --steps 1 finds it and reads
# the text again before refusing (already at step 1).
"$recur" train --corpus "$corpus" --level word --min-count 5 --hidden 4 --embed 4 --softmax full --batch 1 --seq 8 --steps 1 --eval-tokens 64 \
    --checkpoint "$work/r.safetensors" >/dev/null 2>&1 || { echo "could not write the run to reopen"; exit 1; }
measure "recur train reopening that run (re-read)" "$recur" train --corpus "$corpus" --level word --min-count 5 --hidden 4 --embed 4 --softmax full \
    --batch 1 --seq 8 --steps 1 --eval-tokens 64 --checkpoint "$work/r.safetensors"
echo "  reopening re-reads the corpus in $seconds s wall, $cpu s CPU (the token cache decision in docs/files.md)"
rm -f "$work"/r*.safetensors

measure "recur train --level char (read + vocabulary)" "$recur" train --corpus "$corpus" --level char "${tiny[@]}" --checkpoint "$work/c.safetensors"
rm -f "$work"/c*.safetensors
echo "  char level: target under 3 s ($(verdict "$seconds" 3 '<')) and 300 MB ($(verdict "$rss" 300 '<'))"

measure "recur embed, 1 epoch, 2 threads" "$recur" embed --corpus "$corpus" --arch cbow --dim 100 --window 5 --negative 5 --min-count 5 --sample 1e-3 --epochs 1 --threads 2 --out "$work/vectors.txt"
embed_seconds=$seconds embed_rss=$rss embed_cpu=$cpu
if "$python" -c 'import gensim' 2>/dev/null; then
    cat >"$work/gensim_vocab.py" <<'PY'
import sys
from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence
model = Word2Vec(vector_size=100, min_count=5, workers=2)
model.build_vocab(LineSentence(sys.argv[1]))
PY
    cat >"$work/gensim_embed.py" <<'PY'
import sys
from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence
Word2Vec(LineSentence(sys.argv[1]), vector_size=100, window=5, negative=5, min_count=5, sample=1e-3, epochs=1, workers=2, sg=0, seed=1)
PY
    measure "gensim build_vocab (LineSentence)" "$python" "$work/gensim_vocab.py" "$corpus"
    echo "  recur word-level load / gensim build_vocab time: $(awk -v a="$word_seconds" -v b="$seconds" 'BEGIN { printf "%.2f", a / b }')"
    measure "gensim Word2Vec, 1 epoch, 2 workers" "$python" "$work/gensim_embed.py" "$corpus"
    speedup=$(awk -v a="$embed_seconds" -v b="$seconds" 'BEGIN { printf "%.2f", b / a }')
    cpu_speedup=$(awk -v a="$embed_cpu" -v b="$cpu" 'BEGIN { printf "%.2f", b / a }')
    echo "  recur embed is ${speedup}x gensim's speed in wall time (target ≥ 3: $(verdict "$speedup" 3 '>=')), ${cpu_speedup}x in CPU seconds; RSS $embed_rss vs $rss MB (target ≤: $(verdict "$embed_rss" "$rss" '<='))"
else
    echo "(no gensim in $python: gensim columns skipped)"
fi

if command -v tmux >/dev/null 2>&1; then
    session="recur-reading-$$"
    tmux new-session -d -s "$session" -x 120 -y 36 -c "$work" \
        "/usr/bin/time -f '%e %M %U %S' -o $work/workbench $recur --corpus $corpus --level word --min-count 5 --checkpoint $work/wb.safetensors --no-autosave 2>$work/wb.err; sleep 600"
    opened=no
    for _ in $(seq 600); do
        tmux capture-pane -p -t "$session" | grep -q "tok/s" && { opened=yes; break; }
        [ -s "$work/workbench" ] && break
        sleep 0.5
    done
    sleep 3
    tmux send-keys -t "$session" q
    for _ in $(seq 120); do [ -s "$work/workbench" ] && break; sleep 0.5; done
    tmux kill-session -t "$session" 2>/dev/null || true
    sed -i '/Command exited/d' "$work/workbench"
    workbench_rss=$(awk '{printf "%.0f", $2 / 1024}' "$work/workbench")
    if [ $opened = yes ]; then
        echo "workbench at word level, default model (open, train a few seconds, q): peak RSS $workbench_rss MB (target ≤ 600: $(verdict "$workbench_rss" 600 '<='))"
    else
        echo "the workbench did not open: $(tail -c 300 "$work/wb.err")"
    fi
else
    echo "(no tmux: the workbench's RSS is not measured)"
fi
