"""Recur checkpoints (Checkpoint/ in RecurEngine): model tensors under PyTorch's names,
optimizer state under `optim.NAME.BUFFER`, the carried state as `state.h` (and `state.c`
for LSTM), each (L, B, H), and JSON strings in the metadata: `format` ("recur-1"),
`config`, `vocab`, `training` (step, tokens, data position, optimizer settings and step
count, clip, seed, RNG words, corpus size and hash, last validation loss, schedule,
plateau state) and `history`. Reading is the trust boundary: every field is checked
here, with Recur's rules, before anything is sized from it."""
import json

import numpy as np
import torch

from . import safetensors
from .errors import UserError
from .optim import BUFFER_NAMES

LIMITS = {"vocab_size": 4_000_000, "embed": 65_536, "hidden": 65_536, "layers": 64, "seq": 100_000,
          "batch": 65_536}
COUNTER_LIMIT = 1 << 60
GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def layout(config):
    """[(name, shape)] in Recur's (and state_dict's) order, the tied decoder included."""
    V, E, H, G = config["vocab_size"], config["embed"], config["hidden"], GATES[config["cell"]] * config["hidden"]
    shapes = [("encoder.weight", [V, E])]
    for layer in range(config["layers"]):
        shapes += [(f"rnn.weight_ih_l{layer}", [G, E if layer == 0 else H]), (f"rnn.weight_hh_l{layer}", [G, H]),
                   (f"rnn.bias_ih_l{layer}", [G]), (f"rnn.bias_hh_l{layer}", [G])]
        # --norm layer: nn.LayerNorm's weight (gain) and bias for W_ih x, W_hh h and the LSTM's c.
        if config.get("norm", "none") == "layer":
            for part, width in [("ih", G), ("hh", G)] + ([("c", H)] if config["cell"] == "lstm" else []):
                shapes += [(f"rnn.layer_norm_{part}_l{layer}.weight", [width]), (f"rnn.layer_norm_{part}_l{layer}.bias", [width])]
    if config.get("softmax", "full") != "adaptive":
        return shapes + [("decoder.weight", [V, H]), ("decoder.bias", [V])]
    # nn.AdaptiveLogSoftmaxWithLoss(H, V, cutoffs, div_value), head_bias=False.
    cutoffs, div_value = config["cutoffs"], config.get("div_value", 4.0)
    shapes.append(("decoder.head.weight", [cutoffs[0] + len(cutoffs), H]))
    bounds = cutoffs + [V]
    for i in range(len(cutoffs)):
        width = int(H // (div_value ** (i + 1)))
        shapes += [(f"decoder.tail.{i}.0.weight", [width, H]), (f"decoder.tail.{i}.1.weight", [bounds[i + 1] - bounds[i], width])]
    return shapes


class Checkpoint:
    """What a checkpoint holds. `parameters` and the optimizer's `first`/`second` map
    names to tensors (tied names included); `state` is [h] or [h, c], each (L, B, H);
    `training` and `history` are the metadata objects, None/empty when absent."""

    def __init__(self, config, vocab, parameters, training=None, first=None, second=None, state=None, history=None):
        self.config, self.vocab, self.parameters = config, vocab, parameters
        self.training, self.first, self.second, self.state = training, first, second, state
        self.history = history or {}


def _json_field(metadata, key, bad):
    if key not in metadata:
        raise bad(f'its metadata has no "{key}"')
    try:
        return json.loads(metadata[key])
    except ValueError:
        raise bad(f'"{key}" is not JSON')


def _check_number(value, low, high, name, bad, kind=int):
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise bad(f"{name} has the wrong type or an impossible value")
    if kind is float and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise bad(f"{name} has the wrong type or an impossible value")
    if not low <= value <= high:
        raise bad(f"{name} must be from {low} to {high} (got {value})")


def check_config(config, bad):
    """Recur's checks on the `config` object (CheckpointConfig, ModelConfig.validate)."""
    if not isinstance(config, dict):
        raise bad('"config" is not a JSON object')
    for key, values in [("level", ("char", "word")), ("cell", ("rnn", "lstm", "gru")),
                        ("activation", ("tanh", "sigmoid", "relu"))]:
        if config.get(key) not in values:
            raise bad(f"config.{key} is missing or not one of {', '.join(values)}")
    for key, high in LIMITS.items():
        if key not in config:
            raise bad(f"config.{key} is missing")
        _check_number(config[key], 1, high, f"config.{key}", bad)
    _check_number(config.get("min_count"), 1, 2 ** 62, "config.min_count", bad)
    _check_number(config.get("dropout"), 0, 0.999999, "config.dropout", bad, float)
    if not isinstance(config.get("lowercase"), bool):
        raise bad("config.lowercase is missing")
    if config.get("tie_weights") and config["hidden"] != config["embed"]:
        raise bad("config.tie-weights needs config.hidden equal to config.embed")
    if config.get("tie_weights") and config.get("freeze_embed"):
        raise bad("config.tie_weights and config.freeze_embed exclude each other")
    check_softmax(config, bad)
    if config.get("norm", "none") not in ("none", "layer"):
        raise bad("config.norm is not one of none, layer")
    if config.get("max_vocab") is not None:
        _check_number(config["max_vocab"], 2, LIMITS["vocab_size"], "config.max_vocab", bad)


def check_softmax(config, bad):
    """ModelConfig.validateAdaptive: PyTorch's rules on cutoffs, each projection at least
    one wide, no tying; a full softmax has no cutoffs."""
    softmax = config.get("softmax", "full")
    if softmax not in ("full", "adaptive"):
        raise bad("config.softmax is not one of full, adaptive")
    cutoffs = config.get("cutoffs", [])
    if softmax == "full":
        if cutoffs:
            raise bad("config.cutoffs shapes the adaptive softmax; it needs config.softmax adaptive")
        return
    V = config["vocab_size"]
    if not (isinstance(cutoffs, list) and 1 <= len(cutoffs) <= 64
            and all(isinstance(c, int) and not isinstance(c, bool) for c in cutoffs)):
        raise bad("config.cutoffs needs 1 to 64 increasing numbers for config.softmax adaptive")
    if not all(1 <= c <= V - 1 for c in cutoffs) or any(a >= b for a, b in zip(cutoffs, cutoffs[1:])):
        raise bad(f"config.cutoffs must increase strictly, each from 1 to the vocabulary size - 1 = {V - 1}")
    _check_number(config.get("div_value", 4.0), 1, 1024, "config.div_value", bad, float)
    if any(int(config["hidden"] // (config.get("div_value", 4.0) ** (i + 1))) < 1 for i in range(len(cutoffs))):
        raise bad("config.hidden // config.div_value^(i+1) is 0 for a cluster: it would have no projection")
    if config.get("tie_weights"):
        raise bad("config.tie-weights ties decoder.weight to the embedding, and config.softmax adaptive has no decoder.weight")


def check_vocab(vocab, config, bad):
    if not isinstance(vocab, list) or not all(isinstance(t, str) for t in vocab):
        raise bad('"vocab" is not a list of strings')
    if len(vocab) != config["vocab_size"]:
        raise bad(f"the vocabulary has {len(vocab)} tokens but config.vocab_size is {config['vocab_size']}")
    if len(set(vocab)) != len(vocab):
        raise bad("the vocabulary repeats a token")
    for index, token in enumerate(vocab):
        if (len(token) != 1) if config["level"] == "char" else not token:
            raise bad(f"vocabulary entry {index} ({token!r}) is not " + ("one character" if config["level"] == "char" else "a word"))


def check_training(training, bad):
    """TrainingProgress.validate: counters, RNG words, optimizer ranges."""
    if not isinstance(training, dict):
        raise bad('"training" is not a JSON object')
    for key in ("step", "tokens", "position", "optimizer_steps", "corpus_tokens"):
        _check_number(training.get(key), 0, COUNTER_LIMIT, f"training.{key}", bad)
    words = training.get("random")
    if not (isinstance(words, list) and len(words) == 4 and all(isinstance(w, str) and w.isdigit() and int(w) < 2 ** 64 for w in words)
            and any(int(w) for w in words)):
        raise bad("training.random must be four 64-bit numbers, not all zero")
    optimizer = training.get("optimizer")
    if not isinstance(optimizer, dict) or optimizer.get("kind") not in BUFFER_NAMES:
        raise bad("training.optimizer.kind is missing or unknown")
    if not isinstance(training.get("corpus_hash"), str):
        raise bad("training.corpus_hash is missing")
    _check_number(training.get("seed"), 0, 2 ** 64 - 1, "training.seed", bad)
    _check_number(training.get("clip"), 0, float("inf"), "training.clip", bad, float)
    _check_number(optimizer.get("learningRate"), 1e-45, float("inf"), "training.optimizer.learningRate", bad, float)
    for key in ("beta1", "beta2", "alpha", "momentum"):
        _check_number(optimizer.get(key), 0, 0.99999994, f"training.optimizer.{key}", bad, float)
    _check_number(optimizer.get("weightDecay"), 0, float("inf"), "training.optimizer.weightDecay", bad, float)
    _check_number(optimizer.get("epsilon"), 1e-45, float("inf"), "training.optimizer.epsilon", bad, float)
    training.setdefault("schedule", {"constant": {}})
    training.setdefault("plateau", {"evaluationsWithoutImprovement": 0})


def read(path, training_state=True):
    """Reads and checks a Recur checkpoint. Without `training_state` the optimizer
    buffers and carried state are not gathered (evaluation and sampling need weights)."""
    metadata, tensors = safetensors.read(path)

    def bad(reason):
        return UserError(f"{path} is not a Recur checkpoint: {reason}")

    config = _json_field(metadata, "config", bad)
    check_config(config, bad)
    vocab = _json_field(metadata, "vocab", bad)
    check_vocab(vocab, config, bad)
    parameters = {}
    for name, shape in layout(config):
        if name not in tensors:
            raise bad(f"tensor {name} is missing")
        if list(tensors[name].shape) != shape:
            raise bad(f"tensor {name} has shape {list(tensors[name].shape)}, but the config needs {shape}")
        parameters[name] = tensors[name]
    if config.get("tie_weights") and not torch.equal(parameters["decoder.weight"].view(torch.int32),
                                                     parameters["encoder.weight"].view(torch.int32)):
        raise bad("config.tie_weights is set but tensor decoder.weight differs from encoder.weight")
    history = _json_field(metadata, "history", bad) if "history" in metadata else {}
    checkpoint = Checkpoint(config, vocab, parameters, history=history)
    if "training" not in metadata:
        return checkpoint
    checkpoint.training = _json_field(metadata, "training", bad)
    check_training(checkpoint.training, bad)
    if training_state:
        _gather_training_state(checkpoint, tensors, bad)
    return checkpoint


def _gather_training_state(checkpoint, tensors, bad):
    """Optimizer buffers (every layout name, shaped like its parameter) and the state."""
    config = checkpoint.config
    for attribute, suffix in zip(("first", "second"), BUFFER_NAMES[checkpoint.training["optimizer"]["kind"]]):
        if suffix is None:
            continue
        buffers = {}
        for name, shape in layout(config):
            key = f"optim.{name}.{suffix}"
            if key not in tensors or list(tensors[key].shape) != shape:
                raise bad(f"tensor {key} is missing or misshapen")
            buffers[name] = tensors[key]
        setattr(checkpoint, attribute, buffers)
    shape = [config["layers"], config["batch"], config["hidden"]]
    if "state.h" in tensors:
        names = ["state.h", "state.c"] if config["cell"] == "lstm" else ["state.h"]
        for name in names:
            if name not in tensors or list(tensors[name].shape) != shape:
                raise bad(f"tensor {name} is missing or has a shape other than the config's {shape}")
        checkpoint.state = [tensors[name] for name in names]


def float32_json(value):
    """A float32 setting written as its shortest decimal, as Swift's JSONEncoder writes a
    Float (0.002, not 0.0020000000949949026)."""
    return float(str(np.float32(value)))


def metadata(checkpoint):
    """The metadata strings, sorted-key JSON as Recur writes them."""
    def encode(value):
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    result = {"format": "recur-1", "config": encode(checkpoint.config), "vocab": encode(checkpoint.vocab),
              "history": encode(checkpoint.history)}
    if checkpoint.training is not None:
        result["training"] = encode(checkpoint.training)
    return result


def write(checkpoint, path):
    """Writes atomically: parameters in layout order, then optim.* (every layout name,
    tied ones with their target's values), then state.h and state.c."""
    config = checkpoint.config
    tensors = {name: checkpoint.parameters[name] for name, _ in layout(config)}
    if checkpoint.training is not None:
        for buffers, suffix in zip((checkpoint.first, checkpoint.second), BUFFER_NAMES[checkpoint.training["optimizer"]["kind"]]):
            if suffix is not None:
                tensors.update({f"optim.{name}.{suffix}": buffers[name] for name, _ in layout(config)})
    if checkpoint.state is not None:
        tensors.update(zip(["state.h", "state.c"], checkpoint.state))
    safetensors.write_atomically(safetensors.serialize(tensors, metadata(checkpoint)), path)
