"""Elementary functions: the logistic sigmoid and a numerically stable softmax.

Both work in float64 on NumPy arrays of any shape. ``sigmoid`` is written so
that neither branch ever evaluates ``exp`` of a large positive number, and
``softmax`` subtracts the maximum before exponentiating (softmax is invariant
to adding a constant, so this changes nothing but the rounding).
"""

from __future__ import annotations

import numpy as np


def sigmoid(x):
    """σ(x) = 1 / (1 + e^{-x}), stable for any float input.

    Computed as exp(log σ(x)) with log σ(x) = -log(1 + e^{-x}) evaluated by
    ``logaddexp``, which never overflows: σ(-1000) is 0 and σ(1000) is 1.
    """
    return np.exp(log_sigmoid(x))


def sigmoid_grad(x):
    """σ'(x) = σ(x) (1 - σ(x)), computed as σ(x) σ(-x).

    The two are equal because 1 - σ(x) = σ(-x); the second form avoids the
    cancellation in 1 - σ(x) when σ(x) is close to 1, so it keeps full
    relative precision for large positive x as well as negative x.
    """
    x = np.asarray(x, dtype=np.float64)
    return sigmoid(x) * sigmoid(-x)


def log_sigmoid(x):
    """log σ(x) = -log(1 + e^{-x}), without forming σ(x) (so never -inf for finite x)."""
    return -np.logaddexp(0.0, -np.asarray(x, dtype=np.float64))


def softmax(x, axis=-1):
    """softmax(x)_i = e^{x_i} / Σ_j e^{x_j}, along ``axis``."""
    x = np.asarray(x, dtype=np.float64)
    z = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(x, axis=-1):
    """log softmax(x), stable: (x - max) - log Σ e^{x - max}."""
    x = np.asarray(x, dtype=np.float64)
    z = x - np.max(x, axis=axis, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))
