"""Recur's UMAP against umap-learn on the same word vectors: wall time (umap-learn's first
fit in a fresh process, which includes numba's JIT, and its warm fit after it) and
trustworthiness at k = 10 (scikit-learn's, for both maps, which also checks the value
Recur prints). Recur's exact t-SNE on the first --tsne-words of the same vectors.

Targets (issue 24): Recur's trustworthiness >= umap-learn's - 0.01, and Recur's wall
time <= umap-learn's warm time. Prints every figure and the ratios; exits 1 if a target
is missed. Run through umap_speed.sh, which names the CPU.
"""
import argparse, json, os, subprocess, sys, tempfile, time

import numpy as np


def read_vectors(path, count):
    """The first `count` rows of a word2vec text file (header line "V D")."""
    words, rows = [], []
    with open(path, encoding="utf-8") as handle:
        vocabulary, dimension = map(int, handle.readline().split())
        for line in handle:
            if len(words) == count:
                break
            parts = line.rstrip("\n").split(" ")
            words.append(parts[0])
            rows.append([float(v) for v in parts[1:1 + dimension]])
    if len(words) < count:
        sys.exit(f"{path} has {len(words)} words, fewer than {count}")
    return words, np.asarray(rows, dtype=np.float32)


def read_map(path):
    with open(path, encoding="utf-8") as handle:
        assert handle.readline() == "word\tx\ty\n", "the TSV header is word, x, y"
        return np.asarray([[float(v) for v in line.rstrip("\n").split("\t")[1:]] for line in handle], dtype=np.float32)


def run_recur(recur, vectors, words, method, extra=()):
    out = os.path.join(tempfile.mkdtemp(), f"map.{method}.tsv")
    start = time.perf_counter()
    completed = subprocess.run([recur, "map", "--vectors", vectors, "--words", str(words), "--method", method,
                                "--out", out, "--json", *extra], check=True, capture_output=True, text=True)
    wall = time.perf_counter() - start
    return wall, json.loads(completed.stdout), read_map(out)


def umap_in_fresh_process(vectors, words, neighbours, min_dist):
    """umap-learn's first fit in a new Python process (JIT included) and a warm one."""
    code = f"""
import sys, time, json
sys.path.insert(0, {os.path.dirname(os.path.abspath(__file__))!r})
from umap_speed import read_vectors
import numpy as np
_, x = read_vectors({vectors!r}, {words})
start = time.perf_counter(); import umap; imported = time.perf_counter() - start
times, maps = [], []
for run in range(2):
    start = time.perf_counter()
    maps.append(umap.UMAP(n_neighbors={neighbours}, min_dist={min_dist}).fit_transform(x))
    times.append(time.perf_counter() - start)
np.save(sys.argv[1], maps[1])
print(json.dumps({{"import": imported, "cold": times[0], "warm": times[1]}}))
"""
    saved = os.path.join(tempfile.mkdtemp(), "umap_learn.npy")
    completed = subprocess.run([sys.executable, "-c", code, saved], check=True, capture_output=True, text=True,
                               env={**os.environ, "NUMBA_NUM_THREADS": "2"})
    return json.loads(completed.stdout.strip().splitlines()[-1]), np.load(saved)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("vectors")
    parser.add_argument("--recur", default=".build/release/recur")
    parser.add_argument("--words", type=int, default=10000)
    parser.add_argument("--tsne-words", type=int, default=5000)
    parser.add_argument("--neighbors", type=int, default=15)
    parser.add_argument("--min-dist", type=float, default=0.1)
    arguments = parser.parse_args()
    from sklearn.manifold import trustworthiness

    _, x = read_vectors(arguments.vectors, arguments.words)
    umap_times, umap_map = umap_in_fresh_process(arguments.vectors, arguments.words, arguments.neighbors, arguments.min_dist)
    recur_wall, recur_record, recur_map = run_recur(arguments.recur, arguments.vectors, arguments.words, "umap",
                                                    ["--neighbors", str(arguments.neighbors), "--min-dist", str(arguments.min_dist)])
    umap_trust = trustworthiness(x, umap_map, n_neighbors=10)
    recur_trust = trustworthiness(x, recur_map, n_neighbors=10)
    print(f"{arguments.words} vectors of dimension {x.shape[1]}, n_neighbors {arguments.neighbors}, min_dist {arguments.min_dist}")
    print(f"umap-learn (NUMBA_NUM_THREADS=2): import {umap_times['import']:.1f} s, first fit {umap_times['cold']:.1f} s, "
          f"warm fit {umap_times['warm']:.1f} s, trustworthiness {umap_trust:.4f}")
    print(f"Recur UMAP: wall {recur_wall:.1f} s (map {recur_record['seconds']:.1f} s), trustworthiness {recur_trust:.4f} "
          f"(Recur printed {recur_record['trustworthiness']:.4f})")
    print(f"ratio wall time Recur / umap-learn warm: {recur_wall / umap_times['warm']:.2f}; "
          f"Recur / umap-learn first fit: {recur_wall / umap_times['cold']:.2f}")
    print(f"trustworthiness Recur - umap-learn: {recur_trust - umap_trust:+.4f}")

    if arguments.tsne_words > 0:
        count = min(arguments.tsne_words, arguments.words)
        _, first = read_vectors(arguments.vectors, count)
        tsne_wall, tsne_record, tsne_map = run_recur(arguments.recur, arguments.vectors, count, "tsne")
        umap_small_wall, _, umap_small = run_recur(arguments.recur, arguments.vectors, count, "umap")
        print(f"Recur t-SNE (exact) of the first {count}: wall {tsne_wall:.1f} s, trustworthiness "
              f"{trustworthiness(first, tsne_map, n_neighbors=10):.4f}; Recur UMAP of the same {count}: wall "
              f"{umap_small_wall:.1f} s, trustworthiness {trustworthiness(first, umap_small, n_neighbors=10):.4f}")

    agrees = abs(recur_trust - recur_record["trustworthiness"]) < 1e-3
    targets = [("trustworthiness >= umap-learn's - 0.01", recur_trust >= umap_trust - 0.01),
               ("wall time <= umap-learn's warm time", recur_wall <= umap_times["warm"]),
               ("Recur's printed trustworthiness = scikit-learn's (1e-3)", agrees)]
    for name, met in targets:
        print(f"target {name}: {'met' if met else 'MISSED'}")
    sys.exit(0 if all(met for _, met in targets) else 1)


if __name__ == "__main__":
    main()
