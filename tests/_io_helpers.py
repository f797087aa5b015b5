"""What the tests of w2v.io's formats share: awkward keys and vectors, and checks of what loaded."""

import numpy as np
import pytest

from w2v.io import FormatError, load_word2vec_format

KEYS = ["the", "café", "日本", "naïve", "a\u00a0b", "😀", "</s>", "50%", "x"]


def _vectors(n=None, d=5, seed=0):
    n = len(KEYS) if n is None else n
    vectors = np.random.default_rng(seed).standard_normal((n, d)).astype(np.float32)  # (n, d)
    if n >= 2 and d >= 4:  # awkward float32 values that a sloppy text writer would not round-trip
        vectors[0, :4] = [np.finfo(np.float32).max, np.finfo(np.float32).tiny, 1e-45, -0.0]
        vectors[1, :3] = [1 / 3, 0.1, -123456.789]
    return vectors


def _same(loaded, keys, vectors):
    got_keys, got = loaded
    assert got_keys == list(keys)
    assert got.dtype == np.float32 and got.shape == vectors.shape
    assert np.array_equal(got.view(np.uint32), vectors.view(np.uint32))  # bit for bit, -0.0 included


def _write(path, data):
    path.write_bytes(data)
    return path


def _error(path, **kwargs):
    """Load ``path`` expecting FormatError; the message must name the file."""
    with pytest.raises(FormatError) as info:
        load_word2vec_format(path, **kwargs)
    assert str(path) in str(info.value)
    return info.value


def _binary(rows, n=None, d=2, newline=b"\n"):
    n = len(rows) if n is None else n
    body = b"".join(w + b" " + np.asarray(v, "<f4").tobytes() + newline for w, v in rows)
    return f"{n} {d}\n".encode() + body


GOOD = [(b"ab", [1, 2]), (b"cd", [3, 4]), (b"ef", [5, 6])]
