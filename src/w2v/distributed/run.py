"""The driver side of a distributed run, whatever engine runs the shards.

An engine adapter (Spark's is ``w2v.spark``) provides two things: the
vocabulary counts, and ``run_round(epoch, rnd, weights)``, which trains round
``rnd`` of ``epoch`` on every shard from ``weights`` and returns one
:class:`~w2v.distributed.sync.Update` per shard (``shards.train_round`` does
the work where the shard lives). This module does the rest: the vocabulary
(as one machine builds it), the first weights, the rounds with their
synchronisation, the per-epoch loss, progress, and the final
:class:`w2v.Word2Vec`. :class:`LocalShards` runs the shards in this process:
the tests use it, and an adapter for another engine can be checked against it.
"""

from __future__ import annotations

import logging
import math
import time

import numpy as np

from ..engine.kernel import DIVERGED, TrainingDiverged
from ..model import Word2Vec
from ..run_state import EpochStats
from ..vocab import Vocabulary, finalize_vocab
from ..weights import initial_weights
from .shards import lr_at, round_bounds, train_round
from .sync import Partial, accumulate, apply

logger = logging.getLogger("w2v")
CURVATURE = 0.3  # multiplies the bound on the loss's curvature (Setup.step_sizes); measured, docs/spark.md
# Rounds per epoch: enough that (shards - 1) x the tokens of one round stays under this many
# (what the other shards train that one shard does not see before the round ends): measured
# on text8e, quality then stays within a point of one machine's (docs/spark.md).
UNSEEN_TOKENS = 1_800_000


def rounds_for(n_shards, n_tokens, unseen=UNSEEN_TOKENS):
    """The default number of synchronisation rounds per epoch (1 for a single shard)."""
    if n_shards <= 1:
        return 1
    return int(min(max(1, math.ceil((n_shards - 1) * n_tokens / unseen)), 100_000))


def vocabulary(words, counts, first_seen, total_words, *, min_count, max_final_vocab=None):
    """The Vocabulary one machine builds from the same text: ``words`` with their ``counts`` and
    the position of their first occurrence (any sortable keys), ``total_words`` every token
    read. Words below ``min_count`` may be left out of ``words`` (they change nothing)."""
    counts = np.asarray(counts, dtype=np.int64)
    order = sorted(range(len(words)), key=first_seen.__getitem__)
    words = [words[i] for i in order]
    counts = counts[order] if len(order) else counts
    return finalize_vocab(words, counts, None, min_count, max_final_vocab, total_words)


def initial(vocab, setup):
    """The weights before training, as one machine starts them (same seed, same values)."""
    n, d = len(vocab), setup.vector_size
    return {
        "w_in": initial_weights(n, d, setup.seed),
        "w_out_ns": np.zeros((n, d), np.float32) if setup.negative else None,
        "w_out_hs": np.zeros((n - 1, d), np.float32) if setup.hs else None,
    }


def train(setup, weights, run_round, *, scheme="hybrid", curvature=CURVATURE, progress=None, on_round=None):
    """Train ``setup.epochs`` epochs of ``setup.rounds`` rounds, combining each round's updates
    into ``weights`` (in place) by ``scheme``; returns the EpochStats of each epoch.

    ``run_round(epoch, rnd, weights)`` returns one Update per shard (shards 0 .. n_shards - 1;
    anything else is an error, so a lost or doubled shard can never pass unnoticed).
    ``progress`` is called like w2v.progress.Progress after every round."""
    history = []
    loads = setup.row_loads() if scheme == "hybrid" else None
    total = setup.epochs * setup.total_tokens
    started = time.perf_counter()
    for epoch in range(setup.epochs):
        stats = EpochStats()
        for rnd in range(setup.rounds):
            items = list(run_round(epoch, rnd, weights))
            got = sorted(
                s for item in items for s in (item.shards if isinstance(item, Partial) else (item.shard,))
            )
            if got != list(range(setup.n_shards)):
                raise RuntimeError(
                    f"round {rnd + 1} of epoch {epoch + 1} returned shards {got}, "
                    f"expected 0..{setup.n_shards - 1}"
                )
            summed = accumulate(items)
            if (summed.epoch, summed.round) != (epoch, rnd):
                raise RuntimeError(f"a shard returned round {summed.round + 1} of epoch {summed.epoch + 1}")
            bounds = round_bounds(setup, epoch)
            share = (bounds[rnd + 1] - bounds[rnd]) * setup.rounds  # this round's size / an even round's
            lr = lr_at(setup, (epoch + (bounds[rnd] + bounds[rnd + 1]) / 2) * setup.total_tokens)
            steps = setup.step_sizes(weights, lr * curvature) if scheme == "hybrid" else None
            these = None if loads is None else {k: v * share for k, v in loads.items()}
            apply(weights, summed, scheme, these, steps)
            stats.add(summed.stats)
            if not all(np.isfinite(w).all() for w in weights.values() if w is not None):
                raise TrainingDiverged(DIVERGED, f"training diverged in epoch {epoch + 1}: alpha is too high")
            done = int(round((epoch + bounds[rnd + 1]) * setup.total_tokens))
            if progress is not None:
                progress(done, total, lr_at(setup, done), stats, epoch)
            if on_round is not None:
                on_round(epoch, rnd, items)
        history.append(stats)
        logger.info(
            "epoch %d: mean loss %.5f over %d predictions, %d words (%.0f words/s so far)",
            epoch + 1,
            stats.mean_loss,
            stats.predictions,
            stats.words,
            (epoch + 1) * setup.total_tokens / max(time.perf_counter() - started, 1e-9),
        )
    return history


def to_model(vocab, weights, setup, history, **extra):
    """The trained :class:`w2v.Word2Vec` (as if one machine had trained it: queries, evaluation,
    formats and further training all work on it)."""
    model = Word2Vec(
        vector_size=setup.vector_size,
        alpha=setup.alpha,
        window=setup.window,
        min_count=extra.pop("min_count", 5),
        max_final_vocab=extra.pop("max_final_vocab", None),
        sample=setup.sample,
        seed=setup.seed,
        min_alpha=setup.min_alpha,
        sg=setup.sg,
        hs=setup.hs,
        negative=setup.negative,
        ns_exponent=setup.ns_exponent,
        cbow_mean=setup.cbow_mean,
        epochs=setup.epochs,
        shrink_windows=setup.shrink_windows,
        batched=setup.batched,
        max_sentence_length=setup.max_sentence_length,
        progress=False,
        **extra,
    )
    model._install_vocab(Vocabulary(list(vocab.index_to_key), vocab.counts, vocab.total_words))
    model.wv.vectors[:] = weights["w_in"]
    model.w_out_ns, model.w_out_hs = weights.get("w_out_ns"), weights.get("w_out_hs")
    model.loss_history_ = [s.mean_loss for s in history]
    model.eval_loss_history_ = [s.eval_loss for s in history]
    model.epochs_trained_ = len(history)
    model.words_trained_ = int(sum(s.words for s in history))
    model.corpus_total_words = int(vocab.total_words)
    model.wv.reset_norms()
    return model


class LocalShards:
    """Shards trained one after another in this process: the reference for engine adapters."""

    def __init__(self, setup, shards):
        self.setup, self.shards = setup, list(shards)

    def __call__(self, epoch, rnd, weights):
        return [train_round(self.setup, weights, shard, epoch, rnd) for shard in self.shards]
