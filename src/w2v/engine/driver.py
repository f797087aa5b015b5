"""The threaded driver: cuts the encoded corpus into blocks and runs them
through the kernel on ``workers`` threads sharing the weights (Hogwild).

Schedule. The corpus is cut into blocks of whole sentences of about
``block_words`` tokens. Each epoch visits every block once, in a fresh
random order (``shuffle=True``, drawn from (seed, epoch) alone) or in corpus
order (``shuffle=False``, as word2vec.c and gensim do). The learning rate
follows the tokens processed: a block that starts t tokens into epoch e
(in that epoch's order) and holds n tokens runs from alpha - (alpha -
min_alpha) (e N + t)/EN to alpha - (alpha - min_alpha) (e N + t + n)/EN, so
the whole run decays linearly from ``alpha`` to ``min_alpha`` whatever
thread runs what. Epochs run one after another (all threads finish epoch e
before any starts e + 1).

Why shuffle. Real corpora are ordered by topic (text8 is Wikipedia in
alphabetical order of articles): in corpus order the weights drift toward
each stretch of text in turn, and the last stretches of the last epoch,
trained at the lowest learning rates, weigh most. Visiting the blocks in a
new order each epoch (random reshuffling, standard for SGD) removes that
drift; on text8e it raises CBOW's analogy score by about a point (see
benchmarks/README.md). Windows never span two sentences, so moving whole
blocks changes no training example.

Randomness. Each block's random stream is seeded from (seed, epoch, block)
alone, and so is each epoch's order. With one worker the blocks run in
order and a run is bit-for-bit reproducible. With several workers the
threads update shared weights without locks (Hogwild, as word2vec.c and
gensim do): the races make runs differ slightly, by design.

Loss. Each block returns the float64 sum of its objective over the
predictions it trained on; the driver adds those up per epoch in float64
(``EpochStats.mean_loss``). That tally is taken while the weights move, and
text repeats itself locally, so at a high learning rate it is optimistic:
a prediction is scored just after updates on very similar ones. After each
epoch the driver therefore also measures the objective with the weights
frozen (learning rate 0) on a fixed sample of blocks, with the same random
draws every epoch (``EpochStats.eval_loss``): that figure compares across
epochs.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass

import numpy as np

GOLDEN = 0x9E3779B97F4A7C15
MASK64 = (1 << 64) - 1
EVAL_EPOCH = -1  # the "epoch" whose seeds the frozen evaluation uses, every time


def _mix(z):
    """splitmix64's output function: a bijection of 64-bit integers that scatters nearby inputs."""
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9 & MASK64
    z = (z ^ (z >> 27)) * 0x94D049BB133111EB & MASK64
    return z ^ (z >> 31)


def block_seed(seed, epoch, block):
    """The seed of one block's random stream, hashed from (seed, epoch, block).

    The kernel's splitmix64 stream steps its state by GOLDEN, so seeds must
    not be related by multiples of GOLDEN (a plain ``seed * GOLDEN + ...``
    made seed s + 1's stream seed s's shifted by one draw): each part goes
    through the mixing function instead.
    """
    h = _mix((int(seed) * GOLDEN + 0x2545F4914F6CDD1D) & MASK64)
    h = _mix((h ^ ((int(epoch) + 2) & MASK64)) * GOLDEN & MASK64)
    return _mix((h ^ ((int(block) + 1) & MASK64)) * GOLDEN & MASK64)


def block_order(seed, epoch, n_blocks):
    """Epoch ``epoch``'s order of the blocks 0 .. n_blocks - 1: a permutation drawn from
    (seed, epoch) alone, the blocks sorted by the first n_blocks outputs of a splitmix64
    stream seeded from (seed, epoch) (block id -2, which no block has)."""
    state = block_seed(seed, epoch, -2)
    keys = [_mix((state + (b + 1) * GOLDEN) & MASK64) for b in range(n_blocks)]
    return np.argsort(np.array(keys, dtype=np.uint64), kind="stable")


def cut_blocks(offsets, block_words):
    """Sentence indices where blocks start, plus the end: blocks of whole
    sentences holding at least ``block_words`` tokens (the last may be short)."""
    n_sentences = len(offsets) - 1
    targets = np.arange(block_words, offsets[-1], block_words)
    cuts = np.searchsorted(offsets, targets, side="left")
    return np.unique(np.concatenate([[0], cuts, [n_sentences]]))


def eval_sample(n_blocks, fraction=0.01, least=8, most=20):
    """Block indices of the frozen evaluation: evenly spread, about ``fraction`` of the corpus,
    but at least ``least`` blocks (all of a smaller corpus) and at most ``most``.

    With shuffled epochs a block trained just before the evaluation scores better than one
    trained long before; averaging over several blocks keeps that from swinging the figure."""
    count = min(n_blocks, max(least, min(most, int(round(n_blocks * fraction)))))
    return [int(b) for b in np.unique(np.linspace(0, n_blocks - 1, count).round().astype(int))]


@dataclass
class EpochStats:
    loss: float = 0.0  # sum over the predictions trained on, float64
    predictions: float = 0.0
    words: float = 0.0  # in-vocabulary words read
    kept: float = 0.0  # words left after subsampling
    blocks: int = 0
    eval_loss: float = float("nan")  # mean objective on the evaluation sample, weights frozen

    @property
    def mean_loss(self):
        return self.loss / self.predictions if self.predictions else float("nan")


@dataclass
class RunResult:
    """What a call to train did: the epochs completed and, if it was stopped,
    where (``stopped_at = (epoch, next_block)``) and that epoch's stats so far."""

    epochs: list
    stopped_at: tuple | None
    partial: EpochStats | None


def train(
    kernel,
    corpus,
    *,
    epochs,
    alpha,
    min_alpha,
    workers,
    seed,
    block_words=10_000,
    shuffle=False,
    start_epoch=0,
    start_block=0,
    partial=None,
    epoch_offset=0,
    progress=None,
    stop=None,
    evaluate=True,
):
    """Run epochs ``start_epoch .. epochs - 1`` of a run of ``epochs`` over ``corpus``
    (a w2v.vocab.EncodedCorpus), the first of them from its ``start_block``-th
    block on (counted in that epoch's order: see ``shuffle`` and ``block_order``).

    The learning rate falls from ``alpha`` to ``min_alpha`` over the whole run
    (all ``epochs``), so a run resumed at (start_epoch, start_block) continues
    the schedule exactly. Block seeds use epoch ``epoch_offset + epoch`` so that
    a second run on the same model draws fresh numbers. ``partial`` is the
    EpochStats of the blocks of ``start_epoch`` done before.

    ``progress(done_words, total_words, lr, stats_of_current_epoch, epoch)`` is
    called about twice a second from the calling thread. ``stop`` is a
    ``threading.Event``; when set, workers finish the block they are on (a
    safe point) and take no more. Blocks are handed out in order and every
    block handed out is finished, so the blocks done always form a prefix.
    Returns a RunResult.
    """
    offsets = corpus.offsets
    cuts = cut_blocks(offsets, block_words)
    n_blocks = len(cuts) - 1
    n_tokens = corpus.n_tokens
    total = epochs * n_tokens
    stop = stop or threading.Event()
    block_sizes = offsets[cuts[1:]] - offsets[cuts[:-1]]
    biggest = max(int(block_sizes.max()) if len(block_sizes) else 0, 1)
    longest = max(corpus.longest_sentence, 1)
    sample = eval_sample(n_blocks) if evaluate and n_blocks else []

    def lr_at(position):
        return alpha - (alpha - min_alpha) * min(position / total, 1.0) if total else alpha

    def run(jobs, stats, position):
        """Run (epoch, block, frozen, start) jobs on the workers, ``start`` being the
        token position in the run (for the learning rate); returns False if stopped."""
        if not jobs:
            return True
        counter = itertools.count()
        lock = threading.Lock()
        errors = []

        def work():
            scratch = kernel.scratch(longest)
            ids = np.empty(biggest, dtype=np.int32)
            try:
                while not stop.is_set():
                    i = next(counter)
                    if i >= len(jobs):
                        return
                    epoch, block, frozen, start = jobs[i]
                    s0, s1 = cuts[block], cuts[block + 1]
                    lo, hi = int(offsets[s0]), int(offsets[s1])
                    lr0, lr1 = (0.0, 0.0) if frozen else (lr_at(start), lr_at(start + hi - lo))
                    result = kernel.train_block(
                        corpus.read(lo, hi, ids),
                        offsets[s0 : s1 + 1],
                        lr0,
                        lr1,
                        block_seed(seed, EVAL_EPOCH if frozen else epoch_offset + epoch, block),
                        scratch,
                    )
                    with lock:
                        stats.loss += result[0]
                        stats.predictions += result[1]
                        stats.words += result[2]
                        stats.kept += result[3]
                        stats.blocks += 1
                        if not frozen:  # blocks finish out of order: report the furthest
                            position[0] = max(position[0], start + hi - lo)
            except BaseException as exc:  # surfaced in the calling thread
                errors.append(exc)
                stop.set()

        # One worker takes the blocks strictly in order, so its run is reproducible.
        threads = [threading.Thread(target=work, name=f"w2v-worker-{i}", daemon=True) for i in range(workers)]
        for t in threads:
            t.start()
        try:
            while alive := [t for t in threads if t.is_alive()]:
                alive[0].join(timeout=0.5)
                if progress is not None and not jobs[0][2]:
                    with lock:
                        progress(position[0], total, lr_at(position[0]), stats, jobs[0][0])
        except KeyboardInterrupt:
            stop.set()
            for t in threads:
                t.join()
            raise
        if errors:
            raise errors[0]
        return stats.blocks == len(jobs)

    if not 0 <= start_block <= n_blocks:
        raise ValueError(f"start_block={start_block} is outside the corpus's {n_blocks} blocks")

    def order_of(epoch):
        """The blocks of ``epoch`` in the order they run, and where each starts in the run."""
        order = block_order(seed, epoch_offset + epoch, n_blocks) if shuffle else np.arange(n_blocks)
        starts = epoch * n_tokens + np.concatenate([[0], np.cumsum(block_sizes[order])[:-1]])
        return order.tolist(), starts.tolist()

    done = []
    first = start_block
    order, starts = order_of(start_epoch)
    position = [starts[first] if first < n_blocks else (start_epoch + 1) * n_tokens]
    for epoch in range(start_epoch, epochs):
        stats = partial if (epoch == start_epoch and partial is not None) else EpochStats()
        before = stats.blocks
        stats.blocks = 0
        if epoch != start_epoch:
            order, starts = order_of(epoch)
        jobs = [(epoch, order[k], False, starts[k]) for k in range(first, n_blocks)]
        finished = run(jobs, stats, position)
        reached = first + stats.blocks
        stats.blocks += before
        if not finished:
            return RunResult(done, (epoch, reached), stats)
        first = 0
        if len(sample):
            frozen = EpochStats()
            if not run([(epoch, b, True, 0) for b in sample], frozen, position):
                return RunResult(done, (epoch, n_blocks), stats)
            stats.eval_loss = frozen.mean_loss
        done.append(stats)
    return RunResult(done, None, None)
