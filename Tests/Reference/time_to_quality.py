"""Time to quality: how long Recur and PyTorch each take, on the same machine and thread
count, to bring a char-LSTM to a validation loss target (issue #23).

The model and schedule of both sides: a char-level LSTM 2×256, embedding 64, seq 64,
batch 32, Adam 2e-3, gradient clipping at 5, dropout 0.2 (between the layers and before
the decoder, as nn.LSTM(dropout=) plus one nn.Dropout: Recur's placement). Each side's
clock runs from the moment its process is started (reading the corpus included) until it
prints a validation loss at or below the target, and so includes its own validation
passes, every 128 steps over the whole validation text.

Usage (time_to_quality.sh wraps it):
    python time_to_quality.py --recur PATH/TO/recur --corpus TEXT [--target 1.55]
        [--max-tokens N] [--rounds R] [--threads 2] [--seed 1] [--embedding-dropout]
The PyTorch side runs as `python time_to_quality.py --torch-side ...` in its own process.

What is the same on both sides: the vocabulary (sorted distinct code points of the
whole text), the split (first floor(0.9·n) tokens train, the rest validate), the batch
layout (the training text cut into 32 contiguous streams, step k reading tokens
[64k, 64k+64) of each, the state carried and detached, back to position 0 with a zero
state when the next chunk does not fit), the validation loss (the whole validation text
cut into 32 streams, run in chunks of 64 from a zero state, the mean cross-entropy in
nats over every token), PyTorch's default initialisation distributions, Adam's defaults
(betas 0.9/0.999, eps 1e-8), clip_grad_norm_'s formula. What differs: each side draws
its initial weights and dropout masks from its own generator, so the curves agree in
distribution, not step for step; and the loss printed with 4 decimals is what is
compared with the target on both sides.
"""
import argparse
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

MODEL = {"embed": 64, "hidden": 256, "layers": 2, "seq": 64, "batch": 32, "lr": 2e-3, "clip": 5.0, "dropout": 0.2}
EVAL_EVERY = 128


def torch_side(args):
    """Trains the PyTorch model, printing `val STEP TOKENS LOSS` after every validation."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    with open(args.corpus, encoding="utf-8") as handle:
        text = handle.read()
    vocabulary = sorted(set(text))
    index = {ch: i for i, ch in enumerate(vocabulary)}
    ids = torch.tensor([index[ch] for ch in text], dtype=torch.long)
    cut = int(len(ids) * 0.9)
    T, B = MODEL["seq"], MODEL["batch"]

    def streams(part):
        length = len(part) // B
        return part[: length * B].view(B, length).t().contiguous(), length  # (length, B)

    train, train_length = streams(ids[:cut])
    valid, valid_length = streams(ids[cut:])

    class CharLSTM(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Embedding(len(vocabulary), MODEL["embed"])
            self.rnn = nn.LSTM(MODEL["embed"], MODEL["hidden"], MODEL["layers"], dropout=MODEL["dropout"])
            self.drop = nn.Dropout(MODEL["dropout"])
            self.decoder = nn.Linear(MODEL["hidden"], len(vocabulary))

        def forward(self, x, state):
            embedded = self.encoder(x)
            if args.embedding_dropout:
                embedded = self.drop(embedded)  # word_language_model's placement
            output, state = self.rnn(embedded, state)
            return self.decoder(self.drop(output)), state

    model = CharLSTM()
    optimizer = torch.optim.Adam(model.parameters(), lr=MODEL["lr"])

    def zero_state():
        h = torch.zeros(MODEL["layers"], B, MODEL["hidden"])
        return (h, h.clone())

    def validation_loss():
        model.eval()
        total, count, position, state = 0.0, 0, 0, zero_state()
        with torch.no_grad():
            while position < valid_length - 1:
                steps = min(T, valid_length - 1 - position)
                logits, state = model(valid[position:position + steps], state)
                targets = valid[position + 1:position + steps + 1]
                total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction="sum").item()
                count += steps * B
                position += steps
        model.train()
        return total / count

    state, position, step = zero_state(), 0, 0
    max_steps = args.max_tokens // (T * B)
    while step < max_steps:
        if position + T + 1 > train_length:
            position, state = 0, zero_state()
        inputs, targets = train[position:position + T], train[position + 1:position + T + 1]
        state = tuple(s.detach() for s in state)
        logits, state = model(inputs, state)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), MODEL["clip"])
        optimizer.step()
        position += T
        step += 1
        if step % EVAL_EVERY == 0 or step == max_steps:
            print(f"val {step} {step * T * B} {validation_loss():.4f}", flush=True)


def run_side(name, command, target):
    """Runs one side; returns (seconds, tokens, loss) at the first validation loss ≤ target,
    or (seconds, tokens, loss) of its last validation when it never got there."""
    recur_line = re.compile(r"^step (\d+)\s+val_loss ([0-9.]+|nan|inf)")
    torch_line = re.compile(r"^val (\d+) (\d+) ([0-9.]+|nan|inf)")
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    last, evaluations = None, 0
    try:
        for line in process.stdout:
            now = time.monotonic() - started
            match = recur_line.match(line)
            if match:
                step, loss = int(match[1]), float(match[2])
                tokens = step * MODEL["seq"] * MODEL["batch"]
            else:
                match = torch_line.match(line)
                if not match:
                    continue
                tokens, loss = int(match[2]), float(match[3])
            evaluations += 1
            last = (now, tokens, loss)
            if loss <= target:
                return last, evaluations, True
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait()
    if last is None:
        sys.exit(f"time_to_quality: {name} printed no validation loss (exit status {process.returncode})")
    return last, evaluations, False


def main():
    parser = argparse.ArgumentParser(description="Recur against PyTorch: wall time to a validation loss.")
    parser.add_argument("--recur", help="the recur binary (a release build)")
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--target", type=float, default=1.55, help="validation loss to reach (default: 1.55)")
    parser.add_argument("--max-tokens", type=int, default=20_000_000,
                        help="stop a side at this many training tokens if it has not reached the target (default: 20M); "
                             "a small value is the quick mode: each side's time and loss at that budget")
    parser.add_argument("--rounds", type=int, default=1, help="alternating runs of each side (medians reported)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--embedding-dropout", action="store_true",
                        help="PyTorch side only: also drop the embedding (word_language_model's placement, Recur's before #23)")
    parser.add_argument("--torch-side", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.max_tokens < MODEL["seq"] * MODEL["batch"]:
        sys.exit("time_to_quality: --max-tokens must cover at least one step (2048 tokens)")
    if args.torch_side:
        torch_side(args)
        return
    if not args.recur:
        sys.exit("time_to_quality: --recur PATH is required")

    steps = args.max_tokens // (MODEL["seq"] * MODEL["batch"])
    work = tempfile.mkdtemp()
    environment_note = f"{args.threads} threads each"
    recur_command = [args.recur, "train", "--corpus", args.corpus, "--level", "char", "--cell", "lstm",
                     "--embed", str(MODEL["embed"]), "--hidden", str(MODEL["hidden"]), "--layers", str(MODEL["layers"]),
                     "--seq", str(MODEL["seq"]), "--batch", str(MODEL["batch"]), "--lr", str(MODEL["lr"]),
                     "--optimizer", "adam", "--clip", str(MODEL["clip"]), "--dropout", str(MODEL["dropout"]),
                     "--seed", str(args.seed), "--steps", str(steps), "--eval-every", str(EVAL_EVERY), "--eval-tokens", "0"]
    torch_command = [sys.executable, os.path.abspath(__file__), "--torch-side", "--corpus", args.corpus,
                     "--max-tokens", str(args.max_tokens), "--threads", str(args.threads), "--seed", str(args.seed)]
    if args.embedding_dropout:
        torch_command.append("--embedding-dropout")
    results = {"Recur": [], "PyTorch": []}
    for round_index in range(args.rounds):
        # Alternate which side goes first, so a drift in the machine's load hits both.
        order = ["Recur", "PyTorch"] if round_index % 2 == 0 else ["PyTorch", "Recur"]
        for name in order:
            if name == "Recur":
                checkpoint = os.path.join(work, f"run{round_index}.safetensors")
                command = recur_command + ["--checkpoint", checkpoint, "--fresh"]
            else:
                command = torch_command
            (seconds, tokens, loss), evaluations, reached = run_side(name, command, args.target)
            results[name].append((seconds, tokens, loss, reached))
            print(f"round {round_index + 1} {name:8} {'reached' if reached else 'stopped at'} val_loss {loss:.4f} "
                  f"after {tokens:,} tokens in {seconds:.1f} s ({tokens / seconds:,.0f} tokens/s, {evaluations} validations)",
                  flush=True)

    print(f"\ntarget val_loss {args.target}, {environment_note}, {args.rounds} round(s), medians:")
    print(f"{'':8} {'tokens':>12} {'wall s':>9} {'tokens/s':>10} {'val_loss':>9}  reached")
    medians = {}
    for name, runs in results.items():
        seconds = statistics.median(r[0] for r in runs)
        tokens = statistics.median(r[1] for r in runs)
        loss = statistics.median(r[2] for r in runs)
        medians[name] = (seconds, tokens, loss, all(r[3] for r in runs))
        print(f"{name:8} {tokens:>12,.0f} {seconds:>9.1f} {tokens / seconds:>10,.0f} {loss:>9.4f}  "
              f"{'yes' if medians[name][3] else 'no'}")
    (recur_s, recur_tokens, _, recur_reached), (torch_s, torch_tokens, _, torch_reached) = medians["Recur"], medians["PyTorch"]
    if recur_reached and torch_reached:
        print(f"time to val_loss {args.target}: Recur/PyTorch = {recur_s / torch_s:.3f}")
    else:
        print(f"target not reached by both within {args.max_tokens:,} tokens: at that budget, wall time Recur/PyTorch = "
              f"{recur_s / torch_s:.3f} for {recur_tokens:,.0f} / {torch_tokens:,.0f} tokens "
              f"(tokens/s Recur/PyTorch = {(recur_tokens / recur_s) / (torch_tokens / torch_s):.3f})")


if __name__ == "__main__":
    main()
