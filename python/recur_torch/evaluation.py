"""Validation loss as Recur defines it (Evaluation.loss in Training/Trainer.swift): the
text cut into B streams, run chunk by chunk from a zero state with the state carried,
mean cross-entropy in nats per token. Shared by the trainer and Tests/Reference."""
import torch


@torch.no_grad()
def summed_loss(model, streams, steps):
    """Summed cross-entropy (float64) and token count over every chunk of `streams`
    (a text.Streams holding b streams of L tokens): chunks of min(T, L-1-p) steps, so
    (L-1)·b tokens in all. `model` is put in eval mode (no dropout) and back."""
    was_training = model.training
    model.eval()
    batch = streams.data.shape[0]
    state, total, position = model.zero_state(batch, streams.device), 0.0, 0
    while position < streams.length - 1:
        n = min(steps, streams.length - 1 - position)
        inputs, targets = streams.chunk(position, n)  # (n, b) each
        nll, state = model(inputs, state, targets)  # (n, b)
        total += nll.double().sum().item()
        position += n
    model.train(was_training)
    return total, max(streams.length - 1, 0) * batch
