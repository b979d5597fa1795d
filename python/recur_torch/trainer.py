"""Recur's training step and validation pass (Training/Trainer.swift) in PyTorch, for one
process or one rank of DistributedDataParallel.

Legend: T steps per chunk, B streams in all, b = B / W streams on this rank (W ranks),
H hidden width, L layers, V vocabulary.

Each rank trains b contiguous streams. Its loss is the mean over its T·b tokens, so DDP's
average of the ranks' gradients is the gradient of the mean over all T·B tokens: Recur's
full-batch gradient. The logged loss is the global mean (sums reduced over ranks).
"""
import math

import numpy as np
import torch

from .checkpoint import Checkpoint, float32_json, layout
from .errors import UserError
from .evaluation import summed_loss
from .history import RunHistory
from .model import detach_state, model_from, state_from, state_tensors
from .optim import RecurOptimizer, plateau_schedule, step_schedule
from .text import Streams


def splitmix_words(seed):
    """The four xoshiro256** words Recur's trainer generator starts from:
    RandomGenerator(seed: seed &+ 0x5EED) seeded through SplitMix64."""
    mask, state, words = (1 << 64) - 1, (seed + 0x5EED) & ((1 << 64) - 1), []
    for _ in range(4):
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        words.append(str(z ^ (z >> 31)))
    return words


def fresh_training(settings, clip, seed, schedule, corpus):
    """The `training` metadata of a run at step 0."""
    return {"step": 0, "tokens": 0, "position": 0, "optimizer": settings, "optimizer_steps": 0, "clip": clip,
            "seed": seed, "random": splitmix_words(seed), "corpus_tokens": len(corpus.ids),
            "corpus_hash": corpus.hash, "schedule": schedule,
            "plateau": {"evaluationsWithoutImprovement": 0}}


class Trainer:
    """A run continuing from a Checkpoint (a fresh one for a new run) on `corpus`, on the
    rank `context` describes. `training` is the checkpoint's metadata, kept current."""

    # Trainer.defaultEvaluationTokens: periodic validation reads this many leading tokens.
    EVALUATION_TOKENS = 200_000

    def __init__(self, checkpoint, corpus, context, evaluation_tokens=EVALUATION_TOKENS):
        config, training = checkpoint.config, checkpoint.training
        self.config, self.vocab, self.corpus, self.context = config, checkpoint.vocab, corpus, context
        self.training = dict(training)
        self.history = RunHistory(checkpoint.history)
        self.steps, self.batch, device = config["seq"], config["batch"], context.device
        rows = context.rows(self.batch)
        self.local_batch = len(rows)
        self.streams = Streams(corpus.training_ids, self.batch, rows, device)
        # --eval-tokens: a fixed leading slice of the validation text (0: all of it), as Recur reads it.
        validation = corpus.validation_ids if evaluation_tokens == 0 else corpus.validation_ids[:evaluation_tokens]
        self.validation = Streams(validation, self.batch, rows, device)
        self._check_text()
        self.model = model_from(config, checkpoint.parameters).to(device)
        self.network = context.wrap(self.model)
        self.frozen = {"encoder.weight"} if config.get("freeze_embed") else set()
        self.optimizer = self._optimizer(checkpoint)
        if checkpoint.state is None:
            self.state = self.model.zero_state(self.local_batch, device)
        else:
            self.state = state_from([s[:, rows.start:rows.stop].to(device) for s in checkpoint.state], config["cell"])
        # Dropout masks come from torch's generator (Recur's xoshiro words are kept as they
        # were): seeded from the run's seed, step and rank so a restart is reproducible.
        torch.manual_seed((training["seed"] * 1_000_003 + training["step"] * 7919 + context.rank) % (1 << 63))

    def _check_text(self):
        """The text is the checkpoint's, fills one chunk of every stream, and holds the
        saved data position (Checkpoint.resumedTrainer and restore)."""
        training, corpus = self.training, self.corpus
        if len(corpus.ids) != training["corpus_tokens"] or corpus.hash != training["corpus_hash"]:
            raise UserError(f"the corpus differs from the one this checkpoint was trained on ({training['corpus_tokens']} "
                            f"tokens, hash {training['corpus_hash']}); resume needs the same text")
        if not self.streams.fits(0, self.steps):
            needed = self.batch * (self.steps + 1)
            raise UserError(f"corpus too small: training needs at least {needed} tokens for --batch {self.batch} × "
                            f"(--seq {self.steps} + 1), the training split has {len(corpus.training_ids)}")
        if training["position"] > self.streams.length:
            raise UserError(f"training.position {training['position']} lies past the end of the text's {self.batch} "
                            f"streams ({self.streams.length} tokens each)")

    def _optimizer(self, checkpoint):
        """Recur's optimizer over the distinct parameters (a tied decoder is the encoder)."""
        named = dict(self.model.named_parameters())
        names = [n for n, _ in layout(self.config) if n in named]
        device = self.context.device
        buffers = [None if b is None else {n: b[n].to(device).clone() for n in names}
                   for b in (checkpoint.first, checkpoint.second)]
        return RecurOptimizer(self.training["optimizer"], {n: named[n] for n in names},
                              self.training["optimizer_steps"], *buffers)

    @property
    def step(self):
        return self.training["step"]

    def train_step(self):
        """Trains on the next chunk -> (loss, gradient norm, applied). Wraps to the start
        (with a zero state) when the next chunk does not fit; a non-finite loss or
        gradient skips the update and zeroes the state, as Recur does."""
        T, training = self.steps, self.training
        if not self.streams.fits(training["position"], T):
            training["position"] = 0
            self.state = self.model.zero_state(self.local_batch, self.context.device)
        inputs, targets = self.streams.chunk(training["position"], T)  # (T, b) each
        self.model.zero_grad(set_to_none=True)
        nll, state = self.network(inputs, self.state, targets)  # (T, b)
        (nll.sum() / (T * self.local_batch)).backward()
        local_sum = nll.detach().double().sum().item()
        loss = self.context.sum([local_sum])[0] / (T * self.batch)
        norm = self.gradient_norm()
        training["position"] += T
        training["tokens"] += T * self.batch
        if not (math.isfinite(loss) and math.isfinite(norm)):
            self.state = self.model.zero_state(self.local_batch, self.context.device)
            return loss, norm, False
        self.state = detach_state(state)
        clip = training["clip"]
        # torch.nn.utils.clip_grad_norm_'s factor, applied as the optimizer reads each gradient.
        scale = float(np.float32(clip / (norm + 1e-6))) if clip > 0 and norm > clip else 1.0
        self.optimizer.update(scale, self.frozen)
        training["step"] += 1
        training["optimizer_steps"] = self.optimizer.step_count
        self.history.record_training(training["step"], training["tokens"], loss)
        step_schedule(training["schedule"], training["step"], self.optimizer)
        return loss, norm, True

    def gradient_norm(self):
        """Global L2 norm of the (already rank-averaged) gradient, summed in float64; a
        frozen embedding has no gradient and counts for nothing."""
        squares = [p.grad.double().pow(2).sum() for p in self.optimizer.parameters.values() if p.grad is not None]
        return math.sqrt(torch.stack(squares).sum().item())

    def validation_loss(self):
        """Recur's validation loss over all B streams (ranks share them), or None when a
        stream would hold fewer than 2 tokens."""
        if self.validation.length < 2:
            return None
        total, _ = summed_loss(self.model, self.validation, self.steps)
        return self.context.sum([total])[0] / ((self.validation.length - 1) * self.batch)

    def note_validation_loss(self, loss):
        """Records a validation loss and tells the plateau schedule."""
        self.training["val_loss"] = loss
        self.history.record_validation(self.step, self.training["tokens"], loss)
        plateau_schedule(self.training["schedule"], self.training["plateau"], loss, self.optimizer)

    def checkpoint(self):
        """The run's complete state as a Checkpoint (collective: every rank must call it;
        the carried state of all B streams is gathered in stream order)."""
        state = [self.context.gather_streams(s).cpu() for s in state_tensors(self.state)]
        parameters = {name: tensor.cpu() for name, tensor in self.model.state_dict().items()}
        buffers = []
        for source in (self.optimizer.first, self.optimizer.second):
            named = {name: source[name].cpu() for name in source}
            if "decoder.weight" not in named:
                named["decoder.weight"] = named["encoder.weight"]
            buffers.append(named)
        settings = {key: value if isinstance(value, (bool, str)) else float32_json(value)
                    for key, value in self.optimizer.settings.items()}
        training = dict(self.training, optimizer=settings, clip=float32_json(self.training["clip"]))
        return Checkpoint(self.config, self.vocab, parameters, training, buffers[0], buffers[1], state,
                          self.history.record)
