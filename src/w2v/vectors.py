"""KeyedVectors: word vectors you can look up and query. No training, no I/O."""

from __future__ import annotations

import numpy as np


class KeyedVectors:
    """A (N, d) float32 matrix of vectors with a word for each row."""

    def __init__(self, index_to_key, vectors, counts=None):
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(index_to_key):
            raise ValueError(f"vectors of shape {vectors.shape} do not match {len(index_to_key)} words")
        self.index_to_key = list(index_to_key)
        self.key_to_index = {w: i for i, w in enumerate(self.index_to_key)}
        self.vectors = vectors  # (N, d) float32
        self.counts = None if counts is None else np.asarray(counts, dtype=np.int64)
        self._norms = None

    @property
    def vector_size(self):
        return self.vectors.shape[1]

    def __len__(self):
        return len(self.index_to_key)

    def __contains__(self, word):
        return word in self.key_to_index

    def __getitem__(self, word):
        return self.get_vector(word)

    def get_index(self, word):
        try:
            return self.key_to_index[word]
        except KeyError:
            raise KeyError(f"word {word!r} is not in the vocabulary") from None

    def get_vector(self, word, norm=False):
        i = self.get_index(word)
        return self.unit_vectors[i] if norm else self.vectors[i]

    @property
    def unit_vectors(self):
        """The rows scaled to unit length (cached; zero rows stay zero)."""
        if self._norms is None:
            norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)
            self._norms = self.vectors / np.maximum(norms, np.finfo(np.float32).tiny)
        return self._norms

    def most_similar(self, positive=(), negative=(), topn=10):
        """Words closest by cosine to mean(unit(positive)) - mean(unit(negative))."""
        if isinstance(positive, str):
            positive = [positive]
        if isinstance(negative, str):
            negative = [negative]
        if not positive and not negative:
            raise ValueError("most_similar needs at least one word")
        query = np.zeros(self.vector_size, dtype=np.float32)
        for word in positive:
            query += self.get_vector(word, norm=True)
        for word in negative:
            query -= self.get_vector(word, norm=True)
        query /= max(float(np.linalg.norm(query)), np.finfo(np.float32).tiny)
        scores = self.unit_vectors @ query  # (N,)
        exclude = [self.key_to_index[w] for w in (*positive, *negative)]
        scores[exclude] = -np.inf
        topn = min(topn, len(scores) - len(set(exclude)))
        best = np.argpartition(-scores, topn - 1)[:topn] if topn > 0 else np.array([], dtype=int)
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(self.index_to_key[i], float(scores[i])) for i in best]
