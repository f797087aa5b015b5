"""One calling convention for the three objectives, so that skip-gram and
CBOW are written once for all of them.

An *objective* is a callable ``objective(h, target, w_out, draw)`` returning
``(loss, grad_h, rows, grad_rows)``: the loss for predicting ``target`` from
the input vector ``h``, its gradient with respect to ``h``, and the gradient
with respect to ``w_out`` as per-term rows (dJ/dw_out is
``scatter_rows(w_out.shape, rows, grad_rows)``; repeated rows add up).
``draw`` is the objective's randomness for this prediction (the negative
samples), or ``None`` where it has none.
"""

from __future__ import annotations

import numpy as np

from .losses import (
    hierarchical_softmax_loss_and_gradient,
    naive_softmax_loss_and_gradient,
    neg_sampling_loss_and_gradient,
)


def naive_softmax(h, target, w_out, draw=None):
    """The full softmax over all V words: every row of ``w_out`` is touched."""
    loss, grad_h, grad_w_out = naive_softmax_loss_and_gradient(h, target, w_out)
    return loss, grad_h, np.arange(len(w_out)), grad_w_out


def negative_sampling(h, target, w_out, draw):
    """Negative sampling with ``draw`` = the K negative indices."""
    loss, grad_h, grad_u_o, grad_u_k = neg_sampling_loss_and_gradient(h, target, w_out, draw)
    rows = np.concatenate([[target], np.asarray(draw, dtype=np.int64)])
    return loss, grad_h, rows, np.vstack([grad_u_o, grad_u_k])


class HierarchicalSoftmax:
    """Hierarchical softmax over a Huffman tree (``points[w]``, ``codes[w]``
    per word, as returned by :func:`w2v.reference.huffman_codes`)."""

    def __init__(self, points, codes):
        self.points = points
        self.codes = codes

    def __call__(self, h, target, w_out, draw=None):
        loss, grad_h, grad_nodes = hierarchical_softmax_loss_and_gradient(
            h, self.points[target], self.codes[target], w_out
        )
        return loss, grad_h, np.asarray(self.points[target], dtype=np.int64), grad_nodes
