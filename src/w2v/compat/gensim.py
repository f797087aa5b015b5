"""Moving models between gensim and w2v, exactly.

:func:`from_gensim` takes a gensim ``Word2Vec`` (or the path of one saved
with gensim's ``save``) and gives a w2v ``Word2Vec`` with the same
vocabulary in the same order, the same counts, the same input vectors,
output vectors (``syn1neg``) and hierarchical-softmax nodes (``syn1``) with
gensim's own Huffman codes and points, and the same parameters: training
continues in w2v where gensim stopped. :func:`to_gensim` does the reverse.
gensim is needed for both (it is not one of w2v's dependencies).

gensim's files are Python pickles: loading one runs whatever code it holds.
Load only files from a source you trust.
"""

from __future__ import annotations

import os

import numpy as np

from ..io import FormatError
from ..vocab import Vocabulary

# gensim's constructor parameters that w2v has under the same name and meaning
SHARED_PARAMS = (
    "vector_size",
    "alpha",
    "window",
    "min_count",
    "max_vocab_size",
    "sample",
    "seed",
    "workers",
    "min_alpha",
    "sg",
    "hs",
    "negative",
    "ns_exponent",
    "cbow_mean",
    "epochs",
    "null_word",
    "sorted_vocab",
    "batch_words",
    "compute_loss",
    "comment",
    "max_final_vocab",
    "shrink_windows",
)


def _gensim_word2vec():
    try:
        from gensim.models import Word2Vec  # an optional dependency, imported only when asked for
    except ImportError:
        raise ImportError("moving models to and from gensim needs gensim: pip install gensim") from None
    return Word2Vec


def load_gensim(path):
    """A gensim Word2Vec from a file gensim saved (a pickle: trusted sources only)."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(2, "No such file or directory", path)
    word2vec = _gensim_word2vec()
    try:
        model = word2vec.load(path)
    except Exception as e:  # unpickling fails in many ways; all mean "not a gensim model"
        raise FormatError(path, f"not a gensim Word2Vec model ({type(e).__name__}: {e})") from None
    if not isinstance(model, word2vec):
        raise FormatError(path, f"holds a {type(model).__name__}, not a gensim Word2Vec")
    return model


def from_gensim(cls, source):
    """A ``cls`` (w2v Word2Vec) equal to the gensim model ``source`` (or the path of one)."""
    gmodel = load_gensim(source) if isinstance(source, (str, os.PathLike)) else source
    if not len(gmodel.wv):
        raise ValueError("the gensim model has no vocabulary yet: build_vocab (or train) it first")
    params = {name: getattr(gmodel, name) for name in SHARED_PARAMS if hasattr(gmodel, name)}
    params["workers"] = max(1, int(params.get("workers", 3)))
    params["sg"], params["hs"] = int(params["sg"]), int(params["hs"])
    params["compute_loss"] = bool(params.get("compute_loss", False))
    params["shrink_windows"] = bool(params.get("shrink_windows", True))
    model = cls(**params)
    gwv = gmodel.wv
    keys = list(gwv.index_to_key)
    counts = np.array([int(gwv.get_vecattr(w, "count")) for w in keys], dtype=np.int64)
    d = gwv.vector_size
    arrays = {
        "w_in": np.array(gwv.vectors, dtype=np.float32),
        "w_out_ns": np.array(gmodel.syn1neg, dtype=np.float32) if model.negative else None,
        "w_out_hs": np.array(gmodel.syn1[: len(keys) - 1], dtype=np.float32) if model.hs else None,
    }
    if arrays["w_in"].shape != (len(keys), d):
        raise ValueError(
            f"the gensim model's vectors have shape {arrays['w_in'].shape} for {len(keys)} words"
        )
    total = max(int(getattr(gmodel, "corpus_total_words", 0) or 0), int(counts.sum()))
    model._adopt(Vocabulary(keys, counts, total), arrays, _huffman_of(gwv, keys) if model.hs else None)
    model.corpus_count = int(getattr(gmodel, "corpus_count", 0) or 0)
    model.corpus_total_words = int(getattr(gmodel, "corpus_total_words", 0) or 0)
    model.epochs_trained_ = int(gmodel.epochs) * int(getattr(gmodel, "train_count", 0) or 0)
    return model


def _huffman_of(gwv, keys):
    """gensim's Huffman codes and points as w2v's fixed-width tables (points, codes, lens)."""
    codes = [np.asarray(gwv.get_vecattr(w, "code"), dtype=np.uint8) for w in keys]
    points = [np.asarray(gwv.get_vecattr(w, "point"), dtype=np.int64) for w in keys]
    lens = np.array([len(c) for c in codes], dtype=np.int32)
    width = max(int(lens.max()), 1)
    point_table = np.zeros((len(keys), width), np.int32)
    code_table = np.zeros((len(keys), width), np.uint8)
    for w, (c, p) in enumerate(zip(codes, points, strict=True)):
        point_table[w, : len(p)] = p
        code_table[w, : len(c)] = c
    return point_table, code_table, lens


def to_gensim(model):
    """A gensim Word2Vec equal to ``model``: vocabulary and order, counts, every weight matrix,
    the Huffman tree, the parameters; gensim can go on training it."""
    if model.wv is None:
        raise ValueError("the model has no vocabulary yet: nothing to convert")
    gensim_word2vec = _gensim_word2vec()
    params = {name: getattr(model, name) for name in SHARED_PARAMS}
    build = {**params, "min_count": 1, "max_final_vocab": None, "sorted_vocab": 0, "null_word": 0}
    build["workers"] = params["workers"] or 3
    gmodel = gensim_word2vec(**build)
    keys, counts = model.wv.index_to_key, model.vocab_.counts
    gmodel.build_vocab_from_freq(
        dict(zip(keys, counts.tolist(), strict=True)), corpus_count=model.corpus_count
    )
    if list(gmodel.wv.index_to_key) != list(keys):
        raise ValueError("gensim did not keep the vocabulary's order")
    for name in ("min_count", "max_final_vocab", "sorted_vocab", "null_word"):
        setattr(gmodel, name, params[name])
    gmodel.wv.vectors[:] = model.wv.vectors
    if model.negative:
        gmodel.syn1neg[:] = model.w_out_ns
    if model.hs:
        gmodel.syn1[: len(keys) - 1] = model.w_out_hs
        gmodel.syn1[len(keys) - 1 :] = 0.0
        points, codes, lens = model.huffman_
        for i in range(len(keys)):
            gmodel.wv.set_vecattr(i, "code", np.array(codes[i, : lens[i]], dtype=np.uint8))
            gmodel.wv.set_vecattr(i, "point", np.array(points[i, : lens[i]], dtype=np.uint32))
    gmodel.corpus_total_words = model.corpus_total_words
    gmodel.wv.fill_norms(force=True)
    return gmodel
