"""Word2Vec's vocabulary methods (gensim's ``build_vocab`` and ``build_vocab_from_freq``,
online updates), and how a corpus is given to them.

A mixin of :class:`w2v.model.Word2Vec`: it reads and sets the model's vocabulary,
weights and encoded corpus, and nothing of training.
"""

from __future__ import annotations

import logging
import os
import time

import numpy as np

from . import tables
from .corpus import TextCorpus
from .params import check_params
from .text_scan import scan_corpus
from .vectors import KeyedVectors
from .vocab import (
    Scan,
    Vocabulary,
    effective_min_count,
    encode_scanned,
    finalize_vocab,
    merge_vocabulary,
)
from .weights import extra_weights, initial_weights

logger = logging.getLogger("w2v")


class VocabularyMethods:
    def build_vocab(
        self,
        corpus_iterable=None,
        corpus_file=None,
        update=False,
        progress_per=10000,
        keep_raw_vocab=False,
        trim_rule=None,
        **kwargs,
    ):
        """Count words in one pass over the corpus, keep the frequent ones, set up the weights.

        ``update=True`` adds a new corpus's words to a trained model (gensim's online update):
        existing words keep their vectors and their counts add up, new words get new rows,
        the Huffman tree and the sampling tables are rebuilt. Returns the model.
        """
        check_params(self.get_params())
        corpus, key = corpus_of(corpus_iterable, corpus_file, passes=1, what="build_vocab")
        if self.max_vocab_size is not None and iter(corpus) is corpus:
            raise TypeError(
                "Using a generator as corpus_iterable can't support 2 passes, which max_vocab_size may "
                "need (the corpus is read again once the vocabulary is pruned). Try a re-iterable "
                "sequence (a list of token lists, or w2v.TextCorpus)."
            )
        if update and self.wv is None:
            raise RuntimeError(
                "You cannot do an online vocabulary-update of a model which has no prior vocabulary. "
                "First build the vocabulary of your model with a corpus before doing an online update."
            )
        started = time.perf_counter()
        trim_rule = trim_rule if trim_rule is not None else self.trim_rule
        scan = scan_corpus(corpus, self.max_sentence_length, max_vocab_size=self.max_vocab_size)
        if scan.total_words == 0:
            _close(scan)
            raise ValueError("the corpus is empty: it has no words")
        if scan.min_reduce:
            logger.info(
                "the vocabulary outgrew max_vocab_size=%d while counting: words seen at most %d times "
                "at that point were dropped (the corpus was read twice)",
                self.max_vocab_size,
                scan.min_reduce,
            )
        self.raw_vocab = dict(zip(scan.words, scan.counts.tolist(), strict=True)) if keep_raw_vocab else None
        try:
            self._vocab_from_scan(scan, trim_rule, update)
        except ValueError:
            _close(scan)
            raise
        encoded = encode_scanned(scan, corpus, self.vocab_, self.max_sentence_length)
        self._keep_encoded(key, encoded)
        self.invalid_utf8_ = int(getattr(corpus, "invalid_utf8", 0))
        if self.invalid_utf8_:
            logger.warning("%r: replaced %d byte(s) of invalid UTF-8 with U+FFFD", corpus, self.invalid_utf8_)
        logger.info(
            "vocabulary: %d words (min_count %d) from %d tokens, %d distinct, in %.1f s",
            len(self.vocab_),
            self.min_count,
            scan.total_words,
            len(scan.words),
            time.perf_counter() - started,
        )
        return self

    def build_vocab_from_freq(
        self, word_freq, keep_raw_vocab=False, corpus_count=None, trim_rule=None, update=False
    ):
        """The vocabulary from a ``{word: count}`` mapping instead of a corpus (gensim's)."""
        check_params(self.get_params())
        if update and self.wv is None:
            raise RuntimeError(
                "You cannot do an online vocabulary-update of a model which has no prior vocabulary."
            )
        words = list(word_freq)
        counts = np.array([int(word_freq[w]) for w in words], dtype=np.int64)
        if len(counts) and counts.min() < 1:
            raise ValueError("word counts must be >= 1")
        scan = Scan(words, counts, None, int(counts.sum()), 0, corpus_count or 0)
        self.raw_vocab = dict(word_freq) if keep_raw_vocab else None
        self._vocab_from_scan(scan, trim_rule if trim_rule is not None else self.trim_rule, update)
        self._keep_encoded(None, None)
        return self

    def _vocab_from_scan(self, scan, trim_rule, update):
        """The vocabulary of a scan: merged into the model's (``update``) or new, with weights."""
        if update:
            vocab, added = merge_vocabulary(
                self.vocab_,
                scan,
                min_count=self.min_count,
                max_final_vocab=self.max_final_vocab,
                trim_rule=trim_rule,
            )
            self._install_vocab(vocab, update=True)
            logger.info("vocabulary update: %d new words, %d in all", added, len(vocab))
        else:
            vocab = finalize_vocab(
                scan.words,
                scan.counts,
                None,
                self.min_count,
                self.max_final_vocab,
                total_words=scan.total_words,
                trim_rule=trim_rule,
                sorted_vocab=bool(self.sorted_vocab),
            )
            if len(vocab) < 2:
                raise ValueError(self._too_few_words(vocab, scan))
            self._install_vocab(vocab)
            self.vocab_.total_words = scan.total_words  # (an update adds it to the old total)
        self.corpus_count, self.corpus_total_words = scan.n_sentences, scan.total_words

    def _install_vocab(self, vocab, update=False):
        """New weights for ``vocab`` (or, with ``update``, the old ones extended for its new words)."""
        if self.null_word and "\0" not in vocab.key_to_index:  # gensim's padding word, count 1
            vocab = Vocabulary([*vocab.index_to_key, "\0"], np.append(vocab.counts, 1), vocab.total_words)
        n_words, d = len(vocab), self.vector_size
        if update:
            old = len(self.wv)
            w_in = np.concatenate([self.wv.vectors, extra_weights(old, n_words, d, self.seed)])
            pad = np.zeros((n_words - old, d), np.float32)
            self.w_out_ns = np.concatenate([self.w_out_ns, pad]) if self.w_out_ns is not None else None
            self.w_out_hs = np.concatenate([self.w_out_hs, pad]) if self.w_out_hs is not None else None
        else:
            w_in = initial_weights(n_words, d, self.seed)
            self.w_out_ns = np.zeros((n_words, d), dtype=np.float32) if self.negative else None
            self.w_out_hs = np.zeros((n_words - 1, d), dtype=np.float32) if self.hs else None
            self.loss_history_, self.eval_loss_history_ = [], []
            self.epochs_trained_ = 0
        self.wv = KeyedVectors(vocab.index_to_key, w_in, vocab.counts)
        vocab.key_to_index = self.wv.key_to_index  # one dict for both
        self.vocab_ = vocab
        self.huffman_ = tables.huffman_table(vocab.counts) if self.hs else None
        self._run = None

    def _adopt(self, vocab, arrays, huffman):
        """Take over a vocabulary and trained weights built elsewhere (a gensim model)."""
        self.wv = KeyedVectors(vocab.index_to_key, arrays["w_in"], vocab.counts)
        vocab.key_to_index = self.wv.key_to_index
        self.vocab_ = vocab
        self.w_out_ns, self.w_out_hs, self.huffman_ = arrays["w_out_ns"], arrays["w_out_hs"], huffman
        self._run = None

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

    def _keep_encoded(self, key, encoded):
        if self._encoded is not None and self._encoded[1] is not encoded:
            self._encoded[1].close()
        self._encoded = None if encoded is None else (key, encoded)


def _close(scan):
    if scan.encoded is not None:
        scan.encoded.close()


def check_corpus_args(corpus_iterable, corpus_file, passes):
    """gensim's checks on the two ways to give a corpus."""
    if corpus_iterable is None and corpus_file is None:
        raise TypeError("Either one of corpus_file or corpus_iterable value must be provided")
    if corpus_iterable is not None and corpus_file is not None:
        raise TypeError("Both corpus_file and corpus_iterable must not be provided at the same time")
    if corpus_file is not None and not isinstance(corpus_file, (str, os.PathLike)):
        raise TypeError(f"Parameter corpus_file must be a valid path to a file, got {corpus_file!r} instead")
    if corpus_iterable is not None:
        if isinstance(corpus_iterable, (str, bytes, os.PathLike)):
            raise TypeError("pass a corpus object (w2v.TextCorpus(path), or corpus_file=path), not a path")
        if iter(corpus_iterable) is corpus_iterable and passes > 1:
            raise TypeError(
                f"Using a generator as corpus_iterable can't support {passes} passes. Try a re-iterable "
                "sequence (a list of token lists, or w2v.TextCorpus)."
            )


def corpus_of(corpus_iterable, corpus_file, *, passes, what, optional=False):
    """``(corpus, key)``: the corpus to read and what identifies it (the object, or the file)."""
    if optional and corpus_iterable is None and corpus_file is None:
        return None, None
    check_corpus_args(corpus_iterable, corpus_file, passes)
    if corpus_file is not None:
        return TextCorpus(corpus_file), ("corpus_file", os.path.abspath(os.fspath(corpus_file)))
    return corpus_iterable, ("corpus_iterable", corpus_iterable)


def same_corpus(a, b):
    """Two corpus keys name the same corpus: the same file, or the very same object."""
    if a is None or b is None or a[0] != b[0]:
        return False
    return a[1] == b[1] if a[0] == "corpus_file" else a[1] is b[1]
