"""Word2Vec: the estimator. Parameters, vocabulary, training; vectors in ``wv``.

Parameter names and defaults follow gensim's ``Word2Vec``. ``__init__`` only
stores and checks parameters; ``build_vocab`` reads the corpus once;
``train`` runs the compiled engine; ``fit`` does both and returns ``self``.
"""

from __future__ import annotations

import dataclasses
import logging
import numbers
import os
import time

import numpy as np

from . import tables
from .corpus import MAX_SENTENCE_LENGTH
from .engine import driver
from .engine.kernel import KernelModel
from .progress import Progress
from .vectors import KeyedVectors
from .vocab import encode, finalize_vocab, scan_corpus

logger = logging.getLogger("w2v")


def _int(lo, hi=None):
    def check(v):
        return (
            isinstance(v, numbers.Integral)
            and not isinstance(v, bool)
            and v >= lo
            and (hi is None or v <= hi)
        )

    return check, f"an integer >= {lo}" + (f" and <= {hi}" if hi is not None else "")


def _zero_or_one(meaning):
    return (lambda v: v in (0, 1) and not isinstance(v, float)), meaning


def _real(lo, hi, lo_open=False):
    def check(v):
        if not isinstance(v, numbers.Real) or isinstance(v, bool) or not np.isfinite(v):
            return False
        return (v > lo if lo_open else v >= lo) and v <= hi

    return check, f"a number {'>' if lo_open else '>='} {lo} and <= {hi}"


# One table of constraints, one error message: name, value, allowed range.
CONSTRAINTS = {
    "vector_size": _int(1, 10_000),
    "window": _int(1, 1_000),
    "min_count": _int(1),
    "max_final_vocab": (lambda v: v is None or _int(2)[0](v), "None or an integer >= 2"),
    "sg": _zero_or_one("0 (CBOW) or 1 (skip-gram)"),
    "hs": _zero_or_one("0 or 1"),
    "negative": _int(0, 1_000),
    "ns_exponent": _real(-10.0, 10.0),
    "sample": _real(0.0, 1.0),
    "alpha": _real(0.0, 10.0, lo_open=True),
    "min_alpha": _real(0.0, 10.0),
    "epochs": _int(1, 100_000),
    "workers": _int(1, 1_024),
    "seed": _int(0, 2**63 - 1),
    "cbow_mean": _zero_or_one("0 (sum) or 1 (mean)"),
    "max_sentence_length": _int(1),
    "shuffle": _zero_or_one("True or False (1 or 0)"),
}


def check_param(name, value):
    check, allowed = CONSTRAINTS[name]
    if not check(value):
        raise ValueError(f"{name}={value!r} is invalid: must be {allowed}")


def check_params(params):
    for name, value in params.items():
        check_param(name, value)
    if not params["hs"] and params["negative"] == 0:
        raise ValueError("hs=0 and negative=0 leave nothing to train: set hs=1 or negative >= 1")
    if params["min_alpha"] > params["alpha"]:
        raise ValueError(
            f"min_alpha={params['min_alpha']!r} is invalid: must be <= alpha={params['alpha']!r}"
        )


class Word2Vec:
    """Skip-gram or CBOW word2vec with negative sampling and/or hierarchical softmax.

    ``workers=None`` means min(3, CPU count). Training with ``workers=1`` and
    a fixed ``seed`` is reproducible bit for bit; with several workers the
    threads race on shared weights (Hogwild) and runs differ slightly.

    CBOW follows word2vec.c and gensim: the input is the mean of the context
    vectors (``cbow_mean=1``, or their sum with 0), and every context vector
    receives the whole input error, undivided (see docs/engine.md).

    ``shuffle=True`` (the default) visits the corpus's blocks of about 10,000
    words in a new random order each epoch, drawn from ``seed``; ``False``
    keeps corpus order, as word2vec.c and gensim do. On corpora ordered by
    topic (Wikipedia dumps, text8) the shuffled order gives better vectors
    (docs/engine.md).
    """

    def __init__(
        self,
        vector_size=100,
        window=5,
        min_count=5,
        max_final_vocab=None,
        sg=0,
        hs=0,
        negative=5,
        ns_exponent=0.75,
        sample=1e-3,
        alpha=0.025,
        min_alpha=0.0001,
        epochs=5,
        workers=None,
        seed=1,
        cbow_mean=1,
        max_sentence_length=MAX_SENTENCE_LENGTH,
        shuffle=True,
        progress="auto",
    ):
        if workers is None:
            workers = max(1, min(3, os.cpu_count() or 1))
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
        self.workers = workers
        self.seed = seed
        self.cbow_mean = cbow_mean
        self.max_sentence_length = max_sentence_length
        self.shuffle = shuffle
        self.progress = progress
        check_params(self.get_params())
        self.wv = None
        self.loss_history_ = []  # mean loss per prediction trained on, one entry per epoch
        self.eval_loss_history_ = []  # the objective with frozen weights on a fixed sample, per epoch
        self.epochs_trained_ = 0
        self.train_seconds_ = 0.0
        self._encoded = None  # (corpus object, EncodedCorpus) kept from build_vocab for train
        self._run = None  # the training run in progress, while one is interrupted
        self.corpus_ = None  # what the model was trained on (a name or path), when known

    def get_params(self):
        return {name: getattr(self, name) for name in CONSTRAINTS}

    # -- vocabulary ------------------------------------------------------------------------------

    def build_vocab(self, corpus):
        """Count words in one pass over ``corpus``, keep the frequent ones, set up the weights."""
        _check_corpus(corpus)
        started = time.perf_counter()
        words, counts, encoded = scan_corpus(corpus, self.max_sentence_length)
        if encoded.n_tokens == 0:
            raise ValueError("the corpus is empty: it has no words")
        vocab = finalize_vocab(words, counts, encoded, self.min_count, self.max_final_vocab)
        del words
        if len(vocab) < 2:
            raise ValueError(
                f"only {len(vocab)} word(s) of the corpus occur at least min_count={self.min_count} times; "
                "lower min_count or use a larger corpus"
            )
        self.vocab_ = vocab
        self.corpus_total_words_ = vocab.total_words
        self.invalid_utf8_ = int(getattr(corpus, "invalid_utf8", 0))
        if self.invalid_utf8_:
            logger.warning("%r: replaced %d byte(s) of invalid UTF-8 with U+FFFD", corpus, self.invalid_utf8_)
        self._encoded = (corpus, encoded)
        self._init_weights()
        logger.info(
            "vocabulary: %d words (min_count %d) from %d tokens, %d distinct, in %.1f s",
            len(vocab),
            self.min_count,
            vocab.total_words,
            len(counts),
            time.perf_counter() - started,
        )
        return self

    def _init_weights(self):
        n_words, d = len(self.vocab_), self.vector_size
        rng = np.random.default_rng(self.seed)
        w_in = np.empty((n_words, d), dtype=np.float32)  # (V, d) float32, word2vec.c's init
        for start in range(0, n_words, 65536):  # in slices: no float64 copy of the whole matrix
            stop = min(start + 65536, n_words)
            w_in[start:stop] = (rng.random((stop - start, d), dtype=np.float32) - 0.5) / d
        w_out_ns = np.zeros((n_words, d), dtype=np.float32) if self.negative else None
        w_out_hs = np.zeros((n_words - 1, d), dtype=np.float32) if self.hs else None
        self._set_weights(w_in, w_out_ns, w_out_hs)
        self.loss_history_ = []
        self.eval_loss_history_ = []
        self.epochs_trained_ = 0
        self._run = None

    def _set_weights(self, w_in, w_out_ns, w_out_hs):
        """Install weights (fresh or loaded) and the tables the kernel needs."""
        self.w_out_ns, self.w_out_hs = w_out_ns, w_out_hs
        counts, n_words = self.vocab_.counts, len(self.vocab_)
        if self.hs:
            points, codes, lens = tables.huffman_table(counts)
        else:
            points, codes, lens = (
                np.zeros((n_words, 1), np.int32),
                np.zeros((n_words, 1), np.uint8),
                np.zeros(n_words, np.int32),
            )
        self._kernel = KernelModel(
            w_in,
            self.w_out_ns,
            self.w_out_hs,
            tables.keep_table(counts, self.sample, counts.sum()),
            tables.alias_table(counts, self.ns_exponent),
            points,
            codes,
            lens,
            sg=self.sg,
            window=self.window,
            negative=self.negative,
            hs=self.hs,
            cbow_mean=self.cbow_mean,
        )
        self.wv = KeyedVectors(self.vocab_.index_to_key, w_in, counts)

    # -- training --------------------------------------------------------------------------------

    def train(self, corpus=None, epochs=None, stop=None):
        """Train on ``corpus`` (by default the one given to build_vocab).

        A run is ``epochs`` epochs (default: the ``epochs`` parameter) with the
        learning rate falling linearly from ``alpha`` to ``min_alpha``. If
        ``stop`` (a threading.Event) is set, training halts at the next safe
        point (the workers finish their current blocks) and the model keeps
        where the run stopped; ``interrupted`` is then True, the model can be
        saved, and the next ``train`` call (also after ``load``) resumes that
        run where it stopped, on the same corpus, ignoring ``epochs``. With
        ``workers=1`` a stopped-and-resumed run gives the same vectors, bit
        for bit, as an uninterrupted one.
        """
        if self.wv is None:
            raise RuntimeError("call build_vocab(corpus) (or fit) before train")
        if corpus is None or (self._encoded is not None and corpus is self._encoded[0]):
            if self._encoded is None:
                raise ValueError("train() needs the corpus again: the encoded copy was released")
            encoded = self._encoded[1]
        else:
            _check_corpus(corpus)
            encoded = encode(corpus, self.vocab_.key_to_index, self.max_sentence_length)
            if self._encoded is not None:
                self._encoded[1].close()
            self._encoded = (corpus, encoded)  # kept while a run is stopped, to resume without re-reading
        if self._run is None:
            epochs = self.epochs if epochs is None else epochs
            check_param("epochs", epochs)
            self._run = {"epochs": epochs, "epoch_offset": self.epochs_trained_, "epoch": 0, "block": 0}
            self._run.update(n_tokens=int(encoded.n_tokens), n_sentences=len(encoded.offsets) - 1)
            self._run["partial"] = None
        run = self._run
        if (run["n_tokens"], run["n_sentences"]) != (encoded.n_tokens, len(encoded.offsets) - 1):
            raise ValueError(
                f"this model's training run was interrupted on a corpus of {run['n_tokens']} tokens in "
                f"{run['n_sentences']} sentences; resume it on that corpus, not on one of "
                f"{encoded.n_tokens} tokens in {len(encoded.offsets) - 1} sentences"
            )
        if run["epoch"] or run["block"]:
            logger.info("resuming the run at epoch %d, block %d", run["epoch"] + 1, run["block"])
        partial = driver.EpochStats(**run["partial"]) if run["partial"] else None
        progress = Progress(run["epochs"], self.progress) if self.progress else None
        started = time.perf_counter()
        try:
            result = driver.train(
                self._kernel,
                encoded,
                epochs=run["epochs"],
                alpha=self.alpha,
                min_alpha=self.min_alpha,
                workers=self.workers,
                seed=self.seed,
                shuffle=bool(self.shuffle),
                start_epoch=run["epoch"],
                start_block=run["block"],
                partial=partial,
                epoch_offset=run["epoch_offset"],
                progress=progress,
                stop=stop,
            )
        finally:
            if progress is not None:
                progress.close()
            self.wv.reset_norms()
        self.train_seconds_ += time.perf_counter() - started
        for st in result.epochs:
            self.loss_history_.append(st.mean_loss)
            self.eval_loss_history_.append(st.eval_loss)
            self.epochs_trained_ += 1
            logger.info(
                "epoch %d: mean loss %.5f over %d predictions; frozen-weights loss %.5f",
                self.epochs_trained_,
                st.mean_loss,
                st.predictions,
                st.eval_loss,
            )
        self.words_trained_ = sum(st.words for st in result.epochs)
        if result.stopped_at is None:
            self._run = None
            if self._encoded is not None:  # release the encoded corpus (4 bytes a token)
                self._encoded[1].close()
            self._encoded = None
        else:
            run["epoch"], run["block"] = result.stopped_at
            run["partial"] = dataclasses.asdict(result.partial)
            logger.info("training stopped at epoch %d, block %d", run["epoch"] + 1, run["block"])
        return self

    @property
    def interrupted(self):
        """True while a training run was stopped before its end (``train`` resumes it)."""
        return self._run is not None

    # -- files -----------------------------------------------------------------------------------

    def save(self, path):
        """Write the whole model (vocabulary, weights, parameters, training state) to ``path``.

        The native format (see ``w2v.io.native``), written atomically: a save
        that fails or is interrupted leaves any existing file as it was.
        """
        from .storage import save_model

        save_model(self, path)

    @classmethod
    def load(cls, path, mmap=True):
        """A model saved with ``save``. Its arrays are mapped from the file copy-on-write, so it
        opens at once, and training can continue (``train``) without touching the file."""
        from .storage import load_model

        return load_model(cls, path, mmap=mmap)

    def fit(self, corpus):
        """build_vocab then train; returns self."""
        return self.build_vocab(corpus).train(corpus)


def _check_corpus(corpus):
    if isinstance(corpus, (str, bytes, os.PathLike)):
        raise TypeError("pass a corpus object (w2v.corpus.TextCorpus(path) for a file), not a path")
    if iter(corpus) is corpus:
        raise TypeError(
            "the corpus is a one-shot iterator (e.g. a generator); training needs a re-iterable "
            "corpus such as a list of token lists or w2v.corpus.TextCorpus"
        )
