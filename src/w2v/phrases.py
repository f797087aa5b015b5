"""Phrase detection (collocations such as ``new_york``) with gensim 4.4's ``Phrases`` interface.

    from w2v import Phrases, ENGLISH_CONNECTOR_WORDS
    bigrams = Phrases(sentences, min_count=5, threshold=10.0, connector_words=ENGLISH_CONNECTOR_WORDS)
    bigrams[["new", "york", "is", "big"]]  # ['new_york', 'is', 'big']
    trigrams = Phrases(bigrams[sentences])  # a second pass joins phrases into longer ones
    frozen = bigrams.freeze()  # the phrases alone: smaller, applies the same way
    frozen.save("bigrams.phr"); Phrases.load("bigrams.phr")  # the FrozenPhrases, as gensim

Everything gensim's ``Phrases`` computes is computed the same way: the counts of the unigrams
and of the joined candidates ("a_b", or "a_of_the_b" across connector words) in one table of
string keys (``vocab``), the pruning by ``max_vocab_size`` (after a sentence, keys counted less
than ``min_reduce`` are dropped and it goes up by one), the scorers (``'default'``:
(count(ab) - min_count) / (count(a) count(b)) x len(vocab); ``'npmi'``; or a function of the
same keyword arguments) and the greedy left-to-right joining. The counting and, for the built-in
scorers, the joining run in compiled code (``w2v.engine.phrase_tables``); a custom scorer is
called from Python for each candidate. ``tests/test_phrases.py`` checks the phrases against
gensim's on the same text.

Differences, on purpose: ``save`` writes w2v's native file (arrays and JSON, never pickle), so
a model with a custom scoring function is loaded with ``Phrases.load(path, scoring=function)``;
an empty-string token is an ordinary token (gensim's joining skips it); the delimiter must not be
empty (gensim fails later, in ``export_phrases``).
"""

from __future__ import annotations

import inspect
import itertools
import logging
import math
from collections.abc import Iterable

import numpy as np

from .engine import phrase_tables
from .engine.phrase_tables import ENCODING, ERRORS, PhraseTable, pack
from .io.native import load_native, pack_strings, save_native, unpack_strings

logger = logging.getLogger("w2v")

ENGLISH_CONNECTOR_WORDS = frozenset(
    " a an the "  # articles
    " for of with without at from to in on by "  # prepositions (incomplete on purpose)
    " and or ".split()  # conjunctions (incomplete on purpose)
)
NEGATIVE_INFINITY = float("-inf")
SCORING_PARAMS = ("worda_count", "wordb_count", "bigram_count", "len_vocab", "min_count", "corpus_word_count")
BATCH_TOKENS = 1 << 18  # tokens handed to the compiled code at a time


def original_scorer(worda_count, wordb_count, bigram_count, len_vocab, min_count, corpus_word_count):
    """Mikolov et al. (2013)'s score, as gensim: (bigram - min_count) / (a b) x len_vocab."""
    denom = worda_count * wordb_count
    if denom == 0:
        return NEGATIVE_INFINITY
    return (bigram_count - min_count) / float(denom) * len_vocab


def npmi_scorer(worda_count, wordb_count, bigram_count, len_vocab, min_count, corpus_word_count):
    """Normalized pointwise mutual information (Bouma 2009), in [-1, 1]; -inf below min_count."""
    if bigram_count < min_count:
        return NEGATIVE_INFINITY
    n = float(corpus_word_count)
    pa, pb, pab = worda_count / n, wordb_count / n, bigram_count / n
    try:
        return math.log(pab / (pa * pb)) / -math.log(pab)
    except (ValueError, ZeroDivisionError):
        return NEGATIVE_INFINITY


_BUILTIN = {"default": original_scorer, "npmi": npmi_scorer}


def _scoring(scoring):
    """(name or None, function) for ``scoring``: 'default', 'npmi' or a function of SCORING_PARAMS."""
    if isinstance(scoring, str):
        if scoring not in _BUILTIN:
            raise ValueError(f"unknown scoring method {scoring!r}: 'default', 'npmi' or a function")
        return scoring, _BUILTIN[scoring]
    for name, function in _BUILTIN.items():
        if scoring is function:
            return name, function
    if not callable(scoring):
        raise ValueError(f"scoring must be 'default', 'npmi' or a function, not {scoring!r}")
    missing = [p for p in SCORING_PARAMS if p not in inspect.signature(scoring).parameters]
    if missing:
        raise ValueError(f"scoring function missing expected parameters {missing}")
    return None, scoring


def _batches(sentences, size=BATCH_TOKENS):
    """Lists of sentences of about ``size`` tokens (a sentence is a list of str tokens)."""
    batch, tokens = [], 0
    for sentence in sentences:
        if isinstance(sentence, str):
            raise TypeError("a corpus is an iterable of sentences, each a list of tokens; got a string")
        sentence = list(sentence)
        batch.append(sentence)
        tokens += len(sentence)
        if tokens >= size:
            yield batch
            batch, tokens = [], 0
    if batch:
        yield batch


def _is_single(obj):
    """gensim's rule: (True, sentence) for one sentence (empty, or its first item a str), else
    (False, corpus); a one-shot iterator keeps the item peeked at."""
    iterator = iter(obj)
    try:
        peek = next(iterator)
    except StopIteration:
        return True, obj
    rest = itertools.chain([peek], iterator)
    if isinstance(peek, str):
        return True, rest
    return False, (rest if iterator is obj else obj)


class _Transformation:
    """What Phrases and FrozenPhrases share: applying to a sentence or a corpus, find_phrases."""

    def analyze_sentence(self, sentence):
        """Yield ``(token, score)`` for ``sentence``: a joined phrase with its score, or a word with None."""
        start, between = None, []
        for word in sentence:
            if word in self.connector_words:
                if start is None:
                    yield word, None
                else:
                    between.append(word)
                continue
            if start is None:
                start, between = word, []
                continue
            phrase, score = self.score_candidate(start, word, between)
            if score is not None:
                yield phrase, score
                start, between = None, []
            else:
                yield start, None
                yield from ((w, None) for w in between)
                start, between = word, []
        if start is not None:
            yield start, None
            yield from ((w, None) for w in between)

    def __getitem__(self, sentence):
        single, sentence = _is_single(sentence)
        if not single:
            return _PhrasedCorpus(self, sentence)
        return self._apply_batch([list(sentence)])[0]

    def _apply_batch(self, sentences):
        return [[token for token, _ in self.analyze_sentence(s)] for s in sentences]

    def find_phrases(self, sentences):
        """Every phrase joined in ``sentences``, with its score: ``{phrase: score}``."""
        result = {}
        for sentence in sentences:
            for phrase, score in self.analyze_sentence(sentence):
                if score is not None:
                    result[phrase] = score
        return result

    @classmethod
    def load(cls, path, scoring=None):
        """A model saved by :meth:`save` (``scoring``: the function, for a model saved with one)."""
        kind, meta, arrays = load_native(path, mmap=False)
        if kind == "phrases":
            model = Phrases._restore(path, meta, arrays, scoring)
        elif kind == "frozen-phrases":
            model = FrozenPhrases._restore(path, meta, arrays, scoring)
        else:
            raise ValueError(f"{path}: a w2v {kind} file, not phrases")
        return model  # as gensim: whichever of Phrases and FrozenPhrases the file holds


class _PhrasedCorpus:
    """``model[corpus]``: the corpus with phrases joined, re-iterable if the corpus is."""

    def __init__(self, model, corpus):
        self.model, self.corpus = model, corpus

    def __iter__(self):
        for batch in _batches(self.corpus):
            yield from self.model._apply_batch(batch)


def _join_runs(tokens, lo, ends, delimiter):
    """Output tokens from the compiled joining: token k spans tokens[ends[k - 1]:ends[k]]
    (ends[-1] taken as ``lo``)."""
    out = []
    for hi in ends:
        out.append(tokens[lo] if hi - lo == 1 else delimiter.join(tokens[lo:hi]))
        lo = hi
    return out


def _apply_compiled(table, sentences, scoring, threshold, min_count, delimiter):
    """``table``'s joining of a batch of sentences, back as token lists."""
    data, token_ends, sentence_ends = pack(sentences)
    ends, _ = table.apply(data, token_ends, sentence_ends, scoring, threshold, min_count)
    tokens = [t for s in sentences for t in s]
    ends, out, first = ends.tolist(), [], 0
    for start, stop in zip([0, *sentence_ends[:-1].tolist()], sentence_ends.tolist(), strict=True):
        last = first
        while last < len(ends) and ends[last] <= stop:
            last += 1
        out.append(_join_runs(tokens, start, ends[first:last], delimiter))
        first = last
    return out


class Phrases(_Transformation):
    """Detect phrases from collocation counts (gensim 4.4's ``Phrases``; see the module doc)."""

    def __init__(
        self,
        sentences=None,
        min_count=5,
        threshold=10.0,
        max_vocab_size=40000000,
        delimiter="_",
        progress_per=10000,
        scoring="default",
        connector_words=frozenset(),
    ):
        if isinstance(min_count, bool) or not isinstance(min_count, int | np.integer) or min_count <= 0:
            raise ValueError("min_count should be at least 1")
        self.scoring_name, self.scoring = _scoring(scoring)
        if threshold <= 0 and self.scoring_name == "default":
            raise ValueError("threshold should be positive for default scoring")
        if self.scoring_name == "npmi" and not -1 <= threshold <= 1:
            raise ValueError("threshold should be between -1 and 1 for npmi scoring")
        if not isinstance(delimiter, str) or not delimiter:
            raise ValueError(f"delimiter must be a non-empty string, not {delimiter!r}")
        if (
            isinstance(max_vocab_size, bool)
            or not isinstance(max_vocab_size, int | np.integer)
            or max_vocab_size < 1
        ):
            raise ValueError(f"max_vocab_size must be a whole number >= 1, not {max_vocab_size!r}")
        if (
            isinstance(progress_per, bool)
            or not isinstance(progress_per, int | np.integer)
            or progress_per < 1
        ):
            raise ValueError(f"progress_per must be a whole number >= 1, not {progress_per!r}")
        self.min_count, self.threshold = int(min_count), float(threshold)
        self.max_vocab_size, self.delimiter, self.progress_per = int(max_vocab_size), delimiter, progress_per
        self.connector_words = frozenset(connector_words)
        self._table = PhraseTable(delimiter, self.max_vocab_size, self.connector_words)
        if sentences is not None:
            self.add_vocab(sentences)

    def __str__(self):
        return (
            f"Phrases<{len(self._table)} vocab, min_count={self.min_count}, threshold={self.threshold}, "
            f"max_vocab_size={self.max_vocab_size}>"
        )

    __repr__ = __str__

    @property
    def corpus_word_count(self):
        """Tokens learned from, connector words included."""
        return self._table.sizes()[2]

    @property
    def min_reduce(self):
        return self._table.sizes()[3]

    @property
    def vocab(self):
        """``{key: count}`` of the unigrams and joined candidates (built on each access: large)."""
        keys, _, counts = self._table.keys()
        return {k.decode(ENCODING, ERRORS): c for k, c in zip(keys, counts.tolist(), strict=True)}

    def add_vocab(self, sentences):
        """Count ``sentences`` and merge the counts into the model (gensim's add_vocab)."""
        fresh = not len(self._table) and not self.corpus_word_count
        table = (
            self._table if fresh else PhraseTable(self.delimiter, self.max_vocab_size, self.connector_words)
        )
        seen, words = 0, 0
        for batch in _batches(sentences):
            table.learn(*pack(batch))
            before, seen = seen, seen + len(batch)
            words += sum(map(len, batch))
            if before // self.progress_per != seen // self.progress_per:  # as gensim logs, per batch
                logger.info(
                    "PROGRESS: at sentence #%i, processed %i words and %i word types", seen, words, len(table)
                )
        if fresh:  # as gensim: the first counting's min_reduce is not kept (a later merge starts at 1)
            table.set_min_reduce(1)
        else:
            self._table.merge(table)
            table.close()
        return self

    def _count(self, key):
        return self._table.count(key)

    def score_candidate(self, word_a, word_b, in_between):
        """``(phrase, score)`` if ``word_a in_between... word_b`` joins, else ``(None, None)``."""
        a = self._count(word_a)
        if a <= 0:
            return None, None
        b = self._count(word_b)
        if b <= 0:
            return None, None
        phrase = self.delimiter.join([word_a, *in_between, word_b])
        ab = self._count(phrase)
        if ab <= 0:
            return None, None
        score = self.scoring(
            worda_count=a,
            wordb_count=b,
            bigram_count=ab,
            len_vocab=len(self._table),
            min_count=self.min_count,
            corpus_word_count=self.corpus_word_count,
        )
        if score <= self.threshold:
            return None, None
        return phrase, score

    def _apply_batch(self, sentences):
        if self.scoring_name is None:  # a custom scorer: Python, candidate by candidate
            return super()._apply_batch(sentences)
        return _apply_compiled(
            self._table, sentences, self.scoring_name, self.threshold, self.min_count, self.delimiter
        )

    def export_phrases(self):
        """``{phrase: score}`` for every joined candidate in ``vocab`` that scores as a phrase."""
        if self.scoring_name is None:
            result = {}
            for key in self.vocab:
                parts = key.split(self.delimiter)
                if len(parts) >= 2:
                    phrase, score = self.score_candidate(parts[0], parts[-1], parts[1:-1])
                    if score is not None:
                        result[phrase] = score
            return result
        keys, _, _ = self._table.keys()
        ids, scores = self._table.export(self.scoring_name, self.threshold, self.min_count)
        return {
            keys[i].decode(ENCODING, ERRORS): s for i, s in zip(ids.tolist(), scores.tolist(), strict=True)
        }

    def freeze(self):
        """A :class:`FrozenPhrases`: the phrases alone, applied the same way, no more counting."""
        return FrozenPhrases(self)

    def save(self, path):
        """Write the model to ``path`` (w2v's native file: arrays and JSON, no pickle; atomic)."""
        keys, starts, counts = self._table.keys()
        _, _, total, min_reduce = self._table.sizes()
        blob = np.frombuffer(b"".join(k + b"\n" for k in keys), np.uint8)
        save_native(
            path,
            kind="phrases",
            meta={**self._meta(), "max_vocab_size": self.max_vocab_size, "progress_per": self.progress_per,
                  "corpus_word_count": total, "min_reduce": min_reduce},
            arrays={"key_blob": blob, "key_starts": starts, "counts": counts},
        )  # fmt: skip

    def _meta(self):
        return {
            "min_count": self.min_count,
            "threshold": self.threshold,
            "delimiter": self.delimiter,
            "scoring": self.scoring_name or "custom",
            "connector_words": sorted(self.connector_words),
        }

    @classmethod
    def _restore(cls, path, meta, arrays, scoring):
        scoring = _scoring_on_load(path, meta, scoring)
        model = cls(
            min_count=meta["min_count"],
            threshold=meta["threshold"],
            max_vocab_size=meta["max_vocab_size"],
            delimiter=meta["delimiter"],
            progress_per=meta.get("progress_per", 10000),
            scoring=scoring,
            connector_words=meta["connector_words"],
        )
        blob, starts, counts = (np.ascontiguousarray(arrays[k]) for k in ("key_blob", "key_starts", "counts"))
        shapes_ok = starts.ndim == 1 and len(starts) == len(counts) + 1
        types_ok = starts.dtype == np.int64 and counts.dtype == np.int64 and blob.dtype == np.uint8
        if (
            not (shapes_ok and types_ok)
            or starts[0] != 0
            or starts[-1] != len(blob)
            or np.any(np.diff(starts) < 1)
        ):
            raise ValueError(f"{path}: the phrase table is damaged")
        model._table.restore(blob.tobytes(), starts, counts, meta["corpus_word_count"], meta["min_reduce"])
        return model


def _scoring_on_load(path, meta, scoring):
    if meta["scoring"] != "custom":
        return meta["scoring"] if scoring is None else scoring
    if scoring is None:
        raise ValueError(f"{path} was saved with a custom scoring function: pass it, load(path, scoring=...)")
    return scoring


class _PhraseGrams(dict):
    """``{phrase: score}`` that counts its changes, so the compiled table built from it is rebuilt
    exactly when it changed."""

    version = 0

    def _changed(name):
        def method(self, *args, **kwargs):
            self.version += 1
            return getattr(dict, name)(self, *args, **kwargs)

        method.__name__ = name
        return method

    for _name in ("__setitem__", "__delitem__", "pop", "popitem", "clear", "update", "setdefault", "__ior__"):
        locals()[_name] = _changed(_name)
    del _name, _changed


class FrozenPhrases(_Transformation):
    """The phrases of a :class:`Phrases` model and their scores (``phrasegrams``), applied the same way."""

    def __init__(self, phrases_model):
        self.threshold, self.min_count = phrases_model.threshold, phrases_model.min_count
        self.delimiter, self.connector_words = phrases_model.delimiter, phrases_model.connector_words
        self.scoring_name, self.scoring = phrases_model.scoring_name, phrases_model.scoring
        self.phrasegrams = phrases_model.export_phrases()

    @property
    def phrasegrams(self):
        """``{phrase: score}``: the phrases this model joins (a dict; changes take effect)."""
        return self._phrasegrams

    @phrasegrams.setter
    def phrasegrams(self, value):
        self._phrasegrams = value if isinstance(value, _PhraseGrams) else _PhraseGrams(value)

    def __str__(self):
        n = len(self.phrasegrams)
        return f"FrozenPhrases<{n} phrases, min_count={self.min_count}, threshold={self.threshold}>"

    __repr__ = __str__

    def _apply_batch(self, sentences):
        """The phrases joined by compiled code (the table is built from ``phrasegrams`` once)."""
        grams = self.phrasegrams  # rebuilt when replaced or changed
        key = (id(grams), grams.version, self.delimiter, frozenset(self.connector_words))
        if getattr(self, "_table_key", None) != key:
            self._table = PhraseTable(self.delimiter, 1, self.connector_words)
            self._table.set_frozen(list(self.phrasegrams), list(self.phrasegrams.values()))
            self._table_key = key
        return _apply_compiled(
            self._table, sentences, "default", self.threshold, self.min_count, self.delimiter
        )

    def score_candidate(self, word_a, word_b, in_between):
        phrase = self.delimiter.join([word_a, *in_between, word_b])
        score = self.phrasegrams.get(phrase, NEGATIVE_INFINITY)
        if score > self.threshold:
            return phrase, score
        return None, None

    def save(self, path):
        """Write the phrases to ``path`` (w2v's native file; atomic)."""
        offsets, blob = pack_strings(list(self.phrasegrams))
        scores = np.fromiter(self.phrasegrams.values(), np.float64, len(self.phrasegrams))
        save_native(path, kind="frozen-phrases", meta=self._meta(),
                    arrays={"phrase_offsets": offsets, "phrase_blob": blob, "scores": scores})  # fmt: skip

    _meta = Phrases._meta

    @classmethod
    def _restore(cls, path, meta, arrays, scoring):
        model = cls.__new__(cls)
        model.threshold, model.min_count = float(meta["threshold"]), int(meta["min_count"])
        model.delimiter, model.connector_words = meta["delimiter"], frozenset(meta["connector_words"])
        name = meta["scoring"]
        model.scoring_name, model.scoring = (name, _BUILTIN[name]) if name in _BUILTIN else (None, scoring)
        phrases = unpack_strings(arrays["phrase_offsets"], arrays["phrase_blob"], path=str(path))
        scores = np.asarray(arrays["scores"], np.float64)
        if len(scores) != len(phrases):
            raise ValueError(f"{path}: the phrase list is damaged")
        model.phrasegrams = dict(zip(phrases, scores.tolist(), strict=True))
        return model


Phraser = FrozenPhrases  # gensim's old name


def apply_corpus(model, sentences: Iterable):
    """``model[sentences]`` as a generator (one pass), for writers."""
    for batch in _batches(sentences):
        yield from model._apply_batch(batch)


__all__ = [
    "ENGLISH_CONNECTOR_WORDS",
    "FrozenPhrases",
    "Phraser",
    "Phrases",
    "npmi_scorer",
    "original_scorer",
    "phrase_tables",
]
