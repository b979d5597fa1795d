#!/usr/bin/env bash
# How fast the workbench answers while a word-level 2×256 LSTM (V ≥ 10k) trains on both
# cores, measured from its own trace (RECUR_TRACE: keys, job submissions, results and
# frames with monotonic times) while tmux types:
#   1. neighbour query: Enter → the new list on screen, p95 of 20 queries   ≤ 150 ms
#   2. temperature change: → → the first lines of the new sample on screen  ≤ 300 ms
#   3. a burst of 50 slider steps: sample jobs waiting at any moment          ≤ 1
#   4. key → its frame, p95 over every key of the run                         ≤ 50 ms
# and, for reference, tmux's own view of → to screen, and training's steps/s in the
# workbench against `recur train`. The text is generated here (a Zipf mix of 15,000
# made-up words), so nothing outside the repository is needed.
# Usage: Tests/Reference/workbench_speed.sh [path/to/recur]
set -euo pipefail
cd "$(dirname "$0")/../.."
recur=${1:-.build/release/recur}
recur=$(cd "$(dirname "$recur")" && pwd)/$(basename "$recur")
work=$(mktemp -d)
session="recur-speed-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT
screen() { tmux capture-pane -p -t "$session"; }

python3 - "$work/words.txt" "$work/queries.txt" <<'PY'
import random, sys
random.seed(7)
syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "shi", "pe", "da", "gu", "ze", "bo", "fi", "ya", "no", "ri", "su"]
words = set()
while len(words) < 15000:
    words.add("".join(random.choice(syllables) for _ in range(random.randint(2, 4))))
words = sorted(words)
random.shuffle(words)
weights = [1 / (rank + 1) for rank in range(len(words))]
lines = [" ".join(words[i:i + 12]) + " ." for i in range(0, len(words), 12)]  # every word at least once
drawn = random.choices(words, weights=weights, k=400_000)
for start in range(0, len(drawn), 11):
    lines.append(" ".join(drawn[start:start + 11]) + " .")
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
open(sys.argv[2], "w").write("\n".join(words[:20]) + "\n")
PY

model=(--corpus "$work/words.txt" --level word --min-count 1 --layers 2 --hidden 256 --embed 64)
tmux new-session -d -s "$session" -x 200 -y 50 -c "$work" \
    "RECUR_TRACE=$work/trace.jsonl $recur ${model[*]} --no-autosave; sleep 600"
# Wait for the first weights and the first whole sample.
for _ in $(seq 300); do grep -q '"complete":true' "$work/trace.jsonl" 2>/dev/null && break; sleep 0.2; done

# 1. Neighbour queries.
while read -r word; do
    tmux send-keys -t "$session" / "$word" Enter
    sleep 0.6
done <"$work/queries.txt"
# 2. Temperature changes, one a second, and tmux's own view of → to screen.
tmux_views=()
for _ in $(seq 10); do
    before=$(screen | grep -o 'temperature [0-9.]*' | head -1)
    start=$(date +%s%N)
    tmux send-keys -t "$session" Right
    while [ "$(screen | grep -o 'temperature [0-9.]*' | head -1)" = "$before" ]; do :; done
    tmux_views+=($(( ($(date +%s%N) - start) / 1000000 )))
    sleep 1
done
# 3. A burst of 50 slider steps in one write (and back).
tmux send-keys -t "$session" $(printf 'Left %.0s' $(seq 50))
sleep 3
tmux send-keys -t "$session" q
sleep 1

# Training speed for reference: the workbench's step rate is in the trace's weights events.
start=$(date +%s.%N)
"$recur" train "${model[@]}" --steps 30 --eval-every 0 --checkpoint "$work/headless.safetensors" >/dev/null 2>&1
headless=$(echo "30 / ($(date +%s.%N) - $start)" | bc -l)

python3 - "$work/trace.jsonl" "$headless" "${tmux_views[*]}" <<'PY'
import json, sys
events = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
headless, tmux_views = float(sys.argv[2]), [int(v) for v in sys.argv[3].split()]
def next_after(t, predicate):
    return next((e for e in events if e["t"] > t and predicate(e)), None)
def p95(values):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]

queries = []
for e in events:
    if e["event"] == "key" and "query" in e:
        answer = next_after(e["t"], lambda x: x["event"] == "neighbours" and x["query"] == e["query"])
        frame = answer and next_after(answer["t"], lambda x: x["event"] == "frame")
        if frame: queries.append(frame["t"] - e["t"])
keys = [e for e in events if e["event"] == "key"]
burst_start = next(e["t"] for e in events if e["event"] == "key" and e["key"] == "left")
samples = []
for e in keys:
    if e["key"] != "right" or e["t"] >= burst_start: continue
    first = next_after(e["t"], lambda x: x["event"] == "sample" and x["current"])
    frame = first and next_after(first["t"], lambda x: x["event"] == "frame")
    if frame: samples.append(frame["t"] - e["t"])
burst_submits = [e for e in events if e["event"] == "submit" and e["lane"] == "sample" and e["t"] >= burst_start]
most_waiting = max((e["waiting"] for e in burst_submits), default=0)
samples_run = len({round(x["temperature"], 2) for x in events if x["event"] == "sample" and x["t"] >= burst_start})
frames = []
for e in keys:
    frame = next_after(e["t"], lambda x: x["event"] == "frame")
    if frame: frames.append(frame["t"] - e["t"])
weights = [e for e in events if e["event"] == "weights"]
rate = (weights[-1]["step"] - weights[0]["step"]) / ((weights[-1]["t"] - weights[0]["t"]) / 1000) if len(weights) > 1 else 0

checks = [
    ("neighbour query → list on screen, p95 of %d" % len(queries), p95(queries) if queries else 1e9, 150, "ms"),
    ("temperature → first sample lines, p95 of %d" % len(samples), p95(samples) if samples else 1e9, 300, "ms"),
    ("sample jobs waiting during a 50-step burst (%d submitted, %d drawn)" % (len(burst_submits), samples_run), most_waiting, 1, ""),
    ("key → frame, p95 of %d keys" % len(frames), p95(frames) if frames else 1e9, 50, "ms"),
]
failed = 0
for name, value, limit, unit in checks:
    ok = value <= limit and (len(queries) >= 20 if "query" in name else True)
    failed += not ok
    print("%s: %s %.1f%s (limit %d%s)" % ("ok" if ok else "FAIL", name, value, unit, limit, unit))
print("for reference: tmux's → to screen %s ms; max query %.1f ms; training %.2f steps/s in the workbench, %.2f headless"
      % (tmux_views, max(queries or [0]), rate, headless))
print("%d passed, %d failed" % (len(checks) - failed, failed))
sys.exit(1 if failed else 0)
PY
