"""`python -m recur_torch train`: `recur train`'s flags, for one process or torchrun.
Bad input gets a one-line reason on stderr and exit status 2 (flags) or 1 (files, data),
never a traceback."""
import argparse
import math
import os
import sys

import torch

from . import checkpoint as checkpoints
from .checkpoint import Checkpoint
from .distributed import Context
from .errors import UserError
from .model import model_from
from .optim import default_settings
from .runner import Loop, Options
from .text import build_corpus, corpus_with_vocab
from .trainer import Trainer, fresh_training

DESCRIPTION = """\
Train Recur's model in PyTorch: the same tokenizers, 90/10 split, B streams with carried
state, optimizers, clipping, schedules, validation loss, JSON-lines log and checkpoints
as `recur train`, so a run moves between Recur and PyTorch either way.

From a Recur checkpoint (--resume) training continues step for step as `recur train
--resume` would. Under `torchrun --nproc_per_node N` the B streams are divided among the
N processes (DistributedDataParallel: NCCL with --device cuda, gloo on cpu); the global
batch, loss and gradient are Recur's. --dir DIR makes a run folder that `recur watch DIR`
follows: DIR/log.jsonl, DIR/step-NNNNNNNN.safetensors every --checkpoint-every steps, on
request and at the end; the trainer pauses while DIR/pause exists and saves when DIR/save
appears.

examples:
  python -m recur_torch train --corpus text.txt --resume run.safetensors --steps 5000 --log log.jsonl
  torchrun --standalone --nproc_per_node 8 -m recur_torch train --corpus text.txt --resume run.safetensors \\
      --steps 100000 --device cuda --dir run/ --checkpoint-every 1000
  (torchrun takes --log for its --log-dir: write `-m recur_torch -- train ... --log PATH`)
"""

DEFAULTS = {"level": "char", "cell": "lstm", "activation": "tanh", "embed": 32, "hidden": 128, "layers": 1,
            "seq": 64, "batch": 32, "lr": 2e-3, "optimizer": "adam", "momentum": 0.0, "clip": 5.0, "dropout": 0.0,
            "weight_decay": 0.0, "seed": 1, "min_count": 1}


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit status 2)."""

    def error(self, message):
        raise UserError(message, status=2)


def integer(text):
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}")


def number(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}")
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return value


# TrainingSetup.adaptiveFromVocabulary and defaultCutoffs: the same choice as `recur train`.
ADAPTIVE_FROM = 50_000


def default_cutoffs(vocab_size):
    standard = [c for c in (2000, 10_000, 50_000) if c < vocab_size]
    return standard or [max(1, vocab_size // 4)]


def cutoff_list(text):
    try:
        values = [int(part.strip()) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--cutoffs must be whole numbers separated by commas, such as 2000,10000,50000 (got {text!r})")
    if not 1 <= len(values) <= 64:
        raise argparse.ArgumentTypeError("--cutoffs must have 1 to 64 entries")
    return values


def build_parser():
    parser = Parser(prog="python -m recur_torch", description="The PyTorch side of Recur.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    usage = ("python -m recur_torch train --corpus PATH (--resume CKPT | --init CKPT | model flags) [--steps N | --more N]\n"
             "       [--eval-every N] [--log PATH] [--checkpoint PATH] [--dir DIR] [--checkpoint-every N]\n"
             "       [--device cpu|cuda]        (also under torchrun --nproc_per_node N)")
    train = commands.add_parser("train", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter,
                                usage=usage, help="train, or continue a Recur run (see train --help)")
    add = train.add_argument
    add("--corpus", required=True, metavar="PATH", help="text file to train on (UTF-8)")
    add("--level", choices=["char", "word"], help="tokens: char (Unicode scalars) or word (default: char)")
    add("--cell", choices=["rnn", "lstm", "gru"], help="recurrent cell (default: lstm)")
    add("--activation", choices=["tanh", "sigmoid", "relu"], help="vanilla RNN nonlinearity (default: tanh)")
    for flag, text in [("embed", "embedding width (default: 32)"), ("hidden", "hidden units per layer (default: 128)"),
                       ("layers", "stacked recurrent layers (default: 1)"),
                       ("seq", "time steps per chunk, the truncated-BPTT window (default: 64)"),
                       ("batch", "parallel streams per step, over all processes (default: 32)"),
                       ("seed", "random seed for initialisation and dropout (default: 1)"),
                       ("min-count", "word level: words seen fewer times become <unk> (default: 1)")]:
        add("--" + flag, type=integer, metavar="N", help=text)
    for flag, text in [("lr", "learning rate (default: 0.002)"), ("momentum", "SGD momentum (default: 0)"),
                       ("clip", "clip the global gradient norm to this; 0 disables (default: 5)"),
                       ("dropout", "dropout between layers and before the decoder, not on the embedding (default: 0)"),
                       ("weight-decay", "L2 weight decay, added to the gradient (default: 0)"),
                       ("lr-decay", "multiply the learning rate by this on decay, 0-1 (default: 0.5 with a schedule)")]:
        add("--" + flag, type=number, metavar="X", help=text)
    add("--optimizer", choices=["adam", "sgd", "rmsprop", "adagrad"], help="update rule (default: adam)")
    add("--nesterov", action="store_true", help="SGD: Nesterov momentum (needs --momentum)")
    add("--lowercase", action="store_true", help="word level: lowercase the text first")
    add("--lr-decay-every", type=integer, metavar="N", help="step decay: apply --lr-decay every N steps")
    add("--lr-patience", type=integer, metavar="N", help="plateau decay: apply --lr-decay after N validations without improvement")
    add("--tie-weights", action="store_true", help="the decoder's weight is the embedding (needs --hidden = --embed)")
    add("--softmax", choices=["full", "adaptive"],
        help=f"output layer: full, or adaptive (nn.AdaptiveLogSoftmaxWithLoss) (default: full below {ADAPTIVE_FROM:,} tokens, adaptive from there)")
    add("--cutoffs", type=cutoff_list, metavar="A,B,...", help="adaptive softmax cutoffs (default: 2000,10000,50000, those below the vocabulary size)")
    add("--div-value", type=number, metavar="X", help="adaptive softmax: cluster i projects H down by X^(i+1) (default: 4)")
    add("--norm", choices=["none", "layer"],
        help="normalisation inside the cells: none, or layer (LN of W_ih x and W_hh h, and of the LSTM's c before its tanh; "
             "Recur's docs/normalisation.md) (default: none)")
    add("--max-vocab", type=integer, metavar="N", help="word level: at most N tokens, <unk> included; the rest become <unk>")
    add("--freeze-embed", action="store_true", help="keep the embedding fixed (a resumed run keeps its checkpoint's choice)")
    add("--embed-init", metavar="FILE", help="not supported here: start the run with `recur train --embed-init`, then --resume it")
    add("--steps", type=integer, metavar="N", default=1000, help="train until this global step (default: 1000)")
    add("--more", type=integer, metavar="N", help="train this many steps more than the run starts at (instead of --steps)")
    add("--eval-every", type=integer, metavar="N", default=200, help="validation loss every N steps (0: only at the end; default: 200)")
    add("--eval-tokens", type=integer, metavar="N",
        help="validation reads this many leading tokens of the validation text, 0 all of it (default: 200000)")
    add("--log", metavar="PATH", help="write one JSON object per step here (truncated first)")
    add("--checkpoint", metavar="PATH", help="save a checkpoint here at the end (and on Ctrl-C)")
    add("--checkpoint-every", type=integer, metavar="N", default=0, help="also save every N steps (0: only at the end)")
    add("--init", metavar="CKPT", help="start from this checkpoint's weights with a fresh optimizer and data position")
    add("--resume", metavar="CKPT", help="continue this Recur checkpoint exactly: weights, optimizer, position, hidden state")
    add("--dir", metavar="DIR", help="run folder: DIR/log.jsonl (unless --log), DIR/step-NNNNNNNN.safetensors, DIR/pause, DIR/save")
    add("--device", choices=["cpu", "cuda"], default="cpu", help="where to train (default: cpu)")
    return parser


def check_ranges(args):
    """Every numeric flag within Recur's ranges (ModelLimits, TrainingConfig.validate)."""
    def within(flag, value, low, high):
        if value is not None and not low <= value <= high:
            raise UserError(f"--{flag} must be from {low} to {high} (got {value})", 2)

    for flag, low, high in [("embed", 1, 65536), ("hidden", 1, 65536), ("layers", 1, 64), ("seq", 1, 100000),
                            ("batch", 1, 65536), ("min_count", 1, 2 ** 62), ("steps", 0, 2 ** 60),
                            ("eval_every", 0, 2 ** 60), ("checkpoint_every", 0, 2 ** 60), ("seed", 0, 2 ** 64 - 1),
                            ("clip", 0, math.inf), ("weight_decay", 0, math.inf), ("lr_patience", 0, 2 ** 60),
                            ("more", 1, 2 ** 60), ("lr_decay_every", 1, 2 ** 60), ("max_vocab", 2, 4_000_000), ("eval_tokens", 0, 2 ** 60)]:
        within(flag.replace("_", "-"), getattr(args, flag), low, high)
    if args.lr is not None and args.lr <= 0:
        raise UserError(f"--lr must be > 0 (got {args.lr})", 2)
    if args.dropout is not None and not 0 <= args.dropout < 1:
        raise UserError(f"--dropout must be in [0, 1) (got {args.dropout})", 2)
    if args.momentum is not None and not 0 <= args.momentum < 1:
        raise UserError(f"--momentum must be in [0, 1) (got {args.momentum})", 2)
    if args.lr_decay is not None and not 0 < args.lr_decay < 1:
        raise UserError(f"--lr-decay must be in (0, 1) (got {args.lr_decay})", 2)
    if args.embed_init:
        raise UserError("--embed-init is not supported by recur_torch: start with `recur train --embed-init FILE --steps 1 "
                        "--checkpoint run.safetensors`, then --resume run.safetensors here", 2)
    if args.checkpoint_every and not (args.checkpoint or args.dir):
        raise UserError("--checkpoint-every needs --checkpoint PATH or --dir DIR", 2)
    if args.tie_weights and args.freeze_embed:
        raise UserError("--freeze-embed and --tie-weights exclude each other: a tied decoder would be frozen too", 2)


def schedule_from(args):
    factor = args.lr_decay if args.lr_decay is not None else 0.5
    if args.lr_decay_every is not None and args.lr_patience is not None:
        raise UserError("--lr-decay-every and --lr-patience exclude each other", 2)
    if args.lr_decay_every is not None:
        return {"step": {"every": args.lr_decay_every, "factor": factor}}
    if args.lr_patience is not None:
        return {"plateau": {"patience": args.lr_patience, "factor": factor}}
    if args.lr_decay is not None:
        raise UserError("--lr-decay needs --lr-decay-every N or --lr-patience N", 2)
    return {"constant": {}}


def optimizer_settings(args):
    settings = default_settings(args.optimizer or DEFAULTS["optimizer"], args.lr or DEFAULTS["lr"])
    settings["weightDecay"] = args.weight_decay or 0.0
    settings["momentum"] = args.momentum or 0.0
    settings["nesterov"] = args.nesterov
    if args.nesterov and not (settings["kind"] == "sgd" and settings["momentum"] > 0):
        raise UserError("--nesterov needs --optimizer sgd and a positive --momentum", 2)
    return settings


def fresh_checkpoint(args):
    """A new run from the flags: the corpus's vocabulary, PyTorch's initialisation (the
    distributions Recur uses) seeded by --seed, step 0."""
    if args.freeze_embed:
        raise UserError("--freeze-embed keeps the embedding as it starts: start with `recur train --embed-init FILE`, "
                        "then --resume here", 2)
    level = args.level or DEFAULTS["level"]
    if args.max_vocab is not None and level != "word":
        raise UserError("--max-vocab caps a word vocabulary; it needs --level word", 2)
    corpus = build_corpus(args.corpus, level, args.min_count or 1, args.lowercase, args.max_vocab)
    embed = args.embed or DEFAULTS["embed"]
    hidden = args.hidden or (embed if args.tie_weights else DEFAULTS["hidden"])
    if args.tie_weights and hidden != embed:
        raise UserError(f"--tie-weights needs --hidden equal to --embed (got {hidden} and {embed})", 2)
    config = {"level": level, "cell": args.cell or DEFAULTS["cell"], "activation": args.activation or DEFAULTS["activation"],
              "vocab_size": len(corpus.vocab), "embed": embed, "hidden": hidden, "layers": args.layers or DEFAULTS["layers"],
              "seq": args.seq or DEFAULTS["seq"], "batch": args.batch or DEFAULTS["batch"],
              "dropout": checkpoints.float32_json(args.dropout or 0.0), "lowercase": bool(args.lowercase and level == "word"),
              "min_count": args.min_count or 1, "tie_weights": args.tie_weights, "freeze_embed": False}
    vocab_size = len(corpus.vocab)
    softmax = args.softmax or ("adaptive" if args.cutoffs or (not args.tie_weights and vocab_size >= ADAPTIVE_FROM) else "full")
    if softmax == "adaptive":
        config.update(softmax="adaptive", cutoffs=args.cutoffs or default_cutoffs(vocab_size),
                      div_value=checkpoints.float32_json(args.div_value if args.div_value is not None else 4.0))
    elif args.cutoffs:
        raise UserError("--cutoffs shapes the adaptive softmax; it needs --softmax adaptive", 2)
    if args.max_vocab is not None:
        config["max_vocab"] = args.max_vocab
    if args.norm == "layer":
        config["norm"] = "layer"
    checkpoints.check_softmax(config, lambda reason: UserError(reason.replace("config.", "--").replace("_", "-"), 2))
    seed = args.seed if args.seed is not None else DEFAULTS["seed"]
    torch.manual_seed(seed)
    model = model_from(config)
    parameters = {name: tensor.detach().clone() for name, tensor in model.state_dict().items()}
    clip = checkpoints.float32_json(args.clip if args.clip is not None else DEFAULTS["clip"])
    training = fresh_training(optimizer_settings(args), clip, seed, schedule_from(args), corpus)
    return Checkpoint(config, corpus.vocab, parameters, training), corpus


def conflicts(args, stored, training_flags=True):
    """Flags the user typed that differ from the checkpoint, whose settings win; without
    `training_flags` only the model's shape and tokenizer count (--init)."""
    config, f32 = stored.config, checkpoints.float32_json
    pairs = [("level", args.level, config["level"]), ("cell", args.cell, config["cell"]),
             ("activation", args.activation, config["activation"]), ("embed", args.embed, config["embed"]),
             ("hidden", args.hidden, config["hidden"]), ("layers", args.layers, config["layers"]),
             ("min-count", args.min_count, config["min_count"]), ("softmax", args.softmax, config.get("softmax", "full")),
             ("cutoffs", args.cutoffs, config.get("cutoffs", [])),
             ("div-value", args.div_value and checkpoints.float32_json(args.div_value), config.get("div_value", 4.0)),
             ("max-vocab", args.max_vocab, config.get("max_vocab")), ("norm", args.norm, config.get("norm", "none"))]
    switches = [("tie-weights", args.tie_weights, config.get("tie_weights")), ("lowercase", args.lowercase, config["lowercase"])]
    if training_flags:
        training, optimizer = stored.training, stored.training["optimizer"]
        pairs += [("seq", args.seq, config["seq"]), ("batch", args.batch, config["batch"]),
                  ("dropout", args.dropout and f32(args.dropout), config["dropout"]),
                  ("lr", args.lr and f32(args.lr), optimizer["learningRate"]), ("optimizer", args.optimizer, optimizer["kind"]),
                  ("momentum", args.momentum and f32(args.momentum), optimizer["momentum"]),
                  ("weight-decay", args.weight_decay and f32(args.weight_decay), optimizer["weightDecay"]),
                  ("clip", args.clip and f32(args.clip), training["clip"]), ("seed", args.seed, training["seed"])]
        switches.append(("freeze-embed", args.freeze_embed, config.get("freeze_embed")))
    found = [f"--{flag} {given} (checkpoint: {saved})" for flag, given, saved in pairs if given is not None and given != saved]
    found += [f"--{flag} (checkpoint: without it)" for flag, given, saved in switches if given and not saved]
    scheduled = args.lr_decay is not None or args.lr_decay_every is not None or args.lr_patience is not None
    if training_flags and scheduled and schedule_from(args) != stored.training["schedule"]:
        found.append(f"the learning-rate schedule (checkpoint: {stored.training['schedule']})")
    return found


def initialised_checkpoint(args):
    """--init: a checkpoint's weights (model-shape flags must agree with it), a fresh
    optimizer, step and data position; training flags apply (TrainingSetup.initialisedTrainer)."""
    stored = checkpoints.read(args.init, training_state=False)
    found = conflicts(args, stored, training_flags=False)
    if found:
        raise UserError("flags conflict with the checkpoint's model: " + ", ".join(found), 2)
    config = dict(stored.config, seq=args.seq or stored.config["seq"], batch=args.batch or stored.config["batch"],
                  freeze_embed=args.freeze_embed)
    if args.dropout is not None:
        config["dropout"] = checkpoints.float32_json(args.dropout)
    corpus = corpus_with_vocab(args.corpus, stored.vocab, config["level"], config["lowercase"], config["min_count"])
    clip = checkpoints.float32_json(args.clip if args.clip is not None else DEFAULTS["clip"])
    seed = args.seed if args.seed is not None else DEFAULTS["seed"]
    training = fresh_training(optimizer_settings(args), clip, seed, schedule_from(args), corpus)
    return Checkpoint(config, stored.vocab, stored.parameters, training), corpus


def resumed_checkpoint(args):
    stored = checkpoints.read(args.resume)
    if stored.training is None or stored.state is None:
        raise UserError(f"{args.resume} holds weights only; it cannot be resumed")
    found = conflicts(args, stored)
    if found:
        raise UserError("flags conflict with the checkpoint, whose settings win: " + ", ".join(found), 2)
    corpus = corpus_with_vocab(args.corpus, stored.vocab, stored.config["level"], stored.config["lowercase"],
                               stored.config["min_count"])
    return stored, corpus


def check_outputs(args):
    """Output paths are checked before the corpus is read, so a typo never costs a run."""
    for path, what in [(args.checkpoint, "checkpoint"), (args.log, "log file")]:
        if path is None:
            continue
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder) or not os.access(folder, os.W_OK) or os.path.isdir(path):
            raise UserError(f"cannot write {what} {path}: its folder does not exist or is not writable")
    if args.checkpoint and os.path.exists(args.checkpoint) and not (
            args.resume and os.path.realpath(args.resume) == os.path.realpath(args.checkpoint)):
        raise UserError(f"{args.checkpoint} exists; continue it with --resume {args.checkpoint}, or choose another --checkpoint")
    if args.dir:
        try:
            os.makedirs(args.dir, exist_ok=True)
        except OSError as error:
            raise UserError(f"cannot create run folder {args.dir}: {error.strerror}")
        if not os.access(args.dir, os.W_OK):
            raise UserError(f"run folder {args.dir} is not writable")


def train(args):
    check_ranges(args)
    check_outputs(args)
    context = Context(args.device)
    try:
        if args.resume and args.init:
            raise UserError("--init and --resume exclude each other", 2)
        prepare = resumed_checkpoint if args.resume else initialised_checkpoint if args.init else fresh_checkpoint
        stored, corpus = prepare(args)
        trainer = Trainer(stored, corpus, context,
                          Trainer.EVALUATION_TOKENS if args.eval_tokens is None else args.eval_tokens)
        start = trainer.step
        target = start + args.more if args.more is not None else args.steps
        if target <= start:
            raise UserError(f"the run is already at step {start} and --steps {args.steps} is the step to train until: "
                            "give a larger --steps, or --more N", 2)
        options = Options(target, args.eval_every, args.log, args.checkpoint, args.dir, args.checkpoint_every)
        Loop(trainer, options).run()
    except BaseException:
        context.close(together=False)
        raise
    context.close()


def main(argv=None):
    try:
        args = build_parser().parse_args(argv)
        train(args)
        return 0
    except UserError as error:
        if os.environ.get("RANK", "0") == "0":
            print(f"error: {error}", file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        print("error: interrupted before training started", file=sys.stderr)
        return 1
    except torch.cuda.OutOfMemoryError:
        print("error: out of memory on the GPU: lower --batch, --seq or the model's size, or add processes",
              file=sys.stderr)
        return 1
