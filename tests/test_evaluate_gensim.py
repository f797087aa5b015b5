"""Benchmarks with gensim's arguments and return shapes, and w2v.stats against SciPy."""

import argparse
import pickle

import numpy as np
import pytest

from conftest import google_words
from w2v import KeyedVectors
from w2v import stats as w2v_stats
from w2v.evaluate import WordPairsResult, dataset_path, evaluate_word_analogies, evaluate_word_pairs


def _pair_words(name):
    words = set()
    for line in open(dataset_path(name), encoding="utf-8"):
        if not line.startswith("#"):
            words.update(line.split("\t")[:2])
    return sorted(words)


@pytest.fixture(scope="module")
def pairs_kv():
    """Vectors for most of WordSim-353's and SimLex-999's words, some in lower case only."""
    words = sorted(set(_pair_words("wordsim353")) | set(_pair_words("simlex999")))
    rng = np.random.default_rng(5)
    keys = [w.lower() if i % 7 == 0 else w for i, w in enumerate(words)][: len(words) - 60]
    keys = list(dict.fromkeys(keys))
    return KeyedVectors(keys, rng.normal(size=(len(keys), 10)).astype(np.float32))


def _gensim_twin(gensim_models, kv):
    g = gensim_models.KeyedVectors(kv.vector_size)
    g.add_vectors(kv.index_to_key, kv.vectors.copy())
    return g


@pytest.mark.parametrize("name", ["wordsim353", "simlex999"])
@pytest.mark.parametrize(
    "kwargs",
    [{}, dict(dummy4unknown=True), dict(case_insensitive=False), dict(restrict_vocab=400)],
    ids=["defaults", "dummy4unknown", "case-sensitive", "restricted"],
)
def test_word_pairs_return_gensims_values_and_shape(pairs_kv, gensim_models, name, kwargs):
    g = _gensim_twin(gensim_models, pairs_kv)
    ours = pairs_kv.evaluate_word_pairs(name, **kwargs)
    theirs = g.evaluate_word_pairs(dataset_path(name), **kwargs)
    pearson, spearman, oov_ratio = ours  # gensim's three values
    assert oov_ratio == theirs[2]
    for mine, their in ((pearson, theirs[0]), (spearman, theirs[1])):
        assert mine[0] == pytest.approx(their[0], rel=1e-12, abs=1e-15)
        assert mine[1] == pytest.approx(their[1], rel=1e-9, abs=1e-300)
    assert ours[0][0] == pearson.statistic == ours.pearson.statistic == pearson.correlation
    assert ours[1].correlation == ours[1][0] == ours.spearman.statistic
    assert ours[1].pvalue == ours[1][1] and ours[0].pvalue == ours[0][1]
    assert ours.oov > 0 and ours.pairs > 0 and ours.oov_ratio == oov_ratio
    back = pickle.loads(pickle.dumps(ours))
    assert back == ours and back.pairs == ours.pairs and back.oov == ours.oov
    assert isinstance(back, WordPairsResult) and "pvalue" in repr(ours)


def test_w2vs_old_positional_orders_are_clear_errors(pairs_kv):
    with pytest.raises(TypeError, match="method="):
        pairs_kv.evaluate_word_analogies("google", 30000, True, "3cosmul")
    with pytest.raises(TypeError, match="restrict_vocab="):
        pairs_kv.evaluate_word_pairs("wordsim353", "\t", 30000)


def test_word_pairs_file_arguments(tmp_path):
    kv = KeyedVectors(["café", "thé", "eau", "vin"], np.random.default_rng(1).normal(size=(4, 3)))
    path = tmp_path / "pairs.csv"
    path.write_bytes("café;thé;1\ncafé;eau;2\nthé;vin;4\neau;vin;3\n".encode("latin-1"))
    result = kv.evaluate_word_pairs(str(path), delimiter=";", encoding="latin-1", case_insensitive=False)
    assert result.pairs == 4 and result.oov == 0 and result.oov_ratio == 0.0
    assert evaluate_word_pairs(kv, str(path), ";", "latin-1", 300000, False) == result


@pytest.fixture(scope="module")
def analogy_kv():
    """Vectors with a planted offset per section, so that many questions are right."""
    words, pairs = google_words()
    rng = np.random.default_rng(8)
    vec = {}
    for _, ps in sorted(pairs.items()):
        r = rng.normal(size=16) * 1.5
        for x, y in sorted(ps):
            vec.setdefault(x, rng.normal(size=16))
            vec.setdefault(y, vec[x] + r + rng.normal(size=16) * 0.3)
    keys = [words[i] for i in rng.permutation(len(words))][: len(words) - 30]  # some questions are skipped
    return KeyedVectors(keys, np.array([vec[k] for k in keys], dtype=np.float32))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize(
    "kwargs", [{}, dict(dummy4unknown=True, restrict_vocab=400)], ids=["defaults", "dummy4unknown"]
)
def test_analogies_equal_gensims_with_gensims_defaults(analogy_kv, gensim_models, kwargs):
    from gensim.test.utils import datapath

    g = _gensim_twin(gensim_models, analogy_kv)
    ours, sections = analogy_kv.evaluate_word_analogies(datapath("questions-words.txt"), **kwargs)
    theirs, their_sections = g.evaluate_word_analogies(datapath("questions-words.txt"), **kwargs)
    assert ours == theirs
    assert 0.05 < ours < 0.95 or kwargs  # (with dummy4unknown the skipped questions count as wrong)
    for mine, their in zip(sections, their_sections, strict=True):
        assert (mine["section"], mine["correct"], mine["incorrect"]) == (
            their["section"],
            their["correct"],
            their["incorrect"],
        )
    assert (sections[-1]["skipped"] == 0) == bool(kwargs.get("dummy4unknown"))


def test_analogy_defaults_and_the_two_ways_to_ask_for_3cosmul(analogy_kv, tmp_path):
    assert analogy_kv.evaluate_word_analogies() == analogy_kv.evaluate_word_analogies("google", 300000)
    questions = tmp_path / "q.txt"
    with open(dataset_path("google"), encoding="utf-8") as f:
        questions.write_text("".join(f.readlines()[:400]))
    by_name = analogy_kv.evaluate_word_analogies(str(questions), similarity_function="most_similar_cosmul")
    by_method = evaluate_word_analogies(analogy_kv, str(questions), method="3cosmul")
    assert by_name == by_method
    assert by_name != analogy_kv.evaluate_word_analogies(str(questions))  # 3CosMul answers differ somewhere
    with pytest.raises(ValueError, match="similarity_function"):
        analogy_kv.evaluate_word_analogies(str(questions), similarity_function="cosine")
    with pytest.raises(ValueError, match="disagree"):
        analogy_kv.evaluate_word_analogies(
            str(questions), similarity_function="most_similar_cosmul", method="3cosadd"
        )


def test_w2v_eval_says_which_restrict_vocab_it_uses(analogy_kv, tmp_path, capsys, monkeypatch):
    from w2v.cli import queries

    monkeypatch.setattr(queries, "load_vectors", lambda path: analogy_kv)
    args = argparse.Namespace(
        model="m",
        dataset=["google", "wordsim353"],
        restrict_vocab=30000,
        method="3cosadd",
        case_sensitive=False,
        sections=False,
        json=False,
    )
    queries.evaluate(args)
    out = capsys.readouterr().out
    assert "analogies: restrict_vocab=30000 (the usual protocol); gensim's default is 300000" in out
    assert "word pairs: restrict_vocab=300000 (gensim's default)" in out
    args.json = True
    queries.evaluate(args)
    import json

    results = json.loads(capsys.readouterr().out)
    assert results[0]["restrict_vocab"] == 30000 and results[1]["restrict_vocab"] == 300000
    assert results[0]["accuracy"] == analogy_kv.evaluate_word_analogies("google", restrict_vocab=30000)[0]
    assert 0 <= results[1]["spearman_pvalue"] <= 1


# -- w2v.stats against SciPy ----------------------------------------------------------------------


def test_incomplete_beta_equals_scipys():
    special = pytest.importorskip("scipy.special")
    rng = np.random.default_rng(0)
    for a in (0.5, 1.0, 1.5, 2.0, 10.0, 50.5, 174.0, 1000.0):
        for x in [*rng.random(30), 1e-12, 1e-6, 0.5, 0.999999, 1 - 1e-12, 0.0, 1.0]:
            assert w2v_stats.betainc(a, 0.5, x) == pytest.approx(
                special.betainc(a, 0.5, x), rel=1e-9, abs=1e-300
            )


@pytest.mark.parametrize("n", [3, 4, 5, 10, 30, 100, 353, 999])
def test_correlations_and_p_values_equal_scipys(n):
    scipy_stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(n)
    for _ in range(10):
        x = rng.normal(size=n)
        y = np.round(x * rng.uniform(-0.6, 0.6) + rng.normal(size=n), 1)  # ties in y
        for ours, theirs in (
            (w2v_stats.pearsonr(x, y), scipy_stats.pearsonr(x, y)),
            (w2v_stats.spearmanr(x, y), scipy_stats.spearmanr(x, y)),
        ):
            assert ours[0] == pytest.approx(theirs[0], rel=1e-12, abs=1e-15)
            if abs(theirs[0]) > 1 - 1e-12:  # a perfect correlation: p is 0, or a rounding error away
                assert ours[1] < 1e-6 and theirs[1] < 1e-6
            else:
                assert ours[1] == pytest.approx(theirs[1], rel=1e-9, abs=1e-300)


def test_special_cases_follow_scipy():
    assert w2v_stats.pearsonr([1, 2], [2, 1]) == pytest.approx((-1.0, 1.0))
    assert np.isnan(w2v_stats.spearmanr([1, 2], [2, 1]).pvalue)
    perfect = w2v_stats.spearmanr([1, 2, 3], [3, 2, 1])
    assert perfect.correlation == pytest.approx(-1.0) and perfect.pvalue < 1e-6
    constant = w2v_stats.pearsonr([1, 2, 3], [5, 5, 5])
    assert np.isnan(constant.statistic) and np.isnan(constant.pvalue)
    assert list(w2v_stats.average_ranks([10, 20, 20, 5])) == [2.0, 3.5, 3.5, 1.0]
    with pytest.raises(ValueError):
        w2v_stats.pearsonr([1, 2, 3], [1, 2])
