"""Shared fixtures: the recur binary (RECUR_BIN, else the repository's release build),
the repository's samples, and a helper that runs `recur train` into a checkpoint."""
import os
import subprocess
import sys

import pytest

REPOSITORY = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SAMPLES = os.path.join(REPOSITORY, "samples")
sys.path.insert(0, os.path.join(REPOSITORY, "python"))


@pytest.fixture(scope="session")
def recur():
    """Path of the recur binary; tests that compare with Recur are skipped without one."""
    path = os.environ.get("RECUR_BIN") or os.path.join(REPOSITORY, ".build", "release", "recur")
    if not os.access(path, os.X_OK):
        pytest.skip(f"no recur binary at {path} (set RECUR_BIN)")
    return path


def sample(name):
    return os.path.join(SAMPLES, name)


def recur_train(recur, corpus, checkpoint, *flags, steps=3):
    """Runs `recur train` on `corpus` into `checkpoint` (small shapes unless flags say)."""
    command = [recur, "train", "--corpus", corpus, "--steps", str(steps), "--eval-every", "0",
               "--checkpoint", str(checkpoint), *flags]
    defaults = {"--embed": "8", "--hidden": "16", "--seq": "8", "--batch": "4"}
    for flag, value in defaults.items():
        if flag not in flags and not (flag == "--hidden" and "--tie-weights" in flags):
            command += [flag, value]
    subprocess.run(command, check=True, capture_output=True)
    return checkpoint
