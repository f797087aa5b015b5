"""The compiled engine against the reference math.

1. The kernel's one update step, fed given rows and signs (negatives with
   repeats, the target among them, a Huffman path), equals the gradient step
   of w2v.reference to float32 precision.
2. One block of the kernel (workers=1) equals w2v.reference.trainer's SGD
   steps on the draws that w2v.reference.stream replays from the kernel's
   documented random stream (subsampling, window shrink, negatives from the
   alias table), in float64. For sg-ns, sg-hs, cbow-ns, cbow-hs, ns+hs and CBOW-sum.
3. A whole small run of Word2Vec (workers=1, several blocks, shuffled
   epochs, subsampling on) equals a whole run of the reference trainer to
   float32 precision: vectors, output matrices and loss histories.
"""

import numpy as np
import pytest

from w2v import reference as ref
from w2v import tables
from w2v.engine.kernel import KernelModel, logistic_step, sg_window_step
from w2v.model import Word2Vec
from w2v.reference.stream import SplitMix64, block_draws, draw_negative
from w2v.reference.trainer import ReferenceTrainer, sgd_step


def test_the_stream_is_splitmix64():
    """Published splitmix64 outputs for seed 0 (the reference implementation's first draws)."""
    rng = SplitMix64(0)
    assert [rng.next_u64() for _ in range(3)] == [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F]
    rng = SplitMix64(7)
    assert all(0.0 <= rng.next_unit() < 1.0 for _ in range(1000))


def test_alias_draws_follow_the_table_and_skip_the_target():
    counts = np.array([50, 30, 15, 5])
    threshold, alias = ref.alias_table(counts, 1.0)
    rng = SplitMix64(3)
    draws = np.array([draw_negative(rng, threshold, alias, target=1) for _ in range(40_000)])
    assert 1 not in draws
    freq = np.bincount(draws, minlength=4) / len(draws)
    expected = np.array([50, 0, 15, 5]) / 70
    np.testing.assert_allclose(freq, expected, atol=0.01)


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


@pytest.mark.parametrize(
    "contexts,rows",
    [
        ([1, 4, 6, 9], [3, 5, 7, 2]),  # distinct negatives
        ([1, 4, 6], [3, 5, 5, 8, 5]),  # a negative drawn three times
        ([2, 7], [3, 3, 0]),  # the target among its own negatives
        ([4, 4, 6, 4], [3, 1, 9]),  # a context word three times in the window
    ],
)
def test_one_batched_window_is_one_step_on_the_sum_of_its_pair_losses(contexts, rows):
    """The batched kernel's window: each context row predicts rows[0] against rows[1:]; the
    step equals -lr times the sum of w2v.reference.skipgram's gradients over the window's
    (context -> centre) pairs, every one taken at the weights before the window."""
    rng = np.random.default_rng(len(contexts) + len(rows))
    n_words, d, lr = 12, 16, 0.05
    w_in = (rng.normal(size=(n_words, d)) * 0.5).astype(np.float32)
    w_out = (rng.normal(size=(n_words, d)) * 0.5).astype(np.float32)
    target, negatives = rows[0], rows[1:]
    loss_ref, g_in, g_out = 0.0, np.zeros((n_words, d)), np.zeros((n_words, d))
    for c in contexts:  # a one-pair window each: the context word's vector predicts the centre
        pair_loss, pair_in, pair_out = ref.skipgram(
            c, [target], w_in.astype(float), w_out.astype(float), ref.negative_sampling, [negatives]
        )
        loss_ref, g_in, g_out = loss_ref + pair_loss, g_in + pair_in, g_out + pair_out
    new_in, new_out = w_in.copy(), w_out.copy()
    loss = sg_window_step(new_in, new_out, contexts, rows, lr)
    np.testing.assert_allclose(new_in, w_in - lr * g_in, rtol=0, atol=5e-7)
    np.testing.assert_allclose(new_out, w_out - lr * g_out, rtol=0, atol=5e-7)
    assert loss == pytest.approx(loss_ref, rel=1e-6)


# -- 2. one block against the reference replay ------------------------------------------------------


def reference_block(case, w_in, w_ns, w_hs, ids, offsets, lr_start, lr_end, seed):
    """The block through w2v.reference: the replayed draws, then one SGD step per prediction."""
    draws = block_draws(
        ids,
        offsets,
        lr_start,
        lr_end,
        seed,
        keep=case["keep"],
        alias=case["alias"],
        window=case["window"],
        negative=case["negative"],
        sg=case["sg"],
    )
    hs = ref.HierarchicalSoftmax(case["points"], case["codes"]) if case["hs"] else None
    ns = ref.negative_sampling if case["negative"] else None
    step = dict(hs_objective=hs, ns_objective=ns, cbow_mean=case.get("cbow_mean", 1))
    loss = sum(sgd_step(p, w_in, w_ns, w_hs, **step) for p in draws.predictions)
    return loss, len(draws.predictions), draws.words, draws.kept


CASES = {
    "sg-ns": dict(sg=1, hs=0, negative=3),
    "sg-hs": dict(sg=1, hs=1, negative=0),
    "cbow-ns": dict(sg=0, hs=0, negative=3),
    "cbow-hs": dict(sg=0, hs=1, negative=0),
    "sg-ns+hs": dict(sg=1, hs=1, negative=2),
    "cbow-sum-ns+hs": dict(sg=0, hs=1, negative=2, cbow_mean=0),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_one_block_equals_the_reference_replay(name):
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
    scale = 0.5 if case.get("cbow_mean", 1) else 0.1
    w_in = ((rng.random((n_words, d)) - 0.5) * scale).astype(np.float32)
    w_ns = ((rng.random((n_words, d)) - 0.5) * scale).astype(np.float32) if case["negative"] else None
    w_hs = ((rng.random((n_words - 1, d)) - 0.5) * scale).astype(np.float32) if case["hs"] else None
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
        cbow_mean=case.get("cbow_mean", 1),
    )
    expected = [None if w is None else w.astype(np.float64) for w in (w_in, w_ns, w_hs)]
    initial = [None if w is None else w.copy() for w in (w_in, w_ns, w_hs)]
    lr_start, lr_end, seed = 0.05, 0.02, 12345

    stats = kernel.train_block(ids, offsets, lr_start, lr_end, seed, kernel.scratch(max(lengths)))
    loss, predictions, seen, kept = reference_block(case, *expected, ids, offsets, lr_start, lr_end, seed)

    assert predictions > 20
    assert stats[1:] == (predictions, seen, kept)
    assert stats[0] == pytest.approx(loss, rel=1e-5)
    for got, want, before in zip((w_in, w_ns, w_hs), expected, initial, strict=True):
        if want is not None:
            assert np.abs(got - before).max() > 1e-3  # training moved the weights
            np.testing.assert_allclose(got, want, rtol=0, atol=2e-6)


# -- 3. whole runs: the engine against the reference trainer -----------------------------------


def small_corpus(n_sentences=300, seed=4):
    """A few hundred sentences over a Zipf-like vocabulary of 60 words (subsampling bites)."""
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(60)]
    p = 1.0 / np.arange(1, 61)
    p /= p.sum()
    return [list(rng.choice(words, size=int(rng.integers(2, 16)), p=p)) for _ in range(n_sentences)]


RUNS = {
    "sg-ns": dict(sg=1, hs=0, negative=3, batched=False),
    "sg-ns-batched": dict(sg=1, hs=0, negative=3, batched=True),
    "sg-hs": dict(sg=1, hs=1, negative=0),
    "cbow-ns": dict(sg=0, hs=0, negative=3),
    "cbow-hs": dict(sg=0, hs=1, negative=0),
}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_a_whole_run_equals_the_reference_trainer(name):
    corpus = small_corpus()
    params = dict(
        vector_size=10,
        window=3,
        min_count=2,
        sample=1e-2,
        alpha=0.05,
        min_alpha=0.001,
        epochs=2,
        seed=9,
        batch_words=400,  # several blocks, shuffled each epoch
        **RUNS[name],
    )
    engine = Word2Vec(workers=1, progress=None, **params).fit(corpus)
    reference = ReferenceTrainer(**params).fit(corpus)
    assert engine.wv.index_to_key == reference.index_to_key
    keep = ref.keep_probability(reference.counts, 1e-2)
    assert (keep < 1).sum() >= 5  # subsampling is on for the frequent words
    np.testing.assert_allclose(engine.wv.vectors, reference.w_in, rtol=0, atol=5e-6)
    assert np.abs(reference.w_in - engine.wv.vectors).max() < 0.01 * np.abs(reference.w_in).max()
    for got, want in ((engine.w_out_ns, reference.w_out_ns), (engine.w_out_hs, reference.w_out_hs)):
        assert (got is None) == (want is None)
        if got is not None:
            assert np.abs(want).max() > 0.05  # trained
            np.testing.assert_allclose(got, want, rtol=0, atol=5e-6)
    np.testing.assert_allclose(engine.loss_history_, reference.loss_history, rtol=1e-5)
    np.testing.assert_allclose(engine.eval_loss_history_, reference.eval_loss_history, rtol=1e-5)
