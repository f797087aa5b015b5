"""Tests for w2v.compat.cs224n, the CS224n assignment's API over w2v.reference.

The gradient checks reproduce the handout's ``test_word2vec``: a dummy
dataset over the tokens "a".."e", ten 3-d word vectors (rows 0-4 the centre
vectors, rows 5-9 the outside vectors) and ``word2vec_sgd_wrapper`` averaging
skip-gram over a batch of random windows. The handout's gradcheck restores
Python's random state around every evaluation; here the dummy dataset draws
from its own ``random.Random`` that each evaluation re-seeds, so the function
being checked is deterministic.
"""

import random
import re

import numpy as np
import pytest

import w2v.reference as ref
from w2v.compat.cs224n import (
    getNegativeSamples,
    naiveSoftmaxLossAndGradient,
    negSamplingLossAndGradient,
    sgd,
    sigmoid,
    skipgram,
)

TOKENS = ["a", "b", "c", "d", "e"]
WORD2IND = {w: i for i, w in enumerate(TOKENS)}
TOL = 1e-6


def normalizeRows(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def make_dummy_dataset(seed):
    """The handout's dummy dataset, drawing from ``dataset.rng``; ``dataset.reseed()`` restarts it."""
    dataset = type("dummy", (), {})()
    dataset.reseed = lambda: setattr(dataset, "rng", random.Random(seed))
    dataset.reseed()
    dataset.sampleTokenIdx = lambda: dataset.rng.randint(0, 4)
    dataset.getRandomContext = lambda C: (
        TOKENS[dataset.rng.randint(0, 4)],
        [TOKENS[dataset.rng.randint(0, 4)] for _ in range(2 * C)],
    )
    return dataset


def make_recording_dataset(seed, V=5):
    """A dataset whose sampleTokenIdx draws uniformly from 0..V-1 and logs every value it returns."""
    dataset = type("recording", (), {})()
    rng = random.Random(seed)
    dataset.log = []

    def sampleTokenIdx():
        idx = rng.randint(0, V - 1)
        dataset.log.append(idx)
        return idx

    dataset.sampleTokenIdx = sampleTokenIdx
    return dataset


def make_scripted_dataset(script):
    """A dataset whose sampleTokenIdx returns ``script`` in order (and fails past its end)."""
    dataset = type("scripted", (), {})()
    dataset.calls = 0

    def sampleTokenIdx():
        idx = script[dataset.calls]
        dataset.calls += 1
        return idx

    dataset.sampleTokenIdx = sampleTokenIdx
    return dataset


def word2vec_sgd_wrapper(
    word2vecModel, word2Ind, wordVectors, dataset, windowSize, word2vecLossAndGradient, batchsize=50
):
    """The handout's wrapper: the mean loss and gradient over ``batchsize`` random windows."""
    loss = 0.0
    grad = np.zeros(wordVectors.shape)
    N = wordVectors.shape[0]
    centerWordVectors = wordVectors[: int(N / 2), :]
    outsideVectors = wordVectors[int(N / 2) :, :]
    for _ in range(batchsize):
        windowSize1 = dataset.rng.randint(1, windowSize)
        centerWord, context = dataset.getRandomContext(windowSize1)
        c, gin, gout = word2vecModel(
            centerWord,
            windowSize1,
            context,
            word2Ind,
            centerWordVectors,
            outsideVectors,
            dataset,
            word2vecLossAndGradient,
        )
        loss += c / batchsize
        grad[: int(N / 2), :] += gin / batchsize
        grad[int(N / 2) :, :] += gout / batchsize
    return loss, grad


@pytest.fixture
def vectors():
    rng = np.random.default_rng(9265)
    wordVectors = normalizeRows(rng.standard_normal((10, 3)))
    return wordVectors[:5].copy(), wordVectors[5:].copy()


LOSSES = [
    pytest.param(naiveSoftmaxLossAndGradient, id="naiveSoftmax"),
    pytest.param(negSamplingLossAndGradient, id="negSampling"),
]


# 1. gradient checks of the handout's kind


@pytest.mark.parametrize("lossfn", LOSSES)
@pytest.mark.parametrize("outsideWordIdx", [0, 3])
def test_gradcheck_center_vec(lossfn, outsideWordIdx, vectors):
    centerVecs, outsideVectors = vectors
    dataset = make_dummy_dataset(1234)

    def f(v_c):
        dataset.reseed()
        loss, gradCenterVec, _ = lossfn(v_c, outsideWordIdx, outsideVectors, dataset)
        return loss, gradCenterVec

    result = ref.check_gradient(f, centerVecs[2])
    assert result.passed(TOL), str(result)


@pytest.mark.parametrize("lossfn", LOSSES)
@pytest.mark.parametrize("outsideWordIdx", [0, 3])
def test_gradcheck_outside_vectors(lossfn, outsideWordIdx, vectors):
    centerVecs, outsideVectors = vectors
    dataset = make_dummy_dataset(4321)

    def f(U):
        dataset.reseed()
        loss, _, gradOutsideVecs = lossfn(centerVecs[1], outsideWordIdx, U, dataset)
        return loss, gradOutsideVecs

    result = ref.check_gradient(f, outsideVectors)
    assert result.passed(TOL), str(result)


def test_gradcheck_negsampling_draws_are_replayed(vectors):
    """The check above is only meaningful if re-seeding makes every evaluation draw the same negatives."""
    centerVecs, outsideVectors = vectors
    dataset = make_dummy_dataset(4321)
    dataset.reseed()
    first = negSamplingLossAndGradient(centerVecs[1], 0, outsideVectors, dataset)
    second = negSamplingLossAndGradient(centerVecs[1], 0, outsideVectors, dataset)
    dataset.reseed()
    again = negSamplingLossAndGradient(centerVecs[1], 0, outsideVectors, dataset)
    assert first[0] == again[0]
    assert np.array_equal(first[2], again[2])
    assert first[0] != second[0]  # without re-seeding the draws differ


@pytest.mark.parametrize("lossfn", LOSSES)
def test_gradcheck_word2vec_sgd_wrapper(lossfn, vectors):
    dataset = make_dummy_dataset(31415)
    wordVectors = np.vstack(vectors)

    def f(vec):
        dataset.reseed()
        return word2vec_sgd_wrapper(skipgram, WORD2IND, vec, dataset, 5, lossfn)

    loss, grad = f(wordVectors)
    assert np.isfinite(loss) and loss > 0
    assert np.all(np.any(grad != 0, axis=1))  # every row of both matrices is exercised
    result = ref.check_gradient(f, wordVectors)
    assert result.passed(TOL), str(result)


# 2. skipgram agrees with w2v.reference.skipgram

WINDOWS = [
    ("c", ["a", "b", "d", "e"]),
    ("c", ["a", "c", "b", "a", "e", "c"]),  # contains the centre word, and "a" and "c" twice
    ("b", ["b"]),
    ("e", []),
]


@pytest.mark.parametrize("center, outside", WINDOWS)
def test_skipgram_naive_softmax_matches_reference(center, outside, vectors):
    centerVecs, outsideVectors = vectors
    loss, gin, gout = skipgram(center, 3, outside, WORD2IND, centerVecs, outsideVectors, None)
    rloss, rgin, rgout = ref.skipgram(
        WORD2IND[center], [WORD2IND[w] for w in outside], centerVecs, outsideVectors, ref.naive_softmax
    )
    assert gin.shape == centerVecs.shape and gout.shape == outsideVectors.shape
    assert abs(loss - rloss) <= 1e-10
    np.testing.assert_allclose(gin, rgin, rtol=0, atol=1e-10)
    np.testing.assert_allclose(gout, rgout, rtol=0, atol=1e-10)
    # only the centre word's row of gradCenterVecs is non-zero
    others = [i for i in range(5) if i != WORD2IND[center]]
    assert np.all(gin[others] == 0)


def replay_negatives(log, outside_idxs, K):
    """Split the recorded sampleTokenIdx values into each call's K negatives, skipping redraws."""
    draws, pos = [], 0
    for o in outside_idxs:
        negs = []
        while len(negs) < K:
            idx = log[pos]
            pos += 1
            if idx != o:
                negs.append(idx)
        draws.append(negs)
    assert pos == len(log), "sampleTokenIdx was called more often than the handout's loop would"
    return draws


@pytest.mark.parametrize("center, outside", WINDOWS)
def test_skipgram_neg_sampling_matches_reference(center, outside, vectors):
    centerVecs, outsideVectors = vectors
    dataset = make_recording_dataset(2718)
    loss, gin, gout = skipgram(
        center, 3, outside, WORD2IND, centerVecs, outsideVectors, dataset, negSamplingLossAndGradient
    )
    outside_idxs = [WORD2IND[w] for w in outside]
    draws = replay_negatives(dataset.log, outside_idxs, K=10)
    rloss, rgin, rgout = ref.skipgram(
        WORD2IND[center], outside_idxs, centerVecs, outsideVectors, ref.negative_sampling, draws
    )
    assert abs(loss - rloss) <= 1e-10
    np.testing.assert_allclose(gin, rgin, rtol=0, atol=1e-10)
    np.testing.assert_allclose(gout, rgout, rtol=0, atol=1e-10)
    if len(outside) >= 4:
        # the draws really did include repeats and redraws, so both paths were exercised
        assert any(len(set(d)) < len(d) for d in draws)
        assert len(dataset.log) > 10 * len(outside)


# 3. getNegativeSamples


def test_get_negative_samples_redraws_the_outside_word():
    dataset = make_scripted_dataset([3, 1, 1, 4, 3, 1, 0, 2, 1, 4])
    negs = getNegativeSamples(1, dataset, 5)
    assert negs == [3, 4, 3, 0, 2]
    assert dataset.calls == 8  # three draws of 1 were thrown away; nothing drawn past the 5th keeper


def test_get_negative_samples_zero_and_plain():
    dataset = make_scripted_dataset([])
    assert getNegativeSamples(0, dataset, 0) == []
    assert dataset.calls == 0
    dataset = make_scripted_dataset([2, 2, 2])
    assert getNegativeSamples(0, dataset, 3) == [2, 2, 2]
    assert dataset.calls == 3


# 4. a repeated negative counts twice


def test_repeated_negative_counts_twice():
    rng = np.random.default_rng(7)
    V, d = 7, 4
    U = rng.standard_normal((V, d))
    v_c = rng.standard_normal(d)
    o = 0
    dataset = make_scripted_dataset([2, 0, 2, 5])  # the 0 is the outside word and is redrawn
    loss, gradCenterVec, gradOutsideVecs = negSamplingLossAndGradient(v_c, o, U, dataset, K=3)
    assert dataset.calls == 4

    def sig(x):
        return 1.0 / (1.0 + np.exp(-x))

    s = U @ v_c
    expected_loss = -np.log(sig(s[0])) - 2 * np.log(sig(-s[2])) - np.log(sig(-s[5]))
    assert abs(loss - expected_loss) <= 1e-12
    np.testing.assert_allclose(gradOutsideVecs[2], 2 * sig(s[2]) * v_c, rtol=1e-12, atol=0)
    np.testing.assert_allclose(gradOutsideVecs[5], sig(s[5]) * v_c, rtol=1e-12, atol=0)
    np.testing.assert_allclose(gradOutsideVecs[0], (sig(s[0]) - 1) * v_c, rtol=1e-12, atol=0)
    assert np.all(gradOutsideVecs[[1, 3, 4, 6]] == 0)
    expected_center = (sig(s[0]) - 1) * U[0] + 2 * sig(s[2]) * U[2] + sig(s[5]) * U[5]
    np.testing.assert_allclose(gradCenterVec, expected_center, rtol=1e-12, atol=1e-15)


def test_shapes_and_sigmoid(vectors):
    centerVecs, outsideVectors = vectors
    dataset = make_dummy_dataset(0)
    for lossfn in (naiveSoftmaxLossAndGradient, negSamplingLossAndGradient):
        loss, gc, go = lossfn(centerVecs[0], 1, outsideVectors, dataset)
        assert np.ndim(loss) == 0
        assert gc.shape == (3,) and go.shape == (5, 3)
    assert sigmoid(0.0) == 0.5
    x = np.array([[-800.0, -1.0], [1.0, 800.0]])
    np.testing.assert_allclose(sigmoid(x), [[0.0, 1 / (1 + np.e)], [1 / (1 + np.exp(-1)), 1.0]], rtol=1e-15)


# 5. sgd


def test_sgd_quadratic_converges_and_prints(capsys):
    x0 = np.array([3.0, -4.0, 0.5])
    x0_copy = x0.copy()
    losses = []

    def f(x):
        loss = float(np.sum(x**2))
        losses.append(loss)
        return loss, 2 * x

    x = sgd(f, x0, 0.1, 100, PRINT_EVERY=10)
    assert np.linalg.norm(x) < 1e-8
    np.testing.assert_allclose(x, x0_copy * 0.8**100, rtol=1e-12)  # each step multiplies x by 1 - 2*0.1
    assert np.array_equal(x0, x0_copy)  # x0 is not modified
    assert len(losses) == 100

    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 10
    exploss = None
    for n, line in enumerate(lines, start=1):
        m = re.fullmatch(r"iter (\d+): (\S+)", line)
        assert m, line
        assert int(m.group(1)) == 10 * n
        loss = losses[10 * n - 1]
        exploss = loss if exploss is None else 0.95 * exploss + 0.05 * loss
        assert m.group(2) == f"{exploss:f}"


def test_sgd_postprocessing_is_applied(capsys):
    calls = []

    def post(x):
        calls.append(x.copy())
        return x / np.linalg.norm(x)

    def f(x):
        return float(np.sum(x**2)), 2 * x

    x0 = np.array([3.0, 4.0])
    x = sgd(f, x0, 0.1, 7, postprocessing=post, PRINT_EVERY=1000)
    assert len(calls) == 7
    np.testing.assert_allclose(calls[0], 0.8 * x0)  # called on the updated x
    np.testing.assert_allclose(x, [0.6, 0.8])  # and its result is kept
    assert capsys.readouterr().out == ""  # fewer iterations than PRINT_EVERY: nothing printed


def test_sgd_anneals_every_20000_iterations(capsys):
    def f(x):
        return 0.0, np.ones_like(x)

    x = sgd(f, np.zeros(1), 1.0, 40001, PRINT_EVERY=10**6)
    # 20000 steps of 1, 20000 of 0.5, then one of 0.25 (all exact in float64)
    assert x[0] == -(20000 + 10000 + 0.25)


def test_sgd_accepts_the_handouts_positional_useSaved(capsys):
    def f(x):
        return float(np.sum(x**2)), 2 * x

    x = sgd(f, np.array([1.0]), 0.25, 20, None, True, PRINT_EVERY=10)
    assert x[0] == 0.5**20
    assert len(capsys.readouterr().out.splitlines()) == 2
