#!/usr/bin/env python3
"""Writes a generated word-level corpus with natural text's word frequencies: LINES lines
of 10-30 words drawn from a Zipf distribution (exponent S) over TYPES word types. Word
of rank r is the r-th string of consonant-vowel syllables (ba, be, ..., baba, ...), so
frequent words are short, as in real text. Deterministic for a seed.

    zipf_corpus.py OUT [--lines 850000] [--types 250000] [--exponent 1.0] [--seed 1]

The issue-21 corpus (about 80 MB, V ~ 226k with --min-count 5) is the default."""
import argparse

import numpy as np

CONSONANTS, VOWELS = "bdfgklmnprstvz", "aeiou"
SYLLABLES = [c + v for c in CONSONANTS for v in VOWELS]


def word(rank):
    """Bijective base-70 numeral of rank + 1 in syllables: 0 -> "ba", 70 -> "baba", ..."""
    n, parts = rank + 1, []
    while n > 0:
        n -= 1
        parts.append(SYLLABLES[n % len(SYLLABLES)])
        n //= len(SYLLABLES)
    return "".join(reversed(parts))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--lines", type=int, default=850_000)
    parser.add_argument("--types", type=int, default=250_000)
    parser.add_argument("--exponent", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generator = np.random.default_rng(args.seed)
    weights = np.arange(1, args.types + 1, dtype=np.float64) ** -args.exponent
    cumulative = np.cumsum(weights / weights.sum())
    words = np.array([word(rank) for rank in range(args.types)], dtype=object)
    lengths = generator.integers(10, 31, size=args.lines)
    with open(args.out, "w", encoding="utf-8") as out:
        for start in range(0, args.lines, 10_000):
            block = lengths[start:start + 10_000]
            ranks = np.searchsorted(cumulative, generator.random(int(block.sum())), side="right")
            ranks = np.minimum(ranks, args.types - 1)
            position = 0
            lines = []
            for length in block:
                lines.append(" ".join(words[ranks[position:position + length]]))
                position += length
            out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
