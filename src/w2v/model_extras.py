"""What a trained Word2Vec says beyond its vectors, and gensim's other model methods.

A mixin of :class:`w2v.model.Word2Vec`: ``predict_output_word``, ``score`` and
``estimate_memory`` (computed by :mod:`w2v.inference`), the training loss,
``init_sims``, and moving models to and from gensim (:mod:`w2v.compat.gensim`).
"""

from __future__ import annotations

import datetime
import logging
import platform
import sys
import warnings

import numpy as np

from . import inference, tables
from .compat import gensim as gensim_compat
from .model_vocab import corpus_of
from .text_scan import scan_corpus
from .vocab import Scan, merge_vocabulary
from .weights import initial_weights

logger = logging.getLogger("w2v")


class GensimMethods:
    def get_latest_training_loss(self):
        """The summed loss of the last ``train`` call (0.0 unless ``compute_loss``).

        w2v adds each prediction's exact loss in float64 (gensim adds float32 terms from
        its sigmoid table, which stops growing past 2^24 per job); divide by the number of
        predictions for the mean per prediction, which ``loss_history_`` holds per epoch.
        """
        return float(self.running_training_loss)

    # -- what the model says (w2v.inference) ---------------------------------------------------

    def predict_output_word(self, context_words_list, topn=10):
        """The most probable centre words for the context words, with their probabilities."""
        if not self.negative:
            raise RuntimeError(
                "We have currently only implemented predict_output_word for the negative sampling "
                "scheme, so you need to have run word2vec with negative > 0 for this to work."
            )
        if self.wv is None:
            raise RuntimeError("Parameters required for predicting the output words not found.")
        return inference.predict_output_word(
            context_words_list,
            self.wv.key_to_index,
            self.wv.index_to_key,
            self.wv.vectors,
            self.w_out_ns,
            cbow_mean=self.cbow_mean,
            topn=topn,
        )

    def score(self, sentences, total_sentences=int(1e6), chunksize=100, queue_factor=2, report_delay=1):
        """Log-likelihood of each sentence under hierarchical softmax (gensim's ``score``)."""
        if not self.hs:
            raise RuntimeError(
                "We have currently only implemented score for the hierarchical softmax scheme, "
                "so you need to have run word2vec with hs=1 and negative=0 for this to work."
            )
        if self.wv is None:
            raise RuntimeError("you must first build vocabulary before scoring")
        if len(self.wv) != len(self.vocab_):
            raise ValueError(
                f"model.wv holds {len(self.wv)} words but the model's vocabulary has {len(self.vocab_)}: "
                "vectors added to model.wv have no place in the Huffman tree"
            )
        return inference.score_sentences(
            sentences,
            self.wv.key_to_index,
            self.wv.vectors,
            self.w_out_hs,
            self.huffman_,
            window=self.window,
            sg=self.sg,
            cbow_mean=self.cbow_mean,
            limit=total_sentences,
        )

    def estimate_memory(self, vocab_size=None, report=None):
        """Bytes the model's parts take (gensim's keys: vocab, vectors, syn1, syn1neg, total)."""
        vocab_size = vocab_size or (len(self.wv) if self.wv is not None else 0)
        estimate = inference.estimate_memory(vocab_size, self.vector_size, hs=self.hs, negative=self.negative)
        if report is not None:
            report.update(estimate)
            estimate = report
        logger.info(
            "estimated required memory for %d words and %d dimensions: %d bytes",
            vocab_size,
            self.vector_size,
            estimate["total"],
        )
        return estimate

    def init_sims(self, replace=False):
        """Deprecated in gensim 4 (norms are computed when needed); kept for old code."""
        warnings.warn(
            "init_sims() is obsolete: norms are computed when needed (use wv.get_vector(word, norm=True) "
            "or wv.fill_norms())",
            DeprecationWarning,
            stacklevel=2,
        )
        if self.wv is not None:
            self.wv.fill_norms(force=True)

    @classmethod
    def from_gensim(cls, model_or_path):
        """A w2v model equal to a gensim ``Word2Vec`` (or the path of a gensim ``.model`` file:
        a pickle, so load only files you trust): vocabulary, counts, weights, Huffman tree and
        parameters carry over exactly, and training continues here. Needs gensim."""
        return gensim_compat.from_gensim(cls, model_or_path)

    def to_gensim(self):
        """The same model as a gensim ``Word2Vec`` (needs gensim)."""
        return gensim_compat.to_gensim(self)

    # -- the rest of gensim's public Word2Vec methods ------------------------------------------

    def add_lifecycle_event(self, event_name, log_level=logging.INFO, **event):
        """Record an event in ``lifecycle_events`` (gensim's provenance log) and log it."""
        record = {**event, "datetime": datetime.datetime.now().isoformat(), "event": event_name}
        record.update(python=sys.version, platform=platform.platform())
        events = self.__dict__.setdefault("lifecycle_events", [])
        events.append(record)
        if log_level:
            logger.log(log_level, "%s lifecycle event %s", type(self).__name__, record)

    def seeded_vector(self, seed_string, vector_size):
        """gensim's deterministic vector for a string: uniform in [-0.5/d, 0.5/d) from ``hashfxn``
        (Python's ``hash`` is salted per process unless PYTHONHASHSEED is set, as in gensim)."""
        once = np.random.Generator(np.random.SFC64(self.hashfxn(seed_string) & 0xFFFFFFFF))
        return (once.random(vector_size).astype(np.float32) - 0.5) / vector_size

    def make_cum_table(self, domain=2**31 - 1):
        """gensim's cumulative negative-sampling table (``cum_table``, uint32), for code that reads
        it; w2v's engine draws from an alias table of the same distribution."""
        powers = np.asarray(self.wv.counts, dtype=np.float64) ** float(self.ns_exponent)
        cumulative = np.cumsum(powers)  # the running sums gensim's loop makes, in its order
        self.cum_table = np.round(cumulative / cumulative[-1] * domain).astype(np.uint32)
        return self.cum_table

    def create_binary_tree(self):
        """Build the Huffman tree of hierarchical softmax from the counts (``huffman_``)."""
        self.huffman_ = tables.huffman_table(self.vocab_.counts)

    def init_weights(self):
        """Reset the weights: fresh input vectors from ``seed``, zero output vectors."""
        if self.wv is None:
            raise RuntimeError("you must first build vocabulary before initialising the weights")
        n_words, d = len(self.wv), self.vector_size
        self.wv.vectors = initial_weights(n_words, d, self.seed)
        self.wv.fill_norms(force=True)
        self.w_out_ns = np.zeros((n_words, d), dtype=np.float32) if self.negative else None
        self.w_out_hs = np.zeros((n_words - 1, d), dtype=np.float32) if self.hs else None

    def prepare_weights(self, update=False):
        """Weights for the vocabulary: fresh (``init_weights``) or, with ``update``, kept."""
        if not update:
            self.init_weights()
        else:
            self.update_weights()

    def update_weights(self):
        """gensim's weights update after a vocabulary update; w2v's ``build_vocab(update=True)``
        already extends the weights, so this only checks there is a vocabulary."""
        if self.wv is None or not len(self.wv):
            raise RuntimeError(
                "You cannot do an online vocabulary-update of a model which has no prior vocabulary. "
                "First build the vocabulary of your model with a corpus before doing an online update."
            )

    def reset_from(self, other_model):
        """Take ``other_model``'s vocabulary (words, counts, Huffman tree) and start fresh weights."""
        self.build_vocab_from_freq(
            dict(zip(other_model.wv.index_to_key, other_model.wv.counts.tolist(), strict=True)),
            corpus_count=other_model.corpus_count,
        )
        self.corpus_total_words = other_model.corpus_total_words

    def scan_vocab(
        self, corpus_iterable=None, corpus_file=None, progress_per=10000, workers=None, trim_rule=None
    ):
        """Count the corpus's words into ``raw_vocab``; returns ``(total_words, corpus_count)``."""
        corpus, _ = corpus_of(corpus_iterable, corpus_file, passes=1, what="scan_vocab")
        scan = scan_corpus(corpus, self.max_sentence_length, max_vocab_size=self.max_vocab_size)
        if scan.encoded is not None:
            scan.encoded.close()
        self.raw_vocab = dict(zip(scan.words, scan.counts.tolist(), strict=True))
        self.corpus_count, self.corpus_total_words = scan.n_sentences, scan.total_words
        return scan.total_words, scan.n_sentences

    def prepare_vocab(self, update=False, keep_raw_vocab=False, trim_rule=None, **kwargs):
        """Apply ``min_count`` (and ``max_final_vocab``, ``trim_rule``) to ``raw_vocab`` and set up
        the weights; returns gensim's report of what was kept."""
        if self.raw_vocab is None:
            raise RuntimeError("call scan_vocab first: there are no raw counts to prepare")
        raw = self.raw_vocab
        self.build_vocab_from_freq(
            raw, keep_raw_vocab=True, corpus_count=self.corpus_count, trim_rule=trim_rule, update=update
        )
        kept = set(self.wv.key_to_index)
        report = {
            "drop_unique": sum(1 for w in raw if w not in kept),
            "retain_total": sum(c for w, c in raw.items() if w in kept),
            "num_retained_words": len(kept),
        }
        if not keep_raw_vocab:
            self.raw_vocab = None
        return report

    def add_null_word(self):
        """Add gensim's padding word ``'\\0'`` (count 1) to the vocabulary, with a fresh row."""
        if "\0" in self.wv.key_to_index:
            return
        update = Scan(["\0"], np.ones(1, np.int64), None, 1, 0, 0)
        vocab, _ = merge_vocabulary(self.vocab_, update, min_count=1)
        self._install_vocab(vocab, update=True)
