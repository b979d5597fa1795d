#!/usr/bin/env bash
# The two halves of "when one machine is not enough" together, live: python -m recur_torch
# continues a Recur run into a run folder while `recur watch` follows it under tmux. The
# watcher shows the run's step moving and its loss; p makes the trainer hold between
# steps (the log stops growing) and p again lets it go on; w makes it write a checkpoint
# off its --checkpoint-every schedule, which the watcher then shows; q exits 0.
# Usage: Tests/EndToEnd/watch_torch.sh path/to/recur   (PYTHON: a python with torch)
set -uo pipefail
: "${1:?usage: watch_torch.sh path/to/recur}"
source "$(dirname "$0")/prologue.sh"
python=${PYTHON:-python3}
corpus=$root/samples/small.txt
trainer=
cleanup_more() { if [ -n "$trainer" ]; then kill "$trainer" 2>/dev/null; fi; }
export PYTHONPATH=$root/python${PYTHONPATH:+:$PYTHONPATH}
cd "$work"
last_step() { tail -1 run/log.jsonl 2>/dev/null | "$python" -c 'import json,sys; print(json.loads(sys.stdin.read())["step"])' 2>/dev/null || echo 0; }
shown_step() { status_bar | grep -o ' step [0-9]*' | head -1 | awk '{print $2}'; }

"$recur" train --corpus "$corpus" --hidden 32 --embed 16 --seq 16 --batch 8 --steps 10 --checkpoint base.safetensors >/dev/null 2>&1
mkdir run
OMP_NUM_THREADS=1 "$python" -m recur_torch train --corpus "$corpus" --resume base.safetensors --steps 1000000 \
    --eval-every 100 --dir run --checkpoint-every 500 >trainer.out 2>&1 &
trainer=$!
tmux new-session -d -s "$session" -x 120 -y 36 -c "$work" "$recur watch run; echo \$? > status; sleep 600"
check "the watcher shows the Python run's step" wait_status " step [0-9]{2,} " 60
check "  … and its loss" wait_for "train [0-9]\.[0-9]{3}" 10
check "  … and its tokens/s (from the log's time)" wait_status "[1-9][0-9,.k]* tok/s" 10
check "  … and the first checkpoint's sample" wait_for "Sample from step [0-9]+" 90
first=$(shown_step)
sleep 2
check "the run goes on beyond the step shown first ($first)" bash -c "[ \$(tail -1 run/log.jsonl | $python -c 'import json,sys; print(json.load(sys.stdin)[\"step\"])') -gt $first ]"

tmux send-keys -t "$session" p
check "p writes run/pause" bash -c 'for _ in $(seq 25); do [ -e run/pause ] && exit 0; sleep 0.2; done; exit 1'
check "  … and the status says paused" wait_status "paused \(run/pause\)" 5
sleep 1.5
held=$(last_step)
sleep 2
check "the trainer holds between steps (log at step $held, 2 s later $(last_step))" [ "$(last_step)" = "$held" ]
tmux send-keys -t "$session" p
check "p again removes run/pause" bash -c 'for _ in $(seq 25); do [ ! -e run/pause ] && exit 0; sleep 0.2; done; exit 1'
sleep 2
check "  … and the trainer goes on (step $(last_step) > $held)" [ "$(last_step)" -gt "$held" ]

before=$(ls run/step-*.safetensors 2>/dev/null | wc -l)
tmux send-keys -t "$session" w
check "w writes run/save" bash -c 'for _ in $(seq 10); do [ -e run/save ] && exit 0; sleep 0.1; done; [ $(ls run/step-*.safetensors | wc -l) -gt '"$before"' ]'
check "  … the trainer answers with a checkpoint and removes the request" \
    bash -c 'for _ in $(seq 50); do [ ! -e run/save ] && [ $(ls run/step-*.safetensors | wc -l) -gt '"$before"' ] && exit 0; sleep 0.2; done; exit 1'
newest=$(ls run/step-*.safetensors | sort | tail -1)
newest_step=$((10#$(basename "$newest" .safetensors | sed 's/step-//')))
# The trainer keeps going, so a scheduled checkpoint may follow the requested one at once.
shown_checkpoint_reaches() {
    for _ in $(seq 75); do
        [ "$(status_bar | grep -o 'checkpoint [0-9]*' | awk '{print $2}')" -ge "$1" ] 2>/dev/null && return 0
        sleep 0.2
    done
    return 1
}
check "  … which the watcher shows (checkpoint $newest_step or later)" shown_checkpoint_reaches "$newest_step"
check "recur sample reads it" bash -c "[ -n \"\$('$recur' sample --checkpoint '$newest' --length 20)\" ]"

tmux send-keys -t "$session" q
for _ in $(seq 50); do [ -s status ] && break; sleep 0.2; done
check "q exits with status 0" [ "$(cat status 2>/dev/null)" = 0 ]
kill "$trainer" 2>/dev/null
wait "$trainer" 2>/dev/null
trainer=
finish watch_torch
