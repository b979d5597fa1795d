#!/usr/bin/env bash
# Recur's UMAP against umap-learn, side by side on one machine (see umap_speed.py for
# what is measured and the targets). Needs umap-learn and scikit-learn in PYTHON's
# environment; VECTORS is a word2vec text file with at least --words rows, e.g. from
#   recur embed --corpus TEXT --dim 100 --min-count 3 --out vectors.txt
# Usage: PYTHON=venv/bin/python Tests/Reference/umap_speed.sh VECTORS [RECUR] [umap_speed.py flags]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
vectors=${1:?usage: umap_speed.sh VECTORS [RECUR] [flags]}
recur=${2:-.build/release/recur}
shift $(( $# >= 2 ? 2 : 1 ))
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
"${PYTHON:-python3}" "$here/umap_speed.py" "$vectors" --recur "$recur" "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
