"""word2vec.c's format, text and binary alike: round trips (compressed too), limits, repeated
words, undecodable bytes, and refusing what the format cannot hold."""

import logging
import os
import struct

import numpy as np
import pytest

from _io_helpers import KEYS, _error, _same, _vectors, _write
from w2v.io import load_word2vec_format, save_word2vec_format, sniff_format

# -- word2vec format round trips ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "binary", "header"),
    [
        ("v.txt", False, True),
        ("v.bin", True, True),
        ("v.glove.txt", False, False),
        ("v.txt.gz", False, True),
        ("v.txt.bz2", False, True),
        ("v.bin.gz", True, True),
    ],
)
def test_round_trip(tmp_path, name, binary, header):
    path = tmp_path / name
    vectors = _vectors()
    save_word2vec_format(path, KEYS, vectors, binary=binary, header=header)
    _same(load_word2vec_format(path, binary=binary, no_header=not header), KEYS, vectors)
    expected = "word2vec-binary" if binary else ("word2vec-text" if header else "glove-text")
    assert sniff_format(path) == expected


def test_empty_vocabulary_round_trips(tmp_path):
    for binary in (False, True):
        path = tmp_path / f"empty{binary}"
        save_word2vec_format(path, [], np.empty((0, 7), np.float32), binary=binary)
        assert path.read_bytes() == b"0 7\n"
        keys, vectors = load_word2vec_format(path, binary=binary)
        assert keys == [] and vectors.shape == (0, 7) and vectors.dtype == np.float32


@pytest.mark.parametrize("binary", [False, True])
def test_limit_reads_only_the_first_rows(tmp_path, binary):
    path = tmp_path / "v"
    vectors = _vectors()
    save_word2vec_format(path, KEYS, vectors, binary=binary)
    with open(path, "ab") as f:
        f.write(b"junk after the rows that a limited read never looks at")
    for limit in (0, 3):
        _same(load_word2vec_format(path, binary=binary, limit=limit), KEYS[:limit], vectors[:limit])
    _error(path, binary=binary)  # the whole file is read without a limit, and the junk is found
    with pytest.raises(ValueError):
        load_word2vec_format(path, limit=-1)


def test_duplicate_words_keep_the_first_and_warn(tmp_path, caplog):
    path = _write(tmp_path / "v.txt", b"4 1\na 1\nb 2\na 3\nb 4\n")
    with caplog.at_level(logging.WARNING, logger="w2v"):
        keys, vectors = load_word2vec_format(path)
    assert keys == ["a", "b"] and vectors.ravel().tolist() == [1, 2]
    assert "2 repeated words" in caplog.text and str(path) in caplog.text


def test_unicode_errors_replace_and_latin1(tmp_path):
    path = _write(tmp_path / "v.txt", b"1 1\ncaf\xe9 1\n")
    assert load_word2vec_format(path, unicode_errors="replace")[0] == ["caf\ufffd"]
    assert load_word2vec_format(path, encoding="latin-1")[0] == ["café"]
    binary = _write(tmp_path / "v.bin", b"1 1\ncaf\xe9 " + struct.pack("<f", 1.0))
    assert load_word2vec_format(binary, binary=True, unicode_errors="ignore")[0] == ["caf"]


# -- refusing what the format cannot hold ---------------------------------------------------------


@pytest.mark.parametrize("bad", ["two words", "tab\there", "new\nline", "", "nul\0", "cr\r"])
def test_save_refuses_words_the_format_cannot_hold(tmp_path, bad):
    with pytest.raises(ValueError) as info:
        save_word2vec_format(tmp_path / "v.txt", ["ok", bad], np.zeros((2, 2), np.float32))
    assert bad == "" or repr(bad) in str(info.value)
    assert not os.listdir(tmp_path)  # nothing written, not even a temporary file


def test_save_refuses_bad_arguments(tmp_path):
    path = tmp_path / "v"
    with pytest.raises(ValueError, match="do not match"):
        save_word2vec_format(path, ["a"], np.zeros((2, 2)))
    with pytest.raises(ValueError, match="header"):
        save_word2vec_format(path, ["a"], np.zeros((1, 2)), binary=True, header=False)
    with pytest.raises(ValueError, match="'b'.*non-finite"):
        save_word2vec_format(path, ["a", "b"], np.array([[1.0], [np.nan]]))
    with pytest.raises(ValueError, match="non-finite"):
        save_word2vec_format(path, ["a"], np.array([[1e300]]))  # inf once made float32
    with pytest.raises(ValueError, match="UTF-8"):
        save_word2vec_format(path, ["\ud800"], np.zeros((1, 1)))
    assert not path.exists()
