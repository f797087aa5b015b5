"""The distributed core (w2v.distributed), run in this process: how updates combine, which
blocks each round trains at which learning rate, the vocabulary from counts, and the driver
loop's checks. No Spark here (tests/test_spark.py runs the same code on Spark)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from w2v import Word2Vec
from w2v.distributed import run, shards
from w2v.distributed.sync import Update, changes, combine, sequential_scale
from w2v.vocab import build_vocab


def update(shard, rows, deltas, name="w_in", epoch=0, rnd=0):
    u = Update(shard, epoch, rnd)
    u.rows[name] = np.array(rows, dtype=np.int32)
    u.deltas[name] = np.array(deltas, dtype=np.float32)
    return u


def weights(n=4, d=2):
    return {"w_in": np.zeros((n, d), np.float32), "w_out_ns": None, "w_out_hs": None}


# -- combining -----------------------------------------------------------------------------------


def test_sum_adds_every_shards_change():
    w = weights()
    combine(w, [update(0, [0, 2], [[1, 1], [2, 0]]), update(1, [2, 3], [[4, 4], [1, 0]])], "sum")
    assert w["w_in"].tolist() == [[1, 1], [0, 0], [6, 4], [1, 0]]


def test_average_divides_by_the_shards_that_changed_the_row():
    w = weights()
    combine(w, [update(0, [0, 2], [[1, 1], [2, 0]]), update(1, [2, 3], [[4, 4], [1, 0]])], "average")
    assert w["w_in"].tolist() == [[1, 1], [0, 0], [3, 2], [1, 0]]


def test_the_order_updates_arrive_in_does_not_change_the_result():
    rng = np.random.default_rng(0)
    ups = [update(s, sorted(rng.choice(50, 20, replace=False)), rng.normal(size=(20, 3))) for s in range(5)]
    results = []
    for order in ([0, 1, 2, 3, 4], [4, 2, 0, 3, 1]):
        w = {"w_in": np.zeros((50, 3), np.float32)}
        combine(w, [ups[i] for i in order], "average")
        results.append(w["w_in"])
    assert np.array_equal(results[0], results[1])


def test_combine_refuses_a_doubled_shard_an_unknown_scheme_and_rows_that_do_not_fit():
    with pytest.raises(ValueError, match="same shard"):
        combine(weights(), [update(0, [0], [[1, 1]]), update(0, [1], [[1, 1]])])
    with pytest.raises(ValueError, match="unknown synchronisation scheme"):
        combine(weights(), [update(0, [0], [[1, 1]])], "median")
    with pytest.raises(ValueError, match="does not fit"):
        combine(weights(), [update(0, [4], [[1, 1]])])
    with pytest.raises(ValueError, match="does not fit"):
        combine(weights(), [update(0, [0], [[1, 1, 1]])])
    with pytest.raises(ValueError, match="do not have"):
        combine(weights(), [update(0, [0], [[1, 1]], name="w_out_ns")])


def test_changes_finds_exactly_the_rows_that_moved():
    before = np.zeros((5, 3), np.float32)
    after = before.copy()
    after[1, 2] = 0.5
    after[4] = -1
    rows, deltas = changes(before, after)
    assert rows.tolist() == [1, 4]
    assert deltas.tolist() == [[0, 0, 0.5], [-1, -1, -1]]


@pytest.mark.parametrize("k", [1, 3, 30, 300])
@pytest.mark.parametrize("t", [1, 2, 4, 8])
def test_the_hybrid_scale_gives_what_the_shards_would_give_one_after_another(k, t):
    """The oracle: t shards, each making k steps of relative size s toward the same point from
    the same start. Applied one shard after another (sequential SGD) the row ends at a known
    place; the hybrid scheme, given only the t deltas, must land there."""
    s, start, target = 0.05, 3.0, -1.0
    x = start
    for _ in range(t * k):  # one shard after another: t k steps in a row
        x += s * (target - x)
    one = start
    for _ in range(k):  # what each shard does alone, from the start
        one += s * (target - one)
    delta = one - start
    w = {"w_in": np.full((1, 1), start, np.float32)}
    ups = [update(i, [0], [[delta]]) for i in range(t)]
    combine(w, ups, "hybrid", loads={"w_in": np.array([k], float)}, steps={"w_in": s})
    assert w["w_in"][0, 0] == pytest.approx(x, rel=1e-5, abs=1e-6)


def test_the_hybrid_scale_sums_rare_rows_and_averages_settled_ones():
    assert sequential_scale([1e-9], [4], 0.05)[0] == pytest.approx(1.0)
    assert sequential_scale([1e6], [4], 0.05)[0] == pytest.approx(0.25)
    assert sequential_scale([10], [1], 0.05)[0] == pytest.approx(1.0)
    assert sequential_scale([0], [3], 0.0)[0] == 1.0


# -- a shard's rounds ----------------------------------------------------------------------------


def toy_corpus(n_sentences=60, seed=0):
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(30)]
    return [[words[j] for j in rng.integers(0, 30, rng.integers(2, 40))] for _ in range(n_sentences)]


def setup_for(vocab, n_tokens, **over):
    params = dict(
        vector_size=8,
        sg=1,
        hs=0,
        negative=3,
        window=3,
        sample=0.0,
        ns_exponent=0.75,
        cbow_mean=1,
        shrink_windows=True,
        batched=True,
        alpha=0.025,
        min_alpha=0.0001,
        epochs=2,
        seed=7,
        rounds=3,
        shuffle=True,
        block_words=50,
        threads=1,
        max_sentence_length=10_000,
    )
    params.update(over)
    n_shards = params.pop("n_shards", 1)
    return shards.Setup(vocab.counts, total_tokens=n_tokens, n_shards=n_shards, **params)


def test_each_epoch_visits_every_block_of_a_shard_once_across_its_rounds():
    corpus = toy_corpus()
    vocab = build_vocab(corpus, min_count=1)
    shard = shards.encode_shard(0, corpus, vocab.key_to_index, 10_000)
    setup = setup_for(vocab, shard.n_tokens, rounds=4)
    for epoch in range(2):
        blocks = [b for r in shards.round_blocks(shard, setup, epoch) for b in r]
        spans = sorted((s0, s1) for s0, s1, _ in blocks)
        assert spans[0][0] == 0 and spans[-1][1] == shard.n_sentences
        assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))  # no gap, no overlap


def test_the_learning_rate_falls_over_the_whole_run_across_rounds_and_shards():
    corpus = toy_corpus(120)
    vocab = build_vocab(corpus, min_count=1)
    halves = [shards.encode_shard(i, corpus[i::2], vocab.key_to_index, 10_000) for i in range(2)]
    n = sum(s.n_tokens for s in halves)
    setup = setup_for(vocab, n, n_shards=2, rounds=3, epochs=2)
    for shard in halves:
        lrs = []
        for epoch in range(2):
            for rnd in range(3):
                jobs = shards.round_jobs(shard, setup, epoch, rnd)
                bounds = shards.round_bounds(setup, epoch)
                g0 = epoch * n + n * bounds[rnd]
                g1 = epoch * n + n * bounds[rnd + 1]
                assert jobs[0].lr_start == pytest.approx(shards.lr_at(setup, g0))
                assert jobs[-1].lr_end == pytest.approx(shards.lr_at(setup, g1))
                lrs += [(j.lr_start, j.lr_end) for j in jobs]
        flat = [x for pair in lrs for x in pair]
        assert all(a >= b for a, b in zip(flat, flat[1:], strict=False))  # never rises
        assert flat[0] == pytest.approx(0.025) and flat[-1] == pytest.approx(0.0001)


@pytest.mark.parametrize("epochs,epoch", [(1, 0), (3, 0), (3, 2)])
def test_rounds_split_each_epoch_into_equal_learning_rate_mass(epochs, epoch):
    vocab = build_vocab(toy_corpus(), min_count=1)
    setup = setup_for(vocab, 1_000_000, rounds=8, epochs=epochs, alpha=0.05, min_alpha=0.0)
    bounds = shards.round_bounds(setup, epoch)
    assert bounds[0] == 0 and bounds[-1] == 1 and np.all(np.diff(bounds) > 0)
    n = setup.total_tokens
    masses = []
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        x = np.linspace((epoch + lo) * n, (epoch + hi) * n, 2001)
        lr = np.array([shards.lr_at(setup, p) for p in x])
        masses.append(np.trapezoid(lr, x))
    assert np.allclose(masses, masses[0], rtol=1e-6)
    sizes = np.diff(bounds)
    assert sizes[0] < sizes[-1]  # short rounds while the rate is high
    flat = setup_for(vocab, 1_000_000, rounds=4, alpha=0.02, min_alpha=0.02)
    assert np.allclose(shards.round_bounds(flat, 0), [0, 0.25, 0.5, 0.75, 1])


def test_a_round_is_a_pure_function_of_what_it_is_sent():
    corpus = toy_corpus()
    vocab = build_vocab(corpus, min_count=1)
    shard = shards.encode_shard(3, corpus, vocab.key_to_index, 10_000)
    setup = setup_for(vocab, shard.n_tokens)
    w = run.initial(vocab, setup)
    before = {k: (None if v is None else v.copy()) for k, v in w.items()}
    a = shards.train_round(setup, w, shard, 1, 2)
    b = shards.train_round(pickle.loads(pickle.dumps(setup)), w, pickle.loads(pickle.dumps(shard)), 1, 2)
    assert all(v is None or np.array_equal(v, before[k]) for k, v in w.items())  # the weights sent stay
    for name in a.rows:
        assert np.array_equal(a.rows[name], b.rows[name])
        assert np.array_equal(a.deltas[name], b.deltas[name])
    assert a.stats == b.stats and a.stats[1] > 0


@pytest.mark.parametrize(
    "config", [dict(sg=1, hs=0, negative=3), dict(sg=1, hs=1, negative=0), dict(sg=0, hs=1, negative=2)]
)
def test_one_shard_in_one_round_trains_as_one_machine_does(config):
    """The oracle for the whole distributed path: with one shard and one round per epoch it must
    give Word2Vec(workers=1)'s vectors (same draws, same learning rates, same order)."""
    corpus = toy_corpus(200, seed=1)
    common = dict(
        vector_size=8, window=3, sample=1e-3, epochs=2, seed=7, min_count=1, batch_words=50, **config
    )
    one = Word2Vec(corpus, workers=1, progress=False, **common)
    vocab = one.vocab_
    shard = shards.encode_shard(0, corpus, vocab.key_to_index, 10_000)
    over = {k: v for k, v in common.items() if k not in ("min_count", "batch_words")}
    setup = setup_for(vocab, shard.n_tokens, rounds=1, block_words=50, **over)
    w = run.initial(vocab, setup)
    history = run.train(setup, w, run.LocalShards(setup, [shard]), scheme="sum")
    assert np.allclose(w["w_in"], one.wv.vectors, rtol=0, atol=1e-6)
    for name in ("w_out_ns", "w_out_hs"):
        if getattr(one, name) is not None:
            assert np.allclose(w[name], getattr(one, name), rtol=0, atol=1e-6)
    assert [h.mean_loss for h in history] == pytest.approx(one.loss_history_, rel=1e-9)


def test_more_shards_still_learn_the_structure_of_the_text():
    """Two groups of words that never share a sentence end up apart, at 1, 2 and 4 shards."""
    rng = np.random.default_rng(3)
    groups = [[f"a{i}" for i in range(6)], [f"b{i}" for i in range(6)]]
    corpus = [list(rng.choice(groups[i % 2], 12)) for i in range(600)]
    vocab = build_vocab(corpus, min_count=1)
    for n_shards in (1, 2, 4):
        parts = [
            shards.encode_shard(i, corpus[i::n_shards], vocab.key_to_index, 10_000) for i in range(n_shards)
        ]
        setup = setup_for(
            vocab,
            sum(p.n_tokens for p in parts),
            n_shards=n_shards,
            epochs=5,
            rounds=4,
            vector_size=16,
            sample=0.0,
        )
        w = run.initial(vocab, setup)
        run.train(setup, w, run.LocalShards(setup, parts))
        model = run.to_model(vocab, w, setup, [])
        for word in ("a0", "b3"):
            near = [x for x, _ in model.wv.most_similar(word, topn=5)]
            assert all(x[0] == word[0] for x in near), (n_shards, word, near)


# -- the driver ----------------------------------------------------------------------------------


def test_the_vocabulary_from_counts_is_one_machines():
    corpus = [["c", "b", "a", "b"], ["a", "d", "e", "e"], ["f", "c", "d"]]
    one = build_vocab(corpus, min_count=2)
    # counts from "elsewhere", in no particular order, with first positions
    firsts = {"c": (0, 0, 0), "b": (0, 0, 1), "a": (0, 0, 2), "d": (1, 0, 1), "e": (1, 0, 2), "f": (1, 1, 0)}
    counts = {"a": 2, "b": 2, "c": 2, "d": 2, "e": 2}  # f (count 1) left out, as min_count allows
    words = ["e", "a", "d", "c", "b"]
    got = run.vocabulary(words, [counts[w] for w in words], [firsts[w] for w in words], 11, min_count=2)
    assert got.index_to_key == one.index_to_key
    assert got.counts.tolist() == one.counts.tolist()
    assert got.total_words == one.total_words == 11


def test_the_driver_refuses_a_round_with_a_missing_or_doubled_shard():
    corpus = toy_corpus()
    vocab = build_vocab(corpus, min_count=1)
    parts = [shards.encode_shard(i, corpus[i::2], vocab.key_to_index, 10_000) for i in range(2)]
    setup = setup_for(vocab, sum(p.n_tokens for p in parts), n_shards=2)
    local = run.LocalShards(setup, parts)
    with pytest.raises(RuntimeError, match="returned shards"):
        run.train(setup, run.initial(vocab, setup), lambda e, r, w: local(e, r, w)[:1])
    with pytest.raises(RuntimeError, match="returned shards"):
        run.train(setup, run.initial(vocab, setup), lambda e, r, w: local(e, r, w) + local(e, r, w)[:1])


@pytest.mark.parametrize("config", [dict(sg=1, hs=1, negative=0), dict(sg=0, hs=1, negative=2)])
def test_a_round_reports_every_row_it_changed(config, monkeypatch):
    """The rows compared are only the candidates (the round's words and their tree nodes); the
    update must equal the one found by comparing every row."""
    corpus = toy_corpus(100, seed=4)
    vocab = build_vocab(corpus, min_count=1)
    shard = shards.encode_shard(1, corpus, vocab.key_to_index, 10_000)
    setup = setup_for(vocab, shard.n_tokens, rounds=3, **config)
    w = run.initial(vocab, setup)
    w["w_out_hs"][:] = np.random.default_rng(0).normal(size=w["w_out_hs"].shape)  # every node live
    fast = shards.train_round(setup, w, shard, 0, 1)
    monkeypatch.setattr(shards, "_candidates", lambda *args: {})
    full = shards.train_round(setup, w, shard, 0, 1)
    assert set(fast.rows) == set(full.rows)
    for name in full.rows:
        assert len(full.rows[name]) > 0
        assert np.array_equal(fast.rows[name], full.rows[name]), name
        assert np.array_equal(fast.deltas[name], full.deltas[name]), name


def test_progress_is_reported_after_every_round_up_to_the_whole_run():
    corpus = toy_corpus()
    vocab = build_vocab(corpus, min_count=1)
    parts = [shards.encode_shard(i, corpus[i::2], vocab.key_to_index, 10_000) for i in range(2)]
    setup = setup_for(vocab, sum(p.n_tokens for p in parts), n_shards=2, rounds=3, epochs=2)
    seen = []
    run.train(
        setup,
        run.initial(vocab, setup),
        run.LocalShards(setup, parts),
        progress=lambda done, total, lr, stats, epoch: seen.append((done, total, lr, epoch)),
    )
    assert len(seen) == 6
    assert [s[0] for s in seen] == sorted(s[0] for s in seen)
    assert seen[-1][0] == seen[-1][1] == 2 * setup.total_tokens
    assert [s[3] for s in seen] == [0, 0, 0, 1, 1, 1]
    assert seen[-1][2] == pytest.approx(0.0001)
