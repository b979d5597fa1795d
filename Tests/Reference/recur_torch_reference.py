#!/usr/bin/env python3
"""Recur's own PyTorch reference: the same model, data streams and losses in PyTorch,
used to check Recur's numbers (agreement) and to time PyTorch on the same machine
(speed). Character level only, which is what the agreement and speed checks use.

    eval CHECKPOINT CORPUS              validation loss as Recur defines it -> {"val_loss": x}
    step BEFORE AFTER CORPUS --lr LR    one plain SGD step on the first chunk from BEFORE's
                                        weights, compared with AFTER -> {"max_abs_diff": x}
    speed --cell C --vocab V ...        training tokens/s on random tokens -> {"tokens_per_sec": x}
    sample --cell C ... --length N      batch-1 sampling tokens/s -> {"tokens_per_sec": x}

Checkpoints are read directly (safetensors: 8-byte header length, JSON header, little-endian
F32 tensors). Requirements: Tests/Reference/requirements.txt.
"""
import argparse, json, math, struct, sys, time

import torch
import torch.nn as nn


# ---- checkpoints ---------------------------------------------------------------------

def read_checkpoint(path):
    raw = open(path, "rb").read()
    length = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + length])
    metadata = header.pop("__metadata__")
    data = raw[8 + length:]
    tensors = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        assert info["dtype"] == "F32", name
        tensor = torch.frombuffer(bytearray(data[start:end]), dtype=torch.float32)
        tensors[name] = tensor.reshape(info["shape"]).clone()
    config = json.loads(metadata["config"])
    vocab = json.loads(metadata["vocab"])
    return config, vocab, tensors


# ---- the model -----------------------------------------------------------------------

class SigmoidRNN(nn.Module):
    """nn.RNN's parameters with sigmoid for tanh (nn.RNN has no sigmoid), step by step."""

    def __init__(self, embed, hidden, layers):
        super().__init__()
        self.hidden, self.layers = hidden, layers
        for layer in range(layers):
            width = embed if layer == 0 else hidden
            setattr(self, f"weight_ih_l{layer}", nn.Parameter(torch.empty(hidden, width)))
            setattr(self, f"weight_hh_l{layer}", nn.Parameter(torch.empty(hidden, hidden)))
            setattr(self, f"bias_ih_l{layer}", nn.Parameter(torch.empty(hidden)))
            setattr(self, f"bias_hh_l{layer}", nn.Parameter(torch.empty(hidden)))

    def forward(self, x, h):  # x (T, B, E), h (L, B, H)
        states = []
        for layer in range(self.layers):
            w_ih, w_hh = getattr(self, f"weight_ih_l{layer}"), getattr(self, f"weight_hh_l{layer}")
            b_ih, b_hh = getattr(self, f"bias_ih_l{layer}"), getattr(self, f"bias_hh_l{layer}")
            state, outputs = h[layer], []
            for t in range(x.shape[0]):
                state = torch.sigmoid(x[t] @ w_ih.T + b_ih + state @ w_hh.T + b_hh)
                outputs.append(state)
            x = torch.stack(outputs)
            states.append(state)
        return x, torch.stack(states)


class LanguageModel(nn.Module):
    """Embedding -> stacked RNN/LSTM/GRU -> Linear, under Recur's (PyTorch's) names."""

    def __init__(self, cell, activation, vocab, embed, hidden, layers):
        super().__init__()
        self.cell, self.layers, self.hidden = cell, layers, hidden
        self.encoder = nn.Embedding(vocab, embed)
        if cell == "lstm":
            self.rnn = nn.LSTM(embed, hidden, layers)
        elif cell == "gru":
            self.rnn = nn.GRU(embed, hidden, layers)
        elif activation == "sigmoid":
            self.rnn = SigmoidRNN(embed, hidden, layers)
        else:
            self.rnn = nn.RNN(embed, hidden, layers, nonlinearity=activation)
        self.decoder = nn.Linear(hidden, vocab)

    def zero_state(self, batch):
        h = torch.zeros(self.layers, batch, self.hidden)
        return (h, h.clone()) if self.cell == "lstm" else h

    def forward(self, inputs, state):  # inputs (T, B) -> logits (T, B, V)
        output, state = self.rnn(self.encoder(inputs), state)
        return self.decoder(output), state


def model_from(config, tensors):
    model = LanguageModel(config["cell"], config["activation"], config["vocab_size"], config["embed"],
                          config["hidden"], config["layers"])
    if config.get("tie_weights"):
        # PyTorch's tying (word_language_model --tied): one Parameter under both names.
        model.decoder.weight = model.encoder.weight
    state = {name: tensors[name] for name in model.state_dict()}
    model.load_state_dict(state)
    return model


# ---- text, as Recur reads it -----------------------------------------------------------

def character_ids(path, vocab):
    """Unicode scalars; a leading BOM and the \\r of each \\r\\n dropped, as Recur does."""
    text = open(path, encoding="utf-8", newline="").read()
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n")
    index = {token: i for i, token in enumerate(vocab)}
    return torch.tensor([index[c] for c in text], dtype=torch.long)


def streams(ids, batch):
    """B contiguous streams of floor(n / B) tokens: (B, n) -> transposed per chunk."""
    length = len(ids) // batch
    return ids[:length * batch].reshape(batch, length), length


def validation_loss(model, ids, batch, steps):
    data, length = streams(ids, batch)
    state, total, count, position = model.zero_state(batch), 0.0, 0, 0
    with torch.no_grad():
        while position < length - 1:
            n = min(steps, length - 1 - position)
            inputs = data[:, position:position + n].T
            targets = data[:, position + 1:position + n + 1].T
            logits, state = model(inputs, state)
            total += nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction="sum").item()
            count += n * batch
            position += n
    return total / count


def split(ids):
    cut = int(len(ids) * 0.9)
    return ids[:cut], ids[cut:]


# ---- commands ------------------------------------------------------------------------

def command_eval(args):
    config, vocab, tensors = read_checkpoint(args.checkpoint)
    assert config["level"] == "char", "the reference reads character-level checkpoints"
    model = model_from(config, tensors).eval()
    _, validation = split(character_ids(args.corpus, vocab))
    print(json.dumps({"val_loss": validation_loss(model, validation, config["batch"], config["seq"])}))


def command_step(args):
    config, vocab, tensors = read_checkpoint(args.before)
    _, _, after = read_checkpoint(args.after)
    model = model_from(config, tensors).train()
    training, _ = split(character_ids(args.corpus, vocab))
    data, _ = streams(training, config["batch"])
    steps = config["seq"]
    inputs, targets = data[:, :steps].T, data[:, 1:steps + 1].T
    logits, _ = model(inputs, model.zero_state(config["batch"]))
    loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
    loss.backward()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter -= args.lr * parameter.grad
    difference = max((model.state_dict()[name] - after[name]).abs().max().item() for name in model.state_dict())
    print(json.dumps({"max_abs_diff": difference, "loss": loss.item()}))


def command_speed(args):
    torch.manual_seed(1)
    model = LanguageModel(args.cell, args.activation, args.vocab, args.embed, args.hidden, args.layers)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    data = torch.randint(0, args.vocab, (args.seq + 1, args.batch))
    state = model.zero_state(args.batch)

    def step(state):
        logits, state = model(data[:-1], state)
        loss = nn.functional.cross_entropy(logits.reshape(-1, args.vocab), data[1:].reshape(-1))
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
    args = parser.parse_args()
    torch.set_num_threads(int(__import__("os").environ.get("RECUR_TORCH_THREADS", "2")))
    {"eval": command_eval, "step": command_step, "speed": command_speed, "sample": command_sample}[args.command](args)


if __name__ == "__main__":
    main()
