#!/usr/bin/env python3
"""Writes a text whose letters are uppercase inside double quotes and lowercase outside,
so a character model must track whether it is inside quotes to predict the next letter's
case: the text `recur cells` finds a quote unit in (README, "What the units do").

    python3 samples/quotes.py > quotes.txt          # 3,000 lines, ~150 KB, seed 11
"""
import random
import sys

WORDS = "the a cat dog ran sat on mat hat red blue big small and or it was is to of in he she said".split()


def line(r):
    parts = []
    for _ in range(r.randint(6, 14)):
        if r.random() < 0.15:
            parts.append('"' + " ".join(r.choice(WORDS).upper() for _ in range(r.randint(1, 4))) + '"')
        else:
            parts.append(r.choice(WORDS))
    return " ".join(parts) + "."


if __name__ == "__main__":
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    r = random.Random(11)
    sys.stdout.write("\n".join(line(r) for _ in range(lines)) + "\n")
