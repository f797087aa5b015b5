"""Skip-gram and CBOW over one window, for any objective.

* Skip-gram: the centre word's input vector predicts each context word in
  turn. The window's loss is the sum of the per-pair losses, and so are its
  gradients.
* CBOW: the mean of the context words' input vectors, h = (1/C) Σ_j v_{c_j},
  predicts the centre word. By the chain rule dJ/dv_{c_j} = (1/C) dJ/dh for
  each context position j (a word that appears twice in the window gets it
  twice).

``objective`` is one of :mod:`w2v.reference.objectives`. ``draws`` gives the
objective's randomness: for skip-gram one draw per context word, for CBOW one
draw for the window; ``None`` for objectives without randomness.

Both return ``(loss, grad_w_in, grad_w_out)`` with dense gradients shaped
like ``w_in`` (V, d) and ``w_out``.
"""

from __future__ import annotations

import numpy as np

from .losses import scatter_rows


def skipgram(center, contexts, w_in, w_out, objective, draws=None):
    """Skip-gram loss and gradients for one window: Σ_j J(center -> contexts[j])."""
    w_in = np.asarray(w_in, dtype=np.float64)
    w_out = np.asarray(w_out, dtype=np.float64)
    loss = 0.0
    grad_w_in = np.zeros_like(w_in)
    grad_w_out = np.zeros_like(w_out)
    v_c = w_in[center]
    for j, o in enumerate(contexts):
        draw = None if draws is None else draws[j]
        pair_loss, grad_h, rows, grad_rows = objective(v_c, o, w_out, draw)
        loss += pair_loss
        grad_w_in[center] += grad_h
        grad_w_out += scatter_rows(w_out.shape, rows, grad_rows)
    return loss, grad_w_in, grad_w_out


def cbow(center, contexts, w_in, w_out, objective, draw=None):
    """CBOW loss and gradients for one window: J(mean(v_contexts) -> center)."""
    w_in = np.asarray(w_in, dtype=np.float64)
    w_out = np.asarray(w_out, dtype=np.float64)
    contexts = np.asarray(contexts, dtype=np.int64)
    h = w_in[contexts].mean(axis=0)  # (d,)
    loss, grad_h, rows, grad_rows = objective(h, center, w_out, draw)
    grad_w_in = scatter_rows(w_in.shape, contexts, np.tile(grad_h / len(contexts), (len(contexts), 1)))
    grad_w_out = scatter_rows(w_out.shape, rows, grad_rows)
    return loss, grad_w_in, grad_w_out
