"""Tokenizers, decoding rules and the corpus hash against Recur: a checkpoint's `vocab`
is Recur's vocabulary, its `training.corpus_tokens` and `training.corpus_hash` (FNV-1a
over the ids) fingerprint Recur's ids, so equal fingerprints mean identical ids."""
import numpy as np
import pytest

from conftest import recur_train, sample
from recur_torch import checkpoint as checkpoints
from recur_torch.errors import UserError
from recur_torch.text import build_corpus, corpus_hash, corpus_with_vocab, read_text, word_tokens

# Exercises every rule: BOM, CRLF and a lone CR, letters of several scripts, numbers
# without decimal digits (½, Ⅻ), apostrophes and hyphens inside, leading and trailing
# words, control characters, tabs, a no-break space, an emoji, capitals for --lowercase
# (including a final sigma, which Recur lowercases scalar by scalar).
TRICKY = ("\ufeffThe cat's hat-trick, don't -x 'quoted' a--b.\r\nΟΔΟΣ straße ΣΑΣ naïve café 42 ½ Ⅻ 3rd\r"
          "lone\rreturn\tTab\u00a0NBSP \x07bell 🙂 smile — dash «guillemets» İstanbul\n" * 3
          + "The the THE end-\n")

LEVELS = [("char", []), ("word", []), ("word", ["--lowercase", "--min-count", "2"])]


def fingerprint(corpus):
    return len(corpus.ids), corpus_hash(corpus.ids)


@pytest.mark.parametrize("name", ["small.txt", "default.txt", "classes.txt", "tricky"])
@pytest.mark.parametrize("level,flags", LEVELS)
def test_ids_match_recur(recur, tmp_path, name, level, flags):
    corpus_path = tmp_path / "tricky.txt" if name == "tricky" else sample(name)
    if name == "tricky":
        corpus_path.write_bytes(TRICKY.encode("utf-8"))
    stored = checkpoints.read(recur_train(recur, str(corpus_path), tmp_path / "c.safetensors", "--level", level, *flags,
                                          "--seq", "2", "--batch", "2", steps=1))
    lowercase = "--lowercase" in flags
    ours = build_corpus(str(corpus_path), level, 2 if "--min-count" in flags else 1, lowercase)
    assert ours.vocab == stored.vocab
    assert fingerprint(ours) == (stored.training["corpus_tokens"], stored.training["corpus_hash"])
    mapped = corpus_with_vocab(str(corpus_path), stored.vocab, level, lowercase)
    assert np.array_equal(mapped.ids, ours.ids)


def test_word_rules():
    assert word_tokens("don't -x 'q' a--b end-\n") == ["don't", "-", "x", "'", "q'", "a--b", "end-", "\n"]
    assert word_tokens("ΟΔΟΣ ½x\x07y", lowercase=True) == ["οδοσ", "½x", "y"]
    assert word_tokens("a\r\nb\tc\u00a0d") == ["a", "\n", "b", "c", "d"]


def test_char_rules(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes("\ufeffa\r\nb\rc".encode("utf-8"))
    corpus = build_corpus(str(path), "char")
    assert corpus.vocab == ["\n", "\r", "a", "b", "c"]
    assert corpus.ids.tolist() == [2, 0, 3, 1, 4]


def test_split_is_ninety_percent():
    corpus = build_corpus(sample("small.txt"), "char")
    assert len(corpus.training_ids) == int(len(corpus.ids) * 0.9)
    assert len(corpus.training_ids) + len(corpus.validation_ids) == len(corpus.ids)


def test_hash_of_wide_ids_takes_every_byte():
    narrow, wide = corpus_hash(np.array([1, 2])), corpus_hash(np.array([1, 2 + (1 << 16)]))
    assert narrow != wide and len(wide) == 16
    # FNV-1a of the single byte sequence 01 00 00 00, computed from its definition.
    value = 0xCBF29CE484222325
    for byte in (1, 0, 0, 0):
        value = ((value ^ byte) * 0x100000001B3) % (1 << 64)
    assert corpus_hash(np.array([1])) == f"{value:016x}"


@pytest.mark.parametrize("content,message", [(b"", "empty"), (b"ab\0c", "NUL byte at offset 2"),
                                             (b"ab\xc3(", "bad byte 0xc3 at offset 2")])
def test_unreadable_text_is_refused(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(UserError, match=message):
        read_text(str(path))


def test_characters_outside_the_vocabulary_are_named(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("abcz")
    with pytest.raises(UserError, match='lacks: "z"'):
        corpus_with_vocab(str(path), ["a", "b", "c"], "char")
