"""How a model's input vectors start: word2vec.c's initialisation, from a seed.

Shared by the engine's estimator and the reference trainer, so a whole run
of one can be compared with a whole run of the other.
"""

from __future__ import annotations

import numpy as np


def initial_weights(n_words, d, seed):
    """``w_in`` (n_words, d) float32, uniform in [-0.5/d, 0.5/d), drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    w_in = np.empty((n_words, d), dtype=np.float32)
    for start in range(0, n_words, 65536):  # in slices: no float64 copy of the whole matrix
        stop = min(start + 65536, n_words)
        w_in[start:stop] = (rng.random((stop - start, d), dtype=np.float32) - 0.5) / d
    return w_in


def extra_weights(old_rows, n_rows, d, seed):
    """Rows ``old_rows .. n_rows - 1`` of gensim 4's ``prep_vectors((n_rows, d), seed)``: the
    vectors an online vocabulary update gives new words, uniform in [-1/d, 1/d) (float32),
    equal to gensim's for the same seed and sizes."""
    rng = np.random.default_rng(seed)
    out = np.empty((n_rows - old_rows, d), dtype=np.float32)
    done = 0
    for start in range(0, n_rows, 65536):  # the same stream as one (n_rows, d) draw, in slices
        stop = min(start + 65536, n_rows)
        block = rng.random((stop - start, d), dtype=np.float32)
        if stop <= old_rows:
            continue
        block = block[max(old_rows - start, 0) :]
        block *= 2.0
        block -= 1.0
        block /= d
        out[done : done + len(block)] = block
        done += len(block)
    return out
