#!/usr/bin/env bash
# Never lose a run, end to end under tmux with the release binary: the workbench run
# twice with the same command continues the saved run (curve drawn, status saying so),
# --fresh starts at step 0 and keeps the old checkpoint as a backup; recur train does the
# same; word2vec trains live (progress moves, p holds it) and quitting writes vectors
# that recur neighbours reads.
# Usage: Tests/EndToEnd/reopen.sh [path/to/recur]
set -uo pipefail
source "$(dirname "$0")/prologue.sh"
corpus=$root/samples/small.txt
cd "$work"
start() {
    rm -f status
    tmux kill-session -t "$session" 2>/dev/null
    tmux new-session -d -s "$session" -x 120 -y 36 "$recur $*; echo \$? > status; sleep 600"
}
wait_exit() { for _ in $(seq 150); do [ -s status ] && return 0; sleep 0.2; done; return 1; }
step_shown() { status_bar | grep -o 'step [0-9]*' | head -1 | awk '{print $2}'; }
checkpoint_step() { "$recur" inspect --json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["step"])'; }

# ---- The workbench, twice with the same command.
start --corpus "$corpus" --hidden 32 --embed 16
check "workbench trains" wait_status 'step [1-9][0-9]{2,}' 60
tmux send-keys -t "$session" q
check "quit exits" wait_exit
first=$(checkpoint_step small.recur.safetensors)
check "the first run saved at step $first" [ "$first" -gt 100 ]
start --corpus "$corpus" --hidden 32 --embed 16 --paused
check "the same command says it resumed the saved run" wait_for "resumed small.recur.safetensors at step" 30
check "  … and shows its step ($(step_shown))" [ "$(step_shown)" = "$first" ]
check "  … and draws the saved curve (no 'no data yet')" bash -c "! tmux capture-pane -p -t $session | grep -q 'no data yet'"
check "  … with a train loss in the header" bash -c "tmux capture-pane -p -t $session | grep -q 'train [0-9]'"
check "no backup was made" [ ! -e small.recur.1.safetensors ]
tmux send-keys -t "$session" p
check "training continues past the saved step" wait_status "step ($((first + 1))[0-9]|$((first + 2))[0-9]|[0-9]{$((${#first} + 1))})" 60
tmux send-keys -t "$session" q
wait_exit
second=$(checkpoint_step small.recur.safetensors)
check "the continued run saved at step $second > $first" [ "$second" -gt "$first" ]
history_points=$("$recur" inspect --json small.recur.safetensors | python3 -c 'import json,sys; print(json.load(sys.stdin)["history_points"])')
check "its history holds the whole run ($history_points points)" [ "$history_points" -ge "$second" -o "$history_points" -ge 1000 ]

# ---- --fresh: step 0, the old run kept.
start --corpus "$corpus" --hidden 32 --embed 16 --paused --fresh
check "--fresh says where the old run went" wait_for "kept the previous run as small.recur.1.safetensors" 30
check "  … and starts at step 0" [ "$(step_shown)" = "0" ]
tmux send-keys -t "$session" q
wait_exit
check "the backup holds the old run (step $second)" [ "$(checkpoint_step small.recur.1.safetensors)" = "$second" ]

# ---- Other settings: never overwritten.
start --corpus "$corpus" --hidden 24 --embed 16 --paused
check "other settings keep the old run as a backup" wait_for "kept the previous run as small.recur.1.safetensors \(its settings differ" 30
tmux send-keys -t "$session" q
wait_exit
check "  … and the older backup moved to .2" [ "$(checkpoint_step small.recur.2.safetensors)" = "$second" ]

# ---- w always saves and names the file.
start --corpus "$corpus" --hidden 24 --embed 16 --paused --no-autosave --checkpoint manual.safetensors
wait_for 'paused' 30
tmux send-keys -t "$session" s
wait_status 'step 1 ' 10
tmux send-keys -t "$session" w
check "w with --no-autosave names the file" wait_for "saving to manual.safetensors" 10
tmux send-keys -t "$session" q
wait_exit
check "  … and wrote it" [ "$(checkpoint_step manual.safetensors)" = "1" ]

# ---- recur train: the same command continues, --more adds, a reached target is said.
"$recur" train --corpus "$corpus" --hidden 16 --embed 8 --seq 8 --batch 4 --steps 30 --eval-every 0 --checkpoint t.safetensors 2>err
check "train says where it wrote" grep -q "wrote t.safetensors at step 30" err
"$recur" train --corpus "$corpus" --hidden 16 --embed 8 --seq 8 --batch 4 --steps 30 --checkpoint t.safetensors 2>err
status=$?
check "a reached target is an error that says so (exit $status)" grep -q "already at step 30" err
"$recur" train --corpus "$corpus" --steps 50 --eval-every 0 --checkpoint t.safetensors 2>err
check "the same checkpoint continues to --steps 50" grep -q "resumed t.safetensors at step 30" err
check "  … and ends there" [ "$(checkpoint_step t.safetensors)" = "50" ]
"$recur" train --corpus "$corpus" --more 5 --eval-every 0 --checkpoint t.safetensors 2>/dev/null
check "--more 5 trains five more" [ "$(checkpoint_step t.safetensors)" = "55" ]
grep -q "smoothed" err && ok "train names the smoothed loss" || fail "train names the smoothed loss"

# ---- word2vec live.
start --word2vec --epochs 400
check "word2vec shows progress" wait_for '[0-9]+%  [0-9.]+[kM]? words/s   running' 30
sleep 1
a=$(status_bar | grep -o ' [0-9]*%' | head -1)
sleep 1
b=$(status_bar | grep -o ' [0-9]*%' | head -1)
check "two captures a second apart differ ($a, $b), below 100%" [ "$a" != "$b" -a "$b" != " 100%" ]
tmux send-keys -t "$session" p
check "p holds it" wait_for ' paused ' 5
sleep 0.5
c=$(status_bar | grep -o ' [0-9]*%' | head -1)
sleep 1
check "  … and the progress stays ($c)" [ "$(status_bar | grep -o ' [0-9]*%' | head -1)" = "$c" ]
tmux send-keys -t "$session" '?'
check "? lists word2vec's keys" wait_for 'train one chunk per thread while paused' 5
tmux send-keys -t "$session" Escape q
check "quit exits" wait_exit
check "  … with status 0" [ "$(cat status)" = "0" ]
check "  … having written vectors recur neighbours reads" "$recur" neighbours --vectors default.vectors.txt fox

finish
