#!/usr/bin/env python3
"""Every relative link and anchor in the repository's Markdown files resolves.

Usage: python3 Tests/Docs/check_links.py   (from anywhere in the repository)
Prints each broken link with its file and line, then "N passed, N failed"; exits 1 on any.
"""
import os
import re
import subprocess
import sys

root = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True,
                      cwd=os.path.dirname(os.path.abspath(__file__))).stdout.strip()
os.chdir(root)
files = subprocess.run(["git", "ls-files", "*.md"], capture_output=True, text=True).stdout.split()


def slug(heading):
    """GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def prose_lines(path):
    """(number, line) outside fenced code blocks and indented code."""
    fenced = False
    for number, line in enumerate(open(path, encoding="utf-8"), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if not fenced and not line.startswith("    "):
            yield number, line


def anchors(path):
    found, counts = set(), {}
    for _, line in prose_lines(path):
        match = re.match(r"^#{1,6} (.+)$", line)
        if match:
            base = slug(match.group(1))
            n = counts.get(base, 0)
            counts[base] = n + 1
            found.add(base if n == 0 else f"{base}-{n}")
    return found


passed = failed = 0
for path in files:
    for number, line in prose_lines(path):
        for target in re.findall(r"\]\(([^)\s]+)\)", re.sub(r"`[^`]*`", "", line)):
            if re.match(r"[a-z]+:", target):
                continue
            file_part, _, fragment = target.partition("#")
            resolved = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
            problem = None
            if not os.path.exists(resolved):
                problem = f"{resolved} does not exist"
            elif fragment and resolved.endswith(".md") and fragment not in anchors(resolved):
                problem = f"no heading #{fragment} in {resolved}"
            elif target == "#":
                problem = "an empty anchor"
            if problem:
                failed += 1
                print(f"{path}:{number}: ({target}) {problem}")
            else:
                passed += 1
print(f"links: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
