"""The driver and its worker pool run a schedule: which blocks run, in what order,
at what learning rate, and where a stopped run resumes.

A recording kernel stands in for the compiled one, so these tests see every
call the driver makes. The expected learning rates are computed here from
the block sizes alone: alpha - (alpha - min_alpha) * (tokens before) / (all tokens).
(The schedule on its own, without threads: tests/test_schedule.py.)
"""

import threading

import numpy as np
import pytest

from w2v import schedule as sched
from w2v.engine import driver
from w2v.model import Word2Vec

ALPHA, MIN_ALPHA = 0.5, 0.1


class RecordingKernel:
    def __init__(self, stop_after=None, stop=None):
        self.calls = []
        self.stop_after, self.stop = stop_after, stop

    def scratch(self, longest_sentence):
        return None

    def train_block(self, ids, offsets, lr_start, lr_end, seed, scratch):
        n = int(offsets[-1] - offsets[0])
        assert len(ids) >= n
        self.calls.append((int(offsets[0]), n, lr_start, lr_end, seed))
        if self.stop_after is not None and len(self.calls) >= self.stop_after:
            self.stop.set()
        return (0.0, float(n), float(n), float(n))


@pytest.fixture(scope="module")
def encoded():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(20)]
    sentences = [list(rng.choice(words, size=int(rng.integers(1, 30)))) for _ in range(120)]
    model = Word2Vec(min_count=1, workers=1, progress=None)
    model.build_vocab(sentences)
    return model._encoded[1]


def run(encoded, *, shuffle, seed=7, epochs=3, kernel=None, **kw):
    kernel = kernel or RecordingKernel()
    schedule = sched.Schedule(
        encoded.offsets,
        epochs=epochs,
        alpha=ALPHA,
        min_alpha=MIN_ALPHA,
        seed=seed,
        block_words=50,
        shuffle=shuffle,
        evaluate=False,
    )
    result = driver.train(kernel, encoded, schedule, workers=1, **kw)
    return kernel.calls, result


def block_starts(encoded):
    offsets = np.asarray(encoded.offsets)
    return [int(offsets[c]) for c in sched.cut_blocks(offsets, 50)[:-1]]


def epochs_of(calls, n_blocks):
    return [calls[i : i + n_blocks] for i in range(0, len(calls), n_blocks)]


@pytest.mark.parametrize("shuffle", [True, False])
def test_every_epoch_runs_every_block_once_on_one_linear_schedule(encoded, shuffle):
    starts = block_starts(encoded)
    calls, result = run(encoded, shuffle=shuffle)
    assert len(starts) > 20 and len(calls) == 3 * len(starts) and result.stopped_at is None
    orders = [[c[0] for c in epoch] for epoch in epochs_of(calls, len(starts))]
    for order in orders:
        assert sorted(order) == starts  # each block exactly once
    if shuffle:
        assert all(order != starts for order in orders)
        assert len({tuple(o) for o in orders}) == 3  # a fresh order each epoch
    else:
        assert all(order == starts for order in orders)
    total = 3 * encoded.n_tokens
    done = 0
    for _, n, lr0, lr1, _ in calls:  # the rate follows the tokens processed, in the order run
        assert lr0 == pytest.approx(ALPHA - (ALPHA - MIN_ALPHA) * done / total, abs=1e-12)
        done += n
        assert lr1 == pytest.approx(ALPHA - (ALPHA - MIN_ALPHA) * done / total, abs=1e-12)
    assert calls[0][2] == pytest.approx(ALPHA) and calls[-1][3] == pytest.approx(MIN_ALPHA)


def test_block_seeds_do_not_depend_on_the_order(encoded):
    shuffled, _ = run(encoded, shuffle=True)
    plain, _ = run(encoded, shuffle=False)
    n = len(block_starts(encoded))
    assert len(shuffled) == len(plain) == 3 * n
    for a, b in zip(epochs_of(shuffled, n), epochs_of(plain, n), strict=True):
        assert {c[0]: c[4] for c in a} == {c[0]: c[4] for c in b}


def test_the_order_comes_from_the_seed_alone(encoded):
    first, _ = run(encoded, shuffle=True, seed=7)
    again, _ = run(encoded, shuffle=True, seed=7)
    other, _ = run(encoded, shuffle=True, seed=8)
    assert [c[:4] for c in first] == [c[:4] for c in again]
    assert [c[0] for c in first] != [c[0] for c in other]


@pytest.mark.parametrize("stop_after", [1, 17, 40])
def test_a_stopped_shuffled_run_resumes_with_the_same_blocks_rates_and_seeds(encoded, stop_after):
    whole, _ = run(encoded, shuffle=True)
    stop = threading.Event()
    part1, result = run(encoded, shuffle=True, kernel=RecordingKernel(stop_after, stop), stop=stop)
    epoch, block = result.stopped_at
    part2, rest = run(encoded, shuffle=True, start_epoch=epoch, start_block=block)
    assert rest.stopped_at is None
    assert part1 + part2 == whole
