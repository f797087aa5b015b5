"""Central-difference checks of every analytic gradient in w2v.reference.

Every check uses ``w2v.reference.check_gradient`` (eps 1e-5, floor 1e-3) and
requires a worst relative error of at most 1e-6. Shapes go up to V = 50,
d = 20. Vectors are drawn with a moderate scale (0.5) so that the losses stay
O(10) and central-difference round-off stays well below the tolerance.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from w2v.reference import (
    HierarchicalSoftmax,
    cbow,
    check_gradient,
    hierarchical_softmax_loss_and_gradient,
    huffman_codes,
    log_sigmoid,
    log_softmax,
    naive_softmax,
    naive_softmax_loss_and_gradient,
    neg_sampling_loss_and_gradient,
    negative_sampling,
    scatter_rows,
    sigmoid,
    sigmoid_grad,
    skipgram,
    softmax,
)

TOL = 1e-6
SCALE = 0.5

# (V, d, seed): several seeds on the small shapes, one on the largest.
CASES = [(5, 3, 0), (5, 3, 1), (17, 8, 2), (17, 8, 3), (50, 20, 4)]
CASE_IDS = [f"V{v}-d{d}-s{s}" for v, d, s in CASES]


def _assert_ok(result):
    assert result.max_rel_error <= TOL, str(result)


def _setup(V, d, seed, out_rows=None):
    rng = np.random.default_rng(seed)
    w_in = rng.normal(scale=SCALE, size=(V, d))
    w_out = rng.normal(scale=SCALE, size=(V if out_rows is None else out_rows, d))
    return rng, w_in, w_out


def _others(rng, V, exclude, k):
    """k distinct words different from ``exclude`` (k <= V - 1)."""
    pool = np.array([w for w in range(V) if w != exclude])
    return [int(w) for w in rng.choice(pool, size=k, replace=False)]


def _negatives(pattern, rng, V, o):
    a, b, c = _others(rng, V, o, 3)
    if pattern == "distinct":
        return _others(rng, V, o, min(5, V - 1))
    if pattern == "repeats":
        return [a, b, a, a, c]
    if pattern == "target_drawn":
        return [o, a, b]
    if pattern == "target_repeated":
        return [o, a, o, a, b]
    raise AssertionError(pattern)


NEG_PATTERNS = ["distinct", "repeats", "target_drawn", "target_repeated"]


def _with_row(w_out, r, row):
    w = w_out.copy()
    w[r] = row
    return w


# ---------------------------------------------------------------------------
# Elementary functions
# ---------------------------------------------------------------------------


def test_sigmoid_grad_matches_finite_differences():
    # one entry at a time, so that round-off in the sum of many σ values stays out of the check
    for x in np.linspace(-20.0, 20.0, 81):
        _assert_ok(check_gradient(lambda z: (float(sigmoid(z[0])), sigmoid_grad(z)), np.array([x])))


def _sigmoid_grad_closed_form(x):
    # σ'(x) = e^{-|x|} / (1 + e^{-|x|})^2, symmetric in x and free of cancellation.
    return math.exp(-abs(x)) / (1.0 + math.exp(-abs(x))) ** 2


def test_sigmoid_grad_matches_closed_form():
    for x in [-30.0, -5.0, -0.3, 0.0, 0.7, 4.0, 5.0, 30.0, 40.0]:
        got = float(sigmoid_grad(x))
        expected = _sigmoid_grad_closed_form(x)
        # absolute accuracy everywhere; relative accuracy where σ(x) is not close to 1
        assert math.isclose(got, expected, rel_tol=1e-12, abs_tol=1e-16), x
        if x <= 5.0:
            assert math.isclose(got, expected, rel_tol=1e-12), x
    assert float(sigmoid_grad(0.0)) == 0.25


# σ'(x) is symmetric, σ'(x) = σ'(-x); a form that computes 1 - σ(x) loses its
# relative precision for large positive x (x = 30: ~1.7e-4; 0 from x ≈ 37.4).
def test_sigmoid_grad_relative_accuracy_is_symmetric():
    for x in [30.0, 40.0, 300.0]:
        assert math.isclose(float(sigmoid_grad(x)), float(sigmoid_grad(-x)), rel_tol=1e-12), x
        exact = math.exp(-x) / (1.0 + math.exp(-x)) ** 2
        assert math.isclose(float(sigmoid_grad(x)), exact, rel_tol=1e-12), x


def test_sigmoid_extreme_inputs_finite_and_correct():
    x = np.array([-1000.0, -745.0, -700.0, -30.0, 0.0, 30.0, 700.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = sigmoid(x)
    assert np.all(np.isfinite(s))
    assert s[0] == 0.0  # e^-1000 rounds to 0 in float64
    assert s[-1] == 1.0
    assert s[4] == 0.5
    # For very negative x, σ(x) = e^x / (1 + e^x) ≈ e^x.
    assert math.isclose(s[2], math.exp(-700.0), rel_tol=1e-12)
    assert math.isclose(s[3], math.exp(-30.0) / (1.0 + math.exp(-30.0)), rel_tol=1e-12)
    assert math.isclose(s[5], 1.0 / (1.0 + math.exp(-30.0)), rel_tol=1e-15)
    assert np.all((s >= 0.0) & (s <= 1.0))
    # scalar in, scalar out
    assert isinstance(sigmoid(2.0), float) or np.ndim(sigmoid(2.0)) == 0
    assert math.isclose(float(sigmoid(2.0)), 1.0 / (1.0 + math.exp(-2.0)), rel_tol=1e-15)


def test_log_sigmoid_extreme_inputs_finite_and_correct():
    x = np.array([-1000.0, -40.0, -1.0, 0.0, 1.0, 40.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        ls = log_sigmoid(x)
    assert np.all(np.isfinite(ls))
    assert np.all(ls <= 0.0)
    # log σ(-1000) = -1000 - log(1 + e^-1000) = -1000 to double precision
    assert ls[0] == -1000.0
    assert math.isclose(ls[1], -40.0 - math.log1p(math.exp(-40.0)), rel_tol=1e-15)
    assert math.isclose(ls[2], -math.log(1.0 + math.e), rel_tol=1e-14)
    assert math.isclose(ls[3], -math.log(2.0), rel_tol=1e-15)
    assert math.isclose(ls[4], -math.log(1.0 + math.exp(-1.0)), rel_tol=1e-14)
    # log σ(40) = -log(1 + e^-40) ≈ -e^-40
    assert math.isclose(ls[5], -math.exp(-40.0), rel_tol=1e-12)
    assert abs(ls[6]) <= 1e-300


def test_softmax_extreme_inputs_finite_and_correct():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        p1 = softmax(np.array([1000.0, 0.0, -1000.0]))
        p2 = softmax(np.array([1000.0, 999.0, 998.0]))
        p3 = softmax(np.array([-1000.0, -1000.0]))
        p4 = softmax(np.array([[1000.0, 999.0], [-1000.0, 0.0]]), axis=1)
        lp = log_softmax(np.array([1000.0, 0.0]))
    for p in (p1, p2, p3, p4, lp):
        assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p1, [1.0, 0.0, 0.0], atol=1e-300)
    z = 1.0 + math.exp(-1.0) + math.exp(-2.0)
    np.testing.assert_allclose(p2, [1.0 / z, math.exp(-1.0) / z, math.exp(-2.0) / z], rtol=1e-14)
    np.testing.assert_allclose(p3, [0.5, 0.5], rtol=1e-15)
    e1 = 1.0 / (1.0 + math.exp(-1.0))
    np.testing.assert_allclose(p4, [[e1, 1.0 - e1], [0.0, 1.0]], rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(lp, [0.0, -1000.0], rtol=1e-15, atol=1e-300)
    np.testing.assert_allclose(p2.sum(), 1.0, rtol=1e-15)


# ---------------------------------------------------------------------------
# Naive softmax
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("V", "d", "seed"), CASES, ids=CASE_IDS)
def test_naive_softmax_grad_v_c(V, d, seed):
    rng, w_in, w_out = _setup(V, d, seed)
    o = int(rng.integers(V))

    def f(v):
        loss, g_v, _ = naive_softmax_loss_and_gradient(v, o, w_out)
        return loss, g_v

    _assert_ok(check_gradient(f, w_in[0]))


@pytest.mark.parametrize(("V", "d", "seed"), CASES, ids=CASE_IDS)
def test_naive_softmax_grad_w_out(V, d, seed):
    rng, w_in, w_out = _setup(V, d, seed)
    o = int(rng.integers(V))
    v_c = w_in[1]

    def f(w):
        loss, _, g_w = naive_softmax_loss_and_gradient(v_c, o, w)
        return loss, g_w

    _assert_ok(check_gradient(f, w_out))


# ---------------------------------------------------------------------------
# Negative sampling
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("pattern", NEG_PATTERNS)
@pytest.mark.parametrize(("V", "d", "seed"), CASES, ids=CASE_IDS)
def test_neg_sampling_grad_v_c(V, d, seed, pattern):
    rng, w_in, w_out = _setup(V, d, seed)
    o = int(rng.integers(V))
    negs = _negatives(pattern, rng, V, o)

    def f(v):
        loss, g_v, _, _ = neg_sampling_loss_and_gradient(v, o, w_out, negs)
        return loss, g_v

    _assert_ok(check_gradient(f, w_in[2]))


def _ns_dense_w_out_grad(v_c, o, w, negs):
    loss, _, g_o, g_k = neg_sampling_loss_and_gradient(v_c, o, w, negs)
    assert g_k.shape == (len(negs), len(v_c))
    return loss, scatter_rows(w.shape, [o, *negs], np.vstack([g_o, g_k]))


@pytest.mark.parametrize("pattern", NEG_PATTERNS)
@pytest.mark.parametrize(("V", "d", "seed"), CASES, ids=CASE_IDS)
def test_neg_sampling_grad_w_out_dense(V, d, seed, pattern):
    """All of dJ/dU at once: scatter_rows of [grad_u_o; grad_u_k] vs perturbing U."""
    rng, w_in, w_out = _setup(V, d, seed)
    o = int(rng.integers(V))
    negs = _negatives(pattern, rng, V, o)
    v_c = w_in[3]
    _assert_ok(check_gradient(lambda w: _ns_dense_w_out_grad(v_c, o, w, negs), w_out))


@pytest.mark.parametrize("pattern", NEG_PATTERNS)
@pytest.mark.parametrize(("V", "d", "seed"), CASES, ids=CASE_IDS)
def test_neg_sampling_grad_u_o_and_each_u_k(V, d, seed, pattern):
    """Row by row: perturb only u_o, then only each (distinct) u_k."""
    rng, w_in, w_out = _setup(V, d, seed)
    o = int(rng.integers(V))
    negs = _negatives(pattern, rng, V, o)
    v_c = w_in[4]
    for r in [o, *sorted(set(negs) - {o})]:

        def f(row, r=r):
            loss, dense = _ns_dense_w_out_grad(v_c, o, _with_row(w_out, r, row), negs)
            return loss, dense[r]

        _assert_ok(check_gradient(f, w_out[r]))

    # Where the target is not among the negatives, its row is grad_u_o alone, and
    # a negative drawn once is its own grad_u_k row; check those rows directly.
    if o not in negs:

        def f_o(row):
            loss, _, g_o, _ = neg_sampling_loss_and_gradient(v_c, o, _with_row(w_out, o, row), negs)
            return loss, g_o

        _assert_ok(check_gradient(f_o, w_out[o]))
    for k, n in enumerate(negs):
        if negs.count(n) == 1 and n != o:

            def f_k(row, n=n, k=k):
                loss, _, _, g_k = neg_sampling_loss_and_gradient(v_c, o, _with_row(w_out, n, row), negs)
                return loss, g_k[k]

            _assert_ok(check_gradient(f_k, w_out[n]))


def test_neg_sampling_repeated_negative_row_is_twice_the_single_term():
    """A negative drawn m times: the numeric gradient of its row is m × grad_u_k[k]."""
    rng, w_in, w_out = _setup(12, 6, 11)
    o, a, b = 0, 5, 7
    negs = [a, b, a, a]
    v_c = w_in[1]
    _, _, _, g_k = neg_sampling_loss_and_gradient(v_c, o, w_out, negs)
    np.testing.assert_array_equal(g_k[0], g_k[2])

    def f(row):
        loss = neg_sampling_loss_and_gradient(v_c, o, _with_row(w_out, a, row), negs)[0]
        return loss, 3.0 * g_k[0]

    _assert_ok(check_gradient(f, w_out[a]))


# ---------------------------------------------------------------------------
# Hierarchical softmax
# ---------------------------------------------------------------------------


def _hs_setup(V, d, seed):
    rng, w_in, nodes = _setup(V, d, seed, out_rows=V - 1)
    counts = rng.integers(1, 1000, size=V)
    codes, points = huffman_codes(counts)
    return rng, w_in, nodes, codes, points


@pytest.mark.parametrize(("V", "d", "seed"), CASES, ids=CASE_IDS)
def test_hierarchical_softmax_grad_v_c(V, d, seed):
    rng, w_in, nodes, codes, points = _hs_setup(V, d, seed)
    for w in {0, V - 1, int(rng.integers(V))}:

        def f(v, w=w):
            loss, g_v, _ = hierarchical_softmax_loss_and_gradient(v, points[w], codes[w], nodes)
            return loss, g_v

        _assert_ok(check_gradient(f, w_in[w]))


@pytest.mark.parametrize(("V", "d", "seed"), CASES, ids=CASE_IDS)
def test_hierarchical_softmax_grad_nodes(V, d, seed):
    rng, w_in, nodes, codes, points = _hs_setup(V, d, seed)
    for w in {0, V - 1, int(rng.integers(V))}:
        v_c = w_in[(w + 1) % V]

        def f(m, w=w, v_c=v_c):
            loss, _, g_nodes = hierarchical_softmax_loss_and_gradient(v_c, points[w], codes[w], m)
            assert g_nodes.shape == (len(points[w]), d)
            return loss, scatter_rows(m.shape, points[w], g_nodes)

        _assert_ok(check_gradient(f, nodes))


# ---------------------------------------------------------------------------
# Skip-gram and CBOW, each objective
# ---------------------------------------------------------------------------

OBJECTIVES = ["naive_softmax", "negative_sampling", "hierarchical_softmax"]


def _window(rng, V):
    """A centre word and a context that contains the centre and a repeated word."""
    center, a, b = _others(rng, V, -1, 3)
    contexts = [a, center, a, b]
    return center, contexts


def _objective(name, rng, V, d, w_out_full):
    """(objective, w_out) for the named objective."""
    if name == "hierarchical_softmax":
        codes, points = huffman_codes(rng.integers(1, 1000, size=V))
        return HierarchicalSoftmax(points, codes), rng.normal(scale=SCALE, size=(V - 1, d))
    if name == "naive_softmax":
        return naive_softmax, w_out_full
    return negative_sampling, w_out_full


def _draw(name, rng, V, target):
    """Negatives for one prediction: with a repeat and, once, the target itself."""
    if name != "negative_sampling":
        return None
    a, b = _others(rng, V, target, 2)
    return [a, target, a, b, a]


@pytest.mark.parametrize("name", OBJECTIVES)
@pytest.mark.parametrize(("V", "d", "seed"), CASES, ids=CASE_IDS)
def test_skipgram_grad_w_in_and_w_out(V, d, seed, name):
    rng, w_in, w_out_full = _setup(V, d, seed)
    center, contexts = _window(rng, V)
    obj, w_out = _objective(name, rng, V, d, w_out_full)
    draws = None if name != "negative_sampling" else [_draw(name, rng, V, o) for o in contexts]

    def f_in(w):
        loss, g_in, _ = skipgram(center, contexts, w, w_out, obj, draws)
        return loss, g_in

    def f_out(w):
        loss, _, g_out = skipgram(center, contexts, w_in, w, obj, draws)
        return loss, g_out

    _assert_ok(check_gradient(f_in, w_in))
    _assert_ok(check_gradient(f_out, w_out))


@pytest.mark.parametrize("name", OBJECTIVES)
@pytest.mark.parametrize(("V", "d", "seed"), CASES, ids=CASE_IDS)
def test_cbow_grad_w_in_and_w_out(V, d, seed, name):
    rng, w_in, w_out_full = _setup(V, d, seed)
    center, contexts = _window(rng, V)
    obj, w_out = _objective(name, rng, V, d, w_out_full)
    draw = _draw(name, rng, V, center)

    def f_in(w):
        loss, g_in, _ = cbow(center, contexts, w, w_out, obj, draw)
        return loss, g_in

    def f_out(w):
        loss, _, g_out = cbow(center, contexts, w_in, w, obj, draw)
        return loss, g_out

    _assert_ok(check_gradient(f_in, w_in))
    _assert_ok(check_gradient(f_out, w_out))
