"""Benchmarks: analogy and word-pair scores equal gensim's on the same vectors; counts by hand."""

import numpy as np
import pytest

from conftest import google_words
from w2v.evaluate import DatasetError, dataset_path, evaluate_word_analogies
from w2v.stats import average_ranks
from w2v.vectors import KeyedVectors


@pytest.fixture(scope="module")
def planted():
    """Vectors where y = x + r_section for many of the set's pairs, so many questions are right,
    plus lower- and upper-case variants to exercise case folding, in a shuffled frequency order."""
    words, pairs = google_words()
    rng = np.random.default_rng(7)
    d = 24
    vec = {}
    for _section, ps in sorted(pairs.items()):
        r = rng.normal(size=d) * 1.5
        for x, y in sorted(ps):
            vec.setdefault(x, rng.normal(size=d))
            vec.setdefault(y, vec[x] + r + rng.normal(size=d) * 0.2)
    extra = [w.lower() for w in words[::3]] + [w.upper() for w in words[::11]]
    keys = list(dict.fromkeys(words + extra))
    order = rng.permutation(len(keys))
    keys = [keys[i] for i in order]
    vectors = np.array([vec.get(k, rng.normal(size=d)) for k in keys], dtype=np.float32)
    return KeyedVectors(keys, vectors)


@pytest.fixture(scope="module")
def gensim_kv(planted, gensim_models):
    g = gensim_models.KeyedVectors(planted.vector_size)
    g.add_vectors(planted.index_to_key, planted.vectors.copy())
    return g


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("restrict", [30000, 900])
@pytest.mark.parametrize("case_insensitive", [True, False])
def test_analogies_equal_gensims(planted, gensim_kv, restrict, case_insensitive):
    ours, sections = planted.evaluate_word_analogies("google", restrict, case_insensitive)
    theirs, their_sections = gensim_kv.evaluate_word_analogies(
        dataset_path("google"), restrict_vocab=restrict, case_insensitive=case_insensitive
    )
    assert ours == theirs
    assert [s["section"] for s in sections] == [s["section"] for s in their_sections]
    for mine, their in zip(sections, their_sections, strict=True):
        assert mine["correct"] == their["correct"] and mine["incorrect"] == their["incorrect"]
    total = sections[-1]
    assert 0.05 < ours < 0.95  # the planted structure gives both right and wrong answers
    assert total["skipped"] + len(total["correct"]) + len(total["incorrect"]) == 19544
    assert total["skipped"] == sum(s["skipped"] for s in sections[:-1])


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("name", ["wordsim353", "simlex999"])
def test_word_pairs_equal_gensims(planted, gensim_models, name):
    # The planted vocabulary misses most pair words: add them so the correlation is non-trivial.
    words = set()
    for line in open(dataset_path(name), encoding="utf-8"):
        if not line.startswith("#"):
            words.update(line.split("\t")[:2])
    rng = np.random.default_rng(1)
    keys = planted.index_to_key + sorted(words - set(planted.index_to_key))
    keys = keys[: len(keys) - 40]  # leave some pairs out of the vocabulary
    kv = KeyedVectors(keys, rng.normal(size=(len(keys), 12)).astype(np.float32))
    g = gensim_models.KeyedVectors(12)
    g.add_vectors(kv.index_to_key, kv.vectors.copy())
    ours = kv.evaluate_word_pairs(name)
    pearson, spearman, oov_ratio = g.evaluate_word_pairs(dataset_path(name))
    assert ours[0][0] == pytest.approx(pearson.statistic, abs=1e-6)  # gensim's shape: ((r, p), rho, oov)
    assert ours[0][1] == pytest.approx(pearson.pvalue, rel=1e-6)
    assert ours[1].correlation == pytest.approx(spearman.statistic, abs=1e-6)
    assert ours[1].pvalue == pytest.approx(spearman.pvalue, rel=1e-6)
    assert ours[2] == oov_ratio and ours.oov > 0


def test_counts_by_hand_with_3cosadd_and_3cosmul(tmp_path):
    # b - a + c lands exactly on d for the first question; the second has an unknown word.
    kv = KeyedVectors(
        ["a", "b", "c", "d", "e"],
        np.array([[1, 0, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1], [0.5, 0.5, 0.2]], dtype=np.float32),
    )
    f = tmp_path / "q.txt"
    f.write_text(": first\na b c d\na b c zz\n: second\nA B C E\nnot four words\n")
    for method in ("3cosadd", "3cosmul"):
        score, sections = evaluate_word_analogies(kv, f, method=method)
        assert [s["section"] for s in sections] == ["first", "second", "Total accuracy"]
        assert sections[0]["correct"] == [("A", "B", "C", "D")] and sections[0]["skipped"] == 1
        assert sections[1]["incorrect"] == [("A", "B", "C", "E")]
        assert score == 0.5 and sections[-1]["skipped"] == 1


def test_spearman_uses_average_ranks_for_ties():
    assert list(average_ranks([10, 20, 20, 5])) == [2.0, 3.5, 3.5, 1.0]


def test_bad_datasets_are_clear_errors(tmp_path):
    kv = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32))
    with pytest.raises(DatasetError, match="neither a file nor a shipped dataset"):
        kv.evaluate_word_analogies("nosuch")
    f = tmp_path / "q.txt"
    f.write_text("a b a b\n")
    with pytest.raises(DatasetError, match="line 1: a question before any"):
        kv.evaluate_word_analogies(f)
    f.write_text("a\tb\t1.0\n")
    with pytest.raises(DatasetError, match="no pair has both words"):
        KeyedVectors(["x", "y"], np.eye(2, dtype=np.float32)).evaluate_word_pairs(f)
    with pytest.raises(ValueError, match="method='cos'"):
        kv.evaluate_word_analogies("google", method="cos")


def test_shipped_datasets_resolve():
    for name in ("google", "wordsim353", "simlex999"):
        assert open(dataset_path(name), encoding="utf-8").read(10)
