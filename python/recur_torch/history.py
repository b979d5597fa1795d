"""A run's curves as Recur keeps them in a checkpoint's `history` metadata
(Training/RunHistory.swift), so that a run trained here reopens in the workbench with
its whole loss curve: training loss and its moving average (weight 0.98 on the past),
validation losses, the best validation loss, seconds of training. Bounded like Recur's:
past the limit, every other point of the older half is dropped."""

TRAIN_LIMIT = 2000
VALIDATION_LIMIT = 1000
SMOOTHING = 0.98


def thinned(points, limit):
    """Every other point of the older half, the newer half whole."""
    recent = limit // 2
    return points[:len(points) - recent][::2] + points[len(points) - recent:]


class RunHistory:
    """The `history` JSON object, kept as Recur's keys: train, smoothed, validation,
    best_val_loss, elapsed, and the workbench's sample and sample_step untouched."""

    def __init__(self, record=None):
        self.record = {"train": [], "smoothed": [], "validation": [], "elapsed": 0.0}
        self.record.update(record or {})

    @property
    def elapsed(self):
        return self.record["elapsed"]

    @elapsed.setter
    def elapsed(self, seconds):
        self.record["elapsed"] = seconds

    def point(self, step, tokens, loss):
        return {"elapsed": self.elapsed, "loss": loss, "step": step, "tokens": tokens}

    def record_training(self, step, tokens, loss):
        """A point at or before the last one's step replaces what followed it."""
        train, smoothed = self.record["train"], self.record["smoothed"]
        while train and train[-1]["step"] >= step:
            train.pop()
            smoothed.pop()
        train.append(self.point(step, tokens, loss))
        smoothed.append(SMOOTHING * smoothed[-1] + (1 - SMOOTHING) * loss if smoothed else loss)
        if len(train) > TRAIN_LIMIT:
            self.record["train"] = thinned(train, TRAIN_LIMIT)
            self.record["smoothed"] = thinned(smoothed, TRAIN_LIMIT)

    def record_validation(self, step, tokens, loss):
        validation = self.record["validation"]
        while validation and validation[-1]["step"] >= step:
            validation.pop()
        validation.append(self.point(step, tokens, loss))
        best = self.record.get("best_val_loss")
        self.record["best_val_loss"] = loss if best is None else min(best, loss)
        if len(validation) > VALIDATION_LIMIT:
            self.record["validation"] = thinned(validation, VALIDATION_LIMIT)

    def last_smoothed(self):
        return self.record["smoothed"][-1] if self.record["smoothed"] else None
