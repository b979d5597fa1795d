"""The B contiguous streams (BatchStreams.swift) and their division among ranks."""
import numpy as np
import pytest

from recur_torch.distributed import Context
from recur_torch.errors import UserError
from recur_torch.text import Streams


def test_layout_is_contiguous_per_stream():
    streams = Streams(np.arange(23), batch=4)  # L = 5, the last 3 tokens unused
    assert streams.length == 5
    assert streams.data.tolist() == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11, 12, 13, 14], [15, 16, 17, 18, 19]]
    inputs, targets = streams.chunk(1, 3)  # (T, B): row t holds step t of every stream
    assert inputs.tolist() == [[1, 6, 11, 16], [2, 7, 12, 17], [3, 8, 13, 18]]
    assert targets.tolist() == [[2, 7, 12, 17], [3, 8, 13, 18], [4, 9, 14, 19]]


def test_a_chunk_needs_one_more_token():
    streams = Streams(np.arange(20), batch=4)
    assert streams.fits(0, 4) and streams.fits(1, 3)
    assert not streams.fits(1, 4) and not streams.fits(0, 5) and not streams.fits(-1, 1)


def test_ranks_take_contiguous_blocks_that_add_up(monkeypatch):
    ids, parts = np.arange(100), []
    for rank in range(2):
        monkeypatch.setenv("WORLD_SIZE", "1")  # no process group; only rows() is used
        context = Context("cpu")
        context.world, context.rank = 2, rank
        parts.append(Streams(ids, 6, context.rows(6)).data)
    assert np.array_equal(np.concatenate(parts), Streams(ids, 6).data.numpy())


def test_batch_must_divide_among_ranks():
    context = Context("cpu")
    context.world = 4
    with pytest.raises(UserError, match="divisible"):
        context.rows(6)
