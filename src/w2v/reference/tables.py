"""The tables word2vec derives from word counts.

* :func:`unigram_distribution`: the negative-sampling distribution,
  P(w) ∝ count(w)^0.75 (Mikolov et al. 2013).
* :func:`keep_probability`: word2vec.c's frequent-word subsampling. A word
  with corpus frequency f = count / total is kept with probability
  (sqrt(f / s) + 1) · s / f, capped at 1, where s is ``sample``.
* :func:`huffman_codes`: the binary Huffman tree used by hierarchical
  softmax, built as word2vec.c builds it (two queues over the counts).
* :func:`alias_table`: Vose's alias table of the unigram distribution, the
  layout the engine draws negatives from in O(1) (a uniform bucket, then a
  32-bit coin between the bucket and its alias).
"""

from __future__ import annotations

import numpy as np


def unigram_distribution(counts, exponent=0.75):
    """P(w) = count(w)^exponent / Σ_v count(v)^exponent, float64 (V,)."""
    weights = np.asarray(counts, dtype=np.float64) ** exponent
    return weights / weights.sum()


def keep_probability(counts, sample=1e-3, total=None):
    """Probability that each occurrence of a word survives subsampling.

    ``total`` is the number of tokens the frequencies are relative to (the
    sum of ``counts`` by default). ``sample <= 0`` disables subsampling.
    """
    counts = np.asarray(counts, dtype=np.float64)
    if sample <= 0:
        return np.ones_like(counts)
    total = counts.sum() if total is None else float(total)
    threshold = sample * total  # s · N, so f / s = count / threshold
    keep = (np.sqrt(counts / threshold) + 1.0) * threshold / counts
    return np.minimum(keep, 1.0)


def huffman_codes(counts):
    """Huffman codes and paths for every word, from its count.

    Returns ``(codes, points)``: lists with one int array per word. ``points[w]``
    are the inner-node indices on the path from the root (index V - 2) down
    to w, ``codes[w]`` the branch (0 or 1) taken at each. Inner nodes are
    numbered 0..V-2 in the order they are created, so the hierarchical-softmax
    output matrix has V - 1 rows.

    At each merge the two lightest nodes are joined; the lighter becomes
    branch 0, the other branch 1. Ties go to the inner node, as in word2vec.c.
    """
    counts = np.asarray(counts, dtype=np.float64)
    n = len(counts)
    if n < 2:
        raise ValueError(f"a Huffman tree needs at least 2 words, got {n}")
    # Leaves sorted by count, ascending (stable on the original order, reversed
    # as word2vec.c walks its descending vocabulary from the end).
    order = np.argsort(-counts, kind="stable")[::-1]
    weight = np.concatenate([counts[order], np.zeros(n - 1)])  # node weights
    parent = np.zeros(2 * n - 1, dtype=np.int64)
    branch = np.zeros(2 * n - 1, dtype=np.int8)
    leaf, inner = 0, n  # fronts of the two queues (nodes n.. are inner)
    for new in range(n, 2 * n - 1):  # each merge creates inner node `new`
        picked = []
        for _ in range(2):
            if leaf < n and (inner >= new or weight[leaf] < weight[inner]):
                picked.append(leaf)
                leaf += 1
            else:
                picked.append(inner)
                inner += 1
        weight[new] = weight[picked[0]] + weight[picked[1]]
        parent[picked[0]], parent[picked[1]] = new, new
        branch[picked[1]] = 1
    root = 2 * n - 2
    codes = [None] * n
    points = [None] * n
    for pos, word in enumerate(order):
        code, point, node = [], [], pos
        while node != root:
            code.append(branch[node])
            node = parent[node]
            point.append(node - n)  # inner nodes renumbered 0..n-2
        codes[word] = np.array(code[::-1], dtype=np.int8)
        points[word] = np.array(point[::-1], dtype=np.int64)
    return codes, points


FULL_BUCKET = 2**32 - 1  # an alias-table threshold that keeps its bucket always


def alias_table(counts, exponent=0.75):
    """Vose's alias table for the unigram^exponent distribution: O(1) draws.

    Returns ``(threshold, alias)``, (V,) uint32 and (V,) int32. A draw picks a
    bucket i uniformly, then keeps i if a uniform 32-bit number is below
    threshold[i] (or threshold[i] is FULL_BUCKET), else takes alias[i]. Word w
    is then drawn with probability (threshold[w] + Σ_{i: alias[i] = w} (2^32 -
    threshold[i])) / (V 2^32), which is P(w) up to 2^-32 per bucket.

    Buckets below mass 1 ("small") and at or above it ("large") are kept on
    two stacks; each step pairs the top small bucket with the top large one.
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
