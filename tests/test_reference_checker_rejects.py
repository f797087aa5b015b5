"""The gradient checker must be able to fail.

Each test below writes one classic wrong gradient formula by hand, pairs it
with the *correct* loss from w2v.reference, and asserts that
``check_gradient`` reports a worst relative error well above the pass
threshold (1e-3, against the 1e-6 the real gradients meet). Each wrong
formula is also compared with the correct one first, so that a test cannot
pass because the mistake happens to be harmless on the data drawn.
"""

from __future__ import annotations

import numpy as np
import pytest

from w2v.reference import (
    cbow,
    check_gradient,
    naive_softmax,
    naive_softmax_loss_and_gradient,
    neg_sampling_loss_and_gradient,
    scatter_rows,
    sigmoid,
    skipgram,
    softmax,
)

REJECT = 1e-3
PASS = 1e-6


def _data(V, d, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(scale=0.5, size=(V, d)), rng.normal(scale=0.5, size=(V, d))


def _ns_loss(v_c, o, w_out, negs):
    return neg_sampling_loss_and_gradient(v_c, o, w_out, negs)[0]


# (a) negative sampling, dJ/dv_c without the (1 - σ) factor -----------------


def _ns_grad_v_c_minus_u_o(v_c, o, w_out, negs):
    """WRONG: -u_o in place of (σ(s_o) - 1) u_o."""
    u_k = w_out[negs]
    return -w_out[o] + sigmoid(u_k @ v_c) @ u_k


def _ns_grad_v_c_sigma_u_o(v_c, o, w_out, negs):
    """WRONG: σ(s_o) u_o (the derivative of log σ taken as σ)."""
    u_o, u_k = w_out[o], w_out[negs]
    return sigmoid(u_o @ v_c) * u_o + sigmoid(u_k @ v_c) @ u_k


@pytest.mark.parametrize("wrong", [_ns_grad_v_c_minus_u_o, _ns_grad_v_c_sigma_u_o])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rejects_ns_grad_v_c_missing_one_minus_sigma(seed, wrong):
    w_in, w_out = _data(17, 8, seed)
    o, negs = 3, [5, 9, 11, 5]
    result = check_gradient(lambda v: (_ns_loss(v, o, w_out, negs), wrong(v, o, w_out, negs)), w_in[0])
    assert result.max_rel_error > REJECT, str(result)
    # the correct gradient passes on the same data
    good = check_gradient(lambda v: neg_sampling_loss_and_gradient(v, o, w_out, negs)[:2], w_in[0])
    assert good.max_rel_error <= PASS, str(good)


# (b) naive softmax, dJ/dv_c = U (ŷ - y) instead of U^T (ŷ - y) --------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rejects_naive_softmax_U_instead_of_U_transpose(seed):
    V = d = 7  # square, so the wrong formula has the right shape and runs
    w_in, w_out = _data(V, d, seed)
    o = 2

    def wrong(v):
        delta = softmax(w_out @ v)
        delta[o] -= 1.0
        return naive_softmax_loss_and_gradient(v, o, w_out)[0], w_out @ delta  # WRONG: U, not U^T

    assert not np.allclose(w_out, w_out.T)
    result = check_gradient(wrong, w_in[0])
    assert result.max_rel_error > REJECT, str(result)
    good = check_gradient(lambda v: naive_softmax_loss_and_gradient(v, o, w_out)[:2], w_in[0])
    assert good.max_rel_error <= PASS, str(good)


# (c) a repeated negative counted once in the gradient ------------------------


def _ns_grads_deduped(v_c, o, w_out, negs):
    """WRONG: gradients computed over the *distinct* negatives only."""
    uniq = np.unique(negs)
    u_o, u_k = w_out[o], w_out[uniq]
    g_o = sigmoid(u_o @ v_c) - 1.0
    g_k = sigmoid(u_k @ v_c)
    grad_v_c = g_o * u_o + g_k @ u_k
    grad_w = scatter_rows(
        w_out.shape, np.concatenate([[o], uniq]), np.vstack([g_o * v_c, np.outer(g_k, v_c)])
    )
    return grad_v_c, grad_w


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rejects_repeated_negative_counted_once(seed):
    w_in, w_out = _data(17, 8, seed)
    o, negs = 3, [5, 9, 5, 12, 5]  # 5 drawn three times; the loss keeps all three terms
    v_c = w_in[0]
    r_v = check_gradient(
        lambda v: (_ns_loss(v, o, w_out, negs), _ns_grads_deduped(v, o, w_out, negs)[0]), v_c
    )
    assert r_v.max_rel_error > REJECT, str(r_v)
    r_w = check_gradient(lambda w: (_ns_loss(v_c, o, w, negs), _ns_grads_deduped(v_c, o, w, negs)[1]), w_out)
    assert r_w.max_rel_error > REJECT, str(r_w)
    # the worst entry is in the row of the repeated negative
    assert r_w.index[0] == 5


# (d) a sign error in dJ/du_o --------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rejects_sign_error_in_grad_u_o(seed):
    w_in, w_out = _data(17, 8, seed)
    o, negs = 3, [5, 9, 11]
    v_c = w_in[0]

    def wrong(row):
        w = w_out.copy()
        w[o] = row
        g_u_o = (1.0 - sigmoid(row @ v_c)) * v_c  # WRONG sign: should be (σ(s_o) - 1) v_c
        return _ns_loss(v_c, o, w, negs), g_u_o

    result = check_gradient(wrong, w_out[o])
    assert result.max_rel_error > REJECT, str(result)
    # analytic = -numeric, so the relative error is |a - (-a)| / |a| = 2 (entries are above the floor)
    assert result.max_rel_error == pytest.approx(2.0, rel=1e-6)


# the checker locates the worst entry ------------------------------------------


@pytest.mark.parametrize("planted", [(0, 0), (3, 2), (6, 4)])
def test_checker_reports_index_of_planted_error(planted):
    w_in, w_out = _data(7, 5, 4)
    o, v_c = 1, w_in[0]
    true_grad = naive_softmax_loss_and_gradient(v_c, o, w_out)[2]

    def f(w):
        loss, _, g = naive_softmax_loss_and_gradient(v_c, o, w)
        g = g.copy()
        g[planted] += 0.5  # one wrong entry in an otherwise correct gradient
        return loss, g

    result = check_gradient(f, w_out)
    assert result.index == planted
    assert result.max_rel_error > REJECT
    assert result.analytic == pytest.approx(true_grad[planted] + 0.5, rel=1e-12)
    assert result.numeric == pytest.approx(true_grad[planted], rel=1e-6, abs=1e-9)

    # every other entry is right: with the planted entry repaired, the check passes
    def g(w):
        loss, g_ = f(w)
        g_[planted] -= 0.5
        return loss, g_

    assert check_gradient(g, w_out).max_rel_error <= PASS


def test_checker_does_not_modify_input_and_rejects_wrong_shape():
    x = np.array([0.3, -1.2, 2.0])
    before = x.copy()
    result = check_gradient(lambda z: (float(np.sum(z**3)), 3 * z**2), x)
    assert result.max_rel_error <= PASS
    np.testing.assert_array_equal(x, before)
    with pytest.raises(ValueError):
        check_gradient(lambda z: (float(np.sum(z)), np.ones(len(z) + 1)), x)


# windows: accumulation, zeroing, the CBOW 1/C ------------------------------------


def test_rejects_skipgram_overwriting_instead_of_accumulating():
    w_in, w_out = _data(9, 4, 5)
    center, contexts = 2, [0, 2, 0, 7]

    def wrong(w):
        loss, grad = 0.0, np.zeros_like(w)
        for o in contexts:
            pair_loss, g_v, _ = naive_softmax_loss_and_gradient(w[center], o, w_out)
            loss += pair_loss
            grad[center] = g_v  # WRONG: '=' keeps only the last pair; must be '+='
        return loss, grad

    result = check_gradient(wrong, w_in)
    assert result.max_rel_error > REJECT, str(result)
    assert result.index[0] == center
    good = check_gradient(lambda w: skipgram(center, contexts, w, w_out, naive_softmax)[:2], w_in)
    assert good.max_rel_error <= PASS, str(good)


def test_rejects_gradient_buffer_not_zeroed_between_windows():
    w_in, w_out = _data(9, 4, 6)
    center, contexts = 4, [1, 3, 5]
    buffer = np.zeros_like(w_in)  # WRONG: one buffer reused across windows, never zeroed

    def wrong(w):
        loss = 0.0
        for o in contexts:
            pair_loss, g_v, _ = naive_softmax_loss_and_gradient(w[center], o, w_out)
            loss += pair_loss
            buffer[center] += g_v
        return loss, buffer.copy()

    wrong(w_in)  # an earlier window leaves its gradient behind
    result = check_gradient(wrong, w_in)
    assert result.max_rel_error > REJECT, str(result)


@pytest.mark.parametrize("factor", [1.0, "1/C^2"])
def test_rejects_cbow_without_one_over_C(factor):
    w_in, w_out = _data(9, 4, 7)
    center, contexts = 0, [1, 2, 1, 8]
    C = len(contexts)
    scale = 1.0 if factor == 1.0 else 1.0 / C**2  # WRONG: must be 1/C

    def wrong(w):
        h = w[contexts].mean(axis=0)
        loss, g_h, _ = naive_softmax_loss_and_gradient(h, center, w_out)
        return loss, scatter_rows(w.shape, contexts, np.tile(scale * g_h, (C, 1)))

    result = check_gradient(wrong, w_in)
    assert result.max_rel_error > REJECT, str(result)
    good = check_gradient(lambda w: cbow(center, contexts, w, w_out, naive_softmax)[:2], w_in)
    assert good.max_rel_error <= PASS, str(good)


# numerically unstable sigmoid / softmax ----------------------------------------


def test_naive_sigmoid_and_softmax_overflow_where_reference_does_not():
    x = np.array([-1000.0, 0.0, 1000.0])
    with np.errstate(over="raise", invalid="raise"):
        with pytest.raises(FloatingPointError):
            1.0 / (1.0 + np.exp(-x))  # WRONG: e^{1000} overflows
        with pytest.raises(FloatingPointError):
            np.exp(x) / np.sum(np.exp(x))  # WRONG: no max subtracted
        s = sigmoid(x)
        p = softmax(x)
    np.testing.assert_array_equal(s, [0.0, 0.5, 1.0])
    np.testing.assert_allclose(p, [0.0, 0.0, 1.0], atol=1e-300)
    # and without the error trap the naive softmax returns nan
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.isnan(np.exp(x) / np.sum(np.exp(x))).any()
