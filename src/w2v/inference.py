"""What a trained model says about text, beyond its word vectors: gensim's
``predict_output_word``, ``score`` and ``estimate_memory``, as functions of
arrays (the model's methods hand over to them).

- :func:`predict_output_word`: the softmax over the negative-sampling output
  vectors of the (mean or sum of the) context words' input vectors, the
  top words with their probabilities (gensim's definition; the softmax here
  subtracts the largest score first, so it never overflows).
- :func:`score_sentences`: each sentence's log-likelihood under hierarchical
  softmax, every word predicted from each word in its full window
  (skip-gram) or from the window's mean or sum (CBOW), with no subsampling
  and no random window shrink (Taddy 2015; gensim's ``score``). log σ is
  exact here; gensim's table leaves out terms with |x| >= 6.
- :func:`estimate_memory`: bytes the model's arrays and vocabulary take.
"""

from __future__ import annotations

import logging

import numpy as np

from .reference.functions import log_sigmoid

logger = logging.getLogger("w2v")


def predict_output_word(context_words, key_to_index, index_to_key, w_in, w_out_ns, *, cbow_mean=1, topn=10):
    """The ``topn`` most probable centre words given the context words, with probabilities.

    Unknown context words are ignored; if all are unknown, returns None (gensim's rule).
    """
    rows = [key_to_index[w] for w in context_words if w in key_to_index]
    if not rows:
        logger.warning("all the context words are outside the vocabulary")
        return None
    h = np.sum(w_in[rows], axis=0, dtype=np.float64)  # (d,)
    if cbow_mean:
        h /= len(rows)
    scores = np.asarray(w_out_ns, dtype=np.float64) @ h  # (V,)
    p = np.exp(scores - scores.max())
    p /= p.sum()
    top = int(topn)
    best = np.argsort(-p, kind="stable")[:top] if top < len(p) else np.argsort(-p, kind="stable")
    return [(index_to_key[i], float(p[i])) for i in best]


def _path_log_likelihood(h, points, codes, length, w_out_hs):
    """Σ_j log σ(s_j u_{points[j]}·h), s_j = +1 for code 0 and -1 for code 1 (one word's Huffman path)."""
    nodes = w_out_hs[points[:length]].astype(np.float64)  # (L, d)
    signs = 1.0 - 2.0 * codes[:length].astype(np.float64)
    return float(np.sum(log_sigmoid(signs * (nodes @ h))))


def score_sentence(ids, w_in, w_out_hs, huffman, *, window, sg, cbow_mean=1):
    """Log-likelihood of one sentence of in-vocabulary word ids (hierarchical softmax)."""
    points, codes, lens = huffman
    total = 0.0
    n = len(ids)
    for i, word in enumerate(ids):
        lo, hi = max(0, i - window), min(n, i + window + 1)
        contexts = [ids[j] for j in range(lo, hi) if j != i]
        if not contexts:
            continue
        if sg:
            for c in contexts:
                total += _path_log_likelihood(
                    w_in[c].astype(np.float64), points[word], codes[word], lens[word], w_out_hs
                )
        else:
            h = np.sum(w_in[contexts], axis=0, dtype=np.float64)
            if cbow_mean:
                h /= len(contexts)
            total += _path_log_likelihood(h, points[word], codes[word], lens[word], w_out_hs)
    return total


def score_sentences(sentences, key_to_index, w_in, w_out_hs, huffman, *, window, sg, cbow_mean=1, limit=None):
    """float32 log-likelihood of each sentence (of the first ``limit``); unknown words are skipped."""
    scores = []
    for sentence in sentences:
        if limit is not None and len(scores) >= limit:
            break
        ids = [key_to_index[w] for w in sentence if w in key_to_index]
        scores.append(score_sentence(ids, w_in, w_out_hs, huffman, window=window, sg=sg, cbow_mean=cbow_mean))
    return np.array(scores, dtype=np.float32)


def estimate_memory(vocab_size, vector_size, *, hs, negative, code_length=40):
    """Bytes of the model's parts, gensim's keys: ``vocab`` (the word index and counts, and the
    Huffman tables with hierarchical softmax), ``vectors``, ``syn1``, ``syn1neg`` and ``total``."""
    report = {"vocab": vocab_size * (150 + (5 * code_length if hs else 0))}
    report["vectors"] = vocab_size * vector_size * 4
    if hs:
        report["syn1"] = max(vocab_size - 1, 0) * vector_size * 4
    if negative:
        report["syn1neg"] = vocab_size * vector_size * 4
    report["total"] = sum(report.values())
    return report
