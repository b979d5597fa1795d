#!/usr/bin/env bash
# Time to quality (issue #23): the wall time Recur and PyTorch each need, on this machine
# with the same thread count, to train a char-LSTM 2×256 (embed 64, seq 64, batch 32,
# Adam 2e-3, clip 5, dropout 0.2) to a validation loss target, each clock including its
# own validation passes every 128 steps. Prints tokens, wall time and tokens/s of each
# side and the ratio Recur/PyTorch. Tests/Reference/time_to_quality.py says what the two
# sides share and where they differ.
# Needs a Python with Tests/Reference/requirements.txt (PYTHON, default python3) and a
# release build. A full run to 1.55 on tinyshakespeare trains ~4-5M tokens per side
# (minutes each); --max-tokens 200000 is the one-minute sanity check, which reports the
# ratio at that budget instead.
# Usage: Tests/Reference/time_to_quality.sh path/to/recur CORPUS [--target 1.55]
#        [--max-tokens N] [--rounds R] [--threads 2] [--embedding-dropout]
set -euo pipefail
cd "$(dirname "$0")/../.."
recur=$(realpath "${1:?usage: time_to_quality.sh path/to/recur CORPUS [options]}")
corpus=$(realpath "${2:?usage: time_to_quality.sh path/to/recur CORPUS [options]}")
shift 2
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
exec "${PYTHON:-python3}" Tests/Reference/time_to_quality.py --recur "$recur" --corpus "$corpus" "$@"
