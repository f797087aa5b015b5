"""Word2Vec: the estimator, with gensim 4's interface. Vectors in ``wv``.

The constructor has gensim's signature, order and defaults, and, given
``sentences`` or ``corpus_file``, builds the vocabulary and trains, as gensim
does; ``build_vocab``, ``build_vocab_from_freq`` and ``train`` have gensim's
signatures and checks. w2v's additions are keyword-only (``shuffle``,
``progress``, ``max_sentence_length``) or new methods (``fit``, ``save`` to
the native format). Parameters are stored as given and checked again
wherever the work happens (``build_vocab``, ``train``), so a value changed
after construction gives the same clear error. See docs/gensim.md for what
is identical to gensim and what differs, and why.
"""

from __future__ import annotations

import copy
import logging
import os
import time

from . import model_files, tables
from .callbacks import call, check_callbacks
from .corpus import MAX_SENTENCE_LENGTH
from .engine import driver
from .engine.kernel import KernelModel, TrainingDiverged
from .io import FormatError
from .model_extras import GensimMethods
from .model_vocab import VocabularyMethods, check_corpus_args, corpus_of, same_corpus
from .params import CONSTRAINTS, check_param, check_params
from .progress import Progress
from .run_state import RunState
from .schedule import BLOCK_WORDS, Schedule
from .storage import load_model, save_model
from .vocab import effective_min_count, encode, has_window

logger = logging.getLogger("w2v")


class Word2Vec(VocabularyMethods, GensimMethods):
    """Skip-gram or CBOW word2vec with negative sampling and/or hierarchical softmax.

    Training with ``workers=1`` and a fixed ``seed`` is reproducible bit for
    bit; with several workers the threads race on shared weights (Hogwild)
    and runs differ slightly.

    ``max_vocab_size`` bounds the memory of the vocabulary pass: when more
    distinct words than that are held, the rarest so far are forgotten, as
    gensim does (None: no bound).

    CBOW follows word2vec.c and gensim: the input is the mean of the context
    vectors (``cbow_mean=1``, or their sum with 0), and every context vector
    receives the whole input error, undivided (see docs/engine.md).

    ``batched=True`` (w2v's default) trains skip-gram with negative sampling
    (and no hierarchical softmax) a window at a time: the window's context
    words share one draw of K negatives and their gradients are summed into
    one step (pWord2Vec's minibatch; about twice as fast at the same quality,
    see docs/engine.md); for CBOW and hierarchical softmax it changes
    nothing. ``batched=False`` trains pair by pair, as gensim and word2vec.c
    do.

    ``shuffle=True`` (w2v's default) visits the corpus's blocks of about
    ``batch_words`` words in a new random order each epoch, drawn from
    ``seed``; ``False`` keeps corpus order, as word2vec.c and gensim do. On
    corpora ordered by topic (Wikipedia dumps, text8) the shuffled order
    gives better vectors (docs/engine.md).
    """

    def __init__(
        self,
        sentences=None,
        corpus_file=None,
        vector_size=100,
        alpha=0.025,
        window=5,
        min_count=5,
        max_vocab_size=None,
        sample=1e-3,
        seed=1,
        workers=3,
        min_alpha=0.0001,
        sg=0,
        hs=0,
        negative=5,
        ns_exponent=0.75,
        cbow_mean=1,
        hashfxn=hash,
        epochs=5,
        null_word=0,
        trim_rule=None,
        sorted_vocab=1,
        batch_words=BLOCK_WORDS,
        compute_loss=False,
        callbacks=(),
        comment=None,
        max_final_vocab=None,
        shrink_windows=True,
        *,
        shuffle=True,
        batched=True,
        max_sentence_length=MAX_SENTENCE_LENGTH,
        progress="auto",
    ):
        self.vector_size = vector_size
        self.alpha = alpha
        self.window = window
        self.min_count = min_count
        self.max_vocab_size = max_vocab_size
        self.sample = sample
        self.seed = seed
        self.workers = workers
        self.min_alpha = min_alpha
        self.sg = sg
        self.hs = hs
        self.negative = negative
        self.ns_exponent = ns_exponent
        self.cbow_mean = cbow_mean
        self.hashfxn = hashfxn  # accepted for gensim's signature; w2v seeds rows without it
        self.epochs = epochs
        self.null_word = null_word
        self.trim_rule = trim_rule
        self.sorted_vocab = sorted_vocab
        self.batch_words = batch_words
        self.compute_loss = compute_loss
        self.callbacks = check_callbacks(callbacks)
        self.comment = comment
        self.max_final_vocab = max_final_vocab
        self.shrink_windows = shrink_windows
        self.shuffle = shuffle
        self.batched = batched
        self.max_sentence_length = max_sentence_length
        self.progress = progress
        check_params(self.get_params())  # an early error; checked again where the work happens
        self.wv = None
        self.vocab_ = None
        self.w_out_ns = None  # (V, d) float32: negative sampling's output vectors (gensim's syn1neg)
        self.w_out_hs = None  # (V - 1, d) float32: hierarchical softmax's inner nodes (gensim's syn1)
        self.huffman_ = None  # (points, codes, code_lens) of hierarchical softmax
        self.loss_history_ = []  # mean loss per prediction trained on, one entry per epoch
        self.eval_loss_history_ = []  # the objective with frozen weights on a fixed sample, per epoch
        self.epochs_trained_ = 0
        self.train_seconds_ = 0.0
        self.words_trained_ = 0
        self.invalid_utf8_ = 0
        self.corpus_count = 0  # sentences in the corpus of the last build_vocab
        self.corpus_total_words = 0  # tokens in it (words below min_count included)
        self.running_training_loss = 0.0  # the last train call's loss, with compute_loss
        self.train_count = 0
        self.raw_vocab = None  # the counts before trimming, with keep_raw_vocab=True
        self.training_problem_ = None  # why the last run trained nothing, if it did not
        self.corpus_ = None  # what the model was trained on (a name or path), when known
        # how its text was read, when known: {"lowercase": bool, "tokenizer": name or regex};
        # queries fold their words to lower case when the text was
        self.tokenizer_ = None
        self._encoded = None  # (what it was built from, EncodedCorpus) kept from build_vocab for train
        self._run = None  # the RunState of a training run that was stopped before its end
        if sentences is not None or corpus_file is not None:
            check_corpus_args(sentences, corpus_file, passes=epochs + 1)
            self.build_vocab(corpus_iterable=sentences, corpus_file=corpus_file, trim_rule=trim_rule)
            self.train(
                corpus_iterable=sentences,
                corpus_file=corpus_file,
                total_examples=self.corpus_count,
                total_words=self.corpus_total_words,
                epochs=self.epochs,
                start_alpha=self.alpha,
                end_alpha=self.min_alpha,
                compute_loss=compute_loss,
                callbacks=callbacks,
            )

    def get_params(self):
        return {name: getattr(self, name) for name in CONSTRAINTS}

    def __repr__(self):
        words = len(self.wv) if self.wv is not None else 0
        return f"Word2Vec<vocab={words}, vector_size={self.vector_size}, alpha={self.alpha}>"

    # -- gensim's names for w2v's state ----------------------------------------------------------

    @property
    def syn1neg(self):
        """Negative sampling's output vectors, (V, d) float32 (w2v: ``w_out_ns``)."""
        return self.w_out_ns

    @property
    def syn1(self):
        """Hierarchical softmax's inner-node vectors (w2v: ``w_out_hs``): (V - 1, d), one row per
        inner node of the Huffman tree (gensim allocates V rows and leaves the last unused)."""
        return self.w_out_hs

    @property
    def layer1_size(self):
        return self.vector_size

    @property
    def effective_min_count(self):
        if self.vocab_ is None:
            return self.min_count
        return effective_min_count(self.vocab_.counts, self.min_count, self.max_final_vocab)

    @property
    def total_train_time(self):
        return self.train_seconds_

    @property
    def run_state(self):
        """The RunState of a run that was stopped before its end, else None."""
        return self._run

    @property
    def interrupted(self):
        """True while a training run was stopped before its end (``train`` resumes it)."""
        return self._run is not None

    # -- training --------------------------------------------------------------------------------

    def _kernel_model(self):
        """The compiled kernel's view of the weights, with tables for the current parameters."""
        if len(self.wv) != len(self.vocab_) or len(self.wv.vectors) != len(self.vocab_):
            raise ValueError(
                f"model.wv holds {len(self.wv)} words but the model's vocabulary has {len(self.vocab_)}: "
                "vectors added to model.wv are not part of the training vocabulary; add words with "
                "build_vocab(sentences, update=True)"
            )
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
        counts = self.vocab_.counts
        if self.hs and self.huffman_ is None:
            self.huffman_ = tables.huffman_table(counts)
        keep, alias, (points, codes, lens) = tables.kernel_tables(
            counts, self.sample, self.ns_exponent, self.huffman_
        )
        return KernelModel(
            self.wv.vectors,
            self.w_out_ns,
            self.w_out_hs,
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
            batched=bool(self.batched and self.sg and self.negative and not self.hs),
        )

    def _encoded_corpus(self, corpus, key):
        """The encoded corpus to train on: kept from build_vocab, or ``corpus`` encoded now."""
        if corpus is None or (self._encoded is not None and same_corpus(key, self._encoded[0])):
            if self._encoded is None:
                raise ValueError(
                    "train() needs the corpus: give corpus_iterable or corpus_file (the one build_vocab "
                    "read is not kept once a training run is over)"
                )
            return self._encoded[1]
        encoded = encode(corpus, self.vocab_.key_to_index, self.max_sentence_length)
        self._keep_encoded(key, encoded)  # kept while a run is stopped, to resume without re-reading
        return encoded

    def train(
        self,
        corpus_iterable=None,
        corpus_file=None,
        total_examples=None,
        total_words=None,
        epochs=None,
        start_alpha=None,
        end_alpha=None,
        word_count=0,
        queue_factor=2,
        report_delay=1.0,
        compute_loss=False,
        callbacks=(),
        *,
        stop=None,
        **kwargs,
    ):
        """Train on ``corpus_iterable`` or ``corpus_file`` (w2v: with neither, the corpus that
        build_vocab read). Returns gensim's ``(trained_word_count, raw_word_count)``: words
        trained on after subsampling, and in-vocabulary words read.

        As in gensim, a corpus given here needs ``epochs`` and ``total_examples`` (or
        ``total_words``); the learning rate falls linearly from ``start_alpha`` (default
        ``alpha``) to ``end_alpha`` (``min_alpha``) over this call's epochs, following the exact
        tokens processed (w2v knows the corpus's size, so the totals are only checked).
        ``word_count``, ``queue_factor`` and ``report_delay`` are accepted and unused.

        If ``stop`` (a threading.Event) is set, training halts at the next safe point (the
        workers finish their current blocks) and the model keeps where the run stopped:
        ``interrupted`` is then True, the model can be saved, and the next ``train`` call
        (also after ``load``) resumes that run on the same corpus (its epochs are the
        run's). With ``workers=1`` a stopped-and-resumed run gives the same vectors, bit for
        bit, as an uninterrupted one.
        """
        if self.wv is None:
            raise RuntimeError("you must first build vocabulary before training the model")
        corpus, key = corpus_of(corpus_iterable, corpus_file, passes=epochs or 1, what="train", optional=True)
        if corpus is not None and self._run is None:
            _check_training_sanity(epochs, total_examples, total_words)
        self.alpha = self.alpha if start_alpha is None else start_alpha
        self.min_alpha = self.min_alpha if end_alpha is None else end_alpha
        self.compute_loss = compute_loss if compute_loss or corpus is not None else self.compute_loss
        check_params(self.get_params())
        callbacks = check_callbacks(callbacks)
        kernel = self._kernel_model()
        encoded = self._encoded_corpus(corpus, key)
        fingerprint = encoded.fingerprint()
        if self._run is None:
            epochs = self.epochs if epochs is None else epochs
            check_param("epochs", epochs)
            self.training_problem_ = None
            if not has_window(encoded):
                self._warn(
                    "nothing to train: no sentence holds two words of the vocabulary (a window needs a "
                    "centre word and a context word); use a larger corpus or lower min_count"
                )
            self._run = RunState(
                epochs,
                self.epochs_trained_,
                encoded.n_tokens,
                encoded.n_sentences,
                fingerprint=fingerprint,
                layout=[int(self.batch_words), int(self.seed), int(bool(self.shuffle))],
            )
        run = self._run
        problem = run.corpus_mismatch(encoded.n_tokens, encoded.n_sentences, fingerprint)
        problem = problem or run.layout_mismatch(self.batch_words, self.seed, self.shuffle)
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
        self.running_training_loss = 0.0
        # What this call trains: the stopped epoch's earlier blocks were counted by the call
        # that ran them. The driver adds to a copy of the stopped epoch's statistics, so a run
        # interrupted by an exception keeps its record as it was.
        before = copy.copy(run.partial)
        tally = {"trained": -(before.kept if before else 0.0), "raw": -(before.words if before else 0.0)}
        call(callbacks, "on_train_begin", self)

        def epoch_end(epoch, stats):
            self._end_epoch(epoch, stats, tally)
            run.epoch, run.block, run.partial = epoch + 1, 0, None  # the run now stands here
            call(callbacks, "on_epoch_end", self)

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
                partial=copy.copy(run.partial),
                progress=progress,
                stop=stop,
                on_epoch_begin=lambda epoch: call(callbacks, "on_epoch_begin", self),
                on_epoch_end=epoch_end,
            )
        except TrainingDiverged as e:
            self._run = None
            raise TrainingDiverged(
                e.code,
                f"{e}: alpha={self.alpha!r} is too high for these settings (try 0.025-0.1; "
                "0.025 is skip-gram's default, 0.05 CBOW's); the weights are no longer usable",
            ) from None
        except BaseException:
            if self._run is not None and not self._run.started:
                self._run = None
            raise
        finally:
            if progress is not None:
                progress.close()
            self.wv.reset_norms()
            self.train_seconds_ += time.perf_counter() - started
        self.train_count += 1
        if result.stopped_at is not None:
            tally["trained"] += result.partial.kept
            tally["raw"] += result.partial.words
        self.words_trained_ = int(tally["raw"])
        if result.stopped_at is None:
            self._run = None
            self._keep_encoded(None, None)  # release the encoded corpus (4 bytes a token)
            call(callbacks, "on_train_end", self)
        else:
            (self._run.epoch, self._run.block), self._run.partial = result.stopped_at, result.partial
            logger.info("training stopped at epoch %d, block %d", self._run.epoch + 1, self._run.block)
        return int(tally["trained"]), int(tally["raw"])

    def _warn(self, problem):
        """Log a problem with the run (gensim trains on regardless); the command refuses to save."""
        if self.training_problem_ is None:
            self.training_problem_ = problem
        logger.warning("%s", problem)

    def _end_epoch(self, epoch, stats, tally):
        """Record a finished epoch (history, loss, counts); say so if it trained nothing."""
        if stats.predictions == 0:
            self._warn(
                f"nothing was trained in epoch {epoch + 1}: no window had a context word left after "
                f"subsampling (sample={self.sample!r} drops most occurrences of the frequent words of a "
                "small corpus; try sample=0)"
            )
        self.loss_history_.append(stats.mean_loss)
        self.eval_loss_history_.append(stats.eval_loss)
        self.epochs_trained_ += 1
        tally["trained"] += stats.kept
        tally["raw"] += stats.words
        if self.compute_loss:
            self.running_training_loss += stats.loss
        logger.info(
            "epoch %d: mean loss %.5f over %d predictions; frozen-weights loss %.5f",
            self.epochs_trained_,
            stats.mean_loss,
            stats.predictions,
            stats.eval_loss,
        )

    def fit(self, corpus):
        """build_vocab then train on ``corpus``; returns the model (w2v's one-call form)."""
        self.build_vocab(corpus)
        self.train(callbacks=self.callbacks)
        return self

    # -- files and copies ------------------------------------------------------------------------

    def save(
        self, fname_or_handle, separately=None, sep_limit=None, ignore=frozenset(), pickle_protocol=None
    ):
        """Write the whole model (vocabulary, weights, parameters, training state) to a path.

        w2v's native format (see ``w2v.storage``), written atomically: a save that fails or
        is interrupted leaves any existing file as it was. gensim's other arguments are
        accepted and unused (the native format is one file, not a pickle).
        """
        if self.wv is None:
            raise ValueError("the model has no vocabulary yet: call build_vocab or fit before save")
        save_model(fname_or_handle, model_files.to_file(self))

    @classmethod
    def load(cls, fname, mmap=True, **kwargs):
        """A model saved with ``save``. With ``mmap`` (True, 'r', 'c' or 'r+') its arrays are mapped
        from the file copy-on-write, so it opens at once and training can continue without
        touching the file; ``mmap=None`` or ``False`` reads them into memory."""
        saved = load_model(fname, mmap=mmap not in (None, False))
        try:
            model = cls(**model_files.params_of(saved))
            return model_files.apply_file(model, saved)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            detail = f"missing field {e}" if isinstance(e, KeyError) else str(e)
            raise FormatError(fname, f"not a valid w2v model: {detail}") from None

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_encoded"] = None  # a temporary file and a lock: a copy re-reads its corpus
        state["trim_rule"] = state["trim_rule"] if _picklable_callable(state["trim_rule"]) else None
        state["hashfxn"] = hash
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)


def _picklable_callable(fn):
    return fn is None or (
        getattr(fn, "__qualname__", "<lambda>") != "<lambda>" and "<locals>" not in fn.__qualname__
    )


def _check_training_sanity(epochs, total_examples, total_words):
    """gensim's checks and messages for a corpus given to train."""
    if total_words is None and total_examples is None:
        raise ValueError(
            "You must specify either total_examples or total_words, for proper learning-rate and progress "
            "calculations. If you've just built the vocabulary using the same corpus, using the count "
            "cached in the model is sufficient: total_examples=model.corpus_count."
        )
    if epochs is None or epochs <= 0:
        raise ValueError("You must specify an explicit epochs count. The usual value is epochs=model.epochs.")
