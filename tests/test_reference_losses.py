"""Losses against direct formulas written here with plain ``math``, on small cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from w2v.reference import (
    HierarchicalSoftmax,
    cbow,
    hierarchical_softmax_loss_and_gradient,
    huffman_codes,
    naive_softmax,
    naive_softmax_loss_and_gradient,
    neg_sampling_loss_and_gradient,
    negative_sampling,
    skipgram,
)


def _dot(a, b):
    return math.fsum(float(x) * float(y) for x, y in zip(a, b, strict=True))


def _sig(x):
    return 1.0 / (1.0 + math.exp(-x))


def _naive_loss(v, o, U):
    s = [_dot(u, v) for u in U]
    return -math.log(math.exp(s[o]) / math.fsum(math.exp(x) for x in s))


def _ns_loss(v, o, U, negs):
    return -math.log(_sig(_dot(U[o], v))) - math.fsum(math.log(_sig(-_dot(U[k], v))) for k in negs)


def _hs_loss(v, path, code, nodes):
    # code 0 -> label 1 -> probability σ(x); code 1 -> probability σ(-x)
    return -math.fsum(
        math.log(_sig(_dot(nodes[p], v) if c == 0 else -_dot(nodes[p], v)))
        for p, c in zip(path, code, strict=True)
    )


@pytest.fixture
def small():
    rng = np.random.default_rng(7)
    return rng.normal(scale=0.7, size=(6, 3)), rng.normal(scale=0.7, size=(6, 3))


def test_naive_softmax_two_word_hand_case():
    # U = I, v_c = (1, 0): scores (1, 0); J(o=0) = -log(e / (e + 1)) = log(1 + e^-1)
    loss, g_v, g_U = naive_softmax_loss_and_gradient(np.array([1.0, 0.0]), 0, np.eye(2))
    assert math.isclose(loss, math.log1p(math.exp(-1.0)), rel_tol=1e-14)
    p0 = math.e / (math.e + 1.0)
    # ŷ - y = (p0 - 1, 1 - p0); dJ/dv = U^T (ŷ - y) = (p0 - 1, 1 - p0); dJ/dU = (ŷ - y) v^T
    np.testing.assert_allclose(g_v, [p0 - 1.0, 1.0 - p0], rtol=1e-14)
    np.testing.assert_allclose(g_U, [[p0 - 1.0, 0.0], [1.0 - p0, 0.0]], rtol=1e-14)


def test_naive_softmax_loss_direct(small):
    w_in, U = small
    for o in range(len(U)):
        loss = naive_softmax_loss_and_gradient(w_in[0], o, U)[0]
        assert math.isclose(loss, _naive_loss(w_in[0], o, U), rel_tol=1e-13)


def test_naive_softmax_gradient_direct(small):
    """Gradients by explicit loops: dJ/dv = Σ_w (ŷ_w - y_w) u_w, dJ/du_w = (ŷ_w - y_w) v."""
    w_in, U = small
    v, o = w_in[1], 4
    s = [_dot(u, v) for u in U]
    z = math.fsum(math.exp(x) for x in s)
    delta = [math.exp(x) / z - (1.0 if w == o else 0.0) for w, x in enumerate(s)]
    exp_v = [math.fsum(delta[w] * U[w][i] for w in range(len(U))) for i in range(len(v))]
    exp_U = [[delta[w] * v[i] for i in range(len(v))] for w in range(len(U))]
    _, g_v, g_U = naive_softmax_loss_and_gradient(v, o, U)
    np.testing.assert_allclose(g_v, exp_v, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(g_U, exp_U, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("negs", [[1, 2, 5], [1, 1, 2], [0, 3], [0, 0, 1]])
def test_neg_sampling_loss_direct(small, negs):
    w_in, U = small
    o = 0
    loss = neg_sampling_loss_and_gradient(w_in[2], o, U, negs)[0]
    assert math.isclose(loss, _ns_loss(w_in[2], o, U, negs), rel_tol=1e-13)


def test_neg_sampling_repeated_negative_adds_identical_term(small):
    w_in, U = small
    v, o = w_in[3], 2
    once = neg_sampling_loss_and_gradient(v, o, U, [4])[0]
    twice = neg_sampling_loss_and_gradient(v, o, U, [4, 4])[0]
    term = -math.log(_sig(-_dot(U[4], v)))
    assert math.isclose(twice - once, term, rel_tol=1e-12)


def test_neg_sampling_gradient_direct(small):
    w_in, U = small
    v, o, negs = w_in[0], 1, [3, 5, 3]
    s_o = _dot(U[o], v)
    _, g_v, g_o, g_k = neg_sampling_loss_and_gradient(v, o, U, negs)
    exp_v = [
        (_sig(s_o) - 1.0) * U[o][i] + math.fsum(_sig(_dot(U[k], v)) * U[k][i] for k in negs) for i in range(3)
    ]
    np.testing.assert_allclose(g_v, exp_v, rtol=1e-12)
    np.testing.assert_allclose(g_o, [(_sig(s_o) - 1.0) * x for x in v], rtol=1e-12)
    exp_k = [[_sig(_dot(U[k], v)) * x for x in v] for k in negs]
    np.testing.assert_allclose(g_k, exp_k, rtol=1e-12)


def test_hierarchical_softmax_loss_direct(small):
    w_in, _ = small
    counts = [50, 20, 10, 9, 3, 1]
    codes, points = huffman_codes(counts)
    nodes = np.random.default_rng(3).normal(scale=0.7, size=(5, 3))
    for w in range(6):
        loss = hierarchical_softmax_loss_and_gradient(w_in[w], points[w], codes[w], nodes)[0]
        assert math.isclose(loss, _hs_loss(w_in[w], points[w], codes[w], nodes), rel_tol=1e-13)


def test_hierarchical_softmax_hand_path():
    # one node, u = (2, 0), v = (1, 1): x = 2. code 0 -> -log σ(2); code 1 -> -log σ(-2)
    nodes, v = np.array([[2.0, 0.0]]), np.array([1.0, 1.0])
    assert math.isclose(
        hierarchical_softmax_loss_and_gradient(v, [0], [0], nodes)[0], math.log1p(math.exp(-2.0))
    )
    assert math.isclose(
        hierarchical_softmax_loss_and_gradient(v, [0], [1], nodes)[0], math.log1p(math.exp(2.0))
    )
    # gradient wrt v for code 0: (σ(2) - 1) u
    np.testing.assert_allclose(
        hierarchical_softmax_loss_and_gradient(v, [0], [0], nodes)[1], [(_sig(2.0) - 1.0) * 2.0, 0.0]
    )


@pytest.mark.parametrize("V", [2, 3, 9, 30])
def test_hierarchical_softmax_is_a_distribution(V):
    """Σ_w exp(-J_w) = 1: the leaf probabilities of the Huffman tree sum to one."""
    rng = np.random.default_rng(V)
    codes, points = huffman_codes(rng.integers(1, 100, size=V))
    nodes, v = rng.normal(size=(V - 1, 4)), rng.normal(size=4)
    total = math.fsum(
        math.exp(-hierarchical_softmax_loss_and_gradient(v, points[w], codes[w], nodes)[0]) for w in range(V)
    )
    assert math.isclose(total, 1.0, rel_tol=1e-12)


def test_naive_softmax_is_a_distribution(small):
    w_in, U = small
    total = math.fsum(math.exp(-naive_softmax_loss_and_gradient(w_in[0], o, U)[0]) for o in range(len(U)))
    assert math.isclose(total, 1.0, rel_tol=1e-13)


def test_skipgram_and_cbow_losses_direct(small):
    w_in, U = small
    center, contexts = 2, [0, 2, 0, 5]  # contains the centre and a repeat
    sg = skipgram(center, contexts, w_in, U, naive_softmax)[0]
    assert math.isclose(sg, math.fsum(_naive_loss(w_in[center], o, U) for o in contexts), rel_tol=1e-13)
    draws = [[1, 1], [3, 2], [0, 4], [5, 1]]
    sg = skipgram(center, contexts, w_in, U, negative_sampling, draws)[0]
    expected = math.fsum(_ns_loss(w_in[center], o, U, dr) for o, dr in zip(contexts, draws, strict=True))
    assert math.isclose(sg, expected, rel_tol=1e-13)
    h = [math.fsum(w_in[c][i] for c in contexts) / len(contexts) for i in range(3)]
    assert math.isclose(
        cbow(center, contexts, w_in, U, naive_softmax)[0], _naive_loss(h, center, U), rel_tol=1e-13
    )
    assert math.isclose(
        cbow(center, contexts, w_in, U, negative_sampling, [2, 2, 4])[0],
        _ns_loss(h, center, U, [2, 2, 4]),
        rel_tol=1e-13,
    )
    codes, points = huffman_codes([5, 4, 3, 3, 2, 1])
    nodes = np.random.default_rng(1).normal(size=(5, 3))
    hs = HierarchicalSoftmax(points, codes)
    assert math.isclose(
        cbow(center, contexts, w_in, nodes, hs)[0],
        _hs_loss(h, points[center], codes[center], nodes),
        rel_tol=1e-13,
    )


def test_cbow_input_gradient_is_mean_rule(small):
    """dJ/dv_{c_j} = (1/C) dJ/dh per position: a word twice in the window gets 2/C."""
    w_in, U = small
    center, contexts = 1, [0, 3, 0, 4]
    C = len(contexts)
    h = w_in[contexts].mean(axis=0)
    s = [_dot(u, h) for u in U]
    z = math.fsum(math.exp(x) for x in s)
    delta = [math.exp(x) / z - (1.0 if w == center else 0.0) for w, x in enumerate(s)]
    dh = np.array([math.fsum(delta[w] * U[w][i] for w in range(len(U))) for i in range(3)])
    _, g_in, _ = cbow(center, contexts, w_in, U, naive_softmax)
    np.testing.assert_allclose(g_in[0], 2 * dh / C, rtol=1e-12)
    np.testing.assert_allclose(g_in[3], dh / C, rtol=1e-12)
    np.testing.assert_allclose(g_in[4], dh / C, rtol=1e-12)
    assert np.all(g_in[[1, 2, 5]] == 0.0)
