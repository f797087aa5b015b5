"""The training schedule: which blocks run, in which order, at which learning
rate, with which random seed; where a stopped run resumes; which blocks the
frozen evaluation uses. Pure: no threads, no kernel, no weights.

The threaded engine (``w2v.engine``) runs a schedule's jobs through the
compiled kernel; the reference trainer (``w2v.reference.trainer``) runs the
same jobs through the reference math; a distributed engine can hand them to
other machines.

Blocks. The corpus is cut into blocks of whole sentences of about
``block_words`` tokens (``cut_blocks``). Each epoch visits every block once, in a fresh
random order (``shuffle=True``, drawn from (seed, epoch) alone) or in corpus
order (``shuffle=False``, as word2vec.c and gensim do).

Learning rate. It follows the tokens processed: a block that starts t tokens
into epoch e (in that epoch's order) and holds n tokens runs from
alpha - (alpha - min_alpha) (e N + t)/EN to alpha - (alpha - min_alpha)
(e N + t + n)/EN, so the whole run decays linearly from ``alpha`` to
``min_alpha`` whatever thread runs what.

Why shuffle. Real corpora are ordered by topic (text8 is Wikipedia in
alphabetical order of articles): in corpus order the weights drift toward
each stretch of text in turn, and the last stretches of the last epoch,
trained at the lowest learning rates, weigh most. Visiting the blocks in a
new order each epoch (random reshuffling, standard for SGD) removes that
drift; on text8e it raises CBOW's analogy score by about a point (see
benchmarks/README.md). Windows never span two sentences, so moving whole
blocks changes no training example.

Randomness. Each block's random stream is seeded from (seed, epoch, block)
alone, and so is each epoch's order; the frozen evaluation uses the same
seeds every epoch (epoch ``EVAL_EPOCH``), so its figure compares across
epochs. ``epoch_offset`` shifts the epochs a second run on the same model
draws from, so it sees fresh numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GOLDEN = 0x9E3779B97F4A7C15
MASK64 = (1 << 64) - 1
EVAL_EPOCH = -1  # the "epoch" whose seeds the frozen evaluation uses, every time
BLOCK_WORDS = 10_000


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
    """Sentence indices where blocks start, plus the end: blocks of whole sentences, cut at
    the first sentence that starts at or after each multiple of ``block_words`` tokens (so a
    block holds about ``block_words`` tokens, fewer or more by up to a sentence)."""
    n_sentences = len(offsets) - 1
    targets = np.arange(block_words, offsets[-1], block_words)
    cuts = np.searchsorted(offsets, targets, side="left")
    return np.unique(np.concatenate([[0], cuts, [n_sentences]]))


def longest_sentence(offsets, slice_size=1 << 20):
    """The most tokens in one sentence (0 for none), with no temporary the size of ``offsets``."""
    longest = 0
    for start in range(0, len(offsets) - 1, slice_size):
        part = np.asarray(offsets[start : start + slice_size + 1])
        longest = max(longest, int(np.diff(part).max()))
    return longest


def eval_sample(n_blocks, fraction=0.01, least=8, most=20):
    """Block indices of the frozen evaluation: evenly spread, about ``fraction`` of the corpus,
    but at least ``least`` blocks (all of a smaller corpus) and at most ``most``.

    With shuffled epochs a block trained just before the evaluation scores better than one
    trained long before; averaging over several blocks keeps that from swinging the figure."""
    count = min(n_blocks, max(least, min(most, int(round(n_blocks * fraction)))))
    return [int(b) for b in np.unique(np.linspace(0, n_blocks - 1, count).round().astype(int))]


@dataclass(frozen=True)
class Job:
    """One block to train (or, ``frozen``, to score with the learning rate at 0).

    Sentences ``s0 .. s1 - 1`` of the corpus, tokens ``lo .. hi - 1``; the
    learning rate runs from ``lr_start`` to ``lr_end`` across the block;
    ``end`` is the run's token position once the block is done (progress).
    """

    epoch: int  # epoch of the run (0-based), EVAL_EPOCH's jobs carry the epoch they evaluate
    block: int  # block index in corpus order
    s0: int
    s1: int
    lo: int
    hi: int
    lr_start: float
    lr_end: float
    seed: int
    frozen: bool = False
    end: int = 0

    @property
    def start(self):
        """The run's token position when the block starts (0 for a frozen job)."""
        return 0 if self.frozen else self.end - (self.hi - self.lo)


class Schedule:
    """The schedule of a run of ``epochs`` epochs over a corpus with sentence ``offsets``.

    ``offsets`` (S + 1,) int64: sentence s is tokens offsets[s] .. offsets[s + 1].
    """

    def __init__(
        self,
        offsets,
        *,
        epochs,
        alpha,
        min_alpha,
        seed,
        shuffle=True,
        epoch_offset=0,
        block_words=BLOCK_WORDS,
        evaluate=True,
    ):
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.epochs = int(epochs)
        self.alpha, self.min_alpha = float(alpha), float(min_alpha)
        self.seed = int(seed)
        self.shuffle = bool(shuffle)
        self.epoch_offset = int(epoch_offset)
        self.cuts = cut_blocks(self.offsets, block_words)
        self.n_blocks = len(self.cuts) - 1
        self.n_tokens = int(self.offsets[-1])
        self.total = self.epochs * self.n_tokens
        self.block_sizes = self.offsets[self.cuts[1:]] - self.offsets[self.cuts[:-1]]  # (B,) int64
        self.eval_blocks = eval_sample(self.n_blocks) if evaluate and self.n_blocks else []

    @property
    def biggest_block(self):
        """Tokens in the largest block (at least 1): the size of a worker's id buffer."""
        return max(int(self.block_sizes.max()) if self.n_blocks else 0, 1)

    @property
    def longest_sentence(self):
        return max(longest_sentence(self.offsets), 1)

    def lr_at(self, position):
        """The learning rate once ``position`` tokens of the run are done."""
        if not self.total:
            return self.alpha
        return self.alpha - (self.alpha - self.min_alpha) * min(position / self.total, 1.0)

    def order(self, epoch):
        """The blocks of ``epoch`` in the order they run (a list of block indices)."""
        if self.shuffle:
            return block_order(self.seed, self.epoch_offset + epoch, self.n_blocks).tolist()
        return list(range(self.n_blocks))

    def position(self, epoch, k):
        """Tokens of the run done before the ``k``-th block (in run order) of ``epoch``."""
        order = self.order(epoch)
        return epoch * self.n_tokens + int(self.block_sizes[order[:k]].sum())

    def _job(self, epoch, block, start, frozen=False):
        s0, s1 = int(self.cuts[block]), int(self.cuts[block + 1])
        lo, hi = int(self.offsets[s0]), int(self.offsets[s1])
        if frozen:
            lr0 = lr1 = 0.0
            seed = block_seed(self.seed, EVAL_EPOCH, block)
        else:
            lr0, lr1 = self.lr_at(start), self.lr_at(start + hi - lo)
            seed = block_seed(self.seed, self.epoch_offset + epoch, block)
        return Job(epoch, block, s0, s1, lo, hi, lr0, lr1, seed, frozen, start + (0 if frozen else hi - lo))

    def epoch_jobs(self, epoch, start=0):
        """The jobs of ``epoch`` from its ``start``-th block (in run order) on."""
        if not 0 <= epoch < self.epochs:
            raise ValueError(f"epoch {epoch} is outside the run's {self.epochs} epochs")
        if not 0 <= start <= self.n_blocks:
            raise ValueError(f"block {start} is outside the corpus's {self.n_blocks} blocks")
        order = self.order(epoch)
        position = self.position(epoch, start)
        jobs = []
        for block in order[start:]:
            jobs.append(self._job(epoch, block, position))
            position = jobs[-1].end
        return jobs

    def eval_jobs(self, epoch):
        """The frozen evaluation after ``epoch``: the sample blocks, learning rate 0, fixed seeds."""
        return [self._job(epoch, b, 0, frozen=True) for b in self.eval_blocks]
