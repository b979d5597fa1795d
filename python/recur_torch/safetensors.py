"""The safetensors container as Recur writes it (SafeTensors.swift): an 8-byte
little-endian header length, a JSON header (sorted keys, padded with spaces to 8 bytes)
naming each tensor's dtype, shape and byte range, then raw little-endian F32 data.
Files are written atomically: a temporary file beside the target, fsync, rename, fsync
of the folder, so a reader never sees a torn checkpoint."""
import json
import os
import struct

import numpy as np
import torch

from .errors import UserError

MAXIMUM_HEADER_LENGTH = 64 << 20


def read(path):
    """(metadata dict of strings, name -> float32 tensor) of the file at `path`; every
    length, offset and shape is checked before it is used."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except (FileNotFoundError, IsADirectoryError):
        raise UserError(f"checkpoint not found: {path}")
    except OSError as error:
        raise UserError(f"cannot read checkpoint: {path} ({error.strerror})")

    def bad(reason):
        return UserError(f"{path} is not a valid checkpoint: {reason}")

    if len(raw) < 8:
        raise bad(f"the file is only {len(raw)} bytes")
    length = struct.unpack("<Q", raw[:8])[0]
    if length == 0 or length > min(len(raw) - 8, MAXIMUM_HEADER_LENGTH):
        raise bad(f"header length {length} does not fit in a {len(raw)}-byte file")
    try:
        header = json.loads(raw[8:8 + length])
    except (ValueError, UnicodeDecodeError):
        raise bad("the header is not a JSON object")
    if not isinstance(header, dict):
        raise bad("the header is not a JSON object")
    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise bad("__metadata__ is not a map of strings")
    payload = memoryview(raw)[8 + length:]
    tensors = {}
    for name, info in header.items():
        tensors[name] = _tensor(name, info, payload, bad)
    return metadata, tensors


def _tensor(name, info, payload, bad):
    """One header entry checked against the payload, copied out as a tensor."""
    try:
        dtype, shape, (start, end) = info["dtype"], info["shape"], info["data_offsets"]
    except (KeyError, TypeError, ValueError):
        raise bad(f"tensor {name} lacks dtype, shape or data_offsets")
    if dtype != "F32":
        raise bad(f"tensor {name} has dtype {dtype}; Recur reads F32")
    if not all(isinstance(d, int) and 0 <= d < 10 ** 9 for d in shape):
        raise bad(f"tensor {name} has shape {shape}")
    if not all(isinstance(o, int) and 0 <= o <= len(payload) for o in (start, end)):
        raise bad(f"tensor {name} has an offset past the end of the data ({len(payload)} bytes)")
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if end < start or end - start != 4 * count:
        raise bad(f"tensor {name}: shape {shape} does not match its {end - start} bytes")
    values = np.frombuffer(payload[start:end], dtype="<f4").astype(np.float32)
    return torch.from_numpy(values.reshape(shape))


def serialize(tensors, metadata):
    """The file's bytes: `tensors` (ordered name -> tensor) in their order."""
    header = {"__metadata__": metadata}
    blobs, offset = [], 0
    for name, tensor in tensors.items():
        data = tensor.detach().to("cpu", torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    encoded = json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    return struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs)


def write_atomically(data, path):
    """Writes `data` to `path` through `.NAME.tmp-PID` beside it, fsync, rename, fsync
    of the folder: a crash leaves the old file or the new one. A symlink is followed."""
    target = os.path.realpath(path)
    folder, name = os.path.split(target)
    temporary = os.path.join(folder, f".{name}.tmp-{os.getpid()}")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
        descriptor = os.open(folder or ".", os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError as error:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise UserError(f"cannot write checkpoint {path}: {error.strerror}")
