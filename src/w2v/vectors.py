"""KeyedVectors: word vectors you can look up and query. No training inside.

The query methods keep gensim's names, arguments and arithmetic, so answers
agree with gensim's on the same vectors:

- the query vector is the weighted mean of the unit vectors of the words
  (and of raw vectors given as arrays), scaled to unit length;
- scores are ``vectors @ query / norms``: one matrix-vector product over the
  whole matrix, with the row norms computed once and cached;
- the top n come from ``argpartition`` then a sort of those n only;
- the query words themselves are left out of the answer.

An unknown word raises ``KeyError`` with a message that names the word and,
when there are any, close spellings that are in the vocabulary.

Reading, writing and benchmarks live in ``w2v.storage`` and ``w2v.evaluate``;
the methods here that mirror gensim's (``save_word2vec_format``,
``evaluate_word_analogies``, ...) only hand over to them.
"""

from __future__ import annotations

import difflib
import logging
import numbers

import numpy as np

from . import evaluate, storage
from .io import FormatError, load_word2vec_format, save_word2vec_format

logger = logging.getLogger("w2v")

_SUGGEST_FROM = 50_000  # close spellings are searched among the most frequent words only (fast)


def _as_list(value):
    """None -> [], a word or a 1-D vector -> [it], a 2-D array -> its rows, else list(value)."""
    if value is None:
        return []
    if isinstance(value, str) or (isinstance(value, np.ndarray) and value.ndim == 1):
        return [value]
    if isinstance(value, np.ndarray) and value.ndim == 2:
        return list(value)
    return list(value)


def _top(scores, topn):
    """Indices of the ``topn`` largest scores, best first (argpartition, then sort those)."""
    neg = -scores
    if topn >= neg.size:
        return np.argsort(neg)
    best = np.argpartition(neg, topn)[:topn]
    return best.take(np.argsort(neg.take(best)))


class KeyedVectors:
    """A (N, d) float32 matrix with one word (key) for each row.

    ``index_to_key`` lists the words in row order (most frequent first when
    they come from training), ``key_to_index`` maps back, ``counts`` holds
    the corpus counts when known (else None).
    """

    def __init__(self, index_to_key, vectors, counts=None):
        vectors = np.asarray(vectors, dtype=np.float32)
        index_to_key = list(index_to_key)
        if vectors.ndim != 2 or vectors.shape[0] != len(index_to_key):
            raise ValueError(f"vectors of shape {vectors.shape} do not match {len(index_to_key)} words")
        self.index_to_key = index_to_key
        self.key_to_index = dict(zip(index_to_key, range(len(index_to_key)), strict=True))
        if len(self.key_to_index) != len(index_to_key):
            raise ValueError("the words are not unique")
        self.vectors = vectors  # (N, d) float32
        if counts is not None:
            counts = np.asarray(counts, dtype=np.int64)
            if counts.shape != (len(index_to_key),):
                raise ValueError(f"counts of shape {counts.shape} do not match {len(index_to_key)} words")
        self.counts = counts  # (N,) int64 or None
        self.reset_norms()

    # -- lookup ----------------------------------------------------------------------------------

    @property
    def vector_size(self):
        return self.vectors.shape[1]

    def __len__(self):
        return len(self.index_to_key)

    def __contains__(self, word):
        return word in self.key_to_index

    def __getitem__(self, words):
        """``kv["word"]`` is its vector; ``kv[["a", "b"]]`` stacks theirs into (2, d)."""
        if isinstance(words, str):
            return self.get_vector(words)
        return np.vstack([self.get_vector(w) for w in words])

    def __repr__(self):
        return f"<KeyedVectors: {len(self)} words x {self.vector_size} dimensions>"

    def has_index_for(self, word):
        return word in self.key_to_index

    def get_index(self, word, default=None):
        """The row of ``word``; ``default`` if given and the word is unknown, else KeyError."""
        i = self.key_to_index.get(word)
        if i is not None:
            return i
        if default is not None:
            return default
        raise KeyError(self.unknown_word_message(word))

    def unknown_word_message(self, word):
        """'word 'x' is not in the vocabulary' plus close spellings that are, if any."""
        message = f"word {word!r} is not in the vocabulary"
        if isinstance(word, str) and self.index_to_key:
            close = difflib.get_close_matches(word, self.index_to_key[:_SUGGEST_FROM], n=3, cutoff=0.75)
            if close:
                message += " (did you mean " + ", ".join(repr(w) for w in close) + "?)"
        return message

    def get_vector(self, word, norm=False):
        """The vector of ``word`` (a view of its row), or its unit vector with ``norm=True``."""
        i = self.get_index(word)
        return self._unit_row(i) if norm else self.vectors[i]

    def get_count(self, word):
        if self.counts is None:
            raise ValueError("these vectors carry no word counts")
        return int(self.counts[self.get_index(word)])

    # -- norms -----------------------------------------------------------------------------------

    def reset_norms(self):
        """Forget the cached norms; call after changing ``vectors`` in place (training does)."""
        self._norms = None
        self._safe = None
        self._unit = None

    def fill_norms(self, force=False):
        if self._norms is None or force:
            self._norms = np.linalg.norm(self.vectors, axis=1)  # (N,) float32
            self._safe = np.where(self._norms > 0, self._norms, np.float32(1))  # zero rows stay zero
            self._unit = None

    @property
    def norms(self):
        """Euclidean length of every row, (N,) float32, computed once and cached."""
        self.fill_norms()
        return self._norms

    @property
    def _safe_norms(self):
        self.fill_norms()
        return self._safe

    def get_normed_vectors(self):
        """The rows scaled to unit length, (N, d) float32, cached (zero rows stay zero)."""
        if self._unit is None:
            self._unit = self.vectors / self._safe_norms[:, None]
        return self._unit

    unit_vectors = property(get_normed_vectors)

    # -- queries ---------------------------------------------------------------------------------

    def _terms(self, positive, negative):
        """(items, weights): words or raw vectors, each with weight +1, -1 or its own (word, w)."""
        items, weights = [], []
        for sign, group in ((1.0, _as_list(positive)), (-1.0, _as_list(negative))):
            for item in group:
                if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], numbers.Real):
                    items.append(item[0])
                    weights.append(float(item[1]))
                else:
                    items.append(item)
                    weights.append(sign)
        if not items:
            raise ValueError("the query is empty: give at least one word or vector")
        return items, weights

    def _unit_row(self, i):
        return self.vectors[i] / self._safe_norms[i]

    def _query_vector(self, items, weights):
        """Unit-length weighted mean of unit word vectors (raw arrays as given; ints are rows)."""
        mean = np.zeros(self.vector_size, dtype=np.float32)
        total = 0.0
        for item, weight in zip(items, weights, strict=True):
            if isinstance(item, np.ndarray):
                vec = np.asarray(item, dtype=np.float32)
                if vec.shape != (self.vector_size,):
                    raise ValueError(f"a query vector must have shape ({self.vector_size},), not {vec.shape}")
            elif isinstance(item, numbers.Integral):
                vec = self._unit_row(item)
            else:
                vec = self.get_vector(item, norm=True)
            mean += np.float32(weight) * vec
            total += abs(weight)
        # The division and the scaling run in float64, then round once to float32:
        # the same arithmetic as gensim, so near-ties break the same way.
        mean64 = mean / total if total > 0 else mean.astype(np.float64)
        length = np.linalg.norm(mean64)
        return (mean64 * (1.0 / length) if length > 0 else mean64).astype(np.float32)

    def _scores(self, query, restrict_vocab=None):
        """Cosine of every row (of the first ``restrict_vocab``) with a unit ``query``."""
        stop = len(self) if not restrict_vocab else min(int(restrict_vocab), len(self))
        return self.vectors[:stop] @ query / self._safe_norms[:stop]

    def _rank(self, scores, topn, exclude):
        if topn is None or topn is False:
            return scores
        best = _top(scores, int(topn) + len(exclude))
        result = [(self.index_to_key[i], float(scores[i])) for i in best if i not in exclude]
        return result[: int(topn)]

    def most_similar(self, positive=None, negative=None, topn=10, restrict_vocab=None):
        """The ``topn`` words by cosine to the mean of the positive minus the negative words (3CosAdd).

        Items may be words, 1-D vectors, or ``(word, weight)`` pairs. The
        query words are not returned. ``restrict_vocab=n`` searches the first
        n rows only (the most frequent words). ``topn=None`` returns every
        row's score as an array.
        """
        if isinstance(topn, numbers.Integral) and not isinstance(topn, bool) and topn < 1:
            return []
        items, weights = self._terms(positive, negative)
        query = self._query_vector(items, weights)
        exclude = [self.key_to_index[w] for w in items if isinstance(w, str)]
        return self._rank(self._scores(query, restrict_vocab), topn, exclude)

    def similar_by_vector(self, vector, topn=10, restrict_vocab=None):
        """The ``topn`` words closest by cosine to a raw vector."""
        return self.most_similar(positive=[np.asarray(vector)], topn=topn, restrict_vocab=restrict_vocab)

    def similar_by_word(self, word, topn=10, restrict_vocab=None):
        return self.most_similar(positive=[word], topn=topn, restrict_vocab=restrict_vocab)

    def most_similar_cosmul(self, positive=None, negative=None, topn=10, restrict_vocab=None):
        """3CosMul (Levy and Goldberg 2014): prod((1 + cos(w, p)) / 2) / (prod((1 + cos(w, n)) / 2) + 1e-6).

        Cosines are shifted to [0, 1] so the product is well behaved.
        """
        if isinstance(topn, numbers.Integral) and not isinstance(topn, bool) and topn < 1:
            return []
        positive, negative = _as_list(positive), _as_list(negative)
        if not positive:
            raise ValueError("3CosMul needs at least one positive word")
        exclude = [self.key_to_index[w] for w in positive + negative if isinstance(w, str) and w in self]

        def unit(item):
            if isinstance(item, np.ndarray):
                return np.asarray(item, dtype=np.float32)
            return self.get_vector(item, norm=True)

        scores = self._cosmul_scores([unit(t) for t in positive], [unit(t) for t in negative], restrict_vocab)
        return self._rank(scores, topn, exclude)

    def _cosmul_scores(self, positive, negative, restrict_vocab=None):
        """3CosMul score of every row (of the first ``restrict_vocab``), given unit query vectors."""
        pos = [(1 + self._scores(u, restrict_vocab)) / 2 for u in positive]
        neg = [(1 + self._scores(u, restrict_vocab)) / 2 for u in negative]
        return np.prod(pos, axis=0) / (np.prod(neg, axis=0) + 0.000001)

    def similarity(self, w1, w2):
        """Cosine similarity of two words."""
        return float(np.dot(self.get_vector(w1, norm=True), self.get_vector(w2, norm=True)))

    def distance(self, w1, w2):
        """1 - cosine similarity."""
        return 1.0 - self.similarity(w1, w2)

    def n_similarity(self, words1, words2):
        """Cosine between the means of two word sets' vectors."""
        if not len(words1) or not len(words2):
            raise ValueError("n_similarity needs two non-empty lists of words")
        m1 = np.mean([self.get_vector(w) for w in words1], axis=0)
        m2 = np.mean([self.get_vector(w) for w in words2], axis=0)
        n1, n2 = np.linalg.norm(m1), np.linalg.norm(m2)
        return float(np.dot(m1, m2) / (n1 * n2)) if n1 > 0 and n2 > 0 else 0.0

    def distances(self, word_or_vector, other_words=()):
        """1 - cosine between a word (or vector) and ``other_words`` (default: every row)."""
        vec = self.get_vector(word_or_vector) if isinstance(word_or_vector, str) else word_or_vector
        vec = np.asarray(vec, dtype=np.float32)
        length = np.linalg.norm(vec)
        if other_words:
            rows = [self.get_index(w) for w in other_words]
            sims = self.vectors[rows] @ vec / (self._safe_norms[rows] * (length or 1))
        else:
            sims = self.vectors @ vec / (self._safe_norms * (length or 1))
        return 1 - sims

    def closer_than(self, word1, word2):
        """Words closer to ``word1`` than ``word2`` is (``word1`` itself left out)."""
        i1, i2 = self.get_index(word1), self.get_index(word2)
        dists = self.distances(word1)
        return [self.index_to_key[i] for i in np.flatnonzero(dists < dists[i2]) if i != i1]

    def rank(self, word1, word2):
        """Rank of ``word2`` among ``word1``'s neighbours: 1 for the nearest."""
        return len(self.closer_than(word1, word2)) + 1

    def doesnt_match(self, words):
        """The word furthest from the mean of the group's unit vectors."""
        words = list(words)
        if not words:
            raise ValueError("doesnt_match needs at least one word")
        unit = np.vstack([self.get_vector(w, norm=True) for w in words])  # (n, d)
        mean = unit.mean(axis=0)
        length = np.linalg.norm(mean)
        sims = unit @ (mean / length if length > 0 else mean)
        return sorted(zip(sims.tolist(), words, strict=True))[0][1]

    # -- evaluation and files (hand-overs to w2v.evaluate and w2v.storage) ------------------------

    def evaluate_word_analogies(
        self, analogies="google", restrict_vocab=30000, case_insensitive=True, method="3cosadd"
    ):
        """Accuracy on an analogy set; see ``w2v.evaluate.evaluate_word_analogies``."""
        return evaluate.evaluate_word_analogies(self, analogies, restrict_vocab, case_insensitive, method)

    def evaluate_word_pairs(
        self, pairs="wordsim353", delimiter="\t", restrict_vocab=300000, case_insensitive=True
    ):
        """Correlation with human similarity judgements; see ``w2v.evaluate.evaluate_word_pairs``."""
        return evaluate.evaluate_word_pairs(self, pairs, delimiter, restrict_vocab, case_insensitive)

    def save(self, path, fmt=None):
        """Write to ``path`` atomically; format by ``fmt`` or the suffix (.bin, .txt/.vec, else native)."""
        storage.save_vectors(path, self.index_to_key, self.vectors, self.counts, fmt)

    @classmethod
    def load(cls, path, fmt=None, mmap=True):
        """Vectors from any format w2v reads (detected from the content unless ``fmt`` is given)."""
        keys, vectors, counts = storage.load_vectors(path, fmt, mmap=mmap)
        try:
            return cls(keys, vectors, counts)
        except ValueError as e:
            raise FormatError(path, str(e)) from None

    def save_word2vec_format(self, fname, binary=False, write_header=True):
        """word2vec.c's text (or ``binary``) format; ``write_header=False`` gives GloVe-style text."""
        save_word2vec_format(fname, self.index_to_key, self.vectors, binary=binary, header=write_header)

    @classmethod
    def load_word2vec_format(cls, fname, binary=False, limit=None, no_header=False, unicode_errors="strict"):
        """Vectors from word2vec.c's text or binary format (or GloVe text with ``no_header``)."""
        keys, vectors = load_word2vec_format(
            fname, binary=binary, limit=limit, no_header=no_header, unicode_errors=unicode_errors
        )
        return cls(keys, vectors)
