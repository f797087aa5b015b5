"""w2v.tables: the flat arrays the kernel reads, against the reference definitions and word2vec.c.

The alias table and the Huffman paths are built by compiled code (w2v.engine.builders). Their
oracles: for the alias table, the distribution it draws from, and the pure-Python Vose loop it
replaced (kept below), which it equals bit for bit; for the Huffman paths,
w2v.reference.tables.huffman_codes and, independently, a line-by-line port of word2vec.c's
CreateBinaryTree.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w2v.engine import builders
from w2v.reference import alias_table as reference_alias_table
from w2v.reference import huffman_codes, unigram_distribution
from w2v.tables import alias_probabilities, alias_table, huffman_table, keep_table

FULL = 2**32 - 1

counts_lists = st.lists(st.integers(1, 10**6), min_size=1, max_size=300)
tied_counts = st.lists(st.integers(1, 3), min_size=2, max_size=200)


def _check_alias(counts, exponent):
    threshold, alias = alias_table(counts, exponent)
    want_threshold, want_alias = reference_alias_table(counts, exponent)  # the readable Vose loop
    np.testing.assert_array_equal(threshold, want_threshold)  # bit for bit
    np.testing.assert_array_equal(alias, want_alias)
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


@pytest.mark.parametrize("seed", range(4))
def test_alias_table_large_random_tied_and_dominated(seed):
    """Bigger tables than the examples above, in the three shapes that stress Vose's stacks."""
    rng = np.random.default_rng(seed)
    shapes = {
        "random": rng.integers(1, 10**7, size=20_000),
        "tied": rng.integers(1, 4, size=20_000),
        "zipf": np.maximum(np.round(1e6 / np.arange(1, 20_001) ** 1.05), 1)[rng.permutation(20_000)],
        "one dominant": np.where(np.arange(5_000) == rng.integers(5_000), 10**9, 1),
        "all equal": np.full(4_097, 7),
    }
    for counts in shapes.values():
        for exponent in (0.75, 1.0, 0.0):
            _check_alias(counts, exponent)


def test_alias_builder_refuses_bad_probabilities():
    for p in ([0.5, np.nan, 0.5], [1.5, -0.5], [np.inf, 0.0]):
        with pytest.raises(ValueError, match="finite and non-negative"):
            builders.alias_table(np.array(p))
    threshold, alias = builders.alias_table(np.zeros(0))
    assert threshold.shape == alias.shape == (0,)


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


# ---------------------------------------------------------------------------
# Huffman paths
# ---------------------------------------------------------------------------


def _check_huffman(counts):
    """huffman_table(counts) equals w2v.reference's huffman_codes, padded with zeros."""
    points, codes, lens = huffman_table(counts)
    ref_codes, ref_points = huffman_codes(counts)
    v = len(counts)
    assert points.dtype == np.int32 and codes.dtype == np.uint8 and lens.dtype == np.int32
    assert points.flags.c_contiguous and codes.flags.c_contiguous and lens.flags.c_contiguous
    ref_lens = np.array([len(c) for c in ref_codes])
    assert points.shape == codes.shape == (v, ref_lens.max()) and lens.shape == (v,)
    np.testing.assert_array_equal(lens, ref_lens)
    assert all(len(p) == len(c) for p, c in zip(ref_points, ref_codes, strict=True))
    on_path = np.arange(points.shape[1]) < lens[:, None]  # row-major: word by word, root first
    np.testing.assert_array_equal(points[on_path], np.concatenate(ref_points))
    np.testing.assert_array_equal(codes[on_path], np.concatenate(ref_codes))
    assert not points[~on_path].any() and not codes[~on_path].any()  # zero padding
    assert points.min() >= 0 and points.max() <= v - 2
    assert set(np.unique(codes).tolist()) <= {0, 1}
    return points, codes, lens


def _word2vec_c_create_binary_tree(cn):
    """word2vec.c's CreateBinaryTree (tmikolov/word2vec), line for line, on its vocabulary's counts
    ``cn`` (sorted descending, as SortVocab leaves them). Returns, per word a, what it leaves in
    vocab[a]: (code, point, codelen). Unlike word2vec.c, nothing here caps a code at
    MAX_CODE_LENGTH (40) entries; count[] keeps its 1e15 sentinel for nodes not yet created."""
    vocab_size = len(cn)
    count = [0] * (vocab_size * 2 + 1)
    binary = [0] * (vocab_size * 2 + 1)
    parent_node = [0] * (vocab_size * 2 + 1)
    for a in range(vocab_size):
        count[a] = int(cn[a])
    assert max(count) < 10**15  # beyond the sentinel word2vec.c itself goes wrong
    for a in range(vocab_size, vocab_size * 2):
        count[a] = 10**15
    pos1 = vocab_size - 1
    pos2 = vocab_size
    for a in range(vocab_size - 1):
        # First, find two smallest nodes 'min1, min2'
        if pos1 >= 0:
            if count[pos1] < count[pos2]:
                min1i = pos1
                pos1 -= 1
            else:
                min1i = pos2
                pos2 += 1
        else:
            min1i = pos2
            pos2 += 1
        if pos1 >= 0:
            if count[pos1] < count[pos2]:
                min2i = pos1
                pos1 -= 1
            else:
                min2i = pos2
                pos2 += 1
        else:
            min2i = pos2
            pos2 += 1
        count[vocab_size + a] = count[min1i] + count[min2i]
        parent_node[min1i] = vocab_size + a
        parent_node[min2i] = vocab_size + a
        binary[min2i] = 1
    # Now assign binary code to each vocabulary word
    vocab = []
    for a in range(vocab_size):
        code, point = {}, {}
        b = a
        i = 0
        while True:
            code[i] = binary[b]
            point[i] = b
            i += 1
            b = parent_node[b]
            if b == vocab_size * 2 - 2:
                break
        codelen = i
        v_code, v_point = {}, {}
        v_point[0] = vocab_size - 2
        for b in range(i):
            v_code[i - b - 1] = code[b]
            v_point[i - b] = point[b] - vocab_size
        vocab.append(([v_code[d] for d in range(codelen)], [v_point[d] for d in range(codelen + 1)], codelen))
    return vocab


def _check_against_word2vec_c(counts):
    """huffman_table(counts) equals word2vec.c's tree of the same vocabulary.

    word2vec.c numbers its words by count, descending; w2v keeps the caller's order and sorts
    internally, equal counts by index (a stable sort; word2vec.c's qsort leaves equal counts in
    an unspecified order, so the two are compared on the stable order). With ``rank`` the stable
    descending order, word2vec.c's word a is w2v's word rank[a], and:

    * code_lens[rank[a]] == vocab[a].codelen;
    * codes[rank[a], :codelen] == vocab[a].code[:codelen] (the branch taken at each node, root first);
    * points[rank[a], :codelen] == vocab[a].point[:codelen]: both list the inner nodes from the root
      (point[0] = vocab_size - 2) down to the word's parent, numbered as created (syn1's rows).
      word2vec.c also writes vocab[a].point[codelen] = a - vocab_size, the word's own leaf index
      shifted like the inner nodes' (so negative); training never reads it (d < codelen), and
      w2v's rows have no such entry.
    """
    counts = np.asarray(counts)
    rank = np.argsort(-counts, kind="stable")
    tree = _word2vec_c_create_binary_tree(counts[rank])
    points, codes, lens = huffman_table(counts)
    v = len(counts)
    for a, (code, point, codelen) in enumerate(tree):
        w = rank[a]
        assert lens[w] == codelen == len(code)
        assert codes[w, :codelen].tolist() == code
        assert points[w, :codelen].tolist() == point[:codelen]
        assert point[0] == v - 2 and point[codelen] == a - v
    assert points.shape[1] == max(codelen for _, _, codelen in tree)


huffman_counts = st.lists(st.integers(1, 10**6), min_size=2, max_size=300)
huffman_counts_with_zeros = st.lists(st.integers(0, 50), min_size=2, max_size=300)
huffman_tied_counts = st.lists(st.integers(1, 3), min_size=2, max_size=300)


@settings(max_examples=60, deadline=None)
@given(counts=st.one_of(huffman_counts, huffman_counts_with_zeros, huffman_tied_counts))
def test_huffman_table_matches_reference_codes(counts):
    _check_huffman(counts)


@settings(max_examples=60, deadline=None)
@given(counts=st.one_of(huffman_counts, huffman_tied_counts))
def test_huffman_table_matches_word2vec_c(counts):
    _check_against_word2vec_c(counts)


def _fibonacci(n):
    f = [1, 1]
    while len(f) < n:
        f.append(f[-1] + f[-2])
    return f[:n]


@pytest.mark.parametrize(
    "counts",
    [
        [5, 3],
        [3, 5],
        [4, 4],
        [1, 2, 3],
        [3, 3, 3],
        [0, 0],
        [0, 0, 0, 5],
        [7] * 2**10,  # all equal, a power of two: every code is 10 long
        [7] * 1000,  # all equal otherwise
        [1] * 999 + [10**9],
        list(range(1, 2001)),
        list(range(2000, 0, -1)),
    ],
    ids=lambda c: f"{len(c)}:{c[:3]}",
)
def test_huffman_table_small_and_tied_vocabularies(counts):
    _check_huffman(counts)
    _check_against_word2vec_c(counts)


def test_huffman_table_two_and_three_words():
    points, codes, lens = huffman_table([5, 3])
    assert lens.tolist() == [1, 1] and points.tolist() == [[0], [0]] and codes.tolist() == [[1], [0]]
    # 1 + 2 make node 0 (1 is branch 0); then the tie 3 == 3 goes to node 0: node 0 is branch 0
    points, codes, lens = huffman_table([3, 1, 2])
    assert lens.tolist() == [1, 2, 2]
    assert points.tolist() == [[1, 0], [1, 0], [1, 0]]
    assert codes.tolist() == [[1, 0], [0, 0], [0, 1]]


def test_huffman_table_deep_trees():
    counts = [2**i for i in range(20)]  # a chain: the rarest words are 19 deep
    _check_huffman(counts)
    _, _, lens = huffman_table(counts)
    assert lens.max() == 19 and lens[-1] == 1
    # Fibonacci counts, ties going to the inner node: a chain again, 72 deep (word2vec.c's arrays
    # hold 40). The largest count stays below word2vec.c's 1e15 sentinel, the total below 2**53,
    # where the reference's float64 sums are exact.
    fib = _fibonacci(73)
    assert max(fib) < 10**15 and sum(fib) < 2**53
    _check_huffman(fib)
    _check_against_word2vec_c(fib)
    points, codes, lens = huffman_table(fib)
    assert lens.tolist() == [72, 72] + list(range(71, 0, -1))
    assert points[0].tolist() == list(range(71, -1, -1))  # the whole chain, root (71) first
    shuffled = np.random.default_rng(5).permutation(fib)
    _check_huffman(shuffled)
    _check_against_word2vec_c(shuffled)


def test_huffman_table_long_code_at_the_int64_limit():
    # Powers of two up to 2**62 sum to 2**63 - 1, the largest total int64 holds: a 62-deep chain.
    points, codes, lens = huffman_table([2**i for i in range(63)])
    assert lens.tolist() == [62] + list(range(62, 0, -1))
    assert points[0].tolist() == list(range(61, -1, -1))
    assert codes[0].tolist() == [0] * 62 and codes[1].tolist() == [0] * 61 + [1]


def _zipf_counts(n, scale, seed):
    counts = np.maximum(np.round(scale / np.arange(1, n + 1) ** 1.05), 1).astype(np.int64)
    return counts[np.random.default_rng(seed).permutation(n)]  # in no particular order


def test_huffman_table_large_zipf_vocabulary():
    """200,000 words, Zipf counts with long runs of ties, in shuffled order."""
    counts = _zipf_counts(200_000, 1e7, seed=3)
    _, _, lens = _check_huffman(counts)
    assert lens.max() > 20


def test_huffman_table_zipf_vocabulary_against_word2vec_c():
    _check_against_word2vec_c(_zipf_counts(20_000, 1e6, seed=4))


def test_huffman_table_accepts_integral_arrays_of_any_type():
    want = huffman_table(np.array([5, 1, 3, 3], dtype=np.int64))
    for counts in ([5, 1, 3, 3], np.array([5, 1, 3, 3], dtype=np.uint16), np.array([5.0, 1.0, 3.0, 3.0])):
        for got, expected in zip(huffman_table(counts), want, strict=True):
            np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ([], "at least 2 words"),
        ([7], "at least 2 words"),
        ([3, -1, 2], "must not be negative"),
        ([1.5, 2.0], "whole numbers"),
        ([[1, 2], [3, 4]], "one-dimensional"),
        ([2**62, 2**62], "overflows"),
    ],
)
def test_huffman_table_refuses_bad_counts(counts, message):
    with pytest.raises(ValueError, match=message):
        huffman_table(counts)
