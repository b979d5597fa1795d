#!/usr/bin/env bash
# What units do, end to end with the release binary: on a generated text whose letters are
# uppercase inside double quotes and lowercase outside, a small LSTM trained for a few
# seconds has a unit that tracks `quote` (|r| > 0.6), `recur cells` ranks it first for that
# track, spans matched to a quoted span lie inside quotes, `recur explain` scores every
# input token, bad input gets one-line errors, and the workbench shows all of it under tmux.
# Usage: Tests/EndToEnd/units.sh [path/to/recur]
set -uo pipefail
source "$(dirname "$0")/prologue.sh"
cd "$work"

# The text: lines of lowercase words with quoted stretches in uppercase, so the next
# character's case depends on being inside quotes.
python3 "$root/samples/quotes.py" >quotes.txt

start=$SECONDS
"$recur" train --corpus quotes.txt --hidden 64 --steps 1500 --checkpoint q.safetensors >train.out 2>&1
ok "trained an LSTM 64 for 1500 steps in $((SECONDS - start)) s"

# ---- recur cells
"$recur" cells --checkpoint q.safetensors --corpus quotes.txt --track quote --top 3 --json >quote.json
"$recur" cells --checkpoint q.safetensors --corpus quotes.txt --top 100000 --json >all.json
best=$(python3 -c 'import json; c=json.load(open("quote.json"))["cells"][0]; print(abs(c["r"]))')
check "a unit tracks quote with |r| = $best > 0.6" python3 -c "assert $best > 0.6"
check "cells ranks it first among quote's units in the full list too" python3 - <<'PY'
import json
top = json.load(open("quote.json"))["cells"][0]
cells = json.load(open("all.json"))["cells"]
first = next(c for c in cells if c["track"] == "quote")
assert first == top, (first, top)
assert all(abs(a["r"]) >= abs(b["r"]) for a, b in zip(cells, cells[1:])), "sorted by |r|"
assert {"layer", "signal", "unit", "track", "r"} == set(top)
PY
"$recur" cells --checkpoint q.safetensors --corpus quotes.txt --top 5 >cells.txt
check "the text listing names the track and the bracket track as constant" bash -c "grep -q quote cells.txt && grep -q 'bracket: constant' cells.txt"

# ---- recur match: spans matched to a quoted span lie inside quotes.
"$recur" match --checkpoint q.safetensors --corpus quotes.txt --span 'HAT' --top 10 --json >match.json
check "matches of a quoted span are inside quotes (8 of 10 or more)" python3 - <<'PY'
import json
text = open("quotes.txt").read()
split = int(len(text) * 0.9)  # ASCII: characters are Unicode scalars
validation = text[split:]
result = json.load(open("match.json"))
matches = result["matches"]
assert len(matches) == 10, len(matches)
assert validation[result["span"]["start"]:].startswith("HAT")
scores = [m["score"] for m in matches]
assert scores == sorted(scores, reverse=True)
inside = sum(text[:split + m["start"]].count('"') % 2 == 1 for m in matches)
for m in matches: assert validation[m["start"]:m["start"] + 3] == m["text"], m
assert inside >= 8, inside
PY

# ---- recur explain
"$recur" explain --checkpoint q.safetensors --text 'she said "BIG RED' --json >explain.json
check "explain scores every input token and names the next one" python3 - <<'PY'
import json
e = json.load(open("explain.json"))
assert len(e["saliency"]) == len('she said "BIG RED'), len(e["saliency"])
assert [s["token"] for s in e["saliency"]] == list('she said "BIG RED')
assert 0 < e["probability"] <= 1 and all(s["score"] >= 0 for s in e["saliency"])
assert e["next_token"].isupper() or e["next_token"] in ' "', e["next_token"]
PY
"$recur" explain --checkpoint q.safetensors --text 'she said "BIG RED' --token ' ' --json >space.json
check "--token explains another token" python3 -c 'import json; assert json.load(open("space.json"))["next_token"] == " "'

# ---- bad input: one line on stderr, status 1–127
max_error_lines=2
expect_error "cells: unknown track" "--track must be one of" "$recur" cells --checkpoint q.safetensors --corpus quotes.txt --track nope
expect_error "cells: --top 0" "--top must be at least 1" "$recur" cells --checkpoint q.safetensors --corpus quotes.txt --top 0
expect_error "cells: a corpus with characters the model lacks" "vocabulary lacks" "$recur" cells --checkpoint q.safetensors --corpus "$root/samples/small.txt"
expect_error "match: a span not in the text" "does not occur" "$recur" match --checkpoint q.safetensors --corpus quotes.txt --span 'hat hat hat hat'
expect_error "match: unknown characters" "does not know" "$recur" match --checkpoint q.safetensors --corpus quotes.txt --span 'zebra~'
expect_error "match: a signal the cell lacks" "--signal must be one of" "$recur" match --checkpoint q.safetensors --corpus quotes.txt --span the --signal r
expect_error "match: layer out of range" "--layer must be from 1 to 1" "$recur" match --checkpoint q.safetensors --corpus quotes.txt --span the --layer 2
expect_error "match: a threshold no unit reaches" "lower --threshold" "$recur" match --checkpoint q.safetensors --corpus quotes.txt --span the --threshold 5
expect_error "match: a span too long" "at most 500" "$recur" match --checkpoint q.safetensors --corpus quotes.txt --span "$(head -c 3000 quotes.txt)"
expect_error "explain: empty text" "--text is empty" "$recur" explain --checkpoint q.safetensors --text ''
expect_error "explain: two tokens as --token" "--token must be one token" "$recur" explain --checkpoint q.safetensors --text the --token ab
head -c 100 q.safetensors >cut.safetensors
expect_error "explain: a cut checkpoint" "cut.safetensors" "$recur" explain --checkpoint cut.safetensors --text the

# ---- the workbench: c, Enter, b … Enter, and saliency in the inspector
rm -f status
tmux new-session -d -s "$session" -x 150 -y 45 "$recur --corpus quotes.txt --checkpoint q.safetensors --paused; echo \$? > status; sleep 600"
check "the workbench opens the run" wait_for "resumed q.safetensors at step" 30
tmux send-keys -t "$session" c
check "c lists units by |r|" wait_for "units by \|r\| over [0-9]+ tokens" 30
check "  … with a quote unit first" wait_for "▶layer 1 [a-z] +unit +[0-9]+ +quote" 5
tmux send-keys -t "$session" Enter
check "Enter shows the unit with its track under the heatmap" wait_for "under it: quote r [+-]0\.[6-9]" 5
tmux send-keys -t "$session" b Right Right Enter
check "b, →→, Enter matches a span" wait_for "units above 0\.[0-9] over|no unit of layer 1" 30
tmux send-keys -t "$session" Escape n e
check "e in the inspector explains the prediction" wait_for "why .*: most .*@-1" 30
tmux send-keys -t "$session" q
for _ in $(seq 100); do [ -s status ] && break; sleep 0.2; done
check "q exits with status 0" [ "$(cat status 2>/dev/null)" = 0 ]

finish units
