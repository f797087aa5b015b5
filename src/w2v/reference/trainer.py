"""The reference trainer: plain SGD, built only from :mod:`w2v.reference`, on the
engine's own schedule and random stream.

Slow and obviously correct: every update is a gradient step computed by the
pure functions of :mod:`w2v.reference`, in float64. It follows the engine's
conventions exactly, so a whole small run of the compiled engine
(``workers=1``) equals a run of this trainer to float32 precision (the
tests check it for every architecture and objective):

- the same vocabulary (``w2v.vocab``), initial vectors (``w2v.weights``)
  and schedule (``w2v.schedule``: blocks, their order, learning rates and
  seeds);
- the same draws: :func:`w2v.reference.stream.block_draws` replays the
  kernel's splitmix64 stream (subsampling, window shrink, negatives from
  Vose's alias table) as explicit arguments;
- skip-gram: each context word's input vector predicts the centre word
  (word2vec.c's and gensim's direction), one SGD step per (context, centre)
  pair, the context's input row updated right after its step; or, with
  ``batched``, one step per window on the sum of its pairs' losses, the K
  negatives shared by the window (the engine's batched kernel);
- CBOW: the mean (``cbow_mean=1``) or sum of the context vectors predicts
  the centre word; as in word2vec.c and gensim, every context row receives
  the whole input error -lr dJ/dh, undivided (``cbow_exact=True`` divides
  it by the number of context words: the exact gradient of the mean, the
  classroom's version);
- negative sampling and hierarchical softmax may be combined (both steps
  use the same input vector); with neither (``negative=0, hs=0``) the full
  naive softmax is used, which the engine does not offer;
- after each epoch the objective is measured with the learning rate at 0
  on the schedule's evaluation sample (``eval_loss_history``).

The classroom's centre-predicts-context skip-gram gives the same total loss
over a window's pairs; only the order of the updates differs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..corpus import MAX_SENTENCE_LENGTH
from ..schedule import BLOCK_WORDS, Schedule
from ..vocab import vocabulary_and_corpus
from ..weights import initial_weights
from .objectives import HierarchicalSoftmax, naive_softmax, negative_sampling
from .stream import block_draws
from .tables import alias_table, huffman_codes, keep_probability


@dataclass
class ReferenceModel:
    index_to_key: list
    counts: np.ndarray  # (V,) int64
    w_in: np.ndarray  # (V, d) float64, the word vectors
    w_out_ns: np.ndarray | None  # (V, d) float64: negative sampling (or the naive softmax)
    w_out_hs: np.ndarray | None  # (V - 1, d) float64: hierarchical softmax's inner nodes
    loss_history: list = field(default_factory=list)  # mean loss per prediction, per epoch
    eval_loss_history: list = field(default_factory=list)  # frozen-weights loss, per epoch
    epochs_done: int = 0
    seconds: float = 0.0

    @property
    def w_out(self):
        """The output matrix: negative sampling's (or the softmax's) if there is one, else the HS nodes."""
        return self.w_out_ns if self.w_out_ns is not None else self.w_out_hs


def sgd_step(
    prediction,
    w_in,
    w_out_ns,
    w_out_hs,
    *,
    hs_objective=None,
    ns_objective=None,
    cbow_mean=1,
    cbow_exact=False,
):
    """One SGD step on one prediction, in place; returns its loss before the step.

    The input vector h is the input row (skip-gram, one input) or the mean
    (``cbow_mean``) or sum of the input rows; each objective's gradient step is
    taken on its output matrix, and every input row gets -lr dJ/dh (divided by
    the number of inputs with ``cbow_exact`` and a mean).
    """
    inputs, lr = list(prediction.inputs), prediction.lr
    if prediction.separate:
        return _window_step(prediction, w_in, w_out_ns, ns_objective)
    h = w_in[inputs].mean(axis=0) if cbow_mean else w_in[inputs].sum(axis=0)
    loss, grad_h = 0.0, np.zeros_like(h)
    for objective, w_out in ((hs_objective, w_out_hs), (ns_objective, w_out_ns)):
        if objective is None:
            continue
        term, g_h, rows, g_rows = objective(h, prediction.target, w_out, prediction.negatives)
        np.add.at(w_out, rows, -lr * g_rows)
        loss, grad_h = loss + term, grad_h + g_h
    if cbow_exact and cbow_mean:
        grad_h = grad_h / len(inputs)
    np.add.at(w_in, inputs, -lr * grad_h)  # a row that appears twice gets it twice
    return loss


def _window_step(prediction, w_in, w_out, objective):
    """The batched skip-gram window: each input row predicts the target against the same
    negatives; every gradient at the weights before the window, then one step on their sum."""
    lr, loss = prediction.lr, 0.0
    grad_in, grad_out = np.zeros_like(w_in), np.zeros_like(w_out)
    for row in prediction.inputs:
        term, g_h, rows, g_rows = objective(w_in[row], prediction.target, w_out, prediction.negatives)
        loss += term
        grad_in[row] += g_h
        np.add.at(grad_out, rows, g_rows)
    w_out -= lr * grad_out
    w_in -= lr * grad_in
    return loss


class ReferenceTrainer:
    """SGD word2vec built only from :mod:`w2v.reference`, on the engine's schedule and draws.

    Parameters have the names, defaults and meaning of ``w2v.Word2Vec``'s
    (``sg=1`` here by default). ``max_seconds`` stops training early, between
    blocks, once that much time has passed.
    """

    def __init__(
        self,
        vector_size=50,
        window=5,
        min_count=5,
        max_final_vocab=None,
        sg=1,
        hs=0,
        negative=5,
        ns_exponent=0.75,
        sample=1e-3,
        alpha=0.025,
        min_alpha=0.0001,
        epochs=1,
        seed=1,
        cbow_mean=1,
        max_sentence_length=MAX_SENTENCE_LENGTH,
        shuffle=True,
        batch_words=BLOCK_WORDS,
        shrink_windows=True,
        batched=True,
        cbow_exact=False,
        max_seconds=None,
    ):
        self.vector_size = vector_size
        self.window = window
        self.min_count = min_count
        self.max_final_vocab = max_final_vocab
        self.sg = sg
        self.hs = hs
        self.negative = negative
        self.ns_exponent = ns_exponent
        self.sample = sample
        self.alpha = alpha
        self.min_alpha = min_alpha
        self.epochs = epochs
        self.seed = seed
        self.cbow_mean = cbow_mean
        self.max_sentence_length = max_sentence_length
        self.shuffle = shuffle
        self.batch_words = batch_words
        self.shrink_windows = shrink_windows
        self.batched = batched
        self.cbow_exact = cbow_exact
        self.max_seconds = max_seconds

    def fit(self, sentences, progress=None):
        """Train on ``sentences`` (a re-iterable of token lists); returns a ReferenceModel.

        ``progress(epoch, fraction, mean_loss)`` is called after each epoch if given.
        """
        vocab, encoded, _ = vocabulary_and_corpus(
            sentences,
            min_count=self.min_count,
            max_final_vocab=self.max_final_vocab,
            max_vocab_size=None,
            max_sentence_length=self.max_sentence_length,
        )
        n_words, d = len(vocab), self.vector_size
        if n_words < 2:
            raise ValueError(f"the vocabulary has {n_words} word(s) with min_count={self.min_count}; need 2")
        w_in = initial_weights(n_words, d, self.seed).astype(np.float64)
        naive = not self.hs and self.negative <= 0
        w_out_ns = np.zeros((n_words, d)) if self.negative > 0 or naive else None
        w_out_hs = np.zeros((n_words - 1, d)) if self.hs else None
        model = ReferenceModel(vocab.index_to_key, vocab.counts, w_in, w_out_ns, w_out_hs)
        hs_objective = None
        if self.hs:
            codes, points = huffman_codes(vocab.counts)
            hs_objective = HierarchicalSoftmax(points, codes)
        ns_objective = naive_softmax if naive else (negative_sampling if self.negative > 0 else None)
        stream = dict(
            keep=keep_probability(vocab.counts, self.sample, vocab.counts.sum()),
            alias=alias_table(vocab.counts, self.ns_exponent),
            window=self.window,
            negative=max(self.negative, 0),
            sg=self.sg,
            shrink_windows=self.shrink_windows,
            batched=bool(self.batched and self.sg and self.negative > 0 and not self.hs),
        )
        step = dict(
            hs_objective=hs_objective, ns_objective=ns_objective, cbow_mean=1 if self.sg else self.cbow_mean
        )
        step["cbow_exact"] = self.cbow_exact

        def run(job):
            ids = encoded.read(job.lo, job.hi, np.empty(job.hi - job.lo, dtype=np.int32))
            draws = block_draws(
                ids, encoded.offsets[job.s0 : job.s1 + 1], job.lr_start, job.lr_end, job.seed, **stream
            )
            loss = sum(sgd_step(p, w_in, w_out_ns, w_out_hs, **step) for p in draws.predictions)
            return loss, sum(len(p.inputs) if p.separate else 1 for p in draws.predictions)

        schedule = Schedule(
            encoded.offsets,
            epochs=self.epochs,
            alpha=self.alpha,
            min_alpha=self.min_alpha,
            seed=self.seed,
            shuffle=self.shuffle,
            block_words=self.batch_words,
        )
        start = time.perf_counter()
        out_of_time = False
        for epoch in range(self.epochs):
            loss, n = 0.0, 0
            for job in schedule.epoch_jobs(epoch):
                block_loss, block_n = run(job)
                loss, n = loss + block_loss, n + block_n
                out_of_time = self.max_seconds is not None and time.perf_counter() - start > self.max_seconds
                if out_of_time:
                    break
            model.loss_history.append(loss / n if n else float("nan"))
            frozen = [run(job) for job in schedule.eval_jobs(epoch)] if not out_of_time else []
            frozen_n = sum(k for _, k in frozen)
            model.eval_loss_history.append(sum(x for x, _ in frozen) / frozen_n if frozen_n else float("nan"))
            model.epochs_done = epoch + 1
            if progress is not None:
                progress(epoch, 1.0, model.loss_history[-1])
            if out_of_time:
                break
        encoded.close()
        model.seconds = time.perf_counter() - start
        return model
