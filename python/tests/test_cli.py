"""The command line: one-line errors with status 2 (flags) or 1 (files), never a
traceback; and the run folder's pause and save requests (/tmp/run_folder_contract.md
as README's run-folder section states it)."""
import json
import os
import subprocess
import sys
import time

import pytest

from conftest import REPOSITORY, sample

PYTHON_PATH = os.path.join(REPOSITORY, "python")
SMALL_MODEL = ["--embed", "8", "--hidden", "16", "--seq", "8", "--batch", "4"]


def command(*args):
    return [sys.executable, "-m", "recur_torch", "train", *args]


def run(*args):
    environment = dict(os.environ, PYTHONPATH=PYTHON_PATH)
    return subprocess.run(command(*args), capture_output=True, text=True, env=environment)


@pytest.mark.parametrize("args,status,message", [
    (["--corpus", "x.txt", "--batch", "zero"], 2, "not a whole number"),
    (["--corpus", "x.txt", "--dropout", "1.5"], 2, "--dropout must be in [0, 1)"),
    (["--corpus", "x.txt", "--cell", "transformer"], 2, "invalid choice"),
    (["--steps", "5"], 2, "--corpus"),
    (["--corpus", "missing.txt"], 1, "corpus not found: missing.txt"),
    (["--corpus", sample("small.txt"), "--checkpoint-every", "5"], 2, "--checkpoint-every needs"),
    (["--corpus", sample("small.txt"), "--resume", "missing.safetensors"], 1, "checkpoint not found"),
    (["--corpus", sample("small.txt"), "--batch", "100000"], 2, "--batch must be from 1 to 65536"),
    (["--corpus", sample("small.txt"), "--tie-weights", "--embed", "8", "--hidden", "16"], 2, "--tie-weights needs --hidden"),
])
def test_bad_input_gets_one_line(args, status, message):
    result = run(*args)
    assert result.returncode == status, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr


def wait_for(predicate, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def logged_steps(folder):
    path = os.path.join(folder, "log.jsonl")
    if not os.path.exists(path):
        return []
    return [json.loads(line)["step"] for line in open(path).read().splitlines(keepends=True) if line.endswith("\n")]


def test_run_folder_pause_and_save(tmp_path):
    folder = str(tmp_path / "run")
    os.makedirs(folder)
    open(os.path.join(folder, "pause"), "w").close()
    environment = dict(os.environ, PYTHONPATH=PYTHON_PATH)
    process = subprocess.Popen(command("--corpus", sample("small.txt"), *SMALL_MODEL, "--steps", "30", "--eval-every", "10",
                                       "--dir", folder, "--checkpoint-every", "20"),
                               stderr=subprocess.PIPE, text=True, env=environment)
    try:
        assert wait_for(lambda: process.poll() is not None or "paused" in (process.stderr.readline() or ""))
        time.sleep(0.5)
        assert logged_steps(folder) == [], "a step ran while DIR/pause existed"
        open(os.path.join(folder, "save"), "w").close()
        assert wait_for(lambda: not os.path.exists(os.path.join(folder, "save")))
        assert os.path.exists(os.path.join(folder, "step-00000000.safetensors"))
        os.remove(os.path.join(folder, "pause"))
        assert process.wait(timeout=120) == 0
    finally:
        process.kill()
    assert logged_steps(folder) == list(range(1, 31))
    names = sorted(name for name in os.listdir(folder) if name.endswith(".safetensors"))
    assert names == ["step-00000000.safetensors", "step-00000020.safetensors", "step-00000030.safetensors"]
    assert not [name for name in os.listdir(folder) if ".tmp-" in name]
    records = [json.loads(line) for line in open(os.path.join(folder, "log.jsonl"))]
    assert [r["step"] for r in records if "val_loss" in r] == [10, 20, 30]
    assert all(sorted(r) == sorted({"step", "loss", "tokens", "grad_norm", "time"} | ({"val_loss"} & set(r))) for r in records)
