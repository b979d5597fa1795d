#!/usr/bin/env python3
"""Recur's own PyTorch reference: the same model, data streams and losses in PyTorch,
used to check Recur's numbers (agreement) and to time PyTorch on the same machine
(speed). The model, checkpoint reader, tokenizers and validation loss are python/recur_torch's.

    eval CHECKPOINT CORPUS              validation loss as Recur defines it -> {"val_loss": x}
    step BEFORE AFTER CORPUS --lr LR    one plain SGD step on the first chunk from BEFORE's
                                        weights, compared with AFTER -> {"max_abs_diff": x}
    explain CHECKPOINT TEXT TOKEN...    log p(TOKEN | TEXT) and the saliency of TEXT's tokens (the
                                        gradient norm of log p per input embedding), as
                                        `recur explain` computes them -> {"TOKEN": {...}, ...}
    speed --cell C --vocab V ...        training tokens/s on random tokens -> {"tokens_per_sec": x}
                                        (--softmax adaptive --cutoffs A,B --zipf S: the adaptive
                                        softmax on Zipf-distributed tokens)
    sample --cell C ... --length N      batch-1 sampling tokens/s -> {"tokens_per_sec": x}

Checkpoints are read (and checked) by recur_torch.checkpoint. Requirements:
Tests/Reference/requirements.txt.
"""
import argparse, json, os, sys, time

import torch
import torch.nn as nn

# The model, checkpoint reader, tokenizer and validation loss have one owner: the
# recur_torch package in python/ (the PyTorch side of Recur).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from recur_torch import checkpoint as checkpoints  # noqa: E402
from recur_torch.evaluation import summed_loss  # noqa: E402
from recur_torch.model import LanguageModel, model_from  # noqa: E402
from recur_torch.text import Streams, character_scalars, corpus_with_vocab, word_tokens  # noqa: E402


def read_checkpoint(path):
    stored = checkpoints.read(path, training_state=False)
    return stored.config, stored.vocab, stored.parameters


def corpus_for(path, config, vocab):
    return corpus_with_vocab(path, vocab, config["level"], config["lowercase"], config["min_count"])


# ---- commands ------------------------------------------------------------------------

def command_eval(args):
    config, vocab, tensors = read_checkpoint(args.checkpoint)
    model = model_from(config, tensors)
    streams = Streams(corpus_for(args.corpus, config, vocab).validation_ids, config["batch"])
    total, count = summed_loss(model, streams, config["seq"])
    print(json.dumps({"val_loss": total / count}))


def command_step(args):
    config, vocab, tensors = read_checkpoint(args.before)
    _, _, after = read_checkpoint(args.after)
    model = model_from(config, tensors).train()
    streams = Streams(corpus_for(args.corpus, config, vocab).training_ids, config["batch"])
    inputs, targets = streams.chunk(0, config["seq"])
    nll, _ = model(inputs, model.zero_state(config["batch"]), targets)
    loss = nll.mean()
    loss.backward()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter -= args.lr * parameter.grad
    difference = max((model.state_dict()[name] - after[name]).abs().max().item() for name in model.state_dict())
    print(json.dumps({"max_abs_diff": difference, "loss": loss.item()}))


def command_explain(args):
    config, vocab, tensors = read_checkpoint(args.checkpoint)
    model = model_from(config, tensors).eval()
    index = {token: i for i, token in enumerate(vocab)}
    tokens = word_tokens(args.text, config["lowercase"]) if config["level"] == "word" else list(character_scalars(args.text))
    ids = torch.tensor([[index[t]] for t in tokens])  # (T, 1)
    result = {}
    for token in args.tokens:
        embedded = model.encoder(ids).detach().requires_grad_(True)  # (T, 1, E)
        output, _ = model.rnn(embedded, model.zero_state(1))
        last = output[-1]  # (1, H)
        if model.adaptive:
            log_p = model.decoder.log_prob(last)[0]
        else:
            log_p = torch.log_softmax(model.decoder(last), dim=-1)[0]
        log_p[index[token]].backward()
        result[token] = {"log_prob": log_p[index[token]].item(), "log_prob_sum": torch.logsumexp(log_p, 0).item(),
                         "saliency": embedded.grad[:, 0].norm(dim=-1).tolist()}
    print(json.dumps(result))


def zipf_tokens(vocab, exponent, shape):
    """Token ids drawn from Zipf(exponent) over ranks 1..vocab (id = rank - 1)."""
    weights = torch.arange(1, vocab + 1, dtype=torch.float64) ** -exponent
    return torch.multinomial(weights, int(torch.tensor(shape).prod()), replacement=True).reshape(shape)


def command_speed(args):
    torch.manual_seed(1)
    cutoffs = [int(c) for c in args.cutoffs.split(",")] if args.cutoffs else []
    model = LanguageModel(args.cell, args.activation, args.vocab, args.embed, args.hidden, args.layers,
                          softmax=args.softmax, cutoffs=cutoffs, div_value=args.div_value)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    shape = (args.seq + 1, args.batch)
    data = zipf_tokens(args.vocab, args.zipf, shape) if args.zipf else torch.randint(0, args.vocab, shape)
    state = model.zero_state(args.batch)

    def step(state):
        nll, state = model(data[:-1], state, data[1:])
        loss = nll.mean()
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
        return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()

    for _ in range(args.warmup):
        state = step(state)
    start = time.perf_counter()
    for _ in range(args.steps):
        state = step(state)
    seconds = time.perf_counter() - start
    print(json.dumps({"tokens_per_sec": args.steps * args.seq * args.batch / seconds, "seconds": seconds,
                      "threads": torch.get_num_threads()}))


def command_sample(args):
    torch.manual_seed(1)
    model = LanguageModel(args.cell, args.activation, args.vocab, args.embed, args.hidden, args.layers).eval()
    token, state = torch.zeros(1, 1, dtype=torch.long), model.zero_state(1)
    start = time.perf_counter()
    with torch.no_grad():
        for _ in range(args.length):
            logits, state = model(token, state)
            probabilities = torch.softmax(logits[0, 0] / args.temperature, dim=-1)
            token = torch.multinomial(probabilities, 1).reshape(1, 1)
    seconds = time.perf_counter() - start
    print(json.dumps({"tokens_per_sec": args.length / seconds, "seconds": seconds}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    evaluate = commands.add_parser("eval")
    evaluate.add_argument("checkpoint")
    evaluate.add_argument("corpus")
    step = commands.add_parser("step")
    step.add_argument("before")
    step.add_argument("after")
    step.add_argument("corpus")
    step.add_argument("--lr", type=float, required=True)
    explain = commands.add_parser("explain")
    explain.add_argument("checkpoint")
    explain.add_argument("text")
    explain.add_argument("tokens", nargs="+")
    for name in ["speed", "sample"]:
        command = commands.add_parser(name)
        command.add_argument("--cell", default="lstm")
        command.add_argument("--activation", default="tanh")
        command.add_argument("--vocab", type=int, default=65)
        command.add_argument("--embed", type=int, default=64)
        command.add_argument("--hidden", type=int, default=256)
        command.add_argument("--layers", type=int, default=2)
        command.add_argument("--seq", type=int, default=64)
        command.add_argument("--batch", type=int, default=32)
        command.add_argument("--steps", type=int, default=40)
        command.add_argument("--warmup", type=int, default=5)
        command.add_argument("--length", type=int, default=2000)
        command.add_argument("--temperature", type=float, default=0.8)
        command.add_argument("--softmax", default="full")
        command.add_argument("--cutoffs", default="")
        command.add_argument("--div-value", type=float, default=4.0)
        command.add_argument("--zipf", type=float, default=0.0)
    args = parser.parse_args()
    torch.set_num_threads(int(__import__("os").environ.get("RECUR_TORCH_THREADS", "2")))
    {"eval": command_eval, "step": command_step, "explain": command_explain, "speed": command_speed,
     "sample": command_sample}[args.command](args)


if __name__ == "__main__":
    main()
