"""The vocabulary: word counts, ``min_count``, a size cap, frequency order."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Vocabulary:
    index_to_key: list  # words, most frequent first
    counts: np.ndarray  # (V,) int64, counts[i] for index_to_key[i]
    total_words: int  # tokens in the corpus, including those below min_count
    key_to_index: dict = field(init=False)

    def __post_init__(self):
        self.key_to_index = {w: i for i, w in enumerate(self.index_to_key)}

    def __len__(self):
        return len(self.index_to_key)


def build_vocab(sentences, min_count=5, max_final_vocab=None):
    """Count words in one pass and keep those seen at least ``min_count`` times.

    Words are ordered by count, most frequent first, ties by first appearance.
    ``max_final_vocab`` keeps only that many of the most frequent words.
    """
    counter = Counter()
    total = 0
    for sentence in sentences:
        counter.update(sentence)
        total += len(sentence)
    kept = [(w, c) for w, c in counter.items() if c >= min_count]
    kept.sort(key=lambda wc: -wc[1])  # stable: ties keep first-appearance order
    if max_final_vocab is not None:
        kept = kept[:max_final_vocab]
    words = [w for w, _ in kept]
    counts = np.array([c for _, c in kept], dtype=np.int64)
    return Vocabulary(words, counts, total)
