"""The queries of KeyedVectors: neighbours, analogies, similarities, Word Mover's Distance, benchmarks.

The names, arguments and arithmetic are gensim 4's, so answers agree with
gensim's on the same vectors:

- the query vector is the weighted mean of the unit vectors of the keys
  (and of raw vectors given as arrays), scaled to unit length
  (``get_mean_vector``: the mean and its scaling run in float64 and round
  once to float32, as gensim's do, so near-ties break the same way);
- scores are ``vectors @ query / norms``: one matrix-vector product over the
  whole matrix, with the row norms computed once and cached;
- the top n come from ``argpartition`` then a sort of those n only;
- the query keys themselves are left out of the answer.

Where w2v differs from gensim on purpose: a zero vector has cosine 0 with
everything (gensim: nan), ``most_similar_cosmul`` honours ``restrict_vocab``
(gensim 4.4 ignores it), and scores are Python floats (gensim: some are
NumPy float32).
"""

from __future__ import annotations

import logging
import numbers

import numpy as np

from . import evaluate

logger = logging.getLogger("w2v")

KEY_TYPES = (str, int, np.integer)  # a single key (an int that is not a key is a row number)
_EXTENDED_KEY_TYPES = (*KEY_TYPES, np.ndarray)


def _ensure_list(value):
    """None -> [], a key or a 1-D vector -> [it], a 2-D array -> its rows, else list(value)."""
    if value is None:
        return []
    if isinstance(value, KEY_TYPES) or (isinstance(value, np.ndarray) and value.ndim == 1):
        return [value]
    if isinstance(value, np.ndarray) and value.ndim == 2:
        return list(value)
    return list(value)


def _top(scores, topn):
    """Indices of the ``topn`` largest scores, best first (gensim's ``matutils.argsort``)."""
    neg = -scores
    if topn >= neg.size:
        return np.argsort(neg)[:topn]
    best = np.argpartition(neg, topn)[:topn]
    return best.take(np.argsort(neg.take(best)))


def _unitvec(vec):
    """``vec`` scaled to unit length, then rounded to its dtype; zero stays zero.

    As gensim's ``matutils.unitvec`` (BLAS dnrm2 and dscal): the length and
    the scaling run in float64 whatever the input, so the results are equal
    bit for bit.
    """
    if vec.size == 0:
        return vec
    vec64 = np.asarray(vec, dtype=np.float64)
    length = np.linalg.norm(vec64)
    if length > 0.0:
        return (vec64 * (1.0 / length)).astype(vec.dtype)
    return vec


def _is_count(topn):
    return isinstance(topn, numbers.Integral) and not isinstance(topn, bool)


class VectorQueries:
    """Mixin of KeyedVectors: every query. It relies on ``vectors``, ``index_to_key``,
    ``key_to_index``, ``get_vector``, ``get_index``, ``has_index_for`` and the cached norms."""

    # -- the mean of keys and vectors ------------------------------------------------------------

    def get_mean_vector(
        self, keys, weights=None, pre_normalize=True, post_normalize=False, ignore_missing=True
    ):
        """Weighted mean of the keys' vectors (unit ones with ``pre_normalize``) and of raw 1-D arrays.

        ``weights`` default to 1; the mean divides by the sum of their absolute
        values. ``post_normalize`` scales the mean to unit length. An unknown
        key is skipped, or a KeyError with ``ignore_missing=False``.
        """
        if len(keys) == 0:
            raise ValueError("cannot compute mean with no input")
        dtype = self.vectors.dtype
        if weights is None:
            weights = np.ones(len(keys), dtype=dtype)
        elif not isinstance(weights, np.ndarray):
            weights = np.array(weights, dtype=dtype)
        if len(keys) != weights.shape[0]:
            raise ValueError("keys and weights array must have same number of elements")
        mean = np.zeros(self.vector_size, dtype)
        total_weight = 0
        for idx, key in enumerate(keys):
            if isinstance(key, np.ndarray):
                if key.shape != (self.vector_size,):
                    raise ValueError(f"a vector must have shape ({self.vector_size},), not {key.shape}")
                vec = key
            elif self.has_index_for(key):
                vec = self.get_vector(key, norm=pre_normalize)
            elif not ignore_missing:
                raise KeyError(self.unknown_word_message(key))
            else:
                continue
            # weights[idx] * vec in the weight's precision, added into the float32 sum (gensim's order)
            mean += weights[idx] * vec
            total_weight += abs(weights[idx])
        if total_weight > 0:
            mean = mean / total_weight
        if post_normalize:
            mean = _unitvec(mean).astype(np.float32)
        return mean

    # -- neighbours and analogies ------------------------------------------------------------------

    def most_similar(
        self,
        positive=None,
        negative=None,
        topn=10,
        clip_start=0,
        clip_end=None,
        restrict_vocab=None,
        indexer=None,
    ):
        """The ``topn`` keys by cosine to the mean of the positive minus the negative keys (3CosAdd).

        Items may be keys, 1-D vectors, or ``(key, weight)`` pairs. The query
        keys are not returned. ``restrict_vocab=n`` searches the first n rows
        only (the most frequent words); else rows ``clip_start:clip_end``.
        ``topn=None`` returns the scores of all those rows as an array.
        ``indexer`` (an approximate index with ``most_similar(vector, topn)``)
        answers in place of the exact search.
        """
        if _is_count(topn) and topn < 1:
            return []
        positive = _ensure_list(positive)
        negative = _ensure_list(negative)
        self.fill_norms()
        clip_end = clip_end or len(self.vectors)
        if restrict_vocab:
            clip_start, clip_end = 0, restrict_vocab
        keys = []
        weight = np.concatenate((np.ones(len(positive)), -1.0 * np.ones(len(negative))))
        for idx, item in enumerate(positive + negative):
            if isinstance(item, _EXTENDED_KEY_TYPES):
                keys.append(item)
            else:
                keys.append(item[0])
                weight[idx] = item[1]
        mean = self.get_mean_vector(
            keys, weight, pre_normalize=True, post_normalize=True, ignore_missing=False
        )
        exclude = {
            self.get_index(key) for key in keys if isinstance(key, KEY_TYPES) and self.has_index_for(key)
        }
        if indexer is not None and isinstance(topn, int):
            return indexer.most_similar(mean, topn)
        dists = self.vectors[clip_start:clip_end] @ mean / self._safe_norms[clip_start:clip_end]
        if not topn:
            return dists
        best = _top(dists, int(topn) + len(exclude))
        result = [
            (self.index_to_key[i + clip_start], float(dists[i]))
            for i in best
            if i + clip_start not in exclude
        ]
        return result[: int(topn)]

    def similar_by_key(self, key, topn=10, restrict_vocab=None):
        """The ``topn`` keys closest to ``key``."""
        return self.most_similar(positive=[key], topn=topn, restrict_vocab=restrict_vocab)

    def similar_by_word(self, word, topn=10, restrict_vocab=None):
        """Alias of ``similar_by_key``."""
        return self.similar_by_key(word, topn, restrict_vocab)

    def similar_by_vector(self, vector, topn=10, restrict_vocab=None):
        """The ``topn`` keys closest by cosine to a raw vector."""
        return self.most_similar(positive=[vector], topn=topn, restrict_vocab=restrict_vocab)

    def most_similar_cosmul(self, positive=None, negative=None, topn=10, restrict_vocab=None):
        """3CosMul (Levy and Goldberg 2014): prod((1 + cos(w, p)) / 2) / (prod((1 + cos(w, n)) / 2) + 1e-6).

        Cosines are shifted to [0, 1] so the product is well behaved. Keys are
        taken as unit vectors, arrays as given. ``restrict_vocab=n`` searches
        the first n rows only (gensim 4.4 accepts it and searches them all).
        """
        if _is_count(topn) and topn < 1:
            return []
        positive = _ensure_list(positive)
        negative = _ensure_list(negative)
        self.fill_norms()
        exclude = {
            self.get_index(w)
            for w in positive + negative
            if isinstance(w, KEY_TYPES) and self.has_index_for(w)
        }
        positive = [w if isinstance(w, np.ndarray) else self.get_vector(w, norm=True) for w in positive]
        negative = [w if isinstance(w, np.ndarray) else self.get_vector(w, norm=True) for w in negative]
        if not positive:
            raise ValueError("cannot compute similarity with no input")
        dists = self._cosmul_scores(positive, negative, restrict_vocab)
        if not topn:
            return dists
        best = _top(dists, int(topn) + len(exclude))
        return [(self.index_to_key[i], float(dists[i])) for i in best if i not in exclude][: int(topn)]

    def _cosmul_scores(self, positive, negative, restrict_vocab=None):
        """3CosMul score of every row (of the first ``restrict_vocab``), given the query vectors."""
        stop = len(self.vectors) if not restrict_vocab else min(int(restrict_vocab), len(self.vectors))
        vectors, norms = self.vectors[:stop], self._safe_norms[:stop]
        pos = [(1 + vectors @ term / norms) / 2 for term in positive]
        neg = [(1 + vectors @ term / norms) / 2 for term in negative]
        return np.prod(pos, axis=0) / (np.prod(neg, axis=0) + 0.000001)

    def most_similar_to_given(self, key1, keys_list):
        """The key of ``keys_list`` most similar to ``key1``."""
        return keys_list[int(np.argmax([self.similarity(key1, key) for key in keys_list]))]

    def rank_by_centrality(self, words, use_norm=True):
        """``(cosine, word)`` pairs, closest to the words' mean first; unknown words are left out (logged)."""
        words = list(words)
        self.fill_norms()
        used = [word for word in words if word in self]
        if len(used) != len(words):
            ignored = set(words) - set(used)
            logger.warning("vectors for words %s are not present in the model, ignoring these words", ignored)
        if not used:
            raise ValueError("cannot select a word from an empty list")
        vectors = np.vstack([self.get_vector(word, norm=use_norm) for word in used]).astype(np.float32)
        mean = self.get_mean_vector(vectors, post_normalize=True)
        dists = vectors @ mean
        return sorted(zip(dists.tolist(), used, strict=True), reverse=True)

    def doesnt_match(self, words):
        """The word furthest from the mean of the words' unit vectors (unknown words are left out)."""
        return self.rank_by_centrality(words)[-1][1]

    # -- similarities and distances ---------------------------------------------------------------

    @staticmethod
    def cosine_similarities(vector_1, vectors_all):
        """Cosine between ``vector_1`` (d,) and each row of ``vectors_all`` (n, d) -> (n,)."""
        norm = np.linalg.norm(vector_1)
        all_norms = np.linalg.norm(vectors_all, axis=1)
        dot_products = np.dot(vectors_all, vector_1)
        return dot_products / (norm * all_norms)

    def similarity(self, w1, w2):
        """Cosine similarity of two keys (each vector scaled to unit length as gensim does it)."""
        return float(np.dot(_unitvec(self[w1]), _unitvec(self[w2])))

    def distance(self, w1, w2):
        """1 - cosine similarity of two keys."""
        return 1.0 - self.similarity(w1, w2)

    def n_similarity(self, ws1, ws2):
        """Cosine between the means of two key lists' vectors (unknown keys are left out)."""
        if not (len(ws1) and len(ws2)):
            raise ZeroDivisionError("At least one of the passed list is empty.")
        mean1 = self.get_mean_vector(ws1, pre_normalize=False)
        mean2 = self.get_mean_vector(ws2, pre_normalize=False)
        return float(np.dot(_unitvec(mean1), _unitvec(mean2)))

    def distances(self, word_or_vector, other_words=()):
        """1 - cosine between a key (or vector) and ``other_words`` (default: every row)."""
        if isinstance(word_or_vector, KEY_TYPES):
            vector = self.get_vector(word_or_vector)
        else:
            vector = np.asarray(word_or_vector)
        if other_words is None or len(other_words) == 0:
            others, norms = self.vectors, self._safe_norms
        else:
            rows = [self.get_index(word) for word in other_words]
            others, norms = self.vectors[rows], self._safe_norms[rows]
        length = np.linalg.norm(vector)
        return 1 - (others @ vector) / ((length if length > 0 else length.dtype.type(1)) * norms)

    def closer_than(self, key1, key2):
        """Keys closer to ``key1`` than ``key2`` is (``key1`` itself left out)."""
        dists = self.distances(key1)
        i1, i2 = self.get_index(key1), self.get_index(key2)
        return [self.index_to_key[i] for i in np.flatnonzero(dists < dists[i2]) if i != i1]

    def rank(self, key1, key2):
        """Rank of ``key2`` among ``key1``'s neighbours: 1 for the nearest."""
        return len(self.closer_than(key1, key2)) + 1

    def relative_cosine_similarity(self, wa, wb, topn=10):
        """cos(wa, wb) / the sum of the cosines of wa's ``topn`` neighbours (Leeuwenberg et al. 2016)."""
        sims = self.similar_by_word(wa, topn)
        if not sims:
            raise ValueError("Cannot calculate relative cosine similarity without any similar words.")
        return float(self.similarity(wa, wb)) / sum(sim for _, sim in sims)

    def wmdistance(self, document1, document2, norm=True):
        """Word Mover's Distance between two lists of words (Kusner et al. 2015), with POT's ``emd2``.

        Unknown words are left out; ``inf`` if a document has none left.
        ``norm`` uses unit vectors. Needs POT: ``pip install POT``.
        """
        try:
            from ot import emd2
        except ImportError:
            raise ImportError(
                "wmdistance needs the POT package (Python Optimal Transport): pip install POT"
            ) from None
        len1, len2 = len(document1), len(document2)
        document1 = [token for token in document1 if token in self]
        document2 = [token for token in document2 if token in self]
        diff1, diff2 = len1 - len(document1), len2 - len(document2)
        if diff1 > 0 or diff2 > 0:
            logger.info("Removed %d and %d OOV words from document 1 and 2 (respectively).", diff1, diff2)
        if not document1 or not document2:
            logger.warning("At least one of the documents had no words that were in the vocabulary.")
            return float("inf")
        token_id = {}  # each document's new words in sorted order, as gensim's Dictionary numbers them
        for document in (document1, document2):
            for token in sorted(set(document) - token_id.keys()):
                token_id[token] = len(token_id)
        size = len(token_id)
        if size == 1:
            return 0.0  # both documents are one and the same word
        unique1, unique2 = list(set(document1)), list(set(document2))
        v1 = np.array([self.get_vector(token, norm=norm) for token in unique1], dtype=np.float64)
        v2 = np.array([self.get_vector(token, norm=norm) for token in unique2], dtype=np.float64)
        diff = v1[:, None, :] - v2[None, :, :]
        distance_matrix = np.zeros((size, size), dtype=np.float64)
        distance_matrix[np.ix_([token_id[t] for t in unique1], [token_id[t] for t in unique2])] = np.sqrt(
            np.einsum("ijk,ijk->ij", diff, diff)
        )
        if abs(np.sum(distance_matrix)) < 1e-8:
            logger.info("The distance matrix is all zeros. Aborting (returning inf).")
            return float("inf")

        def nbow(document):
            d = np.zeros(size, dtype=np.float64)
            for token in document:
                d[token_id[token]] += 1
            return d / len(document)

        return float(emd2(nbow(document1), nbow(document2), distance_matrix))

    # -- benchmarks (w2v.evaluate does the work) ---------------------------------------------------

    def evaluate_word_analogies(
        self,
        analogies="google",
        restrict_vocab=300000,
        case_insensitive=True,
        dummy4unknown=False,
        similarity_function="most_similar",
        *,
        method=None,
    ):
        """Accuracy on an analogy set -> ``(accuracy, sections)``; see ``w2v.evaluate``."""
        return evaluate.evaluate_word_analogies(
            self,
            analogies,
            restrict_vocab,
            case_insensitive,
            dummy4unknown,
            similarity_function,
            method=method,
        )

    def evaluate_word_pairs(
        self,
        pairs="wordsim353",
        delimiter="\t",
        encoding="utf8",
        restrict_vocab=300000,
        case_insensitive=True,
        dummy4unknown=False,
    ):
        """Correlation with human judgements -> ``(pearson, spearman, oov_ratio)``; see ``w2v.evaluate``."""
        return evaluate.evaluate_word_pairs(
            self, pairs, delimiter, encoding, restrict_vocab, case_insensitive, dummy4unknown
        )

    @staticmethod
    def log_accuracy(section):
        """Log a section's accuracy (gensim's helper)."""
        evaluate.log_section(section, logging.INFO)

    @staticmethod
    def log_evaluate_word_pairs(pearson, spearman, oov, pairs):
        """Log word-pair results (gensim's helper)."""
        logger.info("Pearson correlation coefficient against %s: %.4f", pairs, pearson[0])
        logger.info("Spearman rank-order correlation coefficient against %s: %.4f", pairs, spearman[0])
        logger.info("Pairs with unknown words ratio: %.1f%%", oov)
