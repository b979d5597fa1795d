"""The training loop around a Trainer, as `recur train` runs it (HeadlessTraining.swift):
train until the global step, evaluate every N steps and at the end, one JSON line per
step, periodic and final checkpoints, Ctrl-C/SIGTERM/SIGHUP stopping after the current
step with a final checkpoint. Plus the run folder of /tmp/run_folder_contract.md (see
README): DIR/log.jsonl, DIR/step-NNNNNNNN.safetensors, and the DIR/pause and DIR/save
requests, read by rank 0 between steps and agreed on by all ranks."""
import json
import os
import signal
import sys
import time

from . import checkpoint as checkpoints
from .errors import UserError

POLL_SECONDS = 0.25


class Options:
    """Where the loop writes: `target` step, `eval_every`, `log` path, `checkpoint` path,
    `folder` (run folder), `checkpoint_every`."""

    def __init__(self, target, eval_every, log=None, checkpoint=None, folder=None, checkpoint_every=0):
        self.target, self.eval_every, self.log, self.checkpoint = target, eval_every, log, checkpoint
        self.folder, self.checkpoint_every = folder, checkpoint_every


def step_path(folder, step):
    return os.path.join(folder, f"step-{step:08d}.safetensors")


class Loop:
    """One run of the loop; every rank runs it, rank 0 does the writing."""

    def __init__(self, trainer, options):
        self.trainer, self.options, self.context = trainer, options, trainer.context
        self.stopping = False
        self.saved_step = None
        self.log = None
        self.paused_seconds = 0.0

    def _open_log(self):
        """--log truncates as `recur train --log` does; a run folder's log.jsonl is
        appended to, so a resumed run's curve continues."""
        path = self.options.log or (self.options.folder and os.path.join(self.options.folder, "log.jsonl"))
        if path and self.context.leader:
            mode = "a" if self.options.log is None else "w"
            try:
                self.log = open(path, mode, encoding="utf-8")
            except OSError as error:
                raise UserError(f"cannot write log file {path}: {error.strerror}")

    def _stop(self, *_):
        self.stopping = True

    def requests(self):
        """(pause, save, stop) agreed by all ranks: rank 0 reads the folder's files, any
        rank's signal stops everyone."""
        folder = self.options.folder
        pause = save = 0
        if folder and self.context.leader:
            pause = int(os.path.exists(os.path.join(folder, "pause")))
            save = int(os.path.exists(os.path.join(folder, "save")))
        return self.context.maximum([pause, save, int(self.stopping)])

    def save(self):
        """Collective: every rank gathers, rank 0 writes the folder's step file and/or
        --checkpoint."""
        stored = self.trainer.checkpoint()
        step = self.saved_step = self.trainer.step
        if not self.context.leader:
            return
        if self.options.folder:
            checkpoints.write(stored, step_path(self.options.folder, step))
        if self.options.checkpoint:
            checkpoints.write(stored, self.options.checkpoint)

    def run(self):
        self._open_log()
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, self._stop)
        try:
            self._train()
        finally:
            if self.log:
                self.log.close()

    def _between_steps(self):
        """Serves the folder's requests at a step boundary: a save request is answered
        at once (also while paused: a paused run sits at a step boundary); while paused,
        polls every 0.25 s. Returns whether to stop."""
        announced = False
        while True:
            pause, save, stop = self.requests()
            if save:
                self.save()
                if self.context.leader:
                    _remove(os.path.join(self.options.folder, "save"))
                    say(f"saved step {self.trainer.step} as asked")
            if not pause or stop:
                return bool(stop)
            if not announced and self.context.leader:
                say(f"paused at step {self.trainer.step} (delete {os.path.join(self.options.folder, 'pause')} to resume)")
                announced = True
            time.sleep(POLL_SECONDS)
            self.paused_seconds += POLL_SECONDS

    def _train(self):
        trainer, options = self.trainer, self.options
        started, first, last_report = time.time(), trainer.step, 0.0
        elapsed_before = trainer.history.elapsed

        def training_seconds():
            """Seconds of training in this process, pauses excluded (as the history keeps them)."""
            return time.time() - started - self.paused_seconds

        while trainer.step < options.target:
            if self._between_steps():
                break
            trainer.history.elapsed = elapsed_before + training_seconds()
            loss, norm, applied = trainer.train_step()
            if not applied:
                raise UserError(f"training diverged at step {trainer.step + 1} (loss {loss}, gradient norm {norm}); "
                                "the step was skipped and nothing after it was saved — lower --lr")
            self._after_step(loss, norm)
            now = time.time()
            if self.context.leader and (now - last_report >= 5 or trainer.step == options.target):
                last_report = now
                rate = (trainer.step - first) * trainer.batch * trainer.steps / max(training_seconds(), 1e-9)
                say(f"step {trainer.step}/{options.target}  loss {loss:.4f}  smoothed {trainer.history.last_smoothed():.4f}  {rate:.0f} tok/s")
        if self.stopping and self.context.leader:
            say(f"interrupted at step {trainer.step}")
        trainer.history.elapsed = elapsed_before + training_seconds()
        if (options.checkpoint or options.folder) and self.saved_step != trainer.step:
            self.save()
            if self.context.leader:
                say(f"wrote {options.checkpoint or step_path(options.folder, trainer.step)} at step {trainer.step}")

    def _after_step(self, loss, norm):
        """Evaluation, the log line, the periodic checkpoint."""
        trainer, options = self.trainer, self.options
        record = {"step": trainer.step, "loss": loss, "tokens": trainer.training["tokens"], "grad_norm": norm}
        if (options.eval_every > 0 and trainer.step % options.eval_every == 0) or trainer.step == options.target:
            validation = trainer.validation_loss()
            if validation is not None:
                trainer.note_validation_loss(validation)
                record["val_loss"] = validation
                if self.context.leader:
                    say(f"step {trainer.step}  val_loss {validation:.4f}")
        if self.log:
            record["time"] = time.time()
            self.log.write(json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n")
            self.log.flush()
        if options.checkpoint_every > 0 and trainer.step % options.checkpoint_every == 0:
            self.save()


def say(line):
    print(line, file=sys.stderr, flush=True)


def _remove(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
