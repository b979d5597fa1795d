"""recur_torch: the PyTorch side of Recur — the same model, tokenizers, streams,
optimizers, checkpoints and JSON-lines log, in one process or under torchrun
(DistributedDataParallel). `python -m recur_torch train --help` explains the command."""

__version__ = "0.1.0"
