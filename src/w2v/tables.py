"""The lookup tables the engine reads, built from the vocabulary's counts.

The definitions are :mod:`w2v.reference.tables`'; this module only lays
them out as the flat, fixed-width arrays the C kernel indexes.
"""

from __future__ import annotations

import numpy as np

from .reference.tables import huffman_codes, keep_probability, unigram_distribution

FULL_BUCKET = 2**32 - 1  # an alias-table threshold that keeps its bucket always


def alias_table(counts, exponent=0.75):
    """Vose's alias table for the unigram^exponent distribution: O(1) draws.

    Returns ``(threshold, alias)``, (V,) uint32 and (V,) int32. A draw picks a
    bucket i uniformly, then keeps i if a uniform 32-bit number is below
    threshold[i], else takes alias[i]. Word w is then drawn with probability
    (threshold[w] + Σ_{i: alias[i] = w} (2^32 - threshold[i])) / (V 2^32),
    which is P(w) up to 2^-32 per bucket.
    """
    p = unigram_distribution(counts, exponent)
    n = len(p)
    scaled = p * n  # a bucket holds mass 1
    threshold = np.ones(n)
    alias = np.arange(n, dtype=np.int32)
    small = [i for i in range(n) if scaled[i] < 1.0]
    large = [i for i in range(n) if scaled[i] >= 1.0]
    while small and large:
        s, g = small.pop(), large.pop()
        threshold[s] = scaled[s]
        alias[s] = g
        scaled[g] -= 1.0 - scaled[s]
        (small if scaled[g] < 1.0 else large).append(g)
    # Whatever is left holds mass 1 up to rounding: it keeps its own bucket.
    return np.minimum(np.round(threshold * 2.0**32), FULL_BUCKET).astype(np.uint32), alias


def alias_probabilities(threshold, alias):
    """The distribution an alias table draws from, exactly (float64)."""
    n = len(threshold)
    keep = threshold.astype(np.float64) / 2.0**32
    keep[threshold == FULL_BUCKET] = 1.0  # a full bucket never goes to its alias
    p = keep.copy()
    np.add.at(p, alias, 1.0 - keep)
    return p / n


def keep_table(counts, sample, total=None):
    """(V,) float64 probability that an occurrence survives subsampling."""
    return np.ascontiguousarray(keep_probability(counts, sample, total), dtype=np.float64)


def huffman_table(counts):
    """Huffman paths as fixed-width arrays: points (V, L) int32, codes (V, L) uint8, lens (V,) int32."""
    codes, points = huffman_codes(counts)
    lens = np.array([len(c) for c in codes], dtype=np.int32)
    width = int(lens.max())
    point_arr = np.zeros((len(codes), width), dtype=np.int32)
    code_arr = np.zeros((len(codes), width), dtype=np.uint8)
    for w, (c, p) in enumerate(zip(codes, points, strict=True)):
        point_arr[w, : len(p)] = p
        code_arr[w, : len(c)] = c
    return point_arr, code_arr, lens
