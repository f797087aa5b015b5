"""Saving and loading KeyedVectors and Word2Vec models in every format w2v knows.

``w2v.io`` reads and writes bytes (word2vec.c's formats, the native file);
this module maps w2v's objects onto them:

- KeyedVectors go to any format; the native file keeps the counts too.
- A Word2Vec model goes to the native file only (kind ``"model"``): its
  parameters, vocabulary with counts, input and output weights, loss
  history and, if a run was interrupted, where it stopped. Loading maps the
  arrays copy-on-write, so training can continue in memory while the file
  stays as it was.

Every problem with a file's content is a ``w2v.io.FormatError`` that names
the file.
"""

from __future__ import annotations

import math
import os

import numpy as np

from . import __version__
from .io import (
    FormatError,
    load_native,
    load_word2vec_format,
    save_native,
    save_word2vec_format,
    sniff_format,
)
from .io.native import pack_strings, unpack_strings

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


def save_vectors(kv, path, fmt=None):
    """Write KeyedVectors ``kv`` to ``path`` (atomically) in ``fmt`` (default: by suffix)."""
    fmt = format_for_output(path, fmt)
    if fmt == "native":
        offsets, blob = pack_strings(kv.index_to_key)
        arrays = {"vectors": kv.vectors, "counts": kv.counts, "key_offsets": offsets, "key_blob": blob}
        save_native(path, kind="vectors", meta={"w2v_version": __version__}, arrays=arrays)
    else:
        save_word2vec_format(
            path, kv.index_to_key, kv.vectors, binary=fmt == "word2vec-binary", header=fmt != "glove-text"
        )


def load_vectors(path, fmt=None, *, mmap=True):
    """KeyedVectors from ``path`` in ``fmt`` (default: detected from the content).

    A native model file gives its model's word vectors.
    """
    from .vectors import KeyedVectors

    fmt = sniff_format(path) if fmt is None else fmt
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is unknown: use one of {', '.join(FORMATS)}")
    if fmt != "native":
        keys, vectors = load_word2vec_format(
            path, binary=fmt == "word2vec-binary", no_header=fmt == "glove-text"
        )
        return KeyedVectors(keys, vectors)
    kind, meta, arrays = load_native(path, mmap=mmap)
    vectors = arrays.get("vectors" if kind == "vectors" else "w_in")
    if kind not in ("vectors", "model") or vectors is None:
        raise FormatError(path, f"a native file of kind {kind!r} holds no word vectors")
    keys = _keys(path, arrays, vectors)
    counts = arrays.get("counts")
    if counts is not None and counts.shape != (len(keys),):
        raise FormatError(path, f"{counts.shape[0]} counts for {len(keys)} words")
    return KeyedVectors(keys, vectors, counts)


def _keys(path, arrays, vectors):
    if "key_offsets" not in arrays or "key_blob" not in arrays:
        raise FormatError(path, "the vocabulary is missing")
    keys = unpack_strings(arrays["key_offsets"], arrays["key_blob"], path=path)
    if vectors.ndim != 2 or vectors.shape[0] != len(keys):
        raise FormatError(path, f"{len(keys)} words for vectors of shape {vectors.shape}")
    if len(set(keys)) != len(keys):
        raise FormatError(path, "the vocabulary holds a word twice")
    return keys


# -- whole models -----------------------------------------------------------------------------


def _json_floats(values):
    return [None if not math.isfinite(v) else float(v) for v in values]


def _from_json_floats(values):
    return [float("nan") if v is None else float(v) for v in values]


def save_model(model, path):
    """Write a trained (or interrupted) Word2Vec to ``path`` in the native format, atomically."""
    if model.wv is None:
        raise ValueError("the model has no vocabulary yet: call build_vocab or fit before save")
    offsets, blob = pack_strings(model.vocab_.index_to_key)
    meta = {
        "w2v_version": __version__,
        "params": model.get_params(),
        "state": {
            "epochs_trained": model.epochs_trained_,
            "loss_history": _json_floats(model.loss_history_),
            "eval_loss_history": _json_floats(model.eval_loss_history_),
            "train_seconds": model.train_seconds_,
            "invalid_utf8": getattr(model, "invalid_utf8_", 0),
            "corpus_total_words": int(model.vocab_.total_words),
            "run": _run_to_json(model._run),
            "corpus": getattr(model, "corpus_", None),
        },
    }
    arrays = {
        "w_in": model.wv.vectors,
        "w_out_ns": model.w_out_ns,
        "w_out_hs": model.w_out_hs,
        "counts": model.vocab_.counts,
        "key_offsets": offsets,
        "key_blob": blob,
    }
    save_native(path, kind="model", meta=meta, arrays=arrays)


def load_model(cls, path, *, mmap=True):
    """A Word2Vec of class ``cls`` from a native model file; training can continue."""
    from .model import CONSTRAINTS
    from .vocab import Vocabulary

    kind, meta, arrays = load_native(path, mmap=mmap, writable=True)
    if kind != "model":
        raise FormatError(path, f"this is a native file of kind {kind!r}, not a model (load it as vectors)")
    try:
        params, state = dict(meta["params"]), dict(meta["state"])
        params.setdefault("shuffle", False)  # files from before the parameter: trained in corpus order
        unknown = set(params) - set(CONSTRAINTS)
        if unknown:
            raise ValueError(f"unknown parameter(s) {', '.join(sorted(unknown))}")
        model = cls(**params)
        w_in = arrays["w_in"]
        keys = _keys(path, arrays, w_in)
        counts = np.asarray(arrays["counts"], dtype=np.int64)
        n, d = len(keys), params.get("vector_size", 100)
        expected = {
            "w_in": (n, d),
            "w_out_ns": (n, d) if model.negative else None,
            "w_out_hs": (n - 1, d) if model.hs else None,
            "counts": (n,),
        }
        for name, shape in expected.items():
            got = arrays.get(name)
            if (got is None) != (shape is None) or (got is not None and got.shape != shape):
                have = "absent" if got is None else f"of shape {got.shape}"
                raise ValueError(f"array {name!r} is {have}, expected {shape or 'absent'}")
        for name in ("w_in", "w_out_ns", "w_out_hs"):
            if arrays.get(name) is not None and arrays[name].dtype != np.float32:
                raise ValueError(f"array {name!r} is {arrays[name].dtype}, expected float32")
        model.vocab_ = Vocabulary(keys, counts, int(state["corpus_total_words"]))
        model._set_weights(w_in, arrays.get("w_out_ns"), arrays.get("w_out_hs"))
        model.epochs_trained_ = int(state["epochs_trained"])
        model.loss_history_ = _from_json_floats(state["loss_history"])
        model.eval_loss_history_ = _from_json_floats(state["eval_loss_history"])
        model.train_seconds_ = float(state["train_seconds"])
        model.invalid_utf8_ = int(state["invalid_utf8"])
        model._run = _check_run(state["run"])
        corpus = state.get("corpus")
        if corpus is not None and not isinstance(corpus, str):
            raise ValueError("the corpus record is damaged")
        model.corpus_ = corpus
    except FormatError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        detail = f"missing field {e}" if isinstance(e, KeyError) else str(e)
        raise FormatError(path, f"not a valid w2v model: {detail}") from None
    return model


def _run_to_json(run):
    if run is None or run.get("partial") is None:
        return run
    partial = {
        k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in run["partial"].items()
    }
    return {**run, "partial": partial}


def _check_run(run):
    """An interrupted run's record, checked field by field (None: no run in progress)."""
    if run is None:
        return None
    ints = ("epochs", "epoch_offset", "epoch", "block", "n_tokens", "n_sentences")
    if not isinstance(run, dict) or any(not isinstance(run.get(k), int) or run[k] < 0 for k in ints):
        raise ValueError("the interrupted-run record is damaged")
    if run["epoch"] > run["epochs"]:
        raise ValueError("the interrupted-run record is damaged")
    partial = run.get("partial")
    if partial is not None:
        fields = ("loss", "predictions", "words", "kept", "blocks", "eval_loss")
        if not isinstance(partial, dict) or set(partial) != set(fields):
            raise ValueError("the interrupted-run record is damaged")
        partial = {k: (float("nan") if partial[k] is None else partial[k]) for k in fields}
        run = {**run, "partial": partial}
    return run
