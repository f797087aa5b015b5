"""Damaged files, generated: every loader either returns a consistent result or raises FormatError.

Small valid files of each format are mutated (bits flipped, bytes replaced,
inserted or deleted, cut short, header numbers edited, junk appended, rows
repeated). Whatever comes out, a loader may not crash with another
exception, hang, or hand back keys and vectors that disagree; a
FormatError must name the file. Hypothesis examples and pytest's tmp_path
do not mix (one folder per test, not per example), so each example writes
to its own tempfile folder.
"""

import os
import re
import tempfile

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from w2v.io import (
    FormatError,
    load_native,
    load_word2vec_format,
    save_native,
    save_word2vec_format,
    sniff_format,
)
from w2v.io.native import pack_strings, unpack_strings

NAME = "fuzzed-vectors"  # in every file name, so error messages can be checked for it
KEYS = ["a", "bé", "日本", "d4", "</s>"]
VECTORS = np.array(
    [[0.5, -1.25, 3.0], [1e-3, 2.5e4, -0.0], [1, 2, 3], [-7.5, 0.125, 9.75], [0.1, 0.2, 0.3]],
    dtype=np.float32,
)  # (5, 3)
SNIFFED = {"native", "word2vec-binary", "word2vec-text", "glove-text"}


def _base_files():
    """The valid files to damage, as bytes: {format: (suffix, bytes)}."""
    files = {}
    with tempfile.TemporaryDirectory() as folder:
        for fmt, suffix, kwargs in [
            ("text", ".txt", {}),
            ("binary", ".bin", {"binary": True}),
            ("glove", ".txt", {"header": False}),
            ("gz", ".txt.gz", {}),
        ]:
            path = os.path.join(folder, NAME + suffix)
            save_word2vec_format(path, KEYS, VECTORS, **kwargs)
            with open(path, "rb") as f:
                files[fmt] = (suffix, f.read())
        path = os.path.join(folder, NAME + ".w2v")
        offsets, blob = pack_strings(KEYS)
        arrays = {"key_offsets": offsets, "key_blob": blob, "vectors": VECTORS, "counts": np.arange(5)}
        save_native(path, kind="vectors", meta={"window": 5, "note": "é"}, arrays=arrays)
        with open(path, "rb") as f:
            files["native"] = (".w2v", f.read())
    return files


BASE = _base_files()

# Bytes that matter to these formats, offered more often than chance would.
_BYTE = st.one_of(
    st.sampled_from(list(b" \n\r\t0123456789.-+eE_nainf\x00\x80\xc3\xa9\xff")), st.integers(0, 255)
)
_NUMBER = st.one_of(st.integers(0, 12), st.sampled_from([63, 64, 65, 2**31, 2**32 - 1, 2**32, 10**20]))


@st.composite
def _mutated(draw, data):
    """``data`` with one to four random mutations applied."""
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        n = len(data)
        op = draw(
            st.sampled_from(["flip", "set", "truncate", "insert", "delete", "number", "append", "repeat"])
        )
        pos = draw(st.integers(0, max(n - 1, 0)))
        if op == "flip" and n:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "set" and n:
            data[pos] = draw(_BYTE)
        elif op == "truncate":
            del data[draw(st.integers(0, n)) :]
        elif op == "insert":
            data[pos:pos] = bytes(draw(st.lists(_BYTE, min_size=1, max_size=8)))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 8))]
        elif op == "number":  # a count, dimension, offset, length or value in the header area
            runs = list(re.finditer(rb"\d+", bytes(data[:600])))
            if runs:
                run = runs[draw(st.integers(0, len(runs) - 1))]
                data[run.start() : run.end()] = str(draw(_NUMBER)).encode()
        elif op == "append":
            data += bytes(draw(st.lists(_BYTE, min_size=1, max_size=20)))
        elif op == "repeat" and n:  # a copy of some stretch, e.g. a row, somewhere else: duplicate keys
            stop = draw(st.integers(pos, n))
            where = draw(st.integers(0, n))
            data[where:where] = data[pos:stop]
    return bytes(data)


def _write(folder, suffix, data):
    path = os.path.join(folder, NAME + suffix)
    with open(path, "wb") as f:
        f.write(data)
    return path


def _expect_format_error_naming(path, exc):
    assert isinstance(exc, FormatError), f"{type(exc).__name__}: {exc}"
    assert os.path.basename(path) in str(exc) and exc.path == path


def _check_vectors(path, load):
    """``load()`` -> (keys, vectors) consistent with each other, or a FormatError naming the file."""
    try:
        keys, vectors = load()
    except FormatError as exc:
        _expect_format_error_naming(path, exc)
        return
    assert isinstance(keys, list) and all(isinstance(k, str) and k for k in keys)
    assert len(set(keys)) == len(keys)
    assert isinstance(vectors, np.ndarray) and vectors.dtype == np.float32 and vectors.ndim == 2
    assert vectors.shape[0] == len(keys) and vectors.shape[1] >= 1
    assert np.isfinite(vectors).all()


def _check_sniff(path):
    try:
        assert sniff_format(path) in SNIFFED
    except FormatError as exc:
        _expect_format_error_naming(path, exc)


_SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}


def _fuzz_word2vec(data, fmt, **kwargs):
    suffix, base = BASE[fmt]
    with tempfile.TemporaryDirectory() as folder:
        path = _write(folder, suffix, data.draw(_mutated(base)))
        _check_vectors(path, lambda: load_word2vec_format(path, **kwargs))
        _check_vectors(path, lambda: load_word2vec_format(path, limit=2, **kwargs))
        _check_sniff(path)


@settings(max_examples=700, **_SETTINGS)
@given(st.data())
def test_damaged_text(data):
    _fuzz_word2vec(data, "text")


@settings(max_examples=700, **_SETTINGS)
@given(st.data())
def test_damaged_binary(data):
    _fuzz_word2vec(data, "binary", binary=True)


@settings(max_examples=500, **_SETTINGS)
@given(st.data())
def test_damaged_glove(data):
    _fuzz_word2vec(data, "glove", no_header=True)


@settings(max_examples=300, **_SETTINGS)
@given(st.data())
def test_damaged_gzip_text(data):
    _fuzz_word2vec(data, "gz")


@settings(max_examples=700, **_SETTINGS)
@given(st.data())
def test_damaged_native(data):
    suffix, base = BASE["native"]
    with tempfile.TemporaryDirectory() as folder:
        path = _write(folder, suffix, data.draw(_mutated(base)))
        for mmap in (True, False):
            try:
                kind, meta, arrays = load_native(path, mmap=mmap)
            except FormatError as exc:
                _expect_format_error_naming(path, exc)
                continue
            # The header is the authority on names, shapes and dtypes; what must hold is that
            # the arrays are what it describes, and that a stored vocabulary unpacks or is refused.
            assert isinstance(kind, str) and isinstance(arrays, dict)
            assert all(isinstance(a, np.ndarray) for a in arrays.values())
            if "key_offsets" in arrays and "key_blob" in arrays:
                try:
                    keys = unpack_strings(arrays["key_offsets"], arrays["key_blob"], path=path)
                except FormatError as exc:
                    _expect_format_error_naming(path, exc)
                else:
                    assert all(isinstance(k, str) for k in keys)
            del arrays  # let the maps go before the folder is removed
        _check_sniff(path)
