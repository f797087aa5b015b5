"""The reference trainer: plain SGD over (centre, context) windows.

Slow and obviously correct: every update is a gradient step computed by the
pure functions of :mod:`w2v.reference`. It is the behavioural oracle for the
compiled engine and the classroom mode of w2v.

What one epoch does, sentence by sentence (as word2vec.c does):

1. Map words to indices, dropping words outside the vocabulary.
2. Subsample: each occurrence survives with ``keep_probability`` (one
   uniform draw per token).
3. For each surviving position, draw the window shrink b uniformly in
   [0, window) and use the context positions within ``window - b``.
4. Take SGD steps with the learning rate decayed linearly from ``alpha`` to
   ``min_alpha`` over all epochs (by tokens processed):

   * skip-gram: one step per (centre, context) pair on that pair's loss;
   * CBOW: one step per window on the loss of predicting the centre.

Negatives are drawn from the unigram^``ns_exponent`` distribution; a draw
equal to the target word is redrawn (as the CS224n handout does). All
randomness comes from one ``numpy.random.Generator`` seeded by ``seed``, so a
run is reproducible. The weights are float64.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..vocab import build_vocab
from .objectives import HierarchicalSoftmax, naive_softmax, negative_sampling
from .tables import huffman_codes, keep_probability, unigram_distribution


@dataclass
class ReferenceModel:
    index_to_key: list
    counts: np.ndarray  # (V,) int64
    w_in: np.ndarray  # (V, d) float64, the word vectors
    w_out: np.ndarray  # (V, d) or (V - 1, d) for hierarchical softmax
    loss_history: list = field(default_factory=list)  # mean loss per epoch
    epochs_done: int = 0
    seconds: float = 0.0


class ReferenceTrainer:
    """SGD word2vec built only from :mod:`w2v.reference`.

    Parameters follow gensim's names. ``hs=1`` uses hierarchical softmax,
    otherwise ``negative > 0`` uses negative sampling and ``negative == 0``
    the full (naive) softmax. ``max_seconds`` stops training early (between
    sentences) once that much time has passed.
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
        self.max_seconds = max_seconds

    def fit(self, sentences, progress=None):
        """Train on ``sentences`` (a re-iterable of token lists); returns a ReferenceModel.

        ``progress(epoch, fraction, mean_loss)`` is called now and then if given.
        """
        vocab = build_vocab(sentences, self.min_count, self.max_final_vocab)
        n_words, d = len(vocab), self.vector_size
        if n_words < 2:
            raise ValueError(f"the vocabulary has {n_words} word(s) with min_count={self.min_count}; need 2")
        rng = np.random.default_rng(self.seed)
        w_in = (rng.random((n_words, d)) - 0.5) / d  # word2vec.c's initialisation
        if self.hs:
            codes, points = huffman_codes(vocab.counts)
            objective = HierarchicalSoftmax(points, codes)
            w_out = np.zeros((n_words - 1, d))
        else:
            objective = negative_sampling if self.negative > 0 else naive_softmax
            w_out = np.zeros((n_words, d))
        cdf = np.cumsum(unigram_distribution(vocab.counts, self.ns_exponent))
        keep = keep_probability(vocab.counts, self.sample, total=vocab.counts.sum())
        model = ReferenceModel(vocab.index_to_key, vocab.counts, w_in, w_out)

        def draw_negatives(target):
            if self.hs or self.negative <= 0:
                return None
            draws = np.searchsorted(cdf, rng.random(self.negative), side="right")
            for k in range(self.negative):  # redraw a draw equal to the target
                while draws[k] == target:
                    draws[k] = np.searchsorted(cdf, rng.random(), side="right")
            return np.minimum(draws, n_words - 1)

        start = time.perf_counter()
        total = self.epochs * int(vocab.counts.sum())  # tokens the schedule spans
        done = 0
        for epoch in range(self.epochs):
            loss_sum, n_terms = 0.0, 0
            for sentence in sentences:
                ids = np.array([vocab.key_to_index[w] for w in sentence if w in vocab.key_to_index])
                if len(ids) == 0:
                    continue
                lr = self.alpha - (self.alpha - self.min_alpha) * min(done / total, 1.0)
                done += len(ids)
                ids = ids[rng.random(len(ids)) < keep[ids]]
                for pos, center in enumerate(ids):
                    reach = self.window - int(rng.integers(self.window))
                    lo, hi = max(pos - reach, 0), min(pos + reach + 1, len(ids))
                    contexts = np.concatenate([ids[lo:pos], ids[pos + 1 : hi]])
                    if len(contexts) == 0:
                        continue
                    if self.sg:
                        for o in contexts:
                            loss_sum += self._step(objective, w_in, w_out, [center], o, draw_negatives(o), lr)
                            n_terms += 1
                    else:
                        loss_sum += self._step(
                            objective, w_in, w_out, contexts, center, draw_negatives(center), lr
                        )
                        n_terms += 1
                if self.max_seconds is not None and time.perf_counter() - start > self.max_seconds:
                    break
            model.loss_history.append(loss_sum / max(n_terms, 1))
            model.epochs_done = epoch + 1
            if progress is not None:
                progress(epoch, 1.0, model.loss_history[-1])
            if self.max_seconds is not None and time.perf_counter() - start > self.max_seconds:
                break
        model.seconds = time.perf_counter() - start
        return model

    @staticmethod
    def _step(objective, w_in, w_out, inputs, target, draw, lr):
        """One SGD step on J(mean(w_in[inputs]) -> target); returns J before the step."""
        h = w_in[inputs].mean(axis=0) if len(inputs) > 1 else w_in[inputs[0]]
        loss, grad_h, rows, grad_rows = objective(h, target, w_out, draw)
        np.add.at(w_out, rows, -lr * grad_rows)
        np.add.at(w_in, inputs, -lr * grad_h / len(inputs))
        return loss
