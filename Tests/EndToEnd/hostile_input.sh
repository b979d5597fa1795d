#!/usr/bin/env bash
# Hostile input against the release binary, class by class (issue: trust nothing from
# outside): checkpoints with edited metadata, vector files that lie, output paths that
# are symlinks or FIFOs, CRLF and byte-order marks, hang-ups and closed streams,
# negative numbers. Every case ends in a one-line error (status 1–123) or in correct
# behaviour; a crash, a hang or a stack trace fails it.
# Usage: Tests/EndToEnd/hostile_input.sh [path/to/recur]
set -uo pipefail
source "$(dirname "$0")/prologue.sh"

# Every error is one line on stderr.
max_error_lines=1

small=samples/small.txt
model=(--hidden 16 --embed 8 --seq 8 --batch 4)
"$recur" train --corpus "$small" "${model[@]}" --steps 3 --eval-every 0 --checkpoint "$work/good.safetensors" 2>/dev/null

# ---- 1. Checkpoints with edited metadata: every numeric field of config and training
# (nested ones too) set to 0, -1, 2^62, Int.max, a fraction and a string, made null and
# removed; an extra key; vocabularies that disagree with the tensors. Each file is fed to
# inspect, sample, eval and train --resume.
mkdir "$work/edited"
python3 - "$work/good.safetensors" "$work/edited" <<'PY'
import json, struct, sys
source, folder = sys.argv[1:3]
raw = open(source, "rb").read()
length = struct.unpack("<Q", raw[:8])[0]
header = json.loads(raw[8:8 + length])
tensors = raw[8 + length:]
metadata = header["__metadata__"]
hostile = [0, -1, 2**62, 2**63 - 1, 1.5, "7", None, "DELETE"]
variants = []
def save(name, section, value):
    edited = dict(header)
    edited["__metadata__"] = dict(metadata, **{section: value if isinstance(value, str) else json.dumps(value)})
    body = json.dumps(edited).encode()
    body += b" " * (-len(body) % 8)
    open(f"{folder}/{len(variants):03d}.safetensors", "wb").write(struct.pack("<Q", len(body)) + body + tensors)
    variants.append(name)
for section in ["config", "training"]:
    base = json.loads(metadata[section])
    targets = [[key] for key in base] + [[key, inner] for key in base if isinstance(base[key], dict) for inner in base[key]]
    for target in targets:
        for value in hostile:
            edited = json.loads(metadata[section])
            place = edited if len(target) == 1 else edited[target[0]]
            if value == "DELETE": place.pop(target[-1], None)
            else: place[target[-1]] = value
            save(f"{section}.{'.'.join(target)} = {value}", section, edited)
    save(f"{section} with an extra key", section, dict(base, surprise=12))
    save(f"{section} not JSON", section, "{nope")
tokens = json.loads(metadata["vocab"])
for name, vocab in [("one token short", tokens[:-1]), ("a repeated token", tokens[:-1] + tokens[:1]),
                    ("a two-character token", tokens[:-1] + ["ab"]), ("no tokens", [])]:
    save(f"vocabulary with {name}", "vocab", vocab)
open(f"{folder}/names.txt", "w").write("\n".join(variants) + "\n")
PY
cases=0 crashes=0 refusals=0 multiline=0
index=0
while IFS= read -r name; do
    file=$(printf '%s/%03d.safetensors' "$work/edited" "$index")
    index=$((index + 1))
    for command in inspect sample eval resume; do
        case $command in
            inspect) args=(inspect "$file") ;;
            sample) args=(sample --checkpoint "$file" --length 20) ;;
            eval) args=(eval --checkpoint "$file" --corpus "$small") ;;
            resume) args=(train --corpus "$small" --resume "$file" --steps 5 --eval-every 0 --checkpoint "$work/resumed.safetensors") ;;
        esac
        timeout 60 "$recur" "${args[@]}" >/dev/null 2>"$work/err" </dev/null
        status=$?
        cases=$((cases + 1))
        if [ $status -ge 124 ] || grep -qiE 'fatal error|stack dump|segmentation|backtrace' "$work/err"; then
            crashes=$((crashes + 1))
            echo "  crash: $command on '$name' (exit $status): $(head -c 200 "$work/err")"
        elif [ $status -ne 0 ]; then
            refusals=$((refusals + 1))
            if [ "$(wc -l <"$work/err")" -ne 1 ]; then
                multiline=$((multiline + 1))
                echo "  not one line: $command on '$name': $(head -c 300 "$work/err")"
            fi
        fi
    done
done <"$work/edited/names.txt"
echo "edited metadata: $index files, $cases runs, $refusals refused, $crashes crashes, $multiline refusals longer than one line"
check "edited metadata: no crash, every refusal one line" [ $crashes -eq 0 -a $multiline -eq 0 -a $index -gt 200 ]
line=$(grep -n '^config.hidden = 4611686018427387904$' "$work/edited/names.txt" | cut -d: -f1)
expect_error "hidden 2^62 is refused naming the field" "config.hidden" "$recur" inspect "$work/edited/$(printf %03d $((line - 1))).safetensors"

# A data position past the text (an edited or a foreign checkpoint) is refused on resume.
python3 - "$work/good.safetensors" "$work/far.safetensors" <<'PY'
import json, struct, sys
raw = open(sys.argv[1], "rb").read()
length = struct.unpack("<Q", raw[:8])[0]
header = json.loads(raw[8:8 + length])
training = json.loads(header["__metadata__"]["training"])
training["position"] = 10**15
header["__metadata__"]["training"] = json.dumps(training)
body = json.dumps(header).encode()
open(sys.argv[2], "wb").write(struct.pack("<Q", len(body)) + body + raw[8 + length:])
PY
expect_error "resume: position past the text" "training.position" "$recur" train --corpus "$small" --resume "$work/far.safetensors" --steps 10

# ---- 2. Vector files that lie.
printf '1000000000000 300\nword ' >"$work/huge-binary.bin"
head -c 1200 /dev/zero >>"$work/huge-binary.bin"
printf '1000000000000 2\nword 1 2\n' >"$work/huge-text.txt"
python3 -c "
import struct, sys
sys.stdout.buffer.write(b'1 2\nword ' + struct.pack('<2f', 1.0, float('nan')) + b'\n')" >"$work/nan.bin"
printf '2 1000000000\na 1\n' >"$work/wide.txt"
expect_error "vectors: 10^12 words in a binary header" "can hold at most" "$recur" neighbours --vectors "$work/huge-binary.bin" word
expect_error "vectors: 10^12 words in a text header" "promises" "$recur" neighbours --vectors "$work/huge-text.txt" word
expect_error "vectors: NaN in a binary file" "not a finite number" "$recur" neighbours --vectors "$work/nan.bin" word
expect_error "vectors: dimension 10^9" "out of range" "$recur" neighbours --vectors "$work/wide.txt" a

# sample --length 10^12 streams instead of reserving: its reader stops after 2,000 bytes.
timeout 60 "$recur" sample --checkpoint "$work/good.safetensors" --length 1000000000000 2>"$work/err" | head -c 2000 >"$work/out"
status=${PIPESTATUS[0]}
check "sample --length 10^12 streams, then ends cleanly on the closed pipe (exit $status)" \
    [ "$(wc -c <"$work/out")" -eq 2000 -a $status -ge 1 -a $status -lt 124 ]
check "  … saying why in one line" grep -q "cannot write to standard output" "$work/err"

# ---- 3. Output paths: symlinks followed, FIFOs written in place, bad paths refused first.
mkdir "$work/out-paths" && cd "$work/out-paths"
ln -s real-log.jsonl log-link.jsonl
ln -s real.safetensors ckpt-link.safetensors
ln -s real-vectors.txt vectors-link.txt
"$recur" train --corpus "$OLDPWD/$small" "${model[@]}" --steps 3 --eval-every 0 --log log-link.jsonl --checkpoint ckpt-link.safetensors 2>/dev/null
"$recur" embed --corpus "$OLDPWD/$small" --min-count 1 --epochs 1 --dim 8 --out vectors-link.txt 2>/dev/null
for link in log-link.jsonl ckpt-link.safetensors vectors-link.txt; do
    check "symlink $link is still a symlink" [ -L $link ]
done
check "the log went through the link" [ "$(wc -l <real-log.jsonl)" -eq 3 ]
check "the checkpoint went through the link" "$recur" inspect real.safetensors
check "the vectors went through the link" "$recur" neighbours --vectors real-vectors.txt the
mkfifo log.fifo ckpt.fifo
timeout 60 cat log.fifo >fifo-log.txt &
timeout 60 cat ckpt.fifo >fifo-checkpoint.safetensors &
timeout 60 "$recur" train --corpus "$OLDPWD/$small" "${model[@]}" --steps 3 --eval-every 0 --log log.fifo --checkpoint ckpt.fifo 2>/dev/null
wait
check "a FIFO log stays a FIFO" [ -p log.fifo ]
check "a FIFO checkpoint stays a FIFO" [ -p ckpt.fifo ]
check "the FIFO's reader got the log" [ "$(wc -l <fifo-log.txt)" -eq 3 ]
check "the FIFO's reader got a whole checkpoint" "$recur" inspect fifo-checkpoint.safetensors
true & dead=$!
wait $dead
printf 'torn' >".kept.safetensors.tmp-$dead"
"$recur" train --corpus "$OLDPWD/$small" "${model[@]}" --steps 1 --eval-every 0 --checkpoint kept.safetensors 2>/dev/null
check "a killed writer's temporary file is removed" [ ! -e ".kept.safetensors.tmp-$dead" ]
cd "$OLDPWD"
printf 'x' >"$work/a-file"
start=$SECONDS
expect_error "train: checkpoint in a missing folder, before training" "does not exist" "$recur" train --corpus "$small" --steps 100000 --checkpoint "$work/missing/x.safetensors"
expect_error "train: checkpoint under a file, before training" "cannot write" "$recur" train --corpus "$small" --steps 100000 --checkpoint "$work/a-file/x.safetensors"
expect_error "train: a folder as the log" "is a directory" "$recur" train --corpus "$small" --steps 100000 --log "$work"
expect_error "embed: --out in a missing folder, before training" "does not exist" "$recur" embed --corpus "$small" --epochs 50 --out "$work/missing/v.txt"
check "those refusals came before any training ($((SECONDS - start)) s)" [ $((SECONDS - start)) -lt 20 ]

# ---- 4. CRLF and a byte-order mark read as the Unix text is read.
python3 - "$small" "$work/windows.txt" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
open(sys.argv[2], "wb").write(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
PY
"$recur" train --corpus "$small" "${model[@]}" --steps 3 --eval-every 0 --log "$work/unix.jsonl" --checkpoint "$work/unix.safetensors" 2>/dev/null
"$recur" train --corpus "$work/windows.txt" "${model[@]}" --steps 3 --eval-every 0 --log "$work/windows.jsonl" --checkpoint "$work/windows.safetensors" 2>/dev/null
# The logs agree but for each line's wall-clock time.
same_log() { python3 -c 'import json, sys; read = lambda p: [{k: v for k, v in json.loads(l).items() if k != "time"} for l in open(p)]; sys.exit(read(sys.argv[1]) != read(sys.argv[2]))' "$1" "$2"; }
check "char level: a CRLF copy with a BOM trains exactly as the Unix text" same_log "$work/unix.jsonl" "$work/windows.jsonl"
"$recur" embed --corpus "$work/windows.txt" --min-count 1 --epochs 1 --dim 8 --out "$work/windows-vectors.txt" 2>/dev/null
check "embed on CRLF: no \\r in the vectors file" [ "$(grep -c $'\r' "$work/windows-vectors.txt")" -eq 0 ]
check "embed on CRLF: Recur reads its own vectors back" "$recur" neighbours --vectors "$work/windows-vectors.txt" the
words=($(sed -n '2,5p' "$work/windows-vectors.txt" | cut -d' ' -f1))
printf '\xef\xbb\xbf: section\r\n%s %s %s %s\r\n' "${words[@]}" >"$work/analogies-crlf.txt"
"$recur" evaluate --vectors "$work/windows-vectors.txt" --analogies "$work/analogies-crlf.txt" >"$work/out" 2>&1
check "evaluate on CRLF analogies answers the question" grep -qE '\([01]/1, 0 skipped\)' "$work/out"
sed 's/$/\r/' themes/default.theme >"$work/crlf.theme"
expect_error "a CRLF theme is read (the error is the missing terminal)" "terminal" "$recur" --theme "$work/crlf.theme" --corpus "$small"
printf 'the \r\n' >"$work/prime.txt"
expect_error "sample: a missing prime file is named as one" "prime file not found" "$recur" sample --checkpoint "$work/good.safetensors" --prime-file "$work/none.txt"

# ---- 5. Hang-ups and closed streams.
"$recur" train --corpus "$small" "${model[@]}" --steps 10000000 --eval-every 0 --checkpoint "$work/hup.safetensors" 2>/dev/null &
pid=$!
sleep 3
kill -HUP $pid
wait $pid
status=$?
check "train: SIGHUP saves and exits cleanly (exit $status)" [ $status -eq 0 -a -s "$work/hup.safetensors" ]
"$recur" embed --corpus "$small" --min-count 1 --epochs 100000 --dim 8 --out "$work/hup-vectors.txt" 2>/dev/null &
pid=$!
sleep 3
kill -HUP $pid
wait $pid
status=$?
check "embed: SIGHUP writes the vectors so far (exit $status)" [ $status -eq 0 -a -s "$work/hup-vectors.txt" ]
"$recur" sample --checkpoint "$work/good.safetensors" --length 100 >&- 2>"$work/err"
status=$?
check "sample with stdout closed: a clean status and a reason (exit $status)" [ $status -ge 1 -a $status -lt 124 ]
"$recur" train --corpus "$small" "${model[@]}" --steps 3 --eval-every 0 --checkpoint "$work/quiet.safetensors" 2>&-
status=$?
check "train with stderr closed still trains and saves (exit $status)" [ $status -eq 0 -a -s "$work/quiet.safetensors" ]
"$recur" inspect "$work/good.safetensors" >/dev/full 2>"$work/err"
status=$?
check "inspect onto a full disk: a clean status (exit $status)" [ $status -ge 1 -a $status -lt 124 ]

# SIGUSR1 (and any other fatal signal) leaves the terminal in cooked mode.
tmux new-session -d -s "$session" -x 120 -y 36 \
    "$recur --corpus $small --no-autosave; echo \$? > $work/usr1-status; stty -a > $work/usr1-stty 2>&1; sleep 600"
for _ in $(seq 100); do tmux capture-pane -p -t "$session" | grep -q 'step' && break; sleep 0.2; done
pkill -USR1 -f "^$recur --corpus $small --no-autosave" || true
for _ in $(seq 50); do [ -s "$work/usr1-stty" ] && break; sleep 0.2; done
check "SIGUSR1 restores the terminal (canonical mode back)" grep -qE '(^| )icanon( |$)' "$work/usr1-stty"
check "  … and echo" grep -qE '(^| )echo( |$)' "$work/usr1-stty"
tmux kill-session -t "$session" 2>/dev/null

# ---- 6. Negative numbers reach validation.
expect_error "--lr -1" "--lr must be > 0 (got -1" "$recur" train --corpus "$small" --lr -1
expect_error "--hidden -3" "--hidden must be from 1" "$recur" train --corpus "$small" --hidden -3
expect_error "--seq Int.max" "--seq must be from 1" "$recur" train --corpus "$small" --seq 9223372036854775807
expect_error "--seq × --batch too large for memory" "working memory" "$recur" train --corpus "$small" --seq 100000 --batch 65536
expect_error "sample --temperature -1" "temperature" "$recur" sample --checkpoint "$work/good.safetensors" --temperature -1
expect_error "embed --dim -5" "dim" "$recur" embed --corpus "$small" --dim -5

# ---- 7. Limits of the machine, the terminal and the command line: refused in one line.
# in_terminal COMMAND: runs COMMAND (sh syntax) in a tmux window, a real terminal, and
# waits for it to end; its status, stderr and the tty settings after it are left in
# $work/tty-status, $work/tty-err and $work/tty-stty.
in_terminal() {
    rm -f "$work"/tty-*
    tmux kill-session -t "$session" 2>/dev/null
    tmux new-session -d -s "$session" -x 120 -y 36 \
        "$1 2>$work/tty-err; echo \$? > $work/tty-status; stty -a > $work/tty-stty 2>&1; sleep 600"
    for _ in $(seq 150); do [ -s "$work/tty-stty" ] && break; sleep 0.2; done
    tmux kill-session -t "$session" 2>/dev/null
}
# expect_terminal_error NAME FRAGMENT: after in_terminal, status 1–123, one line on stderr
# containing FRAGMENT, and the terminal back in cooked mode.
expect_terminal_error() {
    local status
    status=$(cat "$work/tty-status" 2>/dev/null || echo none)
    if [ "$status" != none ] && [ "$status" -ge 1 ] && [ "$status" -lt 124 ] && [ "$(wc -l <"$work/tty-err")" -eq 1 ] \
        && grep -qi -- "$2" "$work/tty-err" && grep -qE '(^| )icanon( |$)' "$work/tty-stty"; then
        ok "$1 (exit $status)"
    else
        fail "$1 (exit $status): $(head -c 400 "$work/tty-err" 2>/dev/null)"
    fi
}

# A model inside Recur's limits but past what the machine has, or the process may
# allocate (ulimit -v): refused before anything is allocated, not Swift's fatal error and
# a backtrace (20 s of it on a terminal). Hidden 4096 needs about 3 GiB, so on any
# machine it is ulimit -v that refuses it; hidden 16384 (the report's case) needs 27 GiB.
limited="ulimit -v 1500000; exec \"\$0\" \"\$@\""
expect_error "train: a model past ulimit -v" "needs about .* GiB of memory, more than this process can allocate (ulimit -v allows" \
    bash -c "$limited" "$recur" train --corpus "$small" --hidden 4096 --steps 1
expect_error "train: the report's model past ulimit -v 3000000" "needs about .* GiB of memory" \
    bash -c "ulimit -v 3000000; exec \"\$0\" \"\$@\"" "$recur" train --corpus "$small" --hidden 16384 --steps 1
expect_error "bench: a model past ulimit -v" "GiB of memory, more than this process can allocate" \
    bash -c "$limited" "$recur" bench --hidden 4096 --steps 1
expect_error "race: a model past ulimit -v" "GiB of memory, more than this process can allocate" \
    bash -c "$limited" "$recur" race --corpus "$small" --hidden 4096 --cells lstm,gru
expect_error "gradflow: a model past ulimit -v" "GiB of memory, more than this process can allocate" \
    bash -c "$limited" "$recur" gradflow --corpus "$small" --hidden 4096
python3 -c "print(' '.join('w%06d' % i for i in range(200000)))" >"$work/many-words.txt"
expect_error "embed: word2vec past ulimit -v" "word2vec of 200000 words × --dim 2048 needs about .* more than this process can allocate" \
    bash -c "$limited" "$recur" embed --corpus "$work/many-words.txt" --min-count 1 --dim 2048 --out "$work/many.vectors.txt"
in_terminal "ulimit -v 1500000; $recur --corpus $small --hidden 4096 --no-autosave"
expect_terminal_error "workbench: a model past ulimit -v" "GiB of memory, more than this process can allocate"
in_terminal "ulimit -v 3000000; $recur --corpus $small --hidden 16384 --no-autosave"
expect_terminal_error "workbench: the report's model past ulimit -v 3000000" "GiB of memory"
# bench takes train's limits.
expect_error "bench: --seq × --batch too large for memory" "working memory" "$recur" bench --seq 100000 --batch 65536 --steps 1

# A terminal that cannot place the cursor cannot draw the workbench.
in_terminal "TERM=dumb $recur --corpus $small --no-autosave"
expect_terminal_error "TERM=dumb: refused" "this terminal cannot draw the workbench (TERM=dumb"
in_terminal "TERM=no-such-terminal $recur --corpus $small --no-autosave"
expect_terminal_error "an unknown TERM: refused" "TERM=no-such-terminal is unknown"
in_terminal "TERM=dumb $recur watch $work"
expect_terminal_error "TERM=dumb: watch refused" "cannot draw the workbench"

# Command lines that do not parse: one line naming the fault and the help to read, status 64.
expect_parse_error() {
    local name=$1 fragment=$2
    shift 2
    expect_error "$name" "$fragment" "$@"
    local status
    "$@" >/dev/null 2>&1 </dev/null
    status=$?
    check "  … with status 64 (got $status)" [ $status -eq 64 ]
}
expect_parse_error "an unknown flag" "recur: Unknown option '--bogus'.*(see \`recur train --help\`)" "$recur" train --bogus
expect_parse_error "a flag's bad value" "The value 'x' is invalid for '--hidden" "$recur" train --hidden x
expect_parse_error "a missing argument" "Missing expected argument '<path>'.*recur inspect --help" "$recur" inspect
expect_parse_error "the workbench's unknown flag" "Unknown option '--bogus'.*recur --help" "$recur" --bogus
expect_parse_error "a command's own validation" "give three words" "$recur" analogy --vectors "$work/none.txt" a b
"$recur" train --help >"$work/out" 2>"$work/err"
status=$?
check "--help still prints the usage (exit $status)" bash -c "[ $status -eq 0 ] && grep -q 'USAGE: recur train' '$work/out' && [ ! -s '$work/err' ]"

finish
