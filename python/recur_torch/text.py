"""Text as Recur reads it (Sources/RecurEngine/Text): decoding and its refusals, the
character and word tokenizers, the 90/10 split, the corpus hash and the B streams.

Legend: n tokens in a split, B streams, L = floor(n / B) tokens per stream, T steps.
"""
import re

import numpy as np
import torch

from .errors import UserError

UNKNOWN = "<unk>"

# A word is a letter or number followed by letters, numbers, apostrophes and hyphens
# (WordTokenizer.swift); "\n" is a token; any other non-space character of code >= 0x20
# is a one-character token. [^\W_] is str.isalnum(): letters (L*) and every character
# with a numeric value, as Swift's isAlphabetic || numericType != nil (see README for
# the one difference: Unicode's Other_Alphabetic marks, which Python's database lacks).
_WORD_TOKEN = re.compile(r"[^\W_](?:[^\W_]|['-])*|\n|[^\s]")


def read_text(path, what="corpus"):
    """The file's text as Recur decodes it: UTF-8, refusing a missing, empty or binary
    (NUL byte) file and invalid UTF-8 with the offset of the bad byte; a leading
    byte-order mark dropped. Raises UserError with a one-line reason."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise UserError(f"{what} not found: {path}")
    except IsADirectoryError:
        raise UserError(f"{what} is a directory: {path}")
    except OSError as error:
        raise UserError(f"cannot read {what}: {path} ({error.strerror})")
    if not data:
        raise UserError(f"{what} is empty: {path}")
    nul = data.find(b"\0")
    if nul >= 0:
        raise UserError(f"{what} looks binary (a NUL byte at offset {nul}): {path}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UserError(f"{what} is not valid UTF-8 (bad byte 0x{data[error.start]:x} at offset {error.start}): {path}")
    return text[1:] if text.startswith("\ufeff") else text


def character_scalars(text):
    """The characters a character-level model sees (LineEnds.CharacterFilter): the \\r of
    every \\r\\n dropped, a lone \\r kept. (The byte-order mark went in read_text.)"""
    return text.replace("\r\n", "\n")


def _lower_scalarwise(token):
    """Swift's String.lowercased(): each scalar's full lowercase mapping, without
    Python's context rule for a final sigma."""
    return token.lower() if token.isascii() else "".join(c.lower() for c in token)


def word_tokens(text, lowercase=False):
    """Recur's word tokens of `text`: words, single punctuation characters and "\\n";
    control characters other than "\\n" are dropped."""
    tokens = [t for t in _WORD_TOKEN.findall(text) if t == "\n" or len(t) > 1 or ord(t) >= 0x20]
    return [_lower_scalarwise(t) for t in tokens] if lowercase else tokens


def _code_points(text):
    """(n,) uint32 code points of `text`."""
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


class Corpus:
    """A tokenized text: `ids` (n,) int32 numpy array (4 bytes a token: a gigabyte of
    text stays a few gigabytes in memory) and `vocab` (list of tokens)."""

    def __init__(self, ids, vocab, level, lowercase=False, min_count=1):
        self.ids, self.vocab, self.level = ids, vocab, level
        self.lowercase, self.min_count = lowercase, min_count
        self._hash = None

    @property
    def hash(self):
        """corpus_hash of the ids, computed once (it is a loop over every token)."""
        if self._hash is None:
            self._hash = corpus_hash(self.ids)
        return self._hash

    @property
    def split_index(self):
        """floor(0.9 × n): where validation starts (Corpus.splitIndex)."""
        return int(len(self.ids) * 0.9)

    @property
    def training_ids(self):
        return self.ids[:self.split_index]

    @property
    def validation_ids(self):
        return self.ids[self.split_index:]


def build_corpus(path, level, min_count=1, lowercase=False, max_vocab=None):
    """Reads `path` and builds its vocabulary. Char: sorted unique scalars. Word: `<unk>`
    first, then the words seen at least `min_count` times, most frequent first, ties by
    spelling in code-point order (Swift compares strings so for these tokens); with
    `max_vocab`, only the first max_vocab - 1 of them (VocabularyCap)."""
    text = read_text(path)
    if level == "char":
        points, ids = np.unique(_code_points(character_scalars(text)), return_inverse=True)
        vocab = [chr(int(p)) for p in points]
        corpus = Corpus(ids.astype(np.int32), vocab, "char")
    else:
        words = word_tokens(text, lowercase)
        counts = {}
        for word in words:
            counts[word] = counts.get(word, 0) + 1
        kept = sorted((w for w, c in counts.items() if c >= min_count and w != UNKNOWN), key=lambda w: (-counts[w], w))
        if max_vocab is not None:
            kept = kept[:max(max_vocab - 1, 0)]
        vocab = [UNKNOWN] + kept
        index = {token: i for i, token in enumerate(vocab)}
        corpus = Corpus(np.array([index.get(w, 0) for w in words], dtype=np.int32), vocab, "word", lowercase, min_count)
    if len(corpus.vocab) < 2:
        raise UserError(f"the corpus has only {len(corpus.vocab)} distinct token; a language model needs at least 2")
    return corpus


def corpus_with_vocab(path, vocab, level, lowercase=False, min_count=1):
    """Reads `path` onto an existing (a checkpoint's) vocabulary. Char: a character the
    vocabulary lacks is an error naming up to five. Word: unknown words become <unk>."""
    text = read_text(path)
    index = {token: i for i, token in enumerate(vocab)}
    if level == "char":
        scalars = character_scalars(text)
        missing = sorted(set(scalars) - index.keys(), key=scalars.index)
        if missing:
            shown = ", ".join(_swift_debug(c) for c in missing[:5]) + (", …" if len(missing) > 5 else "")
            raise UserError(f"the corpus has characters the model's vocabulary lacks: {shown}")
        table = np.full(0x110000, -1, dtype=np.int32)
        for token, i in index.items():
            table[ord(token)] = i
        ids = table[_code_points(scalars)]
    else:
        unknown = index.get(UNKNOWN, 0)
        ids = np.array([index.get(w, unknown) for w in word_tokens(text, lowercase)], dtype=np.int32)
    return Corpus(ids, list(vocab), level, lowercase, min_count)


def _swift_debug(character):
    """A character quoted as Swift's debugDescription quotes it (for error messages)."""
    escapes = {"\n": "\\n", "\r": "\\r", "\t": "\\t", '"': '\\"', "\\": "\\\\"}
    return '"' + escapes.get(character, character) + '"'


_FNV_PRIME = 0x100000001B3
_MASK = (1 << 64) - 1


def corpus_hash(ids):
    """FNV-1a over the ids as 4 little-endian bytes each, 16 hex digits (Checkpoint.hash):
    tells a resume that it sees the same text. (n,) ids -> str."""
    value = 0xCBF29CE484222325
    prime, prime3, mask = _FNV_PRIME, (_FNV_PRIME ** 3) & _MASK, _MASK
    for start in range(0, len(ids), 1 << 20):  # a million at a time: no list of all ids
        for token in ids[start:start + (1 << 20)].tolist():
            if token < 0x10000:
                # Bytes 2 and 3 are zero (XOR with 0 is nothing): byte 1's multiply and
                # theirs make one by p³.
                value = ((((value ^ (token & 0xFF)) * prime) & mask ^ (token >> 8)) * prime3) & mask
            else:
                for shift in (0, 8, 16, 24):
                    value = ((value ^ ((token >> shift) & 0xFF)) * prime) & mask
    return f"{value:016x}"


class Streams:
    """B contiguous streams of L = floor(n / B) tokens (BatchStreams.swift): stream b is
    ids[b·L, (b+1)·L). Holds them as a (B, L) view of the ids in host memory (only each
    chunk goes to the device); `rows` selects the streams one process trains on
    (DistributedDataParallel splits them into contiguous blocks)."""

    def __init__(self, ids, batch, rows=None, device="cpu"):
        self.batch, self.device = batch, device
        self.length = len(ids) // batch
        data = torch.from_numpy(np.ascontiguousarray(ids[:self.length * batch])).reshape(batch, self.length)
        self.data = data if rows is None else data[rows.start:rows.stop]

    def fits(self, position, steps):
        """Whether a chunk of `steps` fits at `position` (it needs one more target)."""
        return 0 <= position and 0 <= steps < self.length and position <= self.length - steps - 1

    def chunk(self, position, steps):
        """(steps, b) inputs and targets of the chunk at `position`: inputs [p, p+T) and
        targets [p+1, p+T+1) of every stream held."""
        window = self.data[:, position:position + steps + 1].T.to(self.device, torch.int64)  # (steps+1, b)
        return window[:-1], window[1:]
