"""Tables: the unigram^0.75 distribution, subsampling, Huffman codes."""

from __future__ import annotations

import heapq
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w2v.reference import huffman_codes, keep_probability, unigram_distribution

counts_strategy = st.lists(st.integers(min_value=1, max_value=10**6), min_size=2, max_size=60)
# small counts: many ties, which exercises the tie-breaking rule
tied_counts_strategy = st.lists(st.integers(min_value=1, max_value=4), min_size=2, max_size=60)


# ---------------------------------------------------------------------------
# unigram_distribution
# ---------------------------------------------------------------------------


@given(counts_strategy)
def test_unigram_sums_to_one_and_follows_power_075(counts):
    p = unigram_distribution(counts)
    assert p.dtype == np.float64
    assert p.shape == (len(counts),)
    assert math.isclose(float(p.sum()), 1.0, rel_tol=1e-12)
    assert np.all(p > 0)
    z = math.fsum(c**0.75 for c in counts)
    for w, c in enumerate(counts):
        assert math.isclose(p[w], c**0.75 / z, rel_tol=1e-12)
    # ratios: p_i / p_j = (c_i / c_j)^0.75
    assert math.isclose(p[0] / p[-1], (counts[0] / counts[-1]) ** 0.75, rel_tol=1e-12)


def test_unigram_exponent_parameter():
    counts = [1, 4, 16, 81]
    np.testing.assert_allclose(unigram_distribution(counts, exponent=1.0), np.array(counts) / 102, rtol=1e-14)
    np.testing.assert_allclose(unigram_distribution(counts, exponent=0.0), [0.25] * 4, rtol=1e-14)
    p = unigram_distribution(counts, exponent=0.5)  # sqrt: 1, 2, 4, 9 -> / 16
    np.testing.assert_allclose(p, [1 / 16, 2 / 16, 4 / 16, 9 / 16], rtol=1e-14)
    # default is 0.75: 16^0.75 / 1^0.75 = 8
    p = unigram_distribution(counts)
    assert math.isclose(p[2] / p[0], 8.0, rel_tol=1e-12)


# ---------------------------------------------------------------------------
# keep_probability (word2vec.c's subsampling)
# ---------------------------------------------------------------------------


def _word2vec_c_keep(cn, sample, total):
    """word2vec.c: ran = (sqrt(cn / (sample * train_words)) + 1) * (sample * train_words) / cn."""
    if sample <= 0:
        return 1.0
    st_ = sample * total
    return min(1.0, (math.sqrt(cn / st_) + 1.0) * st_ / cn)


@pytest.mark.parametrize("sample", [1e-3, 1e-4, 1e-5, 0.05])
def test_keep_probability_matches_word2vec_c(sample):
    counts = [1, 2, 7, 100, 5_000, 40_000, 250_000, 1_000_000]
    total = sum(counts)
    got = keep_probability(counts, sample=sample)
    for w, c in enumerate(counts):
        assert math.isclose(got[w], _word2vec_c_keep(c, sample, total), rel_tol=1e-12), (c, sample)
    # explicit total
    got = keep_probability(counts, sample=sample, total=10**8)
    for w, c in enumerate(counts):
        assert math.isclose(got[w], _word2vec_c_keep(c, sample, 10**8), rel_tol=1e-12)


def test_keep_probability_known_values():
    # sample * total = 1000; count 4000: (sqrt(4) + 1) * 1000 / 4000 = 0.75
    assert math.isclose(keep_probability([4000], sample=1e-3, total=10**6)[0], 0.75, rel_tol=1e-14)
    # count 1000: (1 + 1) * 1 = 2, capped at 1
    assert keep_probability([1000], sample=1e-3, total=10**6)[0] == 1.0


@pytest.mark.parametrize("sample", [0.0, -1.0])
def test_keep_probability_disabled(sample):
    got = keep_probability([1, 10, 10**6], sample=sample)
    np.testing.assert_array_equal(got, [1.0, 1.0, 1.0])


@given(st.lists(st.integers(min_value=1, max_value=10**7), min_size=1, max_size=50))
@settings(max_examples=50)
def test_keep_probability_in_unit_interval_and_monotone(counts):
    counts = sorted(counts)
    p = keep_probability(counts, sample=1e-4, total=10**7)
    assert np.all((p > 0) & (p <= 1.0))
    assert np.all(np.diff(p) <= 1e-15)  # non-increasing in count


# ---------------------------------------------------------------------------
# huffman_codes
# ---------------------------------------------------------------------------


def _heapq_huffman_cost(counts):
    """Total weighted code length Σ count·len of an optimal code, by an independent heapq Huffman.

    Each merge of two subtrees pushes all their leaves one level down, so the cost is
    the sum of the merged weights.
    """
    heap = [int(c) for c in counts]
    heapq.heapify(heap)
    cost = 0
    while len(heap) > 1:
        a = heapq.heappop(heap)
        b = heapq.heappop(heap)
        cost += a + b
        heapq.heappush(heap, a + b)
    return cost


def _check_tree(counts):
    V = len(counts)
    codes, points = huffman_codes(counts)
    assert len(codes) == len(points) == V
    paths = [tuple(int(b) for b in codes[w]) for w in range(V)]
    for w in range(V):
        assert len(codes[w]) == len(points[w]) >= 1
        assert set(paths[w]) <= {0, 1}
        assert int(points[w][0]) == V - 2  # every path starts at the root
        assert np.all((points[w] >= 0) & (points[w] <= V - 2))
    # prefix-free (no code is a prefix of another; implies distinct)
    for a in range(V):
        for b in range(V):
            if a != b:
                assert paths[b][: len(paths[a])] != paths[a], (a, b)
    # Kraft equality: a full binary tree
    assert sum(Fraction(1, 2 ** len(p)) for p in paths) == 1
    # optimal: same weighted length as an independent Huffman
    assert sum(int(c) * len(p) for c, p in zip(counts, paths, strict=True)) == _heapq_huffman_cost(counts)
    return codes, points


@given(counts_strategy)
def test_huffman_properties(counts):
    _check_tree(counts)


@given(tied_counts_strategy)
def test_huffman_properties_with_many_ties(counts):
    _check_tree(counts)


@given(counts_strategy)
def test_huffman_walk_reaches_distinct_leaves(counts):
    """Rebuild the tree from (points, codes) and walk it from the root."""
    V = len(counts)
    codes, points = huffman_codes(counts)
    child = {}  # (inner node, branch) -> ("inner", j) or ("leaf", w)
    for w in range(V):
        p, c = [int(x) for x in points[w]], [int(x) for x in codes[w]]
        for j in range(len(p)):
            nxt = ("inner", p[j + 1]) if j + 1 < len(p) else ("leaf", w)
            key = (p[j], c[j])
            assert child.setdefault(key, nxt) == nxt, "two paths disagree on a child"
    # V - 1 inner nodes, each with exactly two children: 2V - 2 edges
    assert len(child) == 2 * (V - 1)
    assert {node for node, _ in child} == set(range(V - 1))
    leaf_of_path = {}
    for w in range(V):
        node = ("inner", V - 2)
        for b in codes[w]:
            node = child[(node[1], int(b))]
        assert node == ("leaf", w)
        path = tuple(int(b) for b in codes[w])
        assert path not in leaf_of_path
        leaf_of_path[path] = w
    assert sorted(leaf_of_path.values()) == list(range(V))


def test_huffman_two_words():
    codes, points = huffman_codes([5, 3])
    # the lighter word (3) is branch 0, the heavier branch 1; the only inner node is 0
    assert [list(c) for c in codes] == [[1], [0]]
    assert [list(p) for p in points] == [[0], [0]]


def test_huffman_hand_built_example_with_tie_going_to_inner_node():
    # counts [2, 1, 1]. Leaves ascending (word2vec.c walks its sorted vocabulary
    # from the end, so equal counts come in reverse order): w2(1), w1(1), w0(2).
    # merge 1 -> inner 0 = {w2: branch 0, w1: branch 1}, weight 2
    # merge 2: leaf w0 (2) vs inner 0 (2) tie -> the inner node is taken first
    #          -> inner 1 (root) = {inner 0: branch 0, w0: branch 1}
    codes, points = huffman_codes([2, 1, 1])
    assert [list(c) for c in codes] == [[1], [0, 1], [0, 0]]
    assert [list(p) for p in points] == [[1], [1, 0], [1, 0]]


def test_huffman_four_equal_counts():
    # leaves ascending: w3, w2, w1, w0 (all 1)
    # merge 1: w3 (0), w2 (1) -> inner 0 (weight 2)
    # merge 2: leaf w1 (1) < inner 0 (2) and leaf w0 (1) < 2 -> inner 1 = {w1: 0, w0: 1}
    # merge 3: inner 0 (0), inner 1 (1) -> root, inner 2
    codes, points = huffman_codes([1, 1, 1, 1])
    assert [list(c) for c in codes] == [[1, 1], [1, 0], [0, 1], [0, 0]]
    assert [list(p) for p in points] == [[2, 1], [2, 1], [2, 0], [2, 0]]


def test_huffman_skewed_counts_give_deep_tree():
    counts = [2**k for k in range(30)]  # each merge absorbs the next leaf: a chain
    codes, points = _check_tree(counts)
    lengths = sorted(len(c) for c in codes)
    assert lengths == [1] + list(range(2, 30)) + [29]


@pytest.mark.parametrize("counts", [[], [7]])
def test_huffman_needs_two_words(counts):
    with pytest.raises(ValueError):
        huffman_codes(counts)
