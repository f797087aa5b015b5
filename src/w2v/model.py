"""Word2Vec: the estimator. Parameters, vocabulary, training; vectors in ``wv``.

Parameter names and defaults follow gensim's ``Word2Vec``. ``__init__``
stores the parameters (and checks them, for an early error); ``build_vocab``
reads the corpus once; ``train`` runs the compiled engine; ``fit`` does both
and returns ``self``. ``build_vocab`` and ``train`` check the parameters
again, so a value changed after construction gives the same clear error.
"""

from __future__ import annotations

import logging
import os
import time

import numpy as np

from . import tables
from .corpus import MAX_SENTENCE_LENGTH
from .engine import driver
from .engine.kernel import KernelModel, TrainingDiverged
from .io import FormatError
from .params import CONSTRAINTS, check_param, check_params
from .progress import Progress
from .run_state import RunState, float_from_json, json_float
from .schedule import BLOCK_WORDS, Schedule
from .storage import ModelFile, load_model, save_model
from .vectors import KeyedVectors
from .vocab import Vocabulary, effective_min_count, encode, vocabulary_and_corpus
from .weights import initial_weights

logger = logging.getLogger("w2v")


class Word2Vec:
    """Skip-gram or CBOW word2vec with negative sampling and/or hierarchical softmax.

    ``workers=None`` means min(3, CPU count). Training with ``workers=1`` and
    a fixed ``seed`` is reproducible bit for bit; with several workers the
    threads race on shared weights (Hogwild) and runs differ slightly.

    ``max_vocab_size`` (gensim's name and meaning) bounds the memory of the
    vocabulary pass: when more distinct words than that are held, the rarest
    so far are forgotten, as gensim and word2vec.c do (None: no bound).

    CBOW follows word2vec.c and gensim: the input is the mean of the context
    vectors (``cbow_mean=1``, or their sum with 0), and every context vector
    receives the whole input error, undivided (see docs/engine.md).

    ``shuffle=True`` (the default) visits the corpus's blocks of about
    ``batch_words`` words in a new random order each epoch, drawn from
    ``seed``; ``False`` keeps corpus order, as word2vec.c and gensim do. On
    corpora ordered by topic (Wikipedia dumps, text8) the shuffled order
    gives better vectors (docs/engine.md).
    """

    def __init__(
        self,
        vector_size=100,
        window=5,
        min_count=5,
        max_final_vocab=None,
        max_vocab_size=None,
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
        batch_words=BLOCK_WORDS,
        progress="auto",
    ):
        self.vector_size = vector_size
        self.window = window
        self.min_count = min_count
        self.max_final_vocab = max_final_vocab
        self.max_vocab_size = max_vocab_size
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
        self.batch_words = batch_words
        self.progress = progress
        check_params(self.get_params())  # an early error; checked again where the work happens
        self.wv = None
        self.vocab_ = None
        self.w_out_ns = None  # (V, d) float32, the output vectors of negative sampling
        self.w_out_hs = None  # (V - 1, d) float32, the inner nodes of hierarchical softmax
        self.huffman_ = None  # (points, codes, code_lens) of hierarchical softmax
        self.loss_history_ = []  # mean loss per prediction trained on, one entry per epoch
        self.eval_loss_history_ = []  # the objective with frozen weights on a fixed sample, per epoch
        self.epochs_trained_ = 0
        self.train_seconds_ = 0.0
        self.words_trained_ = 0
        self.invalid_utf8_ = 0
        self.corpus_ = None  # what the model was trained on (a name or path), when known
        self._encoded = None  # (corpus object, EncodedCorpus) kept from build_vocab for train
        self._run = None  # the RunState of a training run that was stopped before its end

    def get_params(self):
        return {name: getattr(self, name) for name in CONSTRAINTS}

    @property
    def run_state(self):
        """The RunState of a run that was stopped before its end, else None."""
        return self._run

    @property
    def interrupted(self):
        """True while a training run was stopped before its end (``train`` resumes it)."""
        return self._run is not None

    # -- vocabulary ------------------------------------------------------------------------------

    def build_vocab(self, corpus):
        """Count words in one pass over ``corpus``, keep the frequent ones, set up the weights."""
        check_params(self.get_params())
        _check_corpus(corpus)
        started = time.perf_counter()
        vocab, encoded, scan = vocabulary_and_corpus(
            corpus,
            min_count=self.min_count,
            max_final_vocab=self.max_final_vocab,
            max_vocab_size=self.max_vocab_size,
            max_sentence_length=self.max_sentence_length,
        )
        if scan.total_words == 0:
            encoded.close()
            raise ValueError("the corpus is empty: it has no words")
        if scan.min_reduce:
            logger.info(
                "the vocabulary outgrew max_vocab_size=%d while counting: words seen at most %d times "
                "at that point were dropped (the corpus was read twice)",
                self.max_vocab_size,
                scan.min_reduce,
            )
        if len(vocab) < 2:
            encoded.close()
            raise ValueError(self._too_few_words(vocab, scan))
        self.vocab_ = vocab
        self.corpus_total_words_ = vocab.total_words
        self.invalid_utf8_ = int(getattr(corpus, "invalid_utf8", 0))
        if self.invalid_utf8_:
            logger.warning("%r: replaced %d byte(s) of invalid UTF-8 with U+FFFD", corpus, self.invalid_utf8_)
        if self._encoded is not None:
            self._encoded[1].close()
        self._encoded = (corpus, encoded)
        n_words, d = len(vocab), self.vector_size
        self.wv = KeyedVectors(vocab.index_to_key, initial_weights(n_words, d, self.seed), vocab.counts)
        vocab.key_to_index = self.wv.key_to_index  # one dict for both
        self.w_out_ns = np.zeros((n_words, d), dtype=np.float32) if self.negative else None
        self.w_out_hs = np.zeros((n_words - 1, d), dtype=np.float32) if self.hs else None
        self.huffman_ = tables.huffman_table(vocab.counts) if self.hs else None
        self.loss_history_, self.eval_loss_history_ = [], []
        self.epochs_trained_ = 0
        self._run = None
        logger.info(
            "vocabulary: %d words (min_count %d) from %d tokens, %d distinct, in %.1f s",
            len(vocab),
            self.min_count,
            vocab.total_words,
            len(scan.words),
            time.perf_counter() - started,
        )
        return self

    def _too_few_words(self, vocab, scan):
        """Why fewer than 2 words are left: min_count, or max_final_vocab raising it past ties."""
        threshold = effective_min_count(scan.counts, self.min_count, self.max_final_vocab)
        if threshold > self.min_count:
            return (
                f"max_final_vocab={self.max_final_vocab} leaves {len(vocab)} word(s): to keep at most "
                f"{self.max_final_vocab}, words seen fewer than {threshold} times go, and the words at the "
                "cut are tied, so all of them go (gensim's rule); raise max_final_vocab"
            )
        return (
            f"only {len(vocab)} word(s) of the corpus occur at least min_count={self.min_count} times; "
            "lower min_count or use a larger corpus"
        )

    # -- training --------------------------------------------------------------------------------

    def _kernel_model(self):
        """The compiled kernel's view of the weights, with tables for the current parameters."""
        d = self.wv.vectors.shape[1]
        if self.vector_size != d:
            raise ValueError(
                f"vector_size={self.vector_size} does not match the weights ({d}); call build_vocab"
            )
        for name, wanted, have in (
            ("negative", bool(self.negative), self.w_out_ns is not None),
            ("hs", bool(self.hs), self.w_out_hs is not None),
        ):
            if wanted != have:
                raise ValueError(
                    f"{name}={getattr(self, name)!r} was changed after build_vocab: the model has "
                    f"{'no' if wanted else 'an'} output matrix for it; call build_vocab again"
                )
        counts, n_words = self.vocab_.counts, len(self.vocab_)
        if self.hs and self.huffman_ is None:
            self.huffman_ = tables.huffman_table(counts)
        if self.huffman_ is not None:
            points, codes, lens = self.huffman_
        else:  # the kernel indexes (V, L >= 1) tables even without hierarchical softmax
            points, codes = np.zeros((n_words, 1), np.int32), np.zeros((n_words, 1), np.uint8)
            lens = np.zeros(n_words, np.int32)
        return KernelModel(
            self.wv.vectors,
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

    def _encoded_corpus(self, corpus):
        """The encoded corpus to train on: kept from build_vocab, or ``corpus`` encoded now."""
        if corpus is None or (self._encoded is not None and corpus is self._encoded[0]):
            if self._encoded is None:
                raise ValueError("train() needs the corpus again: the encoded copy was released")
            return self._encoded[1]
        _check_corpus(corpus)
        encoded = encode(corpus, self.vocab_.key_to_index, self.max_sentence_length)
        if self._encoded is not None:
            self._encoded[1].close()
        self._encoded = (corpus, encoded)  # kept while a run is stopped, to resume without re-reading
        return encoded

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
        check_params(self.get_params())
        kernel = self._kernel_model()
        encoded = self._encoded_corpus(corpus)
        fingerprint = encoded.fingerprint()
        if self._run is None:
            epochs = self.epochs if epochs is None else epochs
            check_param("epochs", epochs)
            _check_trainable(encoded)
            self._run = RunState(
                epochs, self.epochs_trained_, encoded.n_tokens, encoded.n_sentences, fingerprint=fingerprint
            )
        run = self._run
        problem = run.corpus_mismatch(encoded.n_tokens, encoded.n_sentences, fingerprint)
        if problem:
            raise ValueError(problem)
        if run.started:
            logger.info("resuming the run at epoch %d, block %d", run.epoch + 1, run.block)
        schedule = Schedule(
            encoded.offsets,
            epochs=run.epochs,
            alpha=self.alpha,
            min_alpha=self.min_alpha,
            seed=self.seed,
            shuffle=self.shuffle,
            epoch_offset=run.epoch_offset,
            block_words=self.batch_words,
        )
        progress = Progress(run.epochs, self.progress) if self.progress else None
        started = time.perf_counter()
        try:
            result = driver.train(
                kernel,
                encoded,
                schedule,
                workers=self.workers or max(1, min(3, os.cpu_count() or 1)),
                start_epoch=run.epoch,
                start_block=run.block,
                partial=run.partial,
                progress=progress,
                stop=stop,
            )
        except TrainingDiverged as e:
            self._run = None
            raise TrainingDiverged(
                e.code,
                f"{e}: alpha={self.alpha!r} is too high for these settings (try 0.025-0.1; "
                "0.025 is skip-gram's default, 0.05 CBOW's); the weights are no longer usable",
            ) from None
        finally:
            if progress is not None:
                progress.close()
            self.wv.reset_norms()
        self.train_seconds_ += time.perf_counter() - started
        idle = next((i for i, st in enumerate(result.epochs) if st.predictions == 0), None)
        if idle is not None:
            self._run = None
            raise ValueError(
                f"nothing was trained in epoch {run.epoch + idle + 1}: no window had a context word "
                f"left after subsampling (sample={self.sample!r} drops most occurrences of the frequent "
                "words of a small corpus; try sample=0) and unknown words"
            )
        self._record(result)
        return self

    def _record(self, result):
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
            (self._run.epoch, self._run.block), self._run.partial = result.stopped_at, result.partial
            logger.info("training stopped at epoch %d, block %d", self._run.epoch + 1, self._run.block)

    def fit(self, corpus):
        """build_vocab then train; returns self."""
        return self.build_vocab(corpus).train(corpus)

    # -- files -----------------------------------------------------------------------------------

    def save(self, path):
        """Write the whole model (vocabulary, weights, parameters, training state) to ``path``.

        The native format (see ``w2v.storage``), written atomically: a save
        that fails or is interrupted leaves any existing file as it was.
        """
        if self.wv is None:
            raise ValueError("the model has no vocabulary yet: call build_vocab or fit before save")
        points, codes, lens = self.huffman_ if self.huffman_ is not None else (None, None, None)
        state = {
            "epochs_trained": self.epochs_trained_,
            "loss_history": [json_float(v) for v in self.loss_history_],
            "eval_loss_history": [json_float(v) for v in self.eval_loss_history_],
            "train_seconds": self.train_seconds_,
            "invalid_utf8": self.invalid_utf8_,
            "corpus_total_words": int(self.vocab_.total_words),
            "run": None if self._run is None else self._run.to_json(),
            "corpus": self.corpus_,
        }
        arrays = {
            "w_in": self.wv.vectors,
            "w_out_ns": self.w_out_ns,
            "w_out_hs": self.w_out_hs,
            "counts": self.vocab_.counts,
            "hs_points": points,
            "hs_codes": codes,
            "hs_code_lens": lens,
        }
        save_model(path, ModelFile(self.get_params(), state, self.vocab_.index_to_key, arrays))

    @classmethod
    def load(cls, path, mmap=True):
        """A model saved with ``save``. Its arrays are mapped from the file copy-on-write, so it
        opens at once, and training can continue (``train``) without touching the file."""
        saved = load_model(path, mmap=mmap)
        try:
            return cls._from_file(saved)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            detail = f"missing field {e}" if isinstance(e, KeyError) else str(e)
            raise FormatError(path, f"not a valid w2v model: {detail}") from None

    @classmethod
    def _from_file(cls, saved):
        params, state, arrays = saved.params, saved.state, saved.arrays
        params.setdefault("shuffle", False)  # files from before the parameter: trained in corpus order
        unknown = set(params) - set(CONSTRAINTS)
        if unknown:
            raise ValueError(f"unknown parameter(s) {', '.join(sorted(unknown))}")
        model = cls(**params)
        w_in = arrays["w_in"]
        if w_in.shape[1] != model.vector_size:
            raise ValueError(
                f"vector_size={model.vector_size} but the vectors have {w_in.shape[1]} dimensions"
            )
        for name, wanted in (("w_out_ns", bool(model.negative)), ("w_out_hs", bool(model.hs))):
            if (arrays[name] is not None) != wanted:
                raise ValueError(f"array {name!r} is {'missing' if wanted else 'unexpected'}")
        counts = np.asarray(arrays["counts"], dtype=np.int64)
        if len(counts) and counts.min() < 1:
            raise ValueError("a word count is below 1")
        total = state["corpus_total_words"]
        if isinstance(total, bool) or not isinstance(total, int) or total < counts.sum():
            raise ValueError("the corpus word total is damaged")
        model.wv = KeyedVectors(saved.keys, w_in, counts)  # ValueError if a word appears twice
        model.vocab_ = Vocabulary(model.wv.index_to_key, counts, total)
        model.vocab_.key_to_index = model.wv.key_to_index  # one dict for both
        model.w_out_ns, model.w_out_hs = arrays["w_out_ns"], arrays["w_out_hs"]
        if arrays["hs_points"] is not None:
            model.huffman_ = (arrays["hs_points"], arrays["hs_codes"], arrays["hs_code_lens"])
        elif model.hs:  # a file from before the tables were stored
            model.huffman_ = tables.huffman_table(counts)
        model.epochs_trained_ = int(state["epochs_trained"])
        model.loss_history_ = [float_from_json(v) for v in state["loss_history"]]
        model.eval_loss_history_ = [float_from_json(v) for v in state["eval_loss_history"]]
        model.train_seconds_ = float(state["train_seconds"])
        model.invalid_utf8_ = int(state["invalid_utf8"])
        model.corpus_total_words_ = total
        model._run = RunState.from_json(state["run"])
        corpus = state.get("corpus")
        if corpus is not None and not isinstance(corpus, str):
            raise ValueError("the corpus record is damaged")
        model.corpus_ = corpus
        return model


def _check_trainable(encoded, chunk=1 << 18):
    """A corpus where no sentence holds two words of the vocabulary gives nothing to train.

    Reads sentences a group of about ``chunk`` tokens at a time (usually the first group
    settles it), with no temporary the size of the corpus."""
    offsets, n_sentences = encoded.offsets, encoded.n_sentences
    buf = np.empty(max(chunk, encoded.longest_sentence), dtype=np.int32)
    first = 0
    while first < n_sentences:
        base = int(offsets[first])
        last = max(
            int(np.searchsorted(offsets, base + chunk, "right")) - 1, first + 1
        )  # sentences [first, last)
        bounds = np.asarray(offsets[first : last + 1]) - base
        known = (encoded.read(base, int(offsets[last]), buf) >= 0).astype(np.int64)
        if (np.add.reduceat(known, bounds[:-1]) >= 2).any():  # stored sentences hold >= 2 tokens
            return
        first = last
    raise ValueError(
        "nothing to train: no sentence holds two words of the vocabulary (a window needs a centre "
        "word and a context word); use a larger corpus or lower min_count"
    )


def _check_corpus(corpus):
    if isinstance(corpus, (str, bytes, os.PathLike)):
        raise TypeError("pass a corpus object (w2v.corpus.TextCorpus(path) for a file), not a path")
    if iter(corpus) is corpus:
        raise TypeError(
            "the corpus is a one-shot iterator (e.g. a generator); training needs a re-iterable "
            "corpus such as a list of token lists or w2v.corpus.TextCorpus"
        )
