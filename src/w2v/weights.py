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
