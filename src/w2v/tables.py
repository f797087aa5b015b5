"""The lookup tables the engine reads, built from the vocabulary's counts.

The definitions are :mod:`w2v.reference.tables`'; this module only lays
them out as the flat, fixed-width arrays the C kernel indexes. The Huffman
tree and Vose's alias loop are built by compiled code
(:mod:`w2v.engine.builders`, in the kernel's library), so they need it
built, as training does.
"""

from __future__ import annotations

import numpy as np

from .engine import builders
from .reference.tables import FULL_BUCKET, keep_probability, unigram_distribution


def alias_table(counts, exponent=0.75):
    """Vose's alias table for the unigram^exponent distribution: O(1) draws.

    Returns ``(threshold, alias)``, (V,) uint32 and (V,) int32. A draw picks a
    bucket i uniformly, then keeps i if a uniform 32-bit number is below
    threshold[i], else takes alias[i]. Word w is then drawn with probability
    (threshold[w] + Σ_{i: alias[i] = w} (2^32 - threshold[i])) / (V 2^32),
    which is P(w) up to 2^-32 per bucket (:func:`alias_probabilities`).

    The distribution is computed here (float64); Vose's loop runs compiled
    (:func:`w2v.engine.builders.alias_table`), bit for bit as the readable
    :func:`w2v.reference.tables.alias_table` does.
    """
    return builders.alias_table(unigram_distribution(counts, exponent))


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


def kernel_tables(counts, sample, ns_exponent, huffman=None):
    """Every table the kernel reads for a vocabulary of ``counts``: ``(keep, alias, (points,
    codes, code_lens))``. ``huffman`` is hierarchical softmax's (huffman_table), or None for
    none: the kernel indexes (V, L >= 1) tables even then, so they are zeros of width 1."""
    n = len(counts)
    if huffman is None:
        huffman = (np.zeros((n, 1), np.int32), np.zeros((n, 1), np.uint8), np.zeros(n, np.int32))
    return keep_table(counts, sample, counts.sum()), alias_table(counts, ns_exponent), huffman


def huffman_table(counts):
    """Huffman paths as fixed-width arrays: points (V, L) int32, codes (V, L) uint8, lens (V,) int32.

    Row w holds :func:`w2v.reference.tables.huffman_codes`' path of word w
    (inner nodes from the root, and the branch taken at each), zero past
    lens[w]; L is the longest code. Built compiled
    (:func:`w2v.engine.builders.huffman_table`).
    """
    return builders.huffman_table(counts)
