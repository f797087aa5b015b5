"""The compiled engine against the reference math.

1. The kernel's one update step, fed given rows and labels (negatives with
   repeats, the target among them, a Huffman path), equals the gradient step
   of w2v.reference to float32 precision.
2. A short multi-step run of the kernel (workers=1) equals a replay written
   here in Python: the same documented random stream (splitmix64: subsampling,
   window shrink, negatives from the alias table, in the kernel's order)
   driving w2v.reference's objectives in float64. For sg-ns, sg-hs, cbow-ns,
   cbow-hs and ns+hs together.
"""

import numpy as np
import pytest

from w2v import reference as ref
from w2v import tables
from w2v.engine.kernel import KernelModel, logistic_step

MASK = (1 << 64) - 1


class SplitMix64:
    """The kernel's random stream, re-implemented from its definition."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next_u64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def next_unit(self):
        return (self.next_u64() >> 11) * (1.0 / 9007199254740992.0)


def draw_negative(rng, threshold, alias, target):
    n = len(threshold)
    while True:
        r = rng.next_u64()
        bucket = ((r >> 32) * n) >> 32
        low = r & 0xFFFFFFFF
        w = (
            bucket
            if (low < int(threshold[bucket]) or int(threshold[bucket]) == 0xFFFFFFFF)
            else int(alias[bucket])
        )
        if w != target:
            return w


# -- 1. one step with given draws ------------------------------------------------------------------


@pytest.mark.parametrize("negatives", [[5, 7, 2], [5, 5, 9, 5], [3, 1, 3]])  # distinct, repeats, target drawn
def test_one_negative_sampling_step_equals_reference_gradient_step(negatives):
    rng = np.random.default_rng(len(negatives))
    n_words, d, lr, target = 12, 16, 0.05, 3
    w_out = (rng.normal(size=(n_words, d)) * 0.5).astype(np.float32)
    h = (rng.normal(size=d) * 0.5).astype(np.float32)
    loss_ref, g_h, g_o, g_k = ref.neg_sampling_loss_and_gradient(
        h.astype(float), target, w_out.astype(float), negatives
    )
    dense = ref.scatter_rows(w_out.shape, [target, *negatives], np.vstack([g_o, g_k]))
    updated = w_out.copy()
    loss, neu1e = logistic_step(h, updated, [target, *negatives], [1.0] + [-1.0] * len(negatives), lr)
    np.testing.assert_allclose(updated, w_out - lr * dense, rtol=0, atol=2e-7)
    np.testing.assert_allclose(neu1e, -lr * g_h, rtol=0, atol=2e-7)
    assert loss == pytest.approx(loss_ref, rel=1e-6)


def test_one_hierarchical_softmax_step_equals_reference_gradient_step():
    rng = np.random.default_rng(7)
    n_words, d, lr = 30, 10, 0.1
    codes, points = ref.huffman_codes(rng.integers(1, 1000, size=n_words))
    w_nodes = (rng.normal(size=(n_words - 1, d)) * 0.5).astype(np.float32)
    h = (rng.normal(size=d) * 0.5).astype(np.float32)
    for word in (0, 17, 29):
        loss_ref, g_h, g_nodes = ref.hierarchical_softmax_loss_and_gradient(
            h.astype(float), points[word], codes[word], w_nodes.astype(float)
        )
        updated = w_nodes.copy()
        loss, neu1e = logistic_step(h, updated, points[word], 1.0 - 2.0 * codes[word], lr)
        expected = w_nodes - lr * ref.scatter_rows(w_nodes.shape, points[word], g_nodes)
        np.testing.assert_allclose(updated, expected, rtol=0, atol=2e-7)
        np.testing.assert_allclose(neu1e, -lr * g_h, rtol=0, atol=2e-7)
        assert loss == pytest.approx(loss_ref, rel=1e-6)


def test_step_loss_is_exact_far_into_the_tails():
    """log σ and the gradient stay finite and right for |x| in the hundreds."""
    d = 4
    h = np.full(d, 10.0, dtype=np.float32)  # x = u·h = ±400 below
    w_out = np.array([[10.0] * d, [-10.0] * d], dtype=np.float32)
    loss, neu1e = logistic_step(h, w_out.copy(), [0, 1], [-1.0, 1.0], 0.0)
    # label 0 with x = 400: -log σ(-400) = 400; label 1 with x = -400: also 400.
    assert loss == pytest.approx(800.0, rel=1e-6)
    assert np.all(np.isfinite(neu1e))


# -- 2. a multi-step run against a replay ----------------------------------------------------------


def replay(case, w_in, w_ns, w_hs, ids, offsets, lr_start, lr_end, seed):
    """Python replay of one kernel block with w2v.reference doing the math (float64)."""
    rng = SplitMix64(seed)
    sg, hs, negative, window = case["sg"], case["hs"], case["negative"], case["window"]
    keep, (threshold, alias) = case["keep"], case["alias"]
    hs_objective = ref.HierarchicalSoftmax(case["points"], case["codes"]) if hs else None
    loss_sum, predictions, seen, kept = 0.0, 0, 0, 0
    total = offsets[-1] - offsets[0]
    for s in range(len(offsets) - 1):
        start = offsets[s] - offsets[0]
        progress = np.float32(start) / np.float32(total)
        lr = float(np.float32(lr_start) + (np.float32(lr_end) - np.float32(lr_start)) * progress)
        sentence = []
        for w in ids[offsets[s] - offsets[0] : offsets[s + 1] - offsets[0]]:
            if w < 0:
                continue
            seen += 1
            if keep[w] < 1.0 and rng.next_unit() >= keep[w]:
                continue
            sentence.append(int(w))
        kept += len(sentence)
        for pos, center in enumerate(sentence):
            reach = window - rng.next_u64() % window
            lo, hi = max(pos - reach, 0), min(pos + reach + 1, len(sentence))
            contexts = [sentence[j] for j in range(lo, hi) if j != pos]

            def predict(h, target, lr=lr):
                loss, grad_h = 0.0, np.zeros_like(h)
                if hs:
                    l_, g_, rows, g_rows = hs_objective(h, target, w_hs)
                    np.add.at(w_hs, rows, -lr * g_rows)
                    loss, grad_h = loss + l_, grad_h + g_
                if negative:
                    draws = [draw_negative(rng, threshold, alias, target) for _ in range(negative)]
                    l_, g_, rows, g_rows = ref.negative_sampling(h, target, w_ns, draws)
                    np.add.at(w_ns, rows, -lr * g_rows)
                    loss, grad_h = loss + l_, grad_h + g_
                return loss, grad_h

            if sg:  # each context word's vector predicts the centre word
                for c in contexts:
                    loss, grad_h = predict(w_in[c].copy(), center)
                    w_in[c] -= lr * grad_h
                    loss_sum, predictions = loss_sum + loss, predictions + 1
            elif contexts:  # the mean predicts the centre; each context row gets -lr dJ/dh
                loss, grad_h = predict(w_in[contexts].mean(axis=0), center)
                np.add.at(w_in, contexts, -lr * grad_h)
                loss_sum, predictions = loss_sum + loss, predictions + 1
    return loss_sum, predictions, seen, kept


CASES = {
    "sg-ns": dict(sg=1, hs=0, negative=3),
    "sg-hs": dict(sg=1, hs=1, negative=0),
    "cbow-ns": dict(sg=0, hs=0, negative=3),
    "cbow-hs": dict(sg=0, hs=1, negative=0),
    "sg-ns+hs": dict(sg=1, hs=1, negative=2),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_multi_step_run_equals_reference_replay(name):
    rng = np.random.default_rng(11)
    n_words, d, window = 14, 8, 3
    counts = rng.integers(1, 400, size=n_words) * 10
    case = dict(CASES[name], window=window)
    case["keep"] = tables.keep_table(counts, sample=0.02)
    assert (case["keep"] < 1).any() and (case["keep"] == 1).any()  # subsampling is exercised
    case["alias"] = tables.alias_table(counts, 0.75)
    case["codes"], case["points"] = ref.huffman_codes(counts)
    points, codes, lens = tables.huffman_table(counts)

    lengths = [7, 1, 12, 0, 9]  # includes a one-word and an empty sentence
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    ids = rng.integers(-1, n_words, size=offsets[-1]).astype(np.int32)  # -1: out of vocabulary
    w_in = ((rng.random((n_words, d)) - 0.5) / 2).astype(np.float32)
    w_ns = ((rng.random((n_words, d)) - 0.5) / 2).astype(np.float32) if case["negative"] else None
    w_hs = ((rng.random((n_words - 1, d)) - 0.5) / 2).astype(np.float32) if case["hs"] else None
    kernel = KernelModel(
        w_in,
        w_ns,
        w_hs,
        case["keep"],
        case["alias"],
        points,
        codes,
        lens,
        sg=case["sg"],
        window=window,
        negative=case["negative"],
        hs=case["hs"],
    )
    expected = [
        w_in.astype(np.float64),
        None if w_ns is None else w_ns.astype(np.float64),
        None if w_hs is None else w_hs.astype(np.float64),
    ]
    initial = [None if w is None else w.copy() for w in (w_in, w_ns, w_hs)]
    lr_start, lr_end, seed = 0.05, 0.02, 12345

    stats = kernel.train_block(ids, offsets, lr_start, lr_end, seed, kernel.scratch(max(lengths)))
    loss, predictions, seen, kept = replay(case, *expected, ids, offsets, lr_start, lr_end, seed)

    assert predictions > 20
    assert stats[1:] == (predictions, seen, kept)
    assert stats[0] == pytest.approx(loss, rel=1e-5)
    for got, want, before in zip((w_in, w_ns, w_hs), expected, initial, strict=True):
        if want is not None:
            assert np.abs(got - before).max() > 1e-3  # training moved the weights
            np.testing.assert_allclose(got, want, rtol=0, atol=2e-6)
