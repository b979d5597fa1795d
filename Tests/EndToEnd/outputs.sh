#!/usr/bin/env bash
# Nothing lost, for every output, with the release binary: a --resume file is only read;
# no command trains and then discards its result; a continued run folder's log is appended
# to; two writers into one checkpoint (two `recur train`, or the workbench and a train)
# are refused or kept apart; a file changed under the workbench is kept; a full disk
# (a small tmpfs, when this user may mount one) or a file size limit (`ulimit -f`) ends in
# a one-line error that says where the run went; an input is never replaced by an output;
# a projector pair is written whole or not at all; a 250-byte checkpoint name works.
# Usage: Tests/EndToEnd/outputs.sh [path/to/recur]
set -uo pipefail
source "$(dirname "$0")/prologue.sh"
full="$work/full"
background=()
cleanup_more() {
    for pid in "${background[@]}"; do kill "$pid" 2>/dev/null; done
    if mountpoint -q "$full" 2>/dev/null; then umount "$full"; fi
}
cd "$work"
cp "$root/samples/small.txt" small.txt
S=(--hidden 16 --embed 8 --batch 4 --seq 16 --eval-every 0)
step_of() { "$recur" inspect --json "$1" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["step"])'; }
start() {
    rm -f status
    tmux kill-session -t "$session" 2>/dev/null
    tmux new-session -d -s "$session" -x 120 -y 36 "$recur $*; echo \$? > status; sleep 600"
}
wait_exit() { for _ in $(seq 150); do [ -s status ] && return 0; sleep 0.2; done; return 1; }
# one_line_error FILE FRAGMENT: exactly one line, holding FRAGMENT.
one_line_error() { [ "$(wc -l <"$1")" -eq 1 ] && grep -q -- "$2" "$1"; }

mkdir run
"$recur" train --corpus small.txt "${S[@]}" --steps 40 --log run/log.jsonl --checkpoint run/step-00000040.safetensors 2>/dev/null

# ---- #26.1: the workbench never writes the file given to --resume.
start --corpus small.txt --resume run/step-00000040.safetensors --paused
wait_for 'paused' 30
tmux send-keys -t "$session" s
wait_status 'step 41 ' 10
tmux send-keys -t "$session" q
wait_exit
check "workbench --resume: the resumed file still holds step 40" [ "$(step_of run/step-00000040.safetensors)" = 40 ]
check "  … and the run went to the default small.recur.safetensors (step 41)" [ "$(step_of small.recur.safetensors)" = 41 ]
start --corpus small.txt --resume small.recur.safetensors --paused
wait_exit
check "workbench: --resume of the default file without --checkpoint is refused" wait_for "is read, never written" 5
check "  … with a status of 1" [ "$(cat status)" = 1 ]

# ---- #26.2: train --resume without --checkpoint and embed without --out save to a default.
rm -f small.recur.safetensors
"$recur" train --corpus small.txt --resume run/step-00000040.safetensors --more 3 2>err
check "train --resume without --checkpoint says where it saves" grep -q "saving the run to small.recur.safetensors" err
check "  … and saves there at step 43" [ "$(step_of small.recur.safetensors)" = 43 ]
check "  … leaving the resumed file at step 40" [ "$(step_of run/step-00000040.safetensors)" = 40 ]
"$recur" train --corpus small.txt --resume small.recur.safetensors --more 3 2>err
check "train --resume of the default file is refused before training" one_line_error err "name it as --checkpoint"
"$recur" embed --corpus small.txt --min-count 1 --epochs 1 --dim 8 2>err
check "embed without --out writes small.vectors.txt" "$recur" neighbours --vectors small.vectors.txt the
"$recur" embed --corpus small.txt --min-count 1 --epochs 1 --dim 8 --seed 2 2>err
check "  … and a second run keeps the first as small.vectors.1.txt" [ -s small.vectors.1.txt ]

# ---- #26.4: continuing a run folder appends to its log when it ends at the resumed step.
"$recur" train --corpus small.txt --resume run/step-00000040.safetensors --more 20 --log run/log.jsonl \
    --checkpoint run/step-00000060.safetensors 2>err
steps=$(python3 -c 'import json,sys; print(" ".join(str(json.loads(l)["step"]) for l in open("run/log.jsonl")))')
check "the log is appended to: steps 1…60 in order" [ "$steps" = "$(seq -s ' ' 1 60)" ]
"$recur" train --corpus small.txt --resume run/step-00000040.safetensors --more 5 --log run/log.jsonl \
    --checkpoint run/other.safetensors 2>err
check "a log that ends elsewhere is kept as log.1.jsonl" grep -q "kept the previous log as log.1.jsonl" err
check "  … holding all 60 steps" [ "$(wc -l <run/log.1.jsonl)" -eq 60 ]

# ---- #27.1: two recur train into one checkpoint.
"$recur" train --corpus small.txt "${S[@]}" --steps 100000000 --checkpoint r.safetensors 2>a.err &
a=$!
background+=("$a")
for _ in $(seq 50); do [ -e r.safetensors.lock ] && break; sleep 0.1; done
sleep 2   # past reading the corpus: training, with its stop signals handled
"$recur" train --corpus small.txt "${S[@]}" --steps 300 --lr 0.01 --checkpoint r.safetensors 2>b.err
status=$?
check "a second train into a busy checkpoint is refused (exit $status)" [ $status -ge 1 -a $status -lt 128 ]
check "  … in one line naming the holder's PID $a" one_line_error b.err "PID $a"
kill -TERM "$a"
wait "$a"
check "the first run saves on SIGTERM" grep -q "wrote r.safetensors" a.err
check "  … no backup was made (nobody else wrote there)" [ ! -e r.1.safetensors ]
check "  … and the lock file is gone" [ ! -e r.safetensors.lock ]

# ---- #27.2: the workbench and a train on one file; a file changed under the workbench.
"$recur" train --corpus small.txt "${S[@]}" --steps 10 --checkpoint r2.safetensors 2>/dev/null
start --corpus small.txt --paused --checkpoint r2.safetensors
wait_for 'paused' 30
"$recur" train --corpus small.txt --more 500 --checkpoint r2.safetensors 2>err
check "train into the workbench's checkpoint is refused" one_line_error err "in use by another recur"
check "  … and r2 still holds step 10" [ "$(step_of r2.safetensors)" = 10 ]
cp run/step-00000060.safetensors r2.safetensors   # another program writes there
tmux send-keys -t "$session" q
wait_exit
check "the workbench keeps the file another program wrote (r2.1: step 60)" [ "$(step_of r2.1.safetensors)" = 60 ]
check "  … and saves its own run (step 10)" [ "$(step_of r2.safetensors)" = 10 ]

# ---- #27.5, #27.6: an input is never replaced by an output.
cp small.txt same.txt
"$recur" train --corpus same.txt "${S[@]}" --steps 2 --log same.txt --checkpoint s.safetensors 2>err
check "train --log naming the corpus is refused" one_line_error err "same file as --corpus"
check "  … and the corpus is intact" cmp -s same.txt small.txt
"$recur" embed --corpus same.txt --min-count 1 --epochs 1 --out same.txt 2>err
check "embed --out naming the corpus is refused" one_line_error err "same file as --corpus"
check "  … and the corpus is intact" cmp -s same.txt small.txt
ln -s same.txt alias.txt
"$recur" train --corpus same.txt "${S[@]}" --steps 2 --checkpoint alias.txt 2>err
check "--checkpoint through a symlink to the corpus is refused" one_line_error err "same file as --corpus"

# ---- #27.4: a file size limit (ulimit -f, in 1 KB blocks).
(ulimit -f 20; "$recur" train --corpus small.txt "${S[@]}" --steps 100 --checkpoint u.safetensors 2>err)
status=$?
check "ulimit -f: a checkpoint that cannot fit is refused before training (exit $status)" [ $status -eq 1 ]
check "  … in one line naming the limit" one_line_error err "ulimit -f"
(ulimit -f 100; "$recur" train --corpus small.txt "${S[@]}" --steps 3000 --log u.jsonl --checkpoint u.safetensors 2>err)
status=$?
check "ulimit -f: a log that hits the limit stops the run with exit 1, not SIGXFSZ ($status)" [ $status -eq 1 ]
check "  … and says where the run is saved" grep -q "training stopped at step [0-9]* and .*u.safetensors" err
check "  … which it is" [ "$(step_of u.safetensors)" -gt 0 ]
(ulimit -f 60; "$recur" train --corpus small.txt "${S[@]}" --steps 3000 --checkpoint curves.safetensors 2>err)
check "ulimit -f: a checkpoint whose curves do not fit is saved without them" grep -q "without its loss curves" err
check "  … and it resumes" "$recur" train --corpus small.txt --resume curves.safetensors --more 1 --checkpoint curves2.safetensors
(ulimit -f 60; "$recur" embed --corpus small.txt --min-count 1 --epochs 1 --dim 10 --out big.txt 2>err)
status=$?
check "ulimit -f: embed --out ends with a one-line error and exit 1, not SIGXFSZ ($status)" [ $status -eq 1 ]
check "  … that says why" grep -q "File too large" err
check "  … and leaves no temporary file" [ -z "$(ls -a | grep '\.tmp-')" ]

# ---- #27.7: the projector pair is written whole or not at all.
"$recur" embed --corpus small.txt --min-count 2 --epochs 1 --dim 4 --format projector --out vectors.tsv 2>/dev/null
cp vectors.tsv vectors.before; cp metadata.tsv metadata.before
(ulimit -f 60; "$recur" embed --corpus small.txt --min-count 1 --epochs 1 --dim 10 --format projector --out vectors.tsv 2>err)
check "projector over the size limit: metadata.tsv is not replaced alone" cmp -s metadata.tsv metadata.before
check "  … nor vectors.tsv" cmp -s vectors.tsv vectors.before

# ---- #27.17: a legal 250-byte file name is a legal checkpoint.
long=$(printf 'c%.0s' $(seq 234)).safetensors
"$recur" train --corpus small.txt "${S[@]}" --steps 2 --checkpoint "$long" 2>err
check "a 250-byte checkpoint name is written" [ "$(step_of "$long")" = 2 ]
"$recur" train --corpus small.txt --more 2 --checkpoint "$long" 2>err
check "  … and continued" [ "$(step_of "$long")" = 4 ]

# ---- #27.3: a full disk (a 300 KB tmpfs), when this user may mount one.
mkdir -p "$full"
if mount -t tmpfs -o size=300k tmpfs "$full" 2>/dev/null; then
    "$recur" train --corpus small.txt "${S[@]}" --steps 100000 --log "$full/log.jsonl" --checkpoint d.safetensors 2>err
    check "full disk under --log: an error that says why" bash -c "tail -1 err | grep -q 'No space left on device'"
    check "  … that says the run is saved" grep -q "the run is saved in d.safetensors" err
    check "  … which it is" [ "$(step_of d.safetensors)" -gt 0 ]
    rm -f "$full"/*
    TMPDIR="$work" "$recur" train --corpus small.txt "${S[@]}" --steps 100000000 --checkpoint "$full/r.safetensors" 2>err &
    pid=$!
    background+=("$pid")
    sleep 2
    dd if=/dev/zero of="$full/filler" bs=1k count=400 2>/dev/null
    kill -TERM "$pid"
    wait "$pid"
    rescued=$(grep -o "saved to [^ ]* instead" err | awk '{print $3}')
    check "full disk under --checkpoint: the run is rescued and the error says where ($rescued)" [ "$(step_of "$rescued")" -gt 0 ]
else
    echo "skip: cannot mount a tmpfs here (not root); the full-disk cases were not run"
fi

finish outputs
