"""A Word2Vec model as a native file's contents, and back.

:func:`to_file` lays out what ``Word2Vec.save`` writes (``w2v.storage.ModelFile``:
parameters, training state, words, arrays); :func:`apply_file` checks what a
file holds against its own parameters and puts it on a new model. Every
inconsistency is a ValueError, which ``Word2Vec.load`` reports as a
``FormatError`` naming the file.
"""

from __future__ import annotations

import numpy as np

from . import tables
from .params import CONSTRAINTS
from .run_state import RunState, float_from_json, json_float
from .storage import ModelFile
from .vectors import KeyedVectors
from .vocab import Vocabulary


def to_file(model):
    """The ModelFile of ``model`` (which has a vocabulary)."""
    points, codes, lens = model.huffman_ if model.huffman_ is not None else (None, None, None)
    state = {
        "epochs_trained": model.epochs_trained_,
        "loss_history": [json_float(v) for v in model.loss_history_],
        "eval_loss_history": [json_float(v) for v in model.eval_loss_history_],
        "train_seconds": model.train_seconds_,
        "invalid_utf8": model.invalid_utf8_,
        "corpus_total_words": int(model.vocab_.total_words),
        "corpus_count": int(model.corpus_count),
        "last_corpus_total_words": int(model.corpus_total_words),
        "run": None if model.run_state is None else model.run_state.to_json(),
        "corpus": model.corpus_,
        "comment": model.comment,
        "tokenizer": model.tokenizer_,
    }
    arrays = {
        "w_in": model.wv.vectors,
        "w_out_ns": model.w_out_ns,
        "w_out_hs": model.w_out_hs,
        "counts": model.vocab_.counts,
        "hs_points": points,
        "hs_codes": codes,
        "hs_code_lens": lens,
    }
    return ModelFile(model.get_params(), state, model.vocab_.index_to_key, arrays)


def apply_file(model, saved):
    """Put the vocabulary, weights and state of ``saved`` (a ModelFile whose parameters built
    ``model``) on ``model``; ValueError if they disagree."""
    state, arrays = saved.state, saved.arrays
    w_in = arrays["w_in"]
    if w_in.shape[1] != model.vector_size:
        raise ValueError(f"vector_size={model.vector_size} but the vectors have {w_in.shape[1]} dimensions")
    for name, wanted in (("w_out_ns", bool(model.negative)), ("w_out_hs", bool(model.hs))):
        if (arrays[name] is not None) != wanted:
            raise ValueError(f"array {name!r} is {'missing' if wanted else 'unexpected'}")
    counts = np.asarray(arrays["counts"], dtype=np.int64)
    if len(counts) and counts.min() < 1:
        raise ValueError("a word count is below 1")
    total = state["corpus_total_words"]
    if isinstance(total, bool) or not isinstance(total, int) or total < counts.sum():
        raise ValueError("the corpus word total is damaged")
    model.wv = KeyedVectors(saved.keys, w_in, counts)  # ValueError if a word appears twice
    model.vocab_ = Vocabulary(model.wv.index_to_key, counts, total)
    model.vocab_.key_to_index = model.wv.key_to_index  # one dict for both
    model.w_out_ns, model.w_out_hs = arrays["w_out_ns"], arrays["w_out_hs"]
    if arrays["hs_points"] is not None:
        model.huffman_ = (arrays["hs_points"], arrays["hs_codes"], arrays["hs_code_lens"])
    elif model.hs:  # a file from before the tables were stored
        model.huffman_ = tables.huffman_table(counts)
    model.epochs_trained_ = int(state["epochs_trained"])
    model.loss_history_ = [float_from_json(v) for v in state["loss_history"]]
    model.eval_loss_history_ = [float_from_json(v) for v in state["eval_loss_history"]]
    model.train_seconds_ = float(state["train_seconds"])
    model.invalid_utf8_ = int(state["invalid_utf8"])
    model.corpus_count = int(state.get("corpus_count", 0))
    model.corpus_total_words = int(state.get("last_corpus_total_words", total))
    model._run = RunState.from_json(state["run"])
    for key in ("corpus", "comment"):
        value = state.get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"the {key} record is damaged")
    model.corpus_, model.comment = state.get("corpus"), state.get("comment")
    model.tokenizer_ = _tokenizer_record(state.get("tokenizer"))
    return model


def _tokenizer_record(record):
    """How the model's text was read, checked (None in files from before it was recorded)."""
    if record is None:
        return None
    if (
        not isinstance(record, dict)
        or set(record) != {"lowercase", "tokenizer"}
        or not isinstance(record["lowercase"], bool)
        or not isinstance(record["tokenizer"], str)
    ):
        raise ValueError("the tokenizer record is damaged")
    return dict(record)


def params_of(saved):
    """The constructor arguments of a saved model's parameters (old files' defaults filled in)."""
    params = dict(saved.params)
    params.setdefault("shuffle", False)  # files from before the parameter: trained in corpus order
    params.setdefault("batched", False)  # ... and pair by pair
    unknown = set(params) - set(CONSTRAINTS)
    if unknown:
        raise ValueError(f"unknown parameter(s) {', '.join(sorted(unknown))}")
    return params
