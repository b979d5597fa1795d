#!/usr/bin/env python3
"""The project's own Zipf corpus for reading benchmarks (#20): LINES lines of 10-30
words drawn with Zipf exponent 1 over TYPES made-up words. Frequent words are short, as
in real text (length 2 + log9(rank), capped at 10), so the default (850,000 lines,
250,000 types) is ~17M words and ~89 MB, and with --min-count 5 keeps ~200k words, about the
size of text8's vocabulary. Same arguments, same file. Plain Python, no packages.

  make_zipf_corpus.py OUT [--lines N] [--types N] [--exponent S] [--seed N] [--crlf]
"""
import argparse
import math
import random


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--lines", type=int, default=850_000)
    parser.add_argument("--types", type=int, default=250_000)
    parser.add_argument("--exponent", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--crlf", action="store_true", help="end lines with \\r\\n")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words, seen = [], set()
    for rank in range(1, args.types + 1):
        length = min(2 + int(math.log(rank) / math.log(9)), 10)
        while True:
            word = "".join(rng.choice(letters) for _ in range(length))
            if word not in seen:
                break
            length += rank % 2  # crowded short lengths: grow now and then
        seen.add(word)
        words.append(word)
    cumulative, total = [], 0.0
    for rank in range(1, args.types + 1):
        total += rank ** -args.exponent
        cumulative.append(total)
    end = "\r\n" if args.crlf else "\n"
    with open(args.out, "w", newline="") as out:
        for _ in range(args.lines):
            count = rng.randint(10, 30)
            out.write(" ".join(rng.choices(words, cum_weights=cumulative, k=count)) + end)


if __name__ == "__main__":
    main()
