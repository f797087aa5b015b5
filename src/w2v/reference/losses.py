"""The three word2vec objectives for one (input vector, target word) pair.

Notation (the same in every module of w2v):

* ``v_c`` or ``h``: the input vector, shape (d,). For skip-gram it is the
  centre word's row of ``w_in`` (the handout's ``v_c``); for CBOW it is the
  mean of the context rows.
* ``w_out``: the output vectors, shape (V, d): the handout's ``U`` (outside
  vectors), word2vec.c's ``syn1neg``; for hierarchical softmax the inner-node
  vectors, shape (V - 1, d), word2vec.c's ``syn1``.
* ``o``: the index of the target (outside) word.

Each function returns the loss and its exact gradients, in float64. Nothing
random happens here: negative samples and Huffman paths are arguments.
"""

from __future__ import annotations

import numpy as np

from .functions import log_sigmoid, log_softmax, sigmoid


def naive_softmax_loss_and_gradient(v_c, o, w_out):
    """Naive softmax: J = -log softmax(U v_c)_o.

    This is the cross-entropy between the one-hot ``y`` (y_o = 1) and
    ``ŷ = softmax(U v_c)``.

    Returns ``(loss, grad_v_c, grad_w_out)``:

    * dJ/dv_c = U^T (ŷ - y), shape (d,)
    * dJ/dU   = (ŷ - y) v_c^T, shape (V, d); row w is (ŷ_w - y_w) v_c.
    """
    v_c = np.asarray(v_c, dtype=np.float64)
    w_out = np.asarray(w_out, dtype=np.float64)
    scores = w_out @ v_c  # (V,)
    loss = -log_softmax(scores)[o]
    delta = np.exp(log_softmax(scores))  # ŷ, (V,)
    delta[o] -= 1.0  # ŷ - y
    grad_v_c = w_out.T @ delta  # (d,)
    grad_w_out = np.outer(delta, v_c)  # (V, d)
    return float(loss), grad_v_c, grad_w_out


def neg_sampling_loss_and_gradient(v_c, o, w_out, negatives):
    """Negative sampling: J = -log σ(u_o·v_c) - Σ_k log σ(-u_k·v_c).

    ``negatives`` holds the K sampled word indices, as drawn: a word drawn
    twice appears twice and its term counts twice.

    Returns ``(loss, grad_v_c, grad_u_o, grad_u_k)``:

    * dJ/dv_c = (σ(u_o·v_c) - 1) u_o + Σ_k σ(u_k·v_c) u_k, shape (d,)
    * dJ/du_o = (σ(u_o·v_c) - 1) v_c, shape (d,)
    * grad_u_k[k] = σ(u_k·v_c) v_c, shape (K, d): the k-th draw's term.

    The gradient with respect to a row of U is the sum of every term that
    uses that row: a word drawn m times gets m copies of its ``grad_u_k``
    row, and if the target itself is drawn as a negative, its row also gets
    ``grad_u_o``. :func:`scatter_rows` builds that dense (V, d) matrix.
    """
    v_c = np.asarray(v_c, dtype=np.float64)
    w_out = np.asarray(w_out, dtype=np.float64)
    negatives = np.asarray(negatives, dtype=np.int64)
    u_o = w_out[o]  # (d,)
    u_k = w_out[negatives]  # (K, d)
    s_o = u_o @ v_c  # scalar
    s_k = u_k @ v_c  # (K,)
    loss = -log_sigmoid(s_o) - np.sum(log_sigmoid(-s_k))
    g_o = sigmoid(s_o) - 1.0  # dJ/ds_o
    g_k = sigmoid(s_k)  # dJ/ds_k = 1 - σ(-s_k)
    grad_v_c = g_o * u_o + g_k @ u_k
    grad_u_o = g_o * v_c
    grad_u_k = np.outer(g_k, v_c)
    return float(loss), grad_v_c, grad_u_o, grad_u_k


def hierarchical_softmax_loss_and_gradient(v_c, points, codes, w_out):
    """Hierarchical softmax along one word's Huffman path.

    ``points`` are the inner-node indices from the root down, ``codes`` the
    0/1 branch taken at each (word2vec.c's convention: code 0 means the
    "positive" branch). With x_j = u_{points[j]}·v_c and label t_j = 1 - codes[j]:

        J = -Σ_j [t_j log σ(x_j) + (1 - t_j) log σ(-x_j)]

    Returns ``(loss, grad_v_c, grad_nodes)``:

    * dJ/dx_j = σ(x_j) - t_j
    * dJ/dv_c = Σ_j (σ(x_j) - t_j) u_{points[j]}, shape (d,)
    * grad_nodes[j] = (σ(x_j) - t_j) v_c, shape (L, d)
    """
    v_c = np.asarray(v_c, dtype=np.float64)
    w_out = np.asarray(w_out, dtype=np.float64)
    points = np.asarray(points, dtype=np.int64)
    labels = 1.0 - np.asarray(codes, dtype=np.float64)  # t_j
    nodes = w_out[points]  # (L, d)
    x = nodes @ v_c  # (L,)
    sign = 2.0 * labels - 1.0  # +1 for label 1, -1 for label 0
    loss = -np.sum(log_sigmoid(sign * x))
    g = sigmoid(x) - labels  # dJ/dx_j
    grad_v_c = g @ nodes
    grad_nodes = np.outer(g, v_c)
    return float(loss), grad_v_c, grad_nodes


def scatter_rows(shape, rows, grad_rows):
    """Dense gradient from per-term rows: out[rows[i]] += grad_rows[i].

    Repeated indices accumulate (``np.add.at``), which is what makes a
    negative drawn twice count twice.
    """
    out = np.zeros(shape, dtype=np.float64)
    np.add.at(out, np.asarray(rows, dtype=np.int64), grad_rows)
    return out
