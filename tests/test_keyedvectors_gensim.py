"""w2v.KeyedVectors against gensim 4's KeyedVectors: the same surface, and the same answers.

Three kinds of checks:

- the surface: every public name of gensim's class exists in w2v's, with
  gensim's parameter names and defaults (w2v may add keyword-only extras);
- gensim-4 style code run unchanged on both classes (the usage in gensim's
  API docs), comparing what it prints and returns;
- each method on the same keys and vectors in both, compared exactly where
  the answer is exact (keys, orders, files) and to float32 precision for scores.
"""

import copy
import importlib.util
import inspect
import mmap
import pickle
import warnings

import numpy as np
import pytest

from conftest import gensim_twin
from w2v import KeyedVectors
from w2v.vectors import KeyedVectors as KeyedVectorsFromModule

WORDS = [f"w{i}" for i in range(200)] + ["king", "queen", "man", "woman", "media", "press", "office"]
D = 12


def _vectors():
    rng = np.random.default_rng(11)
    return rng.normal(size=(len(WORDS), D)).astype(np.float32)


def _counts():
    rng = np.random.default_rng(12)
    return rng.integers(1, 40, size=len(WORDS))  # ties on purpose


@pytest.fixture
def kv():
    return KeyedVectors(WORDS, _vectors(), _counts())


@pytest.fixture
def g(gensim_models):
    """gensim\'s KeyedVectors with the same keys, vectors and counts."""
    return gensim_twin(gensim_models, WORDS, _vectors(), _counts())


@pytest.fixture
def gensim_kv_class(gensim_models):
    return gensim_models.KeyedVectors


def same_pairs(ours, theirs, atol=1e-6):
    assert [k for k, _ in ours] == [k for k, _ in theirs]
    assert np.allclose([s for _, s in ours], [s for _, s in theirs], atol=atol)


# -- the surface -----------------------------------------------------------------------------------

# Where a w2v default deliberately differs from gensim's (see docs/vectors.md): name -> parameter.
_OWN_DEFAULTS = {
    ("evaluate_word_analogies", "analogies"),  # w2v: "google" (shipped); gensim: required
    ("evaluate_word_pairs", "pairs"),  # w2v: "wordsim353" (shipped); gensim: required
    ("load", "mmap"),  # w2v: True (its native file maps); gensim: None
}
_INSTANCE_ATTRIBUTES = ("vector_size", "index_to_key", "key_to_index", "vectors", "norms", "expandos")


def _gensim_public_names(cls):
    return sorted(name for name in dir(cls) if not name.startswith("_"))


def test_both_imports_are_the_same_class():
    assert KeyedVectors is KeyedVectorsFromModule


def test_every_public_name_of_gensims_class_is_there(gensim_kv_class):
    missing = [name for name in _gensim_public_names(gensim_kv_class) if not hasattr(KeyedVectors, name)]
    assert not missing
    kv = KeyedVectors(["a"], np.ones((1, 3)))
    for name in (*_INSTANCE_ATTRIBUTES, "next_index", "mapfile_path"):
        assert hasattr(kv, name), name
    for name in ("__len__", "__getitem__", "__setitem__", "__contains__", "__str__"):
        assert callable(getattr(kv, name))


def test_every_method_takes_gensims_arguments_with_gensims_defaults(gensim_kv_class):
    checked = 0
    for name in _gensim_public_names(gensim_kv_class):
        theirs_attr = inspect.getattr_static(gensim_kv_class, name)
        if isinstance(theirs_attr, property):
            continue
        theirs = inspect.signature(getattr(gensim_kv_class, name))
        ours = inspect.signature(getattr(KeyedVectors, name))
        if any(p.kind is p.VAR_POSITIONAL for p in theirs.parameters.values()):
            continue  # save(*args, **kwargs), word_vec(*args, **kwargs): checked by use below
        ours_params = list(ours.parameters.values())
        for i, param in enumerate(theirs.parameters.values()):
            assert i < len(ours_params), (name, param.name)
            mine = ours_params[i]
            assert mine.name == param.name, (name, param.name, mine.name)
            if (name, param.name) not in _OWN_DEFAULTS and param.default is not param.empty:
                assert mine.default == param.default, (name, param.name, mine.default, param.default)
        for extra in ours_params[len(theirs.parameters) :]:
            assert extra.kind is extra.KEYWORD_ONLY or extra.default is not extra.empty, (name, extra.name)
        checked += 1
    assert checked >= 43
    assert isinstance(inspect.getattr_static(KeyedVectors, "cosine_similarities"), staticmethod)
    assert isinstance(inspect.getattr_static(KeyedVectors, "log_accuracy"), staticmethod)
    assert isinstance(inspect.getattr_static(KeyedVectors, "load_word2vec_format"), classmethod)


def test_gensims_constructor_and_w2vs_constructor(gensim_kv_class):
    empty = KeyedVectors(5)
    assert len(empty) == 0 and empty.vectors.shape == (0, 5) and empty.vector_size == 5
    assert str(empty) == str(gensim_kv_class(5))
    pre = KeyedVectors(4, count=3, dtype=np.float64)
    assert pre.index_to_key == [None] * 3 and pre.vectors.shape == (3, 4) and pre.vectors.dtype == np.float64
    assert KeyedVectors(vector_size=7).vector_size == 7
    kv = KeyedVectors(["a", "b"], [[1, 0], [0, 1]], counts=[3, 1])
    assert kv.vectors.dtype == np.float32 and kv.counts.tolist() == [3, 1]
    assert kv.get_vecattr("a", "count") == 3


@pytest.mark.parametrize(
    "counts",
    [[0, 1], [-3, 1], [1, 2**62 + 1], [1, 2**63 - 1], [1.5, 2], [np.nan, 1], [True, False], [1]],
    ids=["zero", "negative", "2**62+1", "2**63-1", "fraction", "nan", "bool", "too few"],
)
def test_absurd_counts_are_refused(counts):
    with pytest.raises(ValueError):
        KeyedVectors(["a", "b"], np.eye(2), counts=np.array(counts))


def test_sensible_counts_are_kept():
    assert KeyedVectors(["a", "b"], np.eye(2), counts=[2**62, 1.0]).counts.tolist() == [2**62, 1]
    assert KeyedVectors(["a", "b"], np.eye(2), counts=np.array([5, 1], np.uint8)).counts.dtype == np.int64


# -- gensim-4 style code, unchanged ----------------------------------------------------------------


def gensim_docs_usage(KV, tmp_path):
    """The usage shown in gensim 4's KeyedVectors docs, with words of gensim's own test vectors."""
    from gensim.test.utils import datapath

    out = []
    wv_from_text = KV.load_word2vec_format(datapath("word2vec_pre_kv_c"), binary=False)  # C text format
    wv_from_bin = KV.load_word2vec_format(datapath("euclidean_vectors.bin"), binary=True)  # C bin format
    word_vectors = wv_from_text
    word_vectors.save(str(tmp_path / f"vectors-{KV.__module__}.kv"))
    reloaded_word_vectors = KV.load(str(tmp_path / f"vectors-{KV.__module__}.kv"))
    out.append(reloaded_word_vectors.index_to_key == word_vectors.index_to_key)
    out.append(len(wv_from_bin))

    result = word_vectors.most_similar(positive=["woman", "king"], negative=["man"])
    most_similar_key, similarity = result[0]  # look at the first match
    out.append(f"{most_similar_key}: {similarity:.4f}")
    result = word_vectors.most_similar_cosmul(positive=["woman", "king"], negative=["man"])
    most_similar_key, similarity = result[0]
    out.append(f"{most_similar_key}: {similarity:.4f}")
    out.append(word_vectors.doesnt_match("president media office woman".split()))
    similarity = word_vectors.similarity("woman", "man")
    out.append(f"{similarity:.4f}")
    out.append(similarity > 0.8)
    result = word_vectors.similar_by_word("press")
    most_similar_key, similarity = result[0]
    out.append(f"{most_similar_key}: {similarity:.4f}")
    sentence_a = "The president said to the media in the office".lower().split()
    sentence_b = "The man spoke to the press in japanese".lower().split()
    if importlib.util.find_spec("ot"):  # wmdistance needs POT (pip install POT)
        similarity = word_vectors.wmdistance(sentence_a, sentence_b)
        out.append(f"{similarity:.4f}")
    distance = word_vectors.distance("media", "media")
    out.append(f"{distance:.1f}")
    similarity = word_vectors.n_similarity(["president", "office"], ["japanese", "press"])
    out.append(f"{similarity:.4f}")
    vector = word_vectors["president"]  # numpy vector of a word
    out.append(vector.shape)
    vector = word_vectors.get_vector("office", norm=True)
    out.append(vector.shape)
    similarities = word_vectors.evaluate_word_pairs(datapath("wordsim353.tsv"))
    out.append(similarities[0][0])
    out.append(similarities[1].correlation)
    out.append(similarities[1].pvalue)
    out.append(similarities[0][1])
    out.append(similarities[2])
    analogy_scores = word_vectors.evaluate_word_analogies(datapath("questions-words.txt"))
    out.append(analogy_scores[0])
    out.append([(s["section"], s["correct"], s["incorrect"]) for s in analogy_scores[1]])
    return out


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # gensim's own init_sims inside most_similar_cosmul
def test_gensims_documented_usage_runs_unchanged_with_the_same_results(gensim_kv_class, tmp_path):
    theirs = gensim_docs_usage(gensim_kv_class, tmp_path)
    ours = gensim_docs_usage(KeyedVectors, tmp_path)
    assert len(ours) == len(theirs)
    for mine, their in zip(ours, theirs, strict=True):
        if isinstance(their, (float, np.floating)) and not isinstance(their, bool):
            assert mine == pytest.approx(their, rel=1e-5), (mine, their)
        else:
            assert mine == their


# -- lookups ---------------------------------------------------------------------------------------


def test_len_in_iteration_and_item_access_like_gensim(kv, g):
    assert len(kv) == len(g)
    assert list(kv) == kv.index_to_key  # gensim's `for x in kv` yields vectors, then fails with KeyError
    for key in ("king", "nope", 0, 5, len(WORDS), -1, np.int64(3)):
        assert (key in kv) == (key in g), key
        assert kv.has_index_for(key) == g.has_index_for(key), key
    assert kv.get_index("nope", default=-7) == g.get_index("nope", default=-7) == -7
    assert np.array_equal(kv[3], g[3]) and np.array_equal(kv[np.int64(4)], g[np.int64(4)])
    assert np.array_equal(kv[["king", 2]], g[["king", 2]])
    assert np.allclose(kv.get_vector("king", norm=True), g.get_vector("king", norm=True), atol=1e-7)
    assert not kv["king"].flags.writeable and not kv.get_vector("man", norm=True).flags.writeable
    assert str(kv) == str(g)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # gensim's own init_sims
def test_unknown_keys_raise_keyerror_everywhere(kv, g):
    calls = [
        lambda v: v["nope"],
        lambda v: v[["king", "nope"]],
        lambda v: v.get_vector("nope"),
        lambda v: v.get_index("nope"),
        lambda v: v.most_similar("nope"),
        lambda v: v.most_similar(["king"], ["nope"]),
        lambda v: v.most_similar_cosmul("nope"),
        lambda v: v.similar_by_key("nope"),
        lambda v: v.similar_by_word("nope"),
        lambda v: v.similarity("king", "nope"),
        lambda v: v.distance("nope", "king"),
        lambda v: v.distances("nope"),
        lambda v: v.distances("king", ["man", "nope"]),
        lambda v: v.closer_than("king", "nope"),
        lambda v: v.rank("nope", "king"),
        lambda v: v.relative_cosine_similarity("king", "nope"),
        lambda v: v.most_similar_to_given("nope", ["king"]),
        lambda v: v.get_vecattr("nope", "count"),
        lambda v: v.set_vecattr("nope", "count", 3),
        lambda v: v.get_mean_vector(["king", "nope"], ignore_missing=False),
        lambda v: v.get_vecattr("king", "no such attribute"),
    ]
    for call in calls:
        with pytest.raises(KeyError):
            call(g)
        with pytest.raises(KeyError):
            call(kv)
    with pytest.raises(KeyError, match="'kingz'.*did you mean 'king'"):
        kv["kingz"]


def test_retired_names_fail_as_in_gensim(kv, g):
    for name in ("index2word", "index2entity", "vocab", "vectors_norm"):
        with pytest.raises(AttributeError) as ours:
            getattr(kv, name)
        with pytest.raises(AttributeError) as theirs:
            getattr(g, name)
        assert str(ours.value) == str(theirs.value)
    with pytest.raises(NotImplementedError):
        kv.similarity_unseen_docs(["a"], ["b"])
    with pytest.warns(DeprecationWarning, match="Call to deprecated `word_vec`"):
        assert np.array_equal(kv.word_vec("king"), kv["king"])
    with pytest.warns(DeprecationWarning, match="Call to deprecated `words_closer_than`"):
        assert kv.words_closer_than("w1", "w9") == kv.closer_than("w1", "w9")
    with pytest.warns(DeprecationWarning, match="Call to deprecated `init_sims`"):
        kv.init_sims()


# -- queries ---------------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_most_similar_equals_gensims_in_every_form(kv, g):
    v = np.random.default_rng(1).normal(size=D).astype(np.float32)
    queries = [
        dict(positive="king"),
        dict(positive=["woman", "king"], negative=["man"]),
        dict(positive=["woman", "king"], negative="man", topn=3),
        dict(positive=[("king", 2.0), ("w3", 0.5)], negative=[("man", -0.7)]),
        dict(positive=[v, "king"], negative=["w7"]),
        dict(positive=[3, "w5"]),
        dict(positive=v),
        dict(positive=np.vstack([v, kv["w1"]])),
        dict(positive=["king"], restrict_vocab=50),
        dict(positive=["king"], clip_start=20, clip_end=120),
        dict(positive=["w30"], clip_start=20, topn=200),
        dict(positive=["king"], topn=len(WORDS) + 5),
    ]
    for query in queries:
        same_pairs(kv.most_similar(**query), g.most_similar(**query))
    assert np.allclose(kv.most_similar("king", topn=None), g.most_similar("king", topn=None), atol=1e-6)
    assert np.allclose(
        kv.most_similar("king", topn=None, restrict_vocab=30),
        g.most_similar("king", topn=None, restrict_vocab=30),
    )
    assert kv.most_similar("king", topn=0) == g.most_similar("king", topn=0) == []
    same_pairs(kv.similar_by_key("king", topn=4), g.similar_by_key("king", topn=4))
    same_pairs(kv.similar_by_word("queen", 6, 100), g.similar_by_word("queen", 6, 100))
    same_pairs(kv.similar_by_vector(v, topn=5), g.similar_by_vector(v, topn=5))
    for query in [queries[i] for i in (0, 1, 2, 4, 6)]:  # gensim's takes neither weights nor row numbers
        same_pairs(kv.most_similar_cosmul(**query), g.most_similar_cosmul(**query))
    with pytest.raises(ValueError):
        kv.most_similar(positive=[])
    with pytest.raises(ValueError):
        kv.most_similar_cosmul(negative=["king"])


def test_most_similar_hands_over_to_an_indexer(kv):
    class Indexer:
        def most_similar(self, vector, num_neighbors):
            self.seen = (vector, num_neighbors)
            return [("from the index", 1.0)]

    indexer = Indexer()
    assert kv.most_similar("king", topn=3, indexer=indexer) == [("from the index", 1.0)]
    assert indexer.seen[1] == 3 and np.allclose(indexer.seen[0], kv.get_vector("king", norm=True), atol=1e-6)


def test_cosmul_honours_restrict_vocab_where_gensim_ignores_it(kv):
    got = kv.most_similar_cosmul(["king", "woman"], ["man"], topn=5, restrict_vocab=40)
    assert all(kv.get_index(k) < 40 for k, _ in got)
    everything = kv.most_similar_cosmul(["king", "woman"], ["man"], topn=None, restrict_vocab=40)
    assert everything.shape == (40,)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_similarities_distances_and_ranks_equal_gensims(kv, g):
    v = np.random.default_rng(2).normal(size=D).astype(np.float32)
    assert kv.similarity("king", "queen") == pytest.approx(g.similarity("king", "queen"), abs=1e-6)
    assert kv.distance("king", "queen") == pytest.approx(g.distance("king", "queen"), abs=1e-6)
    assert isinstance(kv.similarity("king", "queen"), float)
    assert kv.n_similarity(["king", "w1"], ["queen", "w2"]) == pytest.approx(
        g.n_similarity(["king", "w1"], ["queen", "w2"]), abs=1e-6
    )
    assert kv.n_similarity(["king", "nope"], ["queen"]) == pytest.approx(
        g.n_similarity(["king", "nope"], ["queen"]), abs=1e-6
    )
    for ours, theirs in ((kv, g),):
        with pytest.raises(ZeroDivisionError):
            ours.n_similarity([], ["king"])
        with pytest.raises(ZeroDivisionError):
            theirs.n_similarity([], ["king"])
    assert np.allclose(kv.distances("w4"), g.distances("w4"), atol=1e-6)
    assert np.allclose(kv.distances("w4", ["w5", "w6"]), g.distances("w4", ["w5", "w6"]), atol=1e-6)
    assert np.allclose(kv.distances(v, ["w5", 7]), g.distances(v, ["w5", 7]), atol=1e-6)
    assert np.allclose(
        KeyedVectors.cosine_similarities(v, kv.vectors[:9]),
        g.cosine_similarities(v, g.vectors[:9]),
        atol=1e-7,
    )
    assert kv.closer_than("w1", "w9") == g.closer_than("w1", "w9")
    assert kv.rank("w1", "w9") == g.rank("w1", "w9")
    assert kv.most_similar_to_given("king", ["w1", "queen", "man"]) == g.most_similar_to_given(
        "king", ["w1", "queen", "man"]
    )
    assert kv.relative_cosine_similarity("king", "queen", topn=7) == pytest.approx(
        g.relative_cosine_similarity("king", "queen", topn=7), rel=1e-5
    )
    group = ["w1", "w2", "w3", "king", "queen", "nope"]
    assert kv.doesnt_match(group) == g.doesnt_match(group)
    for use_norm in (True, False):
        ours, theirs = kv.rank_by_centrality(group, use_norm), g.rank_by_centrality(group, use_norm)
        assert [w for _, w in ours] == [w for _, w in theirs]
        assert np.allclose([s for s, _ in ours], [s for s, _ in theirs], atol=1e-6)
    with pytest.raises(ValueError):
        kv.rank_by_centrality(["nope"])


def test_get_mean_vector_equals_gensims(kv, g):
    v = np.random.default_rng(3).normal(size=D)
    cases = [
        dict(keys=["king", "man"]),
        dict(keys=["king", "man"], weights=[2, -1]),
        dict(keys=["king", "man"], weights=np.array([0.3, 0.9])),
        dict(keys=["king", v, 4], pre_normalize=False),
        dict(keys=["king", "nope", "man"], post_normalize=True),
        dict(keys=["nope"]),
    ]
    for case in cases:
        ours, theirs = kv.get_mean_vector(**case), g.get_mean_vector(**case)
        assert ours.dtype == theirs.dtype, case
        assert np.allclose(ours, theirs, atol=1e-6), case
    for bad in (dict(keys=[]), dict(keys=["king"], weights=[1, 2])):
        with pytest.raises(ValueError):
            kv.get_mean_vector(**bad)
        with pytest.raises(ValueError):
            g.get_mean_vector(**bad)


def test_wmdistance_equals_gensims(kv, g):
    pytest.importorskip("ot", reason="wmdistance needs POT (pip install POT)")
    pairs = [
        (["king", "man", "w1"], ["queen", "woman", "w1", "w2"]),
        (["king", "king", "media"], ["press", "office"]),
        (["king", "nope"], ["man"]),
        (["king"], ["king", "king"]),
        (["nope"], ["king"]),
        (["w3", "w4"], ["w3", "w4"]),
    ]
    for doc1, doc2 in pairs:
        for norm in (True, False):
            assert kv.wmdistance(doc1, doc2, norm=norm) == pytest.approx(
                g.wmdistance(doc1, doc2, norm=norm), rel=1e-9, abs=1e-12
            ), (doc1, doc2, norm)


def test_wmdistance_without_pot_says_how_to_install_it(kv, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "ot", None)
    with pytest.raises(ImportError, match="pip install POT"):
        kv.wmdistance(["king"], ["man"])


# -- norms -----------------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_norms_normed_vectors_and_normalizing_in_place(kv, g):
    kv.fill_norms()
    g.fill_norms()
    assert np.allclose(kv.norms, g.norms) and np.allclose(kv.get_normed_vectors(), g.get_normed_vectors())
    kv.norms = None  # gensim's way to say "recompute"
    assert np.allclose(kv.norms, g.norms)
    kv.init_sims(replace=True)
    g.init_sims(replace=True)
    assert np.allclose(kv.vectors, g.vectors, atol=1e-7) and np.array_equal(kv.norms, g.norms)
    other = KeyedVectors(WORDS, _vectors())
    other.unit_normalize_all()
    assert np.allclose(np.linalg.norm(other.vectors, axis=1), 1, atol=1e-6)


# -- changing the vectors --------------------------------------------------------------------------


def test_add_vector_into_preallocated_rows_and_beyond(gensim_kv_class):
    ours, theirs = KeyedVectors(3, count=2), gensim_kv_class(3, count=2)
    for v in (ours, theirs):
        assert v.add_vector("a", [1, 2, 3]) == 0
        assert v.add_vector("b", np.array([0, 1, 0])) == 1
        with pytest.warns(UserWarning, match="grows by one each time"):
            assert v.add_vector("c", [1, 1, 1]) == 2
    assert ours.index_to_key == theirs.index_to_key and ours.key_to_index == theirs.key_to_index
    assert np.array_equal(ours.vectors, theirs.vectors) and ours.next_index == theirs.next_index == 3
    assert ours.most_similar("a", topn=1)[0][0] == theirs.most_similar("a", topn=1)[0][0]


def test_add_vectors_and_setitem_like_gensim(kv, g):
    rng = np.random.default_rng(4)
    new = rng.normal(size=(3, D)).astype(np.float32)
    for v in (kv, g):
        v.add_vectors(["new1", "king", "new2"], new)  # "king" is known: kept
    assert kv.index_to_key == g.index_to_key and np.array_equal(kv.vectors, g.vectors)
    for v in (kv, g):
        v.add_vectors(["new1", "new3"], new[:2], replace=True)
        v["man"] = new[2]
        v[["woman", "new4"]] = new[:2]
        v.add_vectors("new5", new[1])
    assert kv.index_to_key == g.index_to_key and kv.key_to_index == g.key_to_index
    assert np.array_equal(kv.vectors, g.vectors)
    same_pairs(kv.most_similar("man"), g.most_similar("man"))  # the cached norms were refreshed
    assert len(kv.counts) == len(kv) and kv.get_vecattr("new4", "count") == 1  # w2v: a new row counts 1
    with pytest.raises(ValueError):
        kv.add_vectors(["x", "y"], new)


def test_add_vectors_with_extras_and_repeated_keys(kv):
    kv.add_vectors(
        ["n1", "n2", "n1", "king"],
        np.arange(4 * D, dtype=np.float32).reshape(4, D),
        extras={"count": np.array([7, 8, 9, 10]), "tag": np.array([1, 2, 3, 4])},
    )
    assert kv.index_to_key[-2:] == ["n1", "n2"] and kv["n1"][0] == 0  # the first vector of a repeated key
    assert kv.get_vecattr("n1", "count") == 7 and kv.get_vecattr("n2", "tag") == 2
    assert kv.get_vecattr("king", "tag") == 0  # known keys are left alone without replace
    kv.add_vectors(["n1", "king"], np.ones((2, D)), extras={"count": [3, 4]}, replace=True)
    assert kv.get_vecattr("king", "count") == 4 and np.array_equal(kv["n1"], np.ones(D))
    with pytest.raises(ValueError):
        kv.add_vectors(["n9"], np.ones((1, D)), extras={"count": [0]})


def test_vecattrs_like_gensim(kv, g):
    for v in (kv, g):
        v.set_vecattr("king", "count", 99)
        v.set_vecattr("man", "tag", "noun")
        v.set_vecattr("woman", "weight", 0.5)
    for key in ("king", "man", "woman", "w0"):
        for attr in ("count", "tag", "weight"):
            assert kv.get_vecattr(key, attr) == g.get_vecattr(key, attr), (key, attr)
    assert kv.counts is kv.expandos["count"] and kv.get_count("king") == 99
    for v in (kv, g):
        with pytest.raises(TypeError):
            v.set_vecattr("king", "tag", 3.5)
    with pytest.raises(ValueError):
        kv.set_vecattr("king", "count", 0)


def test_resize_vectors_gives_gensims_rows(kv, g):
    for v in (kv, g):
        v.index_to_key.extend(["grown1", "grown2"])
        v.key_to_index.update({"grown1": len(WORDS), "grown2": len(WORDS) + 1})
        v.resize_vectors(seed=5)
    assert np.array_equal(kv.vectors, g.vectors) and kv.vectors.shape == (len(WORDS) + 2, D)
    assert np.array_equal(kv.get_vecattr("grown1", "count"), 1) and len(kv.counts) == len(kv)


def test_sort_by_descending_frequency_like_gensim(kv, g):
    kv.sort_by_descending_frequency()
    g.sort_by_descending_frequency()
    assert kv.index_to_key == g.index_to_key and kv.key_to_index == g.key_to_index
    assert np.array_equal(kv.vectors, g.vectors) and np.array_equal(kv.counts, g.expandos["count"])
    same_pairs(kv.most_similar("king"), g.most_similar("king"))
    with pytest.raises(KeyError):
        KeyedVectors(["a"], np.ones((1, 2))).sort_by_descending_frequency()


def test_vectors_for_all_like_gensim(kv, g):
    keys = ["man", "nope", "king", "man", "w9"]  # (gensim drops a row number given as a key)
    for allow_inference in (True, False):
        for copy_vecattrs in (False, True):
            ours = kv.vectors_for_all(keys, allow_inference=allow_inference, copy_vecattrs=copy_vecattrs)
            theirs = g.vectors_for_all(keys, allow_inference=allow_inference, copy_vecattrs=copy_vecattrs)
            assert ours.index_to_key == theirs.index_to_key and np.array_equal(ours.vectors, theirs.vectors)
            assert np.array_equal(ours.counts, theirs.expandos["count"])
            assert isinstance(ours, KeyedVectors)
    assert (kv.vectors_for_all(iter(["king", "man"]))).index_to_key == ["king", "man"]


# -- pickling and copies ---------------------------------------------------------------------------


def _same(a, b):
    assert a.index_to_key == b.index_to_key and a.key_to_index == b.key_to_index
    assert np.array_equal(a.vectors, b.vectors)
    assert (a.counts is None and b.counts is None) or np.array_equal(a.counts, b.counts)
    assert a.most_similar("king", topn=3) == b.most_similar("king", topn=3)


def _mapped(array):
    """Is ``array`` a view of a memory-mapped file?"""
    while array is not None:
        if isinstance(array, (np.memmap, mmap.mmap)):
            return True
        array = getattr(array, "base", None)
    return False


@pytest.mark.parametrize("mapped", [True, None])
def test_pickle_and_deepcopy_also_of_memory_mapped_vectors(kv, tmp_path, mapped):
    kv.set_vecattr("king", "tag", 5)
    kv.save(tmp_path / "v.w2v")
    loaded = KeyedVectors.load(tmp_path / "v.w2v", mmap=mapped)
    assert _mapped(loaded.vectors) == bool(mapped)
    for original in (kv, loaded):
        original.fill_norms()
        for clone in (pickle.loads(pickle.dumps(original)), copy.deepcopy(original)):
            _same(clone, original)
            assert not _mapped(clone.vectors) and clone.vectors.flags.writeable
        _same(copy.copy(original), original)
    deep = copy.deepcopy(loaded)
    deep["king"] = np.zeros(D)  # the copy is its own: the file and the original are untouched
    assert not np.array_equal(loaded["king"], deep["king"])
    assert copy.deepcopy(kv).get_vecattr("king", "tag") == 5


def test_changes_to_memory_mapped_vectors_copy_them_first(kv, tmp_path):
    kv.save(tmp_path / "v.w2v")
    loaded = KeyedVectors.load(tmp_path / "v.w2v")
    loaded["king"] = np.ones(D)
    loaded.set_vecattr("man", "count", 3)
    loaded.unit_normalize_all()
    assert np.allclose(np.linalg.norm(loaded.vectors, axis=1), 1, atol=1e-6)
    assert np.array_equal(KeyedVectors.load(tmp_path / "v.w2v").vectors, kv.vectors)


def test_load_takes_gensims_mmap_argument_and_w2vs_format(kv, tmp_path):
    kv.save(tmp_path / "v.kv")  # any suffix but .bin/.txt/.vec: w2v's native file
    assert _mapped(KeyedVectors.load(str(tmp_path / "v.kv"), mmap="r").vectors)
    assert not _mapped(KeyedVectors.load(str(tmp_path / "v.kv"), mmap=None).vectors)
    kv.save(tmp_path / "v.txt")
    assert KeyedVectors.load(tmp_path / "v.txt", fmt="word2vec-text").index_to_key == kv.index_to_key
    assert KeyedVectors.load(tmp_path / "v.txt", "word2vec-text").index_to_key == kv.index_to_key
    kv.save(
        str(tmp_path / "v2.kv"), separately=["vectors"], sep_limit=1, ignore=frozenset(), pickle_protocol=4
    )
    with open(tmp_path / "h", "wb") as handle, pytest.raises(TypeError):
        kv.save(handle)


def test_lifecycle_events(kv):
    kv.add_lifecycle_event("created", msg="by a test")
    assert kv.lifecycle_events[-1]["event"] == "created" and kv.lifecycle_events[-1]["msg"] == "by a test"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kv.lifecycle_events = None
        kv.add_lifecycle_event("ignored")
