"""scan_corpus / finalize_vocab / encode, checked against collections.Counter and mappings built here."""

import random
from collections import Counter

import numpy as np
import pytest

from w2v.vocab import encode, finalize_vocab, scan_corpus, vocabulary_and_corpus


def _zipf_corpus(seed, n_sentences=300, n_words=120, max_len=25):
    """Sentences of Zipf-ish words (so there are many ties among the rare ones); a few empty ones."""
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(n_words)]
    weights = [1.0 / (i + 1) for i in range(n_words)]
    return [rng.choices(vocab, weights, k=rng.randint(0, max_len)) for _ in range(n_sentences)]


def _first_appearance(sentences):
    return list(dict.fromkeys(t for s in sentences for t in s))


def _read_all(encoded, n, step=None):
    """Every id, through read(lo, hi, buf), optionally in ranges of ``step``."""
    buf = np.full(max(n, 1), 12345, dtype=np.int32)
    if step is None:
        return encoded.read(0, n, buf).tolist()
    out = []
    for lo in range(0, n, step):
        hi = min(lo + step, n)
        out.extend(encoded.read(lo, hi, buf).tolist())
    return out


CORPUS = _zipf_corpus(0)
TOKENS = [t for s in CORPUS for t in s]
STORED = [t for s in CORPUS if len(s) >= 2 for t in s]  # one-token sentences have no pair: not stored
COUNTER = Counter(TOKENS)
FIRST = _first_appearance(CORPUS)


def test_corpus_fixture_is_meaningful():
    assert len(TOKENS) > 2000
    assert sum(len(s) == 1 for s in CORPUS) >= 3 and sum(len(s) == 0 for s in CORPUS) >= 3
    assert len(COUNTER) > 50
    counts = Counter(COUNTER.values())
    assert any(k > 1 for k in counts.values())  # ties exist


@pytest.mark.parametrize("spill_tokens", [50, 1 << 30])
def test_scan_counts_equal_counter_in_first_appearance_order(spill_tokens):
    words, counts, encoded, total, min_reduce, n_sentences = scan_corpus(CORPUS, spill_tokens=spill_tokens)
    assert words == FIRST and total == len(TOKENS) and min_reduce == 0 and n_sentences == len(CORPUS)
    assert counts.dtype == np.int64
    assert counts.tolist() == [COUNTER[w] for w in FIRST]  # one-token sentences counted too
    assert encoded.n_tokens == len(STORED)
    assert encoded.n_sentences == sum(len(s) >= 2 for s in CORPUS)
    provisional = {w: i for i, w in enumerate(FIRST)}
    expected_ids = [provisional[t] for t in STORED]
    assert _read_all(encoded, len(STORED)) == expected_ids
    assert _read_all(encoded, len(STORED), step=37) == expected_ids
    if spill_tokens == 50:
        assert encoded.file is not None and encoded.ids is None  # really on disk
    else:
        assert encoded.file is None and encoded.ids is not None
    encoded.close()


def test_scan_small_and_large_spill_agree():
    small = scan_corpus(CORPUS, spill_tokens=50)
    large = scan_corpus(CORPUS, spill_tokens=1 << 30)
    assert small[0] == large[0]
    assert small[1].tolist() == large[1].tolist()
    assert small[2].offsets.tolist() == large[2].offsets.tolist()
    n = len(STORED)
    assert _read_all(small[2], n) == _read_all(large[2], n)
    # reads of arbitrary ranges, from the file, agree with the in-memory ids
    rng = random.Random(5)
    buf = np.empty(n, dtype=np.int32)
    for _ in range(50):
        lo = rng.randrange(n)
        hi = rng.randrange(lo, n + 1)
        assert small[2].read(lo, hi, buf).tolist() == large[2].ids[lo:hi].tolist()
    small[2].close()


def test_scan_accepts_a_generator_and_counts_repeated_words():
    sentences = (s for s in [["a", "b", "a"], ["c"], [], ["b", "a"]])
    words, counts, encoded, total, _, n_sentences = scan_corpus(sentences)
    assert words == ["a", "b", "c"] and total == 6 and n_sentences == 4
    assert counts.tolist() == [3, 2, 1]
    assert encoded.ids.tolist() == [0, 1, 0, 1, 0]  # ["c"] is counted, not stored
    assert encoded.offsets.tolist() == [0, 3, 5]


def _gensim_effective_min_count(counter, min_count, max_final_vocab):
    """gensim's rule, written out: if more than N words pass min_count, raise min_count to one
    more than the count of the (N+1)-th most frequent word."""
    if max_final_vocab is None:
        return min_count
    passing = [w for w, c in counter.items() if c >= min_count]
    if len(passing) <= max_final_vocab:
        return min_count
    ranked = sorted(counter.values(), reverse=True)
    return max(min_count, ranked[max_final_vocab] + 1)


def _expected_vocab(counter, first, min_count, max_final_vocab):
    threshold = _gensim_effective_min_count(counter, min_count, max_final_vocab)
    order = sorted(first, key=lambda w: (-counter[w], first.index(w)))
    return [w for w in order if counter[w] >= threshold]


@pytest.mark.parametrize("spill_tokens", [50, 1 << 30])
@pytest.mark.parametrize(
    ("min_count", "max_final_vocab"),
    [(1, None), (5, None), (3, 10), (1, 7), (2, 1), (1, 0), (5, 10_000), (40, 3)],
)
def test_finalize_vocab_order_cut_and_remapped_ids(spill_tokens, min_count, max_final_vocab):
    words, counts, encoded, _, _, _ = scan_corpus(CORPUS, spill_tokens=spill_tokens)
    vocab = finalize_vocab(words, counts, encoded, min_count=min_count, max_final_vocab=max_final_vocab)
    expected = _expected_vocab(COUNTER, FIRST, min_count, max_final_vocab)
    assert vocab.index_to_key == expected
    assert vocab.counts.tolist() == [COUNTER[w] for w in expected]
    assert vocab.total_words == len(TOKENS)
    assert len(vocab) == len(expected)
    assert vocab.key_to_index == {w: i for i, w in enumerate(expected)}
    assert all(COUNTER[w] >= min_count for w in vocab.index_to_key)
    if max_final_vocab is not None:
        assert len(vocab) <= max_final_vocab
    # counts descending, ties in order of first appearance
    for a, b in zip(expected, expected[1:], strict=False):
        assert COUNTER[a] > COUNTER[b] or (COUNTER[a] == COUNTER[b] and FIRST.index(a) < FIRST.index(b))
    new_index = {w: i for i, w in enumerate(expected)}
    want = [new_index.get(t, -1) for t in STORED]
    assert _read_all(encoded, len(STORED)) == want
    assert _read_all(encoded, len(STORED), step=23) == want
    assert (encoded.file is not None) == (spill_tokens == 50)
    encoded.close()


def test_max_final_vocab_drops_all_words_tied_at_the_cut():
    corpus = [["a"] * 5 + ["b"] * 4 + ["c"] * 4 + ["d"] * 4 + ["e"] * 2 + ["f"]]
    words, counts, encoded, _, _, _ = scan_corpus(corpus)
    # 2 words wanted; the 3rd most frequent has 4, so min_count becomes 5: b, c, d all go
    vocab = finalize_vocab(words, counts, encoded, min_count=1, max_final_vocab=2)
    assert vocab.index_to_key == ["a"]
    assert encoded.ids.tolist() == [0] * 5 + [-1] * 15
    # 4 wanted: the 5th has 2, so min_count 3 keeps a, b, c, d
    words, counts, encoded, _, _, _ = scan_corpus(corpus)
    vocab = finalize_vocab(words, counts, encoded, min_count=1, max_final_vocab=4)
    assert vocab.index_to_key == ["a", "b", "c", "d"]
    # exactly as many words as allowed: nothing changes
    vocab = finalize_vocab(words, counts, None, min_count=1, max_final_vocab=6)
    assert vocab.index_to_key == ["a", "b", "c", "d", "e", "f"]
    # a min_count above the computed one wins
    vocab = finalize_vocab(words, counts, None, min_count=5, max_final_vocab=4)
    assert vocab.index_to_key == ["a"]


def test_finalize_ties_follow_first_appearance_not_alphabet():
    corpus = [["zz", "yy", "mm"], ["aa", "yy", "zz", "mm"], ["aa"], ["bb", "aa"]]
    words, counts, _, _, _, _ = scan_corpus(corpus)
    vocab = finalize_vocab(words, counts, None, min_count=1)
    # aa: 3; zz, yy, mm: 2 each (first seen in that order); bb: 1
    assert vocab.index_to_key == ["aa", "zz", "yy", "mm", "bb"]
    assert vocab.counts.tolist() == [3, 2, 2, 2, 1]
    assert vocab.total_words == 10


def _stored_pieces(sentences, limit):
    """Pieces of at most ``limit`` tokens, those of fewer than 2 tokens left out (no pair in them)."""
    pieces = [s[start : start + limit] for s in sentences for start in range(0, len(s), limit)]
    return [p for p in pieces if len(p) >= 2]


def _expected_offsets(sentences, limit):
    offsets = [0]
    for piece in _stored_pieces(sentences, limit):
        offsets.append(offsets[-1] + len(piece))
    return offsets


@pytest.mark.parametrize("spill_tokens", [3, 1 << 30])
def test_long_sentences_are_split_into_pieces_and_nothing_is_lost(spill_tokens):
    rng = random.Random(11)
    lengths = [1, 10, 11, 25, 3, 30, 9, 20, 21]
    corpus = [[f"t{rng.randrange(15)}" for _ in range(n)] for n in lengths]
    tokens = [t for s in corpus for t in s]
    words, counts, encoded, _, _, _ = scan_corpus(corpus, max_sentence_length=10, spill_tokens=spill_tokens)
    offsets = encoded.offsets.tolist()
    assert offsets == _expected_offsets(corpus, 10)
    # 1 | 10 | 10 1 | 10 10 5 | 3 | 10 10 10 | 9 | 10 10 | 10 10 1: the pieces of 1 are counted, not stored
    assert np.diff(offsets).tolist() == [10, 10, 10, 10, 5, 3, 10, 10, 10, 9, 10, 10, 10, 10]
    stored = [t for piece in _stored_pieces(corpus, 10) for t in piece]
    assert encoded.longest_sentence == 10
    assert encoded.n_tokens == len(stored) == sum(lengths) - 3
    assert counts.sum() == len(tokens)
    assert [words[i] for i in _read_all(encoded, len(stored))] == stored
    encoded.close()


def test_a_string_as_a_sentence_raises_type_error():
    with pytest.raises(TypeError):
        scan_corpus([["fine", "sentence"], "not a list of tokens"])
    with pytest.raises(TypeError):
        scan_corpus("a whole corpus as one string")
    with pytest.raises(TypeError):
        encode(["oops"], {"oops": 0})


@pytest.mark.parametrize("spill_tokens", [4, 1 << 30])
def test_encode_with_fixed_vocabulary_maps_unknown_words_to_minus_one(spill_tokens):
    key_to_index = {"the": 0, "whale": 1, "ahab": 2}
    snapshot = dict(key_to_index)
    corpus = [["the", "white", "whale"], ["call", "me", "ishmael"], ["ahab", "the", "the"], ["unknown"]]
    encoded = encode(corpus, key_to_index, max_sentence_length=2, spill_tokens=spill_tokens)
    # pieces of 2: the white | whale | call me | ishmael | ahab the | the | unknown -> 3 pieces of 2 stored
    stored = [t for piece in _stored_pieces(corpus, 2) for t in piece]
    want = [key_to_index.get(t, -1) for t in stored]
    assert want == [0, -1, -1, -1, 2, 0]
    assert _read_all(encoded, len(stored)) == want
    assert encoded.offsets.tolist() == _expected_offsets(corpus, 2)
    assert key_to_index == snapshot  # unknown words were not added to the caller's dict
    encoded.close()


def _gensim_pruned_counts(corpus, max_vocab_size):
    """gensim's scan_vocab with max_vocab_size, written out (utils.prune_vocab keeps the words
    seen at least min_reduce times): count a sentence, then, while over the cap, forget the words
    seen fewer than min_reduce times and raise min_reduce by one. Returns the counts and the
    count up to which the last pruning forgot words (0 if none did or it forgot nothing)."""
    vocab, min_reduce = {}, 1
    for sentence in corpus:
        for word in sentence:
            vocab[word] = vocab.get(word, 0) + 1
        if len(vocab) > max_vocab_size:
            vocab = {w: c for w, c in vocab.items() if c >= min_reduce}
            min_reduce += 1
    return vocab, max(min_reduce - 2, 0)


@pytest.mark.parametrize("max_vocab_size", [5, 20, 60, 10_000])
def test_max_vocab_size_prunes_while_counting_as_gensim_does(max_vocab_size):
    corpus = _zipf_corpus(3, n_sentences=400, n_words=300)
    expected, last_cut = _gensim_pruned_counts(corpus, max_vocab_size)
    scan = scan_corpus(corpus, max_vocab_size=max_vocab_size)
    assert dict(zip(scan.words, scan.counts.tolist(), strict=True)) == expected
    assert scan.total_words == sum(len(s) for s in corpus)
    pruned = len(set(_tokens_of(corpus))) > max_vocab_size
    assert (scan.encoded is None) == pruned and scan.min_reduce == last_cut
    assert (last_cut > 0) == (max_vocab_size < 100)  # the cases below the vocabulary really cut
    vocab, encoded, _ = vocabulary_and_corpus(
        corpus, min_count=1, max_final_vocab=None, max_vocab_size=max_vocab_size, max_sentence_length=10_000
    )
    assert dict(zip(vocab.index_to_key, vocab.counts.tolist(), strict=True)) == expected
    stored = [t for s in corpus if len(s) >= 2 for t in s]  # encoded again with the final vocabulary
    assert _read_all(encoded, len(stored)) == [vocab.key_to_index.get(t, -1) for t in stored]


def _tokens_of(corpus):
    return [t for s in corpus for t in s]


@pytest.mark.parametrize(
    "corpus,max_vocab_size",
    [
        (_zipf_corpus(4, n_sentences=300, n_words=200), 40),
        ([["a", "b", "c", "d"], ["a"], ["e"], ["a", "e"]], 3),  # the first pruning (at 1) forgets nothing
        ([["a", "b"], ["c", "d"], ["a", "c"], ["e", "f"], ["a"], ["g", "h", "a"]], 3),
    ],
)
def test_max_vocab_size_equals_gensims_own_scan(gensim_models, corpus, max_vocab_size):
    theirs = gensim_models.Word2Vec(min_count=1, max_vocab_size=max_vocab_size, vector_size=4)
    theirs.build_vocab(corpus)
    vocab, encoded, _ = vocabulary_and_corpus(
        corpus, min_count=1, max_final_vocab=None, max_vocab_size=max_vocab_size, max_sentence_length=10_000
    )
    assert dict(zip(vocab.index_to_key, vocab.counts.tolist(), strict=True)) == {
        w: theirs.wv.get_vecattr(w, "count") for w in theirs.wv.index_to_key
    }
    encoded.close()


@pytest.mark.parametrize(
    "tokens,kind,shown",
    [
        ([1, "1", 1.0, True], TypeError, "1 of type int"),
        (["fine", None], TypeError, "None of type NoneType"),
        (["fine", b"bytes"], TypeError, "b'bytes' of type bytes"),
        (["ok", "lone \udc80 surrogate"], ValueError, "not valid Unicode"),
    ],
)
def test_tokens_that_are_not_text_are_refused_naming_the_first(tokens, kind, shown):
    with pytest.raises(kind, match=shown):
        scan_corpus([tokens] * 3)
    with pytest.raises(kind, match=shown):
        scan_corpus([tokens] * 3, max_vocab_size=2)
