"""How w2v's objects map onto files, in every format w2v knows.

``w2v.io`` reads and writes bytes (word2vec.c's formats, the native file);
this module lays out what a set of vectors or a model holds:

- vectors (words, a matrix, optional counts) go to any format; the native
  file keeps the counts too;
- a model goes to the native file only (kind ``"model"``): its parameters,
  training state (JSON), vocabulary with counts, input and output weights,
  and the Huffman tables of hierarchical softmax, so a load builds nothing.
  Loading maps the arrays copy-on-write, so training can continue in memory
  while the file stays as it was.

It knows nothing of the classes that use it (``KeyedVectors``, ``Word2Vec``
call it, never the other way round). Every problem with a file's content is
a ``w2v.io.FormatError`` that names the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from ._version import __version__
from .io import (
    FormatError,
    load_native,
    load_word2vec_format,
    save_native,
    save_word2vec_format,
    sniff_format,
)
from .io.native import pack_strings, unpack_strings
from .io.word2vec_format import check_writable_words

FORMATS = ("native", "word2vec-binary", "word2vec-text", "glove-text")
_BY_SUFFIX = {
    ".bin": "word2vec-binary",
    ".txt": "word2vec-text",
    ".vec": "word2vec-text",
    ".gz": "word2vec-text",
    ".w2v": "native",
    ".model": "native",
}


def format_for_output(path, fmt=None):
    """The format to write ``path`` in: ``fmt`` if given, else by its suffix (native otherwise)."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise ValueError(f"format {fmt!r} is unknown: use one of {', '.join(FORMATS)}")
        return fmt
    return _BY_SUFFIX.get(os.path.splitext(os.fspath(path))[1].lower(), "native")


def save_vectors(path, keys, vectors, counts=None, fmt=None):
    """Write ``vectors`` (N, d) and their ``keys`` to ``path`` atomically, in ``fmt`` (default: by suffix)."""
    fmt = format_for_output(path, fmt)
    keys = list(keys)
    if len(keys) != len(vectors):
        raise ValueError(f"{len(keys)} words for {len(vectors)} vectors: the vectors are inconsistent")
    for key in keys:
        if not isinstance(key, str):
            raise TypeError(f"only str keys can be saved, not {key!r} (an empty slot, or a non-text key)")
    if fmt == "native":
        offsets, blob = pack_strings(keys)
        arrays = {"vectors": vectors, "counts": counts, "key_offsets": offsets, "key_blob": blob}
        save_native(path, kind="vectors", meta={"w2v_version": __version__}, arrays=arrays)
    else:
        save_word2vec_format(path, keys, vectors, binary=fmt == "word2vec-binary", header=fmt != "glove-text")


def check_vectors_output(path, keys, fmt=None):
    """Refuse now, naming the first, a word that ``path``'s format (by ``fmt`` or suffix) cannot hold,
    so a run is stopped before training rather than after it."""
    if format_for_output(path, fmt) != "native":
        check_writable_words(keys)


def load_vectors(path, fmt=None, *, mmap=True):
    """``(keys, vectors, counts or None)`` from ``path`` in ``fmt`` (default: detected from the content).

    A native model file gives its model's word vectors.
    """
    fmt = sniff_format(path) if fmt is None else fmt
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is unknown: use one of {', '.join(FORMATS)}")
    if fmt != "native":
        keys, vectors = load_word2vec_format(
            path, binary=fmt == "word2vec-binary", no_header=fmt == "glove-text"
        )
        return keys, vectors, None
    kind, meta, arrays = load_native(path, mmap=mmap)
    vectors = arrays.get("vectors" if kind == "vectors" else "w_in")
    if kind not in ("vectors", "model") or vectors is None:
        raise FormatError(path, f"a native file of kind {kind!r} holds no word vectors")
    keys = _keys(path, arrays, vectors)
    counts = arrays.get("counts")
    if counts is not None:  # word counts: whole numbers from 1 to 2**62 (sums must fit in int64)
        if counts.shape != (len(keys),):
            raise FormatError(path, f"counts of shape {counts.shape} for {len(keys)} words")
        if counts.dtype.kind not in "iu":
            raise FormatError(path, f"counts are {counts.dtype}, not whole numbers")
        bad = np.flatnonzero((counts < 1) | (counts > 1 << 62)) if len(counts) else []
        if len(bad):
            i = int(bad[0])
            raise FormatError(
                path, f"count {int(counts[i])} of word {keys[i]!r} is out of range (1 to 2**62)"
            )
    return keys, vectors, counts


def _keys(path, arrays, vectors):
    if "key_offsets" not in arrays or "key_blob" not in arrays:
        raise FormatError(path, "the vocabulary is missing")
    keys = unpack_strings(arrays["key_offsets"], arrays["key_blob"], path=path)
    if vectors.ndim != 2 or vectors.shape[0] != len(keys):
        raise FormatError(path, f"{len(keys)} words for vectors of shape {vectors.shape}")
    return keys  # (that no word appears twice is checked where the word index is built)


# -- whole models -----------------------------------------------------------------------------

MODEL_ARRAYS = ("w_in", "w_out_ns", "w_out_hs", "counts", "hs_points", "hs_codes", "hs_code_lens")


@dataclass
class ModelFile:
    """What a model file holds: ``params`` and ``state`` (JSON dicts), the words, and the
    arrays named in MODEL_ARRAYS (absent ones are None)."""

    params: dict
    state: dict
    keys: list
    arrays: dict


def save_model(path, model_file):
    """Write a ModelFile to ``path`` in the native format, atomically."""
    offsets, blob = pack_strings(model_file.keys)
    meta = {"w2v_version": __version__, "params": model_file.params, "state": model_file.state}
    arrays = {name: model_file.arrays.get(name) for name in MODEL_ARRAYS}
    save_native(path, kind="model", meta=meta, arrays={**arrays, "key_offsets": offsets, "key_blob": blob})


def load_model(path, *, mmap=True):
    """The ModelFile in ``path``: a native model file, its layout checked (shapes, dtypes,
    table ranges); what the values mean is for the model to check."""
    kind, meta, arrays = load_native(path, mmap=mmap, writable=True)
    if kind != "model":
        raise FormatError(path, f"this is a native file of kind {kind!r}, not a model (load it as vectors)")
    if not isinstance(meta.get("params"), dict) or not isinstance(meta.get("state"), dict):
        raise FormatError(path, "not a valid w2v model: the parameters or the training state are missing")
    w_in = arrays.get("w_in")
    if w_in is None:
        raise FormatError(path, "not a valid w2v model: array 'w_in' is missing")
    keys = _keys(path, arrays, w_in)
    n, d = w_in.shape
    expected = {  # name: (shape or None for any, dtype)
        "w_in": ((n, d), np.float32),
        "w_out_ns": ((n, d), np.float32),
        "w_out_hs": ((n - 1, d), np.float32),
        "counts": ((n,), None),
        "hs_code_lens": ((n,), np.int32),
    }
    for name, (shape, dtype) in expected.items():
        got = arrays.get(name)
        if got is not None and (got.shape != shape or (dtype is not None and got.dtype != dtype)):
            raise FormatError(
                path,
                f"array {name!r} is {got.dtype} {got.shape}, expected {np.dtype(dtype or 'int64')} {shape}",
            )
    if arrays.get("counts") is None:
        raise FormatError(path, "not a valid w2v model: array 'counts' is missing")
    _check_huffman(path, arrays, n)
    return ModelFile(
        dict(meta["params"]), dict(meta["state"]), keys, {k: arrays.get(k) for k in MODEL_ARRAYS}
    )


def _check_huffman(path, arrays, n):
    """Stored Huffman tables must be whole and in range: the kernel indexes with them."""
    tables = [arrays.get(k) for k in ("hs_points", "hs_codes", "hs_code_lens")]
    if all(t is None for t in tables):
        return
    points, codes, lens = tables
    if any(t is None for t in tables):
        raise FormatError(path, "the Huffman tables are incomplete")
    if points.ndim != 2 or points.shape[0] != n or points.dtype != np.int32 or codes.shape != points.shape:
        raise FormatError(
            path, f"the Huffman tables have shapes {points.shape} and {codes.shape} for {n} words"
        )
    if codes.dtype != np.uint8 or points.shape[1] < 1:
        raise FormatError(path, "the Huffman tables are damaged")
    if (
        lens.min() < 1
        or lens.max() > points.shape[1]
        or points.min() < 0
        or points.max() > n - 2
        or codes.max() > 1
    ):
        raise FormatError(path, "the Huffman tables hold values out of range")
