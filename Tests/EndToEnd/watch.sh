#!/usr/bin/env bash
# `recur watch DIR` end to end under tmux, with a run folder made by `recur train` (no
# Python): an empty folder waits; the loss pane and status follow the log as lines are
# appended (a partial last line waits for its newline, a garbage line is skipped, a log
# replaced by rename is read again); a new checkpoint refreshes the sample; a checkpoint
# that fails Recur's checks is named while the previous weights stay; p creates and
# removes DIR/pause, w creates DIR/save, q removes the pause it made; a FIFO as the log
# is named without blocking; bad folders get a one-line reason; q and Ctrl-C exit 0 with
# the terminal restored.
# Usage: Tests/EndToEnd/watch.sh [path/to/recur]
set -uo pipefail
source "$(dirname "$0")/prologue.sh"
corpus=$root/samples/small.txt
cd "$work"
start() {
    rm -f status stty watch-err
    tmux kill-session -t "$session" 2>/dev/null
    tmux new-session -d -s "$session" -x 120 -y 36 -c "$work" "$recur watch $* 2>watch-err; echo \$? > status; stty -a > stty 2>&1; sleep 600"
}
wait_exit() { for _ in $(seq 50); do [ -s stty ] && return 0; sleep 0.2; done; return 1; }
cooked() { ! grep -Eq '(^| )-(icanon|echo)( |$)' stty; }
small_model="--corpus $corpus --hidden 16 --embed 8 --seq 8 --batch 4 --eval-every 5"

# ---- Bad folders: a one-line reason and a status from 1 to 127, before any screen.
"$recur" watch "$work/none" 2>err
status=$?
check "a missing folder is refused (exit $status)" [ $status -ge 1 -a $status -lt 128 ]
check "  … saying so" grep -q "none: no such folder" err
printf 'x' >file
"$recur" watch file 2>err
status=$?
check "a file is not a folder (exit $status)" [ $status -ge 1 -a $status -lt 128 ]
check "  … saying so" grep -q "file is not a folder" err
"$recur" watch --help >help
check "--help explains the request files" grep -q "DIR/pause" help

# ---- An empty folder waits, and keeps looking.
mkdir run
start run
check "an empty folder waits for the log and a checkpoint" wait_status "waiting for run/log.jsonl and a checkpoint" 15
"$recur" train $small_model --steps 10 --log run/log.jsonl --checkpoint run/step-00000010.safetensors 2>/dev/null
check "the run's step shows once the log is written" wait_status " step 10 " 10
check "  … with its loss in the loss pane" wait_for "train [0-9]\.[0-9]{3}  val [0-9]" 5
check "  … and the newest checkpoint's age" wait_status "checkpoint 10 · [0-9]+s old" 5
check "the sample comes from the checkpoint" wait_for "Sample from step 10 " 15
check "the hidden state is drawn" wait_for "Hidden state · LSTM 16×1" 5
check "the neighbours are listed" wait_for "nearest to '.'  / query" 5

# ---- The log grows: appended lines, a partial last line, garbage.
"$recur" train $small_model --resume run/step-00000010.safetensors --steps 30 --log more.jsonl --checkpoint more.safetensors 2>/dev/null
head -10 more.jsonl >>run/log.jsonl
check "appended lines move the step" wait_status " step 20 " 10
check "recur train's log carries time (Unix seconds), as recur_torch's does" \
    python3 -c "import json, sys, time; records = [json.loads(l) for l in open('more.jsonl')]; sys.exit(not all(abs(r['time'] - time.time()) < 3600 for r in records))"
line21=$(sed -n 11p more.jsonl)
printf '%s' "${line21:0:20}" >>run/log.jsonl
sleep 1.5
check "a partial last line waits for its newline" bash -c "tmux capture-pane -p -t $session | tail -1 | grep -q ' step 20 '"
printf '%s\n' "${line21:20}" >>run/log.jsonl
check "  … and counts once it is complete" wait_status " step 21 " 10
printf 'this is not json\n' >>run/log.jsonl
tail -n +12 more.jsonl >>run/log.jsonl
check "a garbage line is skipped and counted" wait_status "1 log line skipped" 10
check "  … and the lines after it are read" wait_status " step 30 " 10

# ---- A new checkpoint (renamed into place, as the contract writes it) refreshes the panes.
cp more.safetensors run/.step-00000030.safetensors.tmp-1
mv run/.step-00000030.safetensors.tmp-1 run/step-00000030.safetensors
check "a new checkpoint refreshes the sample" wait_for "Sample from step 30 " 15
check "  … and the status" wait_status "checkpoint 30 · " 5

# ---- A checkpoint that fails Recur's checks: the reason, the previous weights kept.
head -c 4096 /dev/urandom >run/step-00000040.safetensors
check "a broken checkpoint is named with the reason" wait_status "step-00000040.safetensors is not a" 10
check "  … and the previous weights stay" wait_for "Sample from step 30 " 2
rm run/step-00000040.safetensors
check "  … and the reason goes with the file" bash -c "for i in \$(seq 20); do tmux capture-pane -p -t $session | tail -1 | grep -q 'is not a' || exit 0; sleep 0.5; done; exit 1"

# ---- p creates and removes DIR/pause; w creates DIR/save until a newer checkpoint comes.
tmux send-keys -t "$session" p
check "p shows the pause" wait_status "paused \(run/pause\)" 5
check "  … and created run/pause" [ -f run/pause ]
tmux send-keys -t "$session" p
check "p again resumes" wait_status " watching " 5
check "  … and removed run/pause" [ ! -e run/pause ]
touch run/pause
check "a pause file made by someone else shows too" wait_status "paused \(run/pause\)" 5
rm run/pause
tmux send-keys -t "$session" w
check "w shows save requested" wait_status "save requested" 5
check "  … and created run/save" [ -f run/save ]
# The trainer's side: a checkpoint at the next step boundary, then the request removed.
"$recur" train $small_model --resume more.safetensors --steps 35 --log /dev/null --checkpoint run/.step-00000035.safetensors.tmp-1 2>/dev/null
mv run/.step-00000035.safetensors.tmp-1 run/step-00000035.safetensors
rm run/save
check "save requested goes once the trainer saved" bash -c "for i in \$(seq 30); do tmux capture-pane -p -t $session | tail -1 | grep -q 'save requested' || exit 0; sleep 0.3; done; exit 1"
check "  … and its checkpoint is shown" wait_for "Sample from step 35 " 15

# ---- A log replaced by rename (a sync) is read again from its start.
head -5 more.jsonl >run/.log.jsonl.sync
mv run/.log.jsonl.sync run/log.jsonl
check "a replaced log is read again" wait_status " step 15 " 10

# ---- Keys of this mode, keys of training.
tmux send-keys -t "$session" '?'
check "? lists watch mode's keys" wait_for "pause the run: create DIR/pause" 5
tmux send-keys -t "$session" Escape s
check "s says why it does nothing here" wait_status "s trains one step here" 5

# ---- q: status 0, the terminal restored, the folder untouched.
tmux send-keys -t "$session" q
check "q exits" wait_exit
check "  … with status 0" [ "$(cat status)" = "0" ]
check "  … and the terminal in cooked mode" cooked
check "  … leaving no request behind" [ ! -e run/pause -a ! -e run/save ]

# ---- p then q: the pause this watcher made goes with it, and it says so; a pause made
# by someone else stays.
start run
check "the run is watched again" wait_status "checkpoint 35 · " 15
tmux send-keys -t "$session" p
check "p pauses the run" wait_status "paused \(run/pause\)" 5
tmux send-keys -t "$session" q
check "q exits" wait_exit
check "  … with status 0" [ "$(cat status)" = "0" ]
check "  … removing the pause it made" [ ! -e run/pause ]
check "  … and saying so" grep -q "removed run/pause, the pause this watcher made: the run goes on" watch-err
touch run/pause
start run
check "someone else's pause shows" wait_status "paused \(run/pause\)" 15
tmux send-keys -t "$session" q
check "q exits" wait_exit
check "  … leaving someone else's pause in place" [ -e run/pause ]
check "  … without a word about it" [ ! -s watch-err ]
rm run/pause

# ---- A log that is a FIFO (or any other non-regular file) is named, and does not stop
# the folder being followed.
mkdir fifo
mkfifo fifo/log.jsonl
start fifo
check "a FIFO as the log is refused with the reason" wait_status "fifo/log.jsonl: it is not a regular file" 15
cp more.safetensors fifo/step-00000030.safetensors
check "  … while new checkpoints are still read" wait_for "Sample from step 30 " 15
tmux send-keys -t "$session" q
check "  … and q exits" wait_exit

# ---- A request that cannot be made, and a folder that goes away: said, never a crash.
mkdir -p blocked/save
start blocked
check "the other folder waits too" wait_status "waiting for blocked/log.jsonl" 15
tmux send-keys -t "$session" w
check "a failed request names the reason" wait_status "cannot create blocked/save: Is a directory" 5
rm -rf blocked
check "a folder that goes away is said" wait_status "blocked has gone" 5
tmux send-keys -t "$session" C-c
check "Ctrl-C exits" wait_exit
check "  … with status 0" [ "$(cat status)" = "0" ]
check "  … and the terminal in cooked mode" cooked

finish
