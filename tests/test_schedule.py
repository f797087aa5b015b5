"""The schedule on its own, with no threads and no kernel: which blocks run in which
order, each block's learning-rate range and seed, where a stopped run resumes, and
what the frozen evaluation uses. Expected values are computed here from the block
sizes: lr = alpha - (alpha - min_alpha) * (tokens before) / (all tokens).
"""

import numpy as np
import pytest

from w2v import schedule as sched

ALPHA, MIN_ALPHA = 0.5, 0.1


@pytest.fixture(scope="module")
def offsets():
    rng = np.random.default_rng(0)
    lengths = rng.integers(1, 40, size=300)
    return np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)


def make(offsets, **kw):
    args = dict(epochs=3, alpha=ALPHA, min_alpha=MIN_ALPHA, seed=7, block_words=50, shuffle=True)
    args.update(kw)
    return sched.Schedule(offsets, **args)


def block_sizes(offsets, block_words=50):
    cuts = sched.cut_blocks(offsets, block_words)
    return {b: int(offsets[cuts[b + 1]] - offsets[cuts[b]]) for b in range(len(cuts) - 1)}


def test_blocks_are_whole_sentences_cut_at_multiples_of_block_words(offsets):
    cuts = sched.cut_blocks(offsets, 50)
    assert cuts[0] == 0 and cuts[-1] == len(offsets) - 1 and (np.diff(cuts) > 0).all()
    for c in cuts[1:-1]:  # the first sentence starting at or after a multiple of 50 tokens
        m = int(offsets[c]) // 50 * 50  # the multiple of 50 at or before sentence c's start ...
        assert offsets[c - 1] < m <= offsets[c]  # ... is after sentence c - 1's start
    sizes = offsets[cuts[1:]] - offsets[cuts[:-1]]
    assert sizes.sum() == offsets[-1] and sizes.max() < 50 + 40  # sentences here are < 40 tokens
    assert len(cuts) - 1 == pytest.approx(offsets[-1] / 50, rel=0.1)


@pytest.mark.parametrize("shuffle", [True, False])
def test_each_epoch_runs_every_block_once_on_one_linear_rate(offsets, shuffle):
    s = make(offsets, shuffle=shuffle)
    sizes = block_sizes(offsets)
    total, done, orders = 3 * int(offsets[-1]), 0, []
    for epoch in range(3):
        jobs = s.epoch_jobs(epoch)
        orders.append([j.block for j in jobs])
        assert sorted(orders[-1]) == list(range(len(sizes)))
        for j in jobs:
            assert (j.hi - j.lo) == sizes[j.block] and j.epoch == epoch and not j.frozen
            assert j.start == done
            assert j.lr_start == pytest.approx(ALPHA - (ALPHA - MIN_ALPHA) * done / total, abs=1e-12)
            done += sizes[j.block]
            assert j.end == done
            assert j.lr_end == pytest.approx(ALPHA - (ALPHA - MIN_ALPHA) * done / total, abs=1e-12)
    assert done == total
    if shuffle:
        assert len({tuple(o) for o in orders}) == 3 and orders[0] != sorted(orders[0])
    else:
        assert all(o == list(range(len(sizes))) for o in orders)


def test_a_resumed_epoch_is_the_rest_of_the_same_epoch(offsets):
    s = make(offsets)
    for epoch in range(3):
        whole = s.epoch_jobs(epoch)
        for k in (0, 1, 5, len(whole) - 1, len(whole)):
            assert s.epoch_jobs(epoch, k) == whole[k:]
            assert s.position(epoch, k) == (whole[k].start if k < len(whole) else (epoch + 1) * s.n_tokens)
    with pytest.raises(ValueError, match="outside"):
        s.epoch_jobs(0, s.n_blocks + 1)
    with pytest.raises(ValueError, match="outside"):
        s.epoch_jobs(3)


def test_seeds_depend_on_seed_epoch_and_block_not_on_order(offsets):
    shuffled, ordered = make(offsets), make(offsets, shuffle=False)
    for epoch in range(3):
        a = {j.block: j.seed for j in shuffled.epoch_jobs(epoch)}
        b = {j.block: j.seed for j in ordered.epoch_jobs(epoch)}
        assert a == b
        assert a == {blk: sched.block_seed(7, epoch, blk) for blk in a}
    later = make(offsets, epoch_offset=4)  # a second run on the same model draws fresh numbers
    assert {j.seed for j in later.epoch_jobs(0)} == {sched.block_seed(7, 4, b) for b in range(later.n_blocks)}
    assert later.order(0) == make(offsets).order(4)


def test_the_order_comes_from_the_seed_alone(offsets):
    assert make(offsets).order(1) == make(offsets).order(1)
    assert make(offsets).order(1) != make(offsets, seed=8).order(1)


def test_the_frozen_evaluation_is_fixed_across_epochs(offsets):
    s = make(offsets)
    first = s.eval_jobs(0)
    assert [j.block for j in first] == sched.eval_sample(s.n_blocks) and len(first) == 8
    for epoch in (1, 2):
        later = s.eval_jobs(epoch)
        assert [(j.block, j.seed, j.lo, j.hi) for j in later] == [
            (j.block, j.seed, j.lo, j.hi) for j in first
        ]
    assert all(j.frozen and j.lr_start == j.lr_end == 0.0 for j in first)
    assert {j.seed for j in first}.isdisjoint(j.seed for e in range(3) for j in s.epoch_jobs(e))
    assert make(offsets, evaluate=False).eval_jobs(0) == []


def test_learning_rate_and_sizes_at_the_edges(offsets):
    s = make(offsets)
    assert s.lr_at(0) == ALPHA and s.lr_at(s.total) == pytest.approx(MIN_ALPHA)
    assert s.lr_at(10 * s.total) == pytest.approx(MIN_ALPHA)  # never below min_alpha
    assert s.biggest_block == max(block_sizes(offsets).values())
    assert s.longest_sentence == int(np.diff(offsets).max())
    empty = sched.Schedule(np.zeros(1, np.int64), epochs=1, alpha=0.1, min_alpha=0.0, seed=1)
    assert empty.n_blocks == 0 and empty.epoch_jobs(0) == [] and empty.eval_jobs(0) == []
    assert empty.biggest_block == 1 and empty.lr_at(0) == 0.1


def test_block_streams_of_different_seeds_are_unrelated():
    """The kernel's stream steps its state by GOLDEN: two block seeds that differ by a small
    multiple of GOLDEN would give the same numbers shifted by a few draws."""
    inverse = pow(sched.GOLDEN, -1, 1 << 64)
    seeds = {(s, e, b): sched.block_seed(s, e, b) for s in range(6) for e in (-1, 0, 1, 2) for b in range(40)}
    assert len(set(seeds.values())) == len(seeds)
    values = sorted(seeds.values())
    for x in values[:60]:
        for y in values:
            if x != y:
                steps = (y - x) * inverse & sched.MASK64
                assert min(steps, (1 << 64) - steps) > 10**9  # not within a billion draws of each other


def test_block_order_is_a_permutation_fixed_by_seed_and_epoch():
    n = 1000
    orders = {(s, e): sched.block_order(s, e, n).tolist() for s in range(3) for e in range(3)}
    for order in orders.values():
        assert sorted(order) == list(range(n))
    assert len({tuple(o) for o in orders.values()}) == len(orders)
    assert sched.block_order(2, 1, n).tolist() == orders[(2, 1)]
    # no visible bias: each block's mean position over many epochs is near the middle
    positions = np.zeros(n)
    for e in range(200):
        positions[sched.block_order(5, e, n)] += np.arange(n)
    assert np.abs(positions / 200 - (n - 1) / 2).max() < 0.25 * n
    assert sched.block_order(0, 0, 0).tolist() == [] and sched.block_order(0, 0, 1).tolist() == [0]


def test_the_frozen_evaluation_averages_several_blocks():
    assert sched.eval_sample(3) == [0, 1, 2]  # a small corpus: all of it
    assert len(sched.eval_sample(21)) == 8  # at least 8 blocks
    assert len(sched.eval_sample(1694)) == 17  # about 1 %
    big = sched.eval_sample(10**6)
    assert len(big) == 20 and big[0] == 0 and big[-1] == 10**6 - 1  # at most 20, spread over the corpus
