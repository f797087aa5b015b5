"""One shard's part of a distributed run: its sentences as word ids, the blocks of each
round, and one round of training on a private copy of the weights.

Everything a shard needs travels in two objects: a :class:`Setup` (the
parameters and the vocabulary's counts, sent once) and the weights of the
round (sent every round). A round's result (:class:`w2v.distributed.sync.Update`)
depends on nothing else: not on the machine, the other shards, or whether
the task ran before (a retried task returns the same update).

Learning rate. It falls linearly over the whole run, as on one machine, with
the run's progress counted over all shards together: round r of R in epoch
e covers the run's tokens eN + rN/R .. eN + (r+1)N/R (N the tokens of all
shards), and every shard moves through that span at the same pace, each
over its own share of the round's tokens.

Blocks and rounds. A shard's sentences are cut into blocks of about
``block_words`` tokens (as on one machine); each epoch visits them in a
fresh random order drawn from (seed, shard, epoch), split into R rounds of
about equal tokens. Every block has its own random stream, seeded from
(seed, epoch, shard, block). Shard 0 draws exactly what one machine draws
for the same corpus, so one shard in one round trains as
``Word2Vec(workers=1)`` does, bit for bit (a test holds it).
"""

from __future__ import annotations

import numpy as np

from .. import tables
from ..engine.kernel import KernelModel
from ..engine.pool import WorkerPool
from ..run_state import EpochStats
from ..schedule import BLOCK_WORDS, Job, block_order, block_seed, cut_blocks, longest_sentence
from ..vocab import encode
from .sync import MATRICES, Update, changes

SHARD_STRIDE = 1 << 40  # block ids of shard s are s * SHARD_STRIDE + b in the random streams


class Setup:
    """The parameters of a distributed run and the vocabulary's counts (``counts`` (V,) int64,
    most frequent first, as in a w2v Vocabulary). Picklable; the tables the kernel needs are built
    on first use where it runs and are not pickled."""

    FIELDS = (
        "vector_size",
        "sg",
        "hs",
        "negative",
        "window",
        "sample",
        "ns_exponent",
        "cbow_mean",
        "shrink_windows",
        "batched",
        "alpha",
        "min_alpha",
        "epochs",
        "seed",
        "rounds",
        "shuffle",
        "block_words",
        "threads",
        "max_sentence_length",
    )

    def __init__(self, counts, *, total_tokens=0, n_shards=1, **params):
        missing = [f for f in self.FIELDS if f not in params]
        unknown = [f for f in params if f not in self.FIELDS]
        if missing or unknown:
            raise TypeError(f"Setup needs {missing} and does not take {unknown}")
        self.counts = np.asarray(counts, dtype=np.int64)
        self.total_tokens = int(total_tokens)  # tokens of all shards (the lr schedule's N)
        self.n_shards = int(n_shards)
        self.params = dict(params)
        self._tables = None

    def __getattr__(self, name):
        params = self.__dict__.get("params", {})
        if name in params:
            return params[name]
        raise AttributeError(name)

    def __getstate__(self):
        return {
            "counts": self.counts,
            "total_tokens": self.total_tokens,
            "n_shards": self.n_shards,
            "params": self.params,
            "_tables": None,
        }

    def __setstate__(self, state):
        self.__dict__.update(state)

    @property
    def uses_batched(self):
        return bool(self.batched and self.sg and self.negative and not self.hs)

    def kernel_tables(self):
        """(keep, alias, (points, codes, code_lens)): built once per process."""
        if self._tables is None:
            huffman = tables.huffman_table(self.counts) if self.hs else None
            self._tables = tables.kernel_tables(self.counts, self.sample, self.ns_exponent, huffman)
        return self._tables

    def row_loads(self):
        """{matrix: (rows,) float64}: how many updates one shard is expected to make to each row
        in one round (occurrences kept after subsampling, shared out over shards and rounds;
        a hierarchical-softmax node counts the words below it, a negative-sampling output row its
        word's occurrences and its expected draws as a negative)."""
        keep, alias, (points, codes, lens) = self.kernel_tables()
        kept = self.counts * keep
        share = 1.0 / (self.rounds * max(self.n_shards, 1))
        loads = {"w_in": kept * share}
        if self.hs:
            nodes = np.zeros(max(len(kept) - 1, 0))
            for w in range(len(kept)):
                nodes[points[w, : lens[w]]] += kept[w]
            loads["w_out_hs"] = nodes * share
        if self.negative:
            q = self.counts.astype(np.float64) ** self.ns_exponent
            q /= q.sum()
            loads["w_out_ns"] = (kept + self.negative * kept.sum() * q) * share
        return loads

    def step_sizes(self, weights, lr):
        """{matrix: relative size of one update} at learning rate ``lr``: how far one update
        moves a row toward the point its updates pull it to, lr times the curvature of the loss
        in that row, bounded with the logistic's slope (at most 1/4) and the squared norms of
        the rows it is multiplied with (weighted by how often words occur). Small vectors (the
        start of training) give small steps, so the shards' changes add up."""
        keep, alias, (points, codes, lens) = self.kernel_tables()
        kept = self.counts * keep
        kept = kept / max(kept.sum(), 1e-300)
        in2 = np.einsum("ij,ij->i", weights["w_in"], weights["w_in"], dtype=np.float64)
        steps = {"w_out_hs": 0.25 * lr * float(kept @ in2), "w_out_ns": 0.25 * lr * float(kept @ in2)}
        curvature = 0.0
        if self.hs and weights.get("w_out_hs") is not None:
            u = weights["w_out_hs"]
            node2 = np.append(np.einsum("ij,ij->i", u, u, dtype=np.float64), 0.0)
            mask = np.arange(points.shape[1])[None, :] < lens[:, None]
            path = np.where(mask, node2[np.where(mask, points, len(node2) - 1)], 0.0).sum(axis=1)
            curvature += float(kept @ path)
        if self.negative and weights.get("w_out_ns") is not None:
            u = weights["w_out_ns"]
            out2 = np.einsum("ij,ij->i", u, u, dtype=np.float64)
            q = self.counts.astype(np.float64) ** self.ns_exponent
            curvature += float(kept @ out2) + self.negative * float(q @ out2) / q.sum()
        steps["w_in"] = 0.25 * lr * curvature
        return steps

    def kernel(self, weights):
        keep, alias, (points, codes, lens) = self.kernel_tables()
        return KernelModel(
            weights["w_in"],
            weights.get("w_out_ns"),
            weights.get("w_out_hs"),
            keep,
            alias,
            points,
            codes,
            lens,
            sg=self.sg,
            window=self.window,
            negative=self.negative,
            hs=self.hs,
            cbow_mean=self.cbow_mean,
            shrink_windows=self.shrink_windows,
            batched=self.uses_batched,
        )


class Shard:
    """One shard's sentences as word ids (-1 for words outside the vocabulary): sentence s is
    ``ids[offsets[s]:offsets[s + 1]]``. ``index`` is the shard's number (its random streams)."""

    def __init__(self, index, ids, offsets):
        self.index = int(index)
        self.ids = np.ascontiguousarray(ids, dtype=np.int32)
        self.offsets = np.ascontiguousarray(offsets, dtype=np.int64)

    @property
    def n_tokens(self):
        return int(self.offsets[-1])

    @property
    def n_sentences(self):
        return len(self.offsets) - 1

    def read(self, lo, hi, out=None):
        return self.ids[lo:hi]


def encode_shard(index, sentences, key_to_index, max_sentence_length):
    """A Shard of ``sentences`` (token lists), cut and encoded as one machine encodes a corpus."""
    encoded = encode(sentences, key_to_index, max_sentence_length, spill_tokens=1 << 62)
    return Shard(index, encoded.ids, encoded.offsets)


def round_bounds(setup, epoch):
    """Where the rounds of ``epoch`` start and end, as fractions of the epoch (R + 1 increasing
    numbers from 0 to 1): rounds of equal learning-rate mass (the integral of the learning
    rate over the round), so each round moves the weights about as far. Early rounds, at high
    learning rates, are shorter; the last ones, where the rate has fallen, longer. What one
    shard misses of the others within a round is then about the same in every round."""
    r = setup.rounds
    n = setup.total_tokens
    a, b = lr_at(setup, epoch * n), lr_at(setup, (epoch + 1) * n)
    targets = np.arange(r + 1) / r * (a + b) / 2  # the mass up to each bound, of the epoch's (a + b) / 2
    if abs(a - b) < 1e-12 * max(a, 1e-300):
        return np.arange(r + 1) / r
    x = (a - np.sqrt(np.maximum(a * a - 2 * (a - b) * targets, 0.0))) / (a - b)
    x[0], x[-1] = 0.0, 1.0
    return x


def round_blocks(shard, setup, epoch):
    """The blocks ``(s0, s1)`` of each of the ``setup.rounds`` rounds of ``epoch`` on ``shard``."""
    cuts = cut_blocks(shard.offsets, setup.block_words or BLOCK_WORDS)
    n_blocks = len(cuts) - 1
    if setup.shuffle and n_blocks:
        # shard 0 visits its blocks as one machine would visit the same corpus (its seed)
        seed = setup.seed if shard.index == 0 else block_seed(setup.seed, -3, shard.index)
        order = block_order(seed, epoch, n_blocks)
    else:
        order = np.arange(n_blocks)
    sizes = shard.offsets[cuts[1:]] - shard.offsets[cuts[:-1]]
    ends = np.cumsum(sizes[order])  # tokens done after each block, in run order
    # block k belongs to the round its middle falls in
    middles = (ends - sizes[order] / 2.0) / max(shard.n_tokens, 1)
    bounds = round_bounds(setup, epoch)
    which = np.clip(np.searchsorted(bounds, middles, side="right") - 1, 0, setup.rounds - 1)
    rounds = [[] for _ in range(setup.rounds)]
    for k, b in enumerate(order.tolist()):
        rounds[int(which[k])].append((int(cuts[b]), int(cuts[b + 1]), b))
    return rounds


def lr_at(setup, position):
    total = setup.epochs * setup.total_tokens
    if not total:
        return setup.alpha
    return setup.alpha - (setup.alpha - setup.min_alpha) * min(max(position / total, 0.0), 1.0)


def round_jobs(shard, setup, epoch, rnd):
    """The jobs of round ``rnd`` of ``epoch`` on ``shard``, with the run's learning rates."""
    blocks = round_blocks(shard, setup, epoch)[rnd]
    n = setup.total_tokens
    bounds = round_bounds(setup, epoch)
    g0 = epoch * n + n * bounds[rnd]
    g1 = epoch * n + n * bounds[rnd + 1]
    mine = sum(int(shard.offsets[s1] - shard.offsets[s0]) for s0, s1, _ in blocks)
    jobs, done = [], 0
    for s0, s1, b in blocks:
        lo, hi = int(shard.offsets[s0]), int(shard.offsets[s1])
        start, end = (
            (g0 + (g1 - g0) * done / mine, g0 + (g1 - g0) * (done + hi - lo) / mine) if mine else (g0, g0)
        )
        seed = block_seed(setup.seed, epoch, shard.index * SHARD_STRIDE + b)
        jobs.append(
            Job(epoch, b, s0, s1, lo, hi, lr_at(setup, start), lr_at(setup, end), seed, False, int(end))
        )
        done += hi - lo
    return jobs


def train_round(setup, weights, shard, epoch, rnd):
    """Train round ``rnd`` of ``epoch`` on ``shard`` from ``weights`` ({name: array}, not changed);
    returns the Update (the rows this shard changed, and by how much)."""
    local = {name: (None if weights.get(name) is None else np.array(weights[name])) for name in MATRICES}
    kernel = setup.kernel(local)
    jobs = round_jobs(shard, setup, epoch, rnd)
    stats = EpochStats()
    if jobs:
        biggest = max(j.hi - j.lo for j in jobs)
        pool = WorkerPool(
            kernel,
            shard,
            max(1, int(setup.threads)),
            biggest_block=biggest,
            longest_sentence=max(longest_sentence(shard.offsets), 1),
        )
        pool.run(jobs, stats, interruptible=False)
    update = Update(shard.index, epoch, rnd, stats=(stats.loss, stats.predictions, stats.words, stats.kept))
    candidates = _candidates(setup, shard, jobs)
    for name in MATRICES:
        if local[name] is not None:
            update.rows[name], update.deltas[name] = changes(weights[name], local[name], candidates.get(name))
    return update


def _candidates(setup, shard, jobs):
    """{matrix: rows}: the only rows the round can have changed (the words of its tokens, and the
    tree nodes on their paths), so that only those are compared; negative sampling's output rows
    can be any (its negatives), so that matrix is compared whole."""
    if not jobs:
        return {"w_in": np.zeros(0, np.int64), "w_out_hs": np.zeros(0, np.int64)}
    ids = np.unique(np.concatenate([shard.ids[j.lo : j.hi] for j in jobs]))
    ids = ids[ids >= 0]
    found = {"w_in": ids}
    if setup.hs:
        _, _, (points, _, lens) = setup.kernel_tables()
        paths = points[ids]
        found["w_out_hs"] = np.unique(paths[np.arange(points.shape[1])[None, :] < lens[ids, None]])
    return found
