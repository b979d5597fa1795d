"""Checkpoints Recur -> Python -> Recur: every tensor byte-identical and the metadata
equal after Python reads and rewrites a Recur checkpoint (directly, and through a
Trainer that loaded it), and Recur continuing the rewritten file exactly as it
continues its own."""
import json
import struct
import subprocess

import pytest

from conftest import recur_train, sample
from recur_torch import checkpoint as checkpoints
from recur_torch.distributed import Context
from recur_torch.errors import UserError
from recur_torch.text import corpus_with_vocab
from recur_torch.trainer import Trainer

RUNS = {"lstm char": ["--cell", "lstm", "--layers", "2"],
        "gru word tied sgd": ["--cell", "gru", "--level", "word", "--tie-weights", "--embed", "16",
                              "--optimizer", "sgd", "--momentum", "0.9", "--lr-decay-every", "2"],
        "rnn rmsprop": ["--cell", "rnn", "--activation", "relu", "--optimizer", "rmsprop", "--lr-patience", "1"],
        "lstm adagrad": ["--cell", "lstm", "--optimizer", "adagrad", "--weight-decay", "0.01"],
        "gru word adaptive": ["--cell", "gru", "--level", "word", "--softmax", "adaptive", "--cutoffs", "20,100",
                              "--hidden", "32", "--max-vocab", "400"],
        "lstm layer norm": ["--cell", "lstm", "--layers", "2", "--norm", "layer"],
        "gru layer norm": ["--cell", "gru", "--norm", "layer"]}


def raw_file(path):
    """(metadata as parsed JSON objects, name -> raw tensor bytes) of a safetensors file."""
    data = open(path, "rb").read()
    length = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + length])
    metadata = {key: value if key == "format" else json.loads(value) for key, value in header.pop("__metadata__").items()}
    body = data[8 + length:]
    return metadata, {name: (info["shape"], body[info["data_offsets"][0]:info["data_offsets"][1]]) for name, info in header.items()}


def assert_same(first, second):
    metadata_a, tensors_a = raw_file(first)
    metadata_b, tensors_b = raw_file(second)
    assert tensors_a.keys() == tensors_b.keys()
    for name in tensors_a:
        assert tensors_a[name] == tensors_b[name], f"tensor {name} differs"
    assert metadata_a == metadata_b


@pytest.mark.parametrize("run", RUNS)
def test_python_rewrites_recur_checkpoints_exactly(recur, tmp_path, run):
    original = recur_train(recur, sample("small.txt"), tmp_path / "recur.safetensors", *RUNS[run], steps=5)
    checkpoints.write(checkpoints.read(str(original)), str(tmp_path / "python.safetensors"))
    assert_same(original, tmp_path / "python.safetensors")


@pytest.mark.parametrize("run", RUNS)
def test_trainer_state_round_trips(recur, tmp_path, run):
    original = recur_train(recur, sample("small.txt"), tmp_path / "recur.safetensors", *RUNS[run], steps=5)
    stored = checkpoints.read(str(original))
    corpus = corpus_with_vocab(sample("small.txt"), stored.vocab, stored.config["level"], stored.config["lowercase"])
    trainer = Trainer(stored, corpus, Context("cpu"))
    checkpoints.write(trainer.checkpoint(), str(tmp_path / "python.safetensors"))
    assert_same(original, tmp_path / "python.safetensors")


def test_recur_continues_a_python_checkpoint_as_its_own(recur, tmp_path):
    original = recur_train(recur, sample("small.txt"), tmp_path / "recur.safetensors", *RUNS["lstm char"], steps=5)
    checkpoints.write(checkpoints.read(str(original)), str(tmp_path / "python.safetensors"))
    for name in ("recur", "python"):
        subprocess.run([recur, "train", "--corpus", sample("small.txt"), "--resume", str(tmp_path / f"{name}.safetensors"),
                        "--checkpoint", str(tmp_path / f"{name}.safetensors"), "--steps", "8", "--eval-every", "0"],
                       check=True, capture_output=True)
    _, tensors_recur = raw_file(tmp_path / "recur.safetensors")
    _, tensors_python = raw_file(tmp_path / "python.safetensors")
    assert tensors_recur == tensors_python


def test_damaged_checkpoints_are_refused(recur, tmp_path):
    original = recur_train(recur, sample("small.txt"), tmp_path / "recur.safetensors", steps=1)
    data = open(original, "rb").read()
    (tmp_path / "short.safetensors").write_bytes(data[:len(data) // 2])
    with pytest.raises(UserError, match="does not match|past the end"):
        checkpoints.read(str(tmp_path / "short.safetensors"))
    stored = checkpoints.read(str(original))
    stored.config["hidden"] = 17
    checkpoints.write(stored, str(tmp_path / "reshaped.safetensors"))
    with pytest.raises(UserError, match="has shape"):
        checkpoints.read(str(tmp_path / "reshaped.safetensors"))
