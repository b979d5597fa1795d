"""Runs that start in Python (model flags, no --resume) are Recur runs too: Recur
evaluates their checkpoints to the validation loss Python logged and resumes them."""
import json
import os
import subprocess
import sys

import pytest

from conftest import REPOSITORY, sample

FRESH = {"gru word tied": ["--cell", "gru", "--level", "word", "--tie-weights", "--embed", "16", "--lowercase"],
         "sigmoid rnn with dropout": ["--cell", "rnn", "--activation", "sigmoid", "--layers", "2", "--dropout", "0.2",
                                      "--embed", "8", "--hidden", "16"],
         "lstm sgd schedule": ["--cell", "lstm", "--optimizer", "sgd", "--lr", "0.3", "--lr-decay-every", "2",
                               "--embed", "8", "--hidden", "16"],
         "lstm word adaptive capped": ["--cell", "lstm", "--level", "word", "--softmax", "adaptive", "--cutoffs", "20,100",
                                       "--max-vocab", "300", "--embed", "8", "--hidden", "16"]}


@pytest.mark.parametrize("run", FRESH)
def test_recur_reads_and_resumes_a_fresh_python_run(recur, tmp_path, run):
    checkpoint, log = str(tmp_path / "run.safetensors"), str(tmp_path / "log.jsonl")
    environment = dict(os.environ, PYTHONPATH=os.path.join(REPOSITORY, "python"))
    subprocess.run([sys.executable, "-m", "recur_torch", "train", "--corpus", sample("small.txt"), *FRESH[run],
                    "--seq", "8", "--batch", "4", "--steps", "6", "--eval-every", "3", "--log", log, "--checkpoint", checkpoint],
                   check=True, capture_output=True, env=environment)
    records = [json.loads(line) for line in open(log)]
    assert [r["step"] for r in records] == [1, 2, 3, 4, 5, 6] and records[-1]["tokens"] == 6 * 8 * 4
    evaluated = subprocess.run([recur, "eval", "--checkpoint", checkpoint, "--corpus", sample("small.txt"), "--json"],
                               check=True, capture_output=True, text=True)
    ours, theirs = json.loads(evaluated.stdout)["val_loss"], records[-1]["val_loss"]
    assert abs(ours - theirs) / theirs < 1e-4, f"recur eval {ours} vs logged {theirs}"
    resumed = subprocess.run([recur, "train", "--corpus", sample("small.txt"), "--resume", checkpoint, "--steps", "8",
                              "--eval-every", "0"], capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr


def test_init_starts_from_weights_as_recur_does(recur, tmp_path):
    """--init: the weights of a checkpoint, a fresh optimizer (here SGD with momentum and
    a new --batch) and position; both sides' logs agree within 1e-4."""
    base = str(tmp_path / "base.safetensors")
    subprocess.run([recur, "train", "--corpus", sample("small.txt"), "--embed", "8", "--hidden", "16", "--seq", "8",
                    "--batch", "4", "--steps", "3", "--checkpoint", base], check=True, capture_output=True)
    flags = ["--init", base, "--optimizer", "sgd", "--lr", "0.5", "--momentum", "0.5", "--batch", "6", "--steps", "8",
             "--eval-every", "4"]
    subprocess.run([recur, "train", "--corpus", sample("small.txt"), *flags, "--log", str(tmp_path / "recur.jsonl"),
                    "--checkpoint", str(tmp_path / "after.safetensors")],
                   check=True, capture_output=True)
    environment = dict(os.environ, PYTHONPATH=os.path.join(REPOSITORY, "python"))
    subprocess.run([sys.executable, "-m", "recur_torch", "train", "--corpus", sample("small.txt"), *flags,
                    "--log", str(tmp_path / "torch.jsonl")], check=True, capture_output=True, env=environment)
    ours = [json.loads(line) for line in open(tmp_path / "torch.jsonl")]
    theirs = [json.loads(line) for line in open(tmp_path / "recur.jsonl")]
    assert [r["step"] for r in ours] == [r["step"] for r in theirs] == list(range(1, 9))
    for mine, reference in zip(ours, theirs):
        for key in ("loss", "val_loss"):
            if key in reference:
                assert abs(mine[key] - reference[key]) / reference[key] < 1e-4, (mine, reference)
