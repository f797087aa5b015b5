"""w2v.tables: the flat arrays the kernel reads, against the reference definitions and word2vec.c."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w2v.reference import huffman_codes, unigram_distribution
from w2v.tables import FULL_BUCKET, alias_probabilities, alias_table, huffman_table, keep_table

FULL = 2**32 - 1

counts_lists = st.lists(st.integers(1, 10**6), min_size=1, max_size=300)
tied_counts = st.lists(st.integers(1, 3), min_size=2, max_size=200)


def _check_alias(counts, exponent):
    threshold, alias = alias_table(counts, exponent)
    v = len(counts)
    assert threshold.dtype == np.uint32 and alias.dtype == np.int32
    assert threshold.shape == alias.shape == (v,)
    assert alias.min() >= 0 and alias.max() < v
    got = alias_probabilities(threshold, alias)
    want = unigram_distribution(counts, exponent)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(counts=counts_lists, exponent=st.sampled_from([0.75, 0.0, 1.0]))
def test_alias_table_draws_the_unigram_distribution(counts, exponent):
    _check_alias(counts, exponent)


@pytest.mark.parametrize(
    "counts",
    [
        [1],
        [7, 7],
        [1] * 300,
        [10**6] + [1] * 299,
        [1] * 299 + [10**6],
        list(range(1, 301)),
        [3, 10**6, 1, 10**6, 2],
    ],
)
@pytest.mark.parametrize("exponent", [0.75, 0.0, 1.0])
def test_alias_table_edge_distributions(counts, exponent):
    _check_alias(counts, exponent)


def test_alias_probabilities_reads_a_hand_made_table():
    # bucket 0 keeps 1/4, gives 3/4 to word 1; bucket 1 is full; V = 2
    threshold = np.array([2**30, FULL], dtype=np.uint32)
    alias = np.array([1, 1], dtype=np.int32)
    np.testing.assert_allclose(alias_probabilities(threshold, alias), [0.125, 0.875], rtol=0, atol=1e-15)


def _simulate_kernel_draws(threshold, alias, n, seed):
    """The kernel's rule, in numpy: bucket from the high 32 bits, keep/alias from the low 32 bits."""
    rng = np.random.default_rng(seed)
    r = rng.integers(0, 2**64 - 1, size=n, dtype=np.uint64, endpoint=True)
    v = np.uint64(len(threshold))
    bucket = (((r >> np.uint64(32)) * v) >> np.uint64(32)).astype(np.int64)
    low = r & np.uint64(0xFFFFFFFF)
    t = threshold[bucket].astype(np.uint64)
    keep = (low < t) | (t == np.uint64(FULL))
    return np.where(keep, bucket, alias[bucket])


@pytest.mark.parametrize("exponent", [0.75, 1.0])
def test_alias_table_monte_carlo_matches_target(exponent):
    counts = np.array([1, 50, 9, 1000, 3])
    target = counts.astype(float) ** exponent
    target /= target.sum()
    threshold, alias = alias_table(counts, exponent)
    n = 10**6
    draws = _simulate_kernel_draws(threshold, alias, n, seed=20240601)
    freq = np.bincount(draws, minlength=len(counts)) / n
    se = np.sqrt(target * (1 - target) / n)
    assert np.all(np.abs(freq - target) < 5 * se), (freq, target, se)


def test_monte_carlo_check_detects_a_wrong_table():
    """The simulation is sensitive: a table for different counts fails the same 5-SE test."""
    counts = np.array([1, 50, 9, 1000, 3])
    target = counts.astype(float) ** 0.75
    target /= target.sum()
    threshold, alias = alias_table(np.array([1, 50, 9, 900, 3]), 0.75)
    n = 10**6
    freq = np.bincount(_simulate_kernel_draws(threshold, alias, n, seed=1), minlength=5) / n
    se = np.sqrt(target * (1 - target) / n)
    assert not np.all(np.abs(freq - target) < 5 * se)


def _word2vec_c_keep(counts, sample, total):
    """word2vec.c: ran = (sqrt(cn / (sample * train_words)) + 1) * (sample * train_words) / cn,
    an occurrence is dropped when ran < U(0, 1): the keep probability is min(ran, 1)."""
    out = []
    for cn in counts:
        if sample <= 0:
            out.append(1.0)
            continue
        ran = (np.sqrt(cn / (sample * total)) + 1) * (sample * total) / cn
        out.append(min(ran, 1.0))
    return np.array(out)


@settings(max_examples=40, deadline=None)
@given(
    counts=st.lists(st.integers(1, 10**7), min_size=1, max_size=200),
    sample=st.sampled_from([1e-3, 1e-4, 1e-5, 0.0, -1.0]),
    extra=st.sampled_from([0, 1, 10**6]),
)
def test_keep_table_is_word2vec_c_formula(counts, sample, extra):
    default = keep_table(np.array(counts), sample)
    np.testing.assert_allclose(default, _word2vec_c_keep(counts, sample, sum(counts)), rtol=1e-12, atol=0)
    total = sum(counts) + extra  # e.g. tokens of words below min_count
    explicit = keep_table(np.array(counts), sample, total)
    np.testing.assert_allclose(explicit, _word2vec_c_keep(counts, sample, total), rtol=1e-12, atol=0)
    for table in (default, explicit):
        assert table.dtype == np.float64 and table.flags.c_contiguous and table.shape == (len(counts),)
        assert np.all((table > 0) & (table <= 1))


def test_keep_table_known_value():
    # one word with count 1000 out of 10**6 tokens, sample 1e-3: f/s = 1 -> (1 + 1) * 1 = 2 -> 1
    # count 10**5: f/s = 100 -> (10 + 1) / 100 = 0.11
    table = keep_table(np.array([1000, 10**5]), 1e-3, total=10**6)
    np.testing.assert_allclose(table, [1.0, 0.11], rtol=1e-12)


def _check_huffman(counts):
    points, codes, lens = huffman_table(counts)
    ref_codes, ref_points = huffman_codes(counts)
    v = len(counts)
    assert points.dtype == np.int32 and codes.dtype == np.uint8 and lens.dtype == np.int32
    assert points.flags.c_contiguous and codes.flags.c_contiguous and lens.flags.c_contiguous
    width = max(len(c) for c in ref_codes)
    assert points.shape == codes.shape == (v, width) and lens.shape == (v,)
    for w in range(v):
        n = len(ref_codes[w])
        assert lens[w] == n == len(ref_points[w])
        assert points[w, :n].tolist() == [int(p) for p in ref_points[w]]
        assert codes[w, :n].tolist() == [int(c) for c in ref_codes[w]]
        assert not points[w, n:].any() and not codes[w, n:].any()  # zero padding
    assert points.min() >= 0 and points.max() <= v - 2
    assert set(np.unique(codes).tolist()) <= {0, 1}


@settings(max_examples=40, deadline=None)
@given(counts=st.lists(st.integers(1, 10**6), min_size=2, max_size=300))
def test_huffman_table_matches_reference_codes(counts):
    _check_huffman(counts)


@settings(max_examples=25, deadline=None)
@given(counts=tied_counts)
def test_huffman_table_matches_reference_codes_with_ties(counts):
    _check_huffman(counts)


def test_huffman_table_two_words_and_a_deep_tree():
    _check_huffman([5, 3])
    points, codes, lens = huffman_table([5, 3])
    assert lens.tolist() == [1, 1] and points.tolist() == [[0], [0]]
    counts = [2**i for i in range(20)]  # a chain: the rarest words are 19 deep
    _check_huffman(counts)
    _, _, lens = huffman_table(counts)
    assert lens.max() == 19 and lens[-1] == 1


def test_full_bucket_constant():
    assert FULL_BUCKET == FULL
