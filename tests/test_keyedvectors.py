"""KeyedVectors queries: brute-force cosine checks, and equality with gensim on the same vectors."""

import numpy as np
import pytest

from w2v.vectors import KeyedVectors

WORDS = [f"w{i}" for i in range(300)] + ["king", "queen", "kings", "man", "woman"]


@pytest.fixture(scope="module")
def kv():
    rng = np.random.default_rng(3)
    return KeyedVectors(
        WORDS, rng.normal(size=(len(WORDS), 16)).astype(np.float32), np.arange(len(WORDS))[::-1] + 1
    )


def brute(kv, pos, neg, stop=None):
    """Cosine of every row (first ``stop``) with mean(unit(pos)) - mean(unit(neg)), query words left out."""
    unit = kv.vectors.astype(np.float64) / np.linalg.norm(
        kv.vectors.astype(np.float64), axis=1, keepdims=True
    )
    q = sum(unit[kv.key_to_index[w]] for w in pos) - sum(unit[kv.key_to_index[w]] for w in neg)
    q /= np.linalg.norm(q)
    scores = unit[:stop] @ q
    for w in pos + neg:
        if kv.key_to_index[w] < len(scores):
            scores[kv.key_to_index[w]] = -np.inf
    order = np.argsort(-scores)
    return [(kv.index_to_key[i], scores[i]) for i in order]


@pytest.mark.parametrize(
    "pos,neg,restrict", [(["w3"], [], None), (["w3", "w5"], ["w7"], None), (["king", "woman"], ["man"], 100)]
)
def test_most_similar_matches_brute_force(kv, pos, neg, restrict):
    got = kv.most_similar(positive=pos, negative=neg, topn=7, restrict_vocab=restrict)
    want = brute(kv, pos, neg, restrict)[:7]
    assert [w for w, _ in got] == [w for w, _ in want]
    assert np.allclose([s for _, s in got], [s for _, s in want], atol=1e-5)
    assert not {w for w, _ in got} & set(pos + neg)
    if restrict:
        assert all(kv.key_to_index[w] < restrict for w, _ in got)


def test_most_similar_accepts_a_word_a_vector_weights_and_returns_all_scores(kv):
    assert kv.most_similar("w3", topn=3) == kv.most_similar(positive=["w3"], topn=3)
    by_vector = kv.similar_by_vector(kv["w3"], topn=4)
    assert by_vector[0][0] == "w3" and by_vector[0][1] == pytest.approx(1.0, abs=1e-6)
    assert [w for w, _ in by_vector[1:]] == [w for w, _ in kv.most_similar("w3", topn=3)]
    weighted = kv.most_similar(positive=[("w3", 2.0), ("w5", 1.0)], topn=3)
    unit = kv.get_normed_vectors()
    q = 2 * unit[3] + unit[5]
    scores = unit @ (q / np.linalg.norm(q))
    scores[[3, 5]] = -np.inf
    assert [w for w, _ in weighted] == [kv.index_to_key[i] for i in np.argsort(-scores)[:3]]
    everything = kv.most_similar("w3", topn=None)
    assert everything.shape == (len(kv),)
    assert kv.most_similar("w3", topn=0) == []


def test_lookup_and_norms(kv):
    assert "king" in kv and "nope" not in kv and len(kv) == len(WORDS)
    assert np.array_equal(kv["king"], kv.vectors[kv.key_to_index["king"]])
    assert kv[["king", "man"]].shape == (2, 16)
    assert np.linalg.norm(kv.get_vector("king", norm=True)) == pytest.approx(1.0, abs=1e-6)
    assert np.allclose(kv.norms, np.linalg.norm(kv.vectors, axis=1))
    assert kv.get_count("w0") == len(WORDS)
    assert kv.similarity("king", "queen") == pytest.approx(
        float(np.dot(kv["king"], kv["queen"]) / np.linalg.norm(kv["king"]) / np.linalg.norm(kv["queen"])),
        abs=1e-6,
    )


def test_cached_norms_are_refreshed_by_reset_norms():
    kv = KeyedVectors(["a", "b", "c"], np.eye(3, dtype=np.float32))
    assert kv.norms[0] == 1.0
    kv.vectors[0] *= 4
    kv.reset_norms()
    assert kv.norms[0] == 4.0 and np.allclose(kv.get_normed_vectors()[0], [1, 0, 0])


def test_unknown_word_names_it_and_suggests_close_spellings(kv):
    with pytest.raises(KeyError) as err:
        kv.most_similar("kingz")
    message = err.value.args[0]
    assert "'kingz'" in message and "'king'" in message
    with pytest.raises(KeyError, match="'zzzzqq' is not in the vocabulary"):
        kv["zzzzqq"]
    # doesnt_match leaves unknown words out, as gensim does (it logs them); with none left, ValueError
    assert kv.doesnt_match(["king", "zzzzqq"]) == "king"
    with pytest.raises(ValueError):
        kv.doesnt_match(["zzzzqq"])


def test_doesnt_match_rank_and_closer_than(kv):
    group = ["w1", "w2", "w3"]
    odd = KeyedVectors(["a", "b", "c", "z"], np.array([[1, 0], [0.9, 0.1], [1, 0.05], [-1, 0.2]], np.float32))
    assert odd.doesnt_match(["a", "b", "c", "z"]) == "z"
    assert kv.doesnt_match(group) in group
    dist = kv.distances("w1")
    closer = [kv.index_to_key[i] for i in np.flatnonzero(dist < dist[kv.key_to_index["w9"]]) if i != 1]
    assert kv.closer_than("w1", "w9") == closer
    assert kv.rank("w1", "w9") == len(closer) + 1
    assert kv.rank("w1", kv.most_similar("w1", topn=1)[0][0]) == 1


# -- the same answers as gensim on the same vectors ------------------------------------------------


@pytest.fixture(scope="module")
def both(kv, gensim_models):
    g = gensim_models.KeyedVectors(kv.vector_size)
    g.add_vectors(kv.index_to_key, kv.vectors.copy())
    return kv, g


def close(a, b):
    return [w for w, _ in a] == [w for w, _ in b] and np.allclose(
        [s for _, s in a], [s for _, s in b], atol=1e-6
    )


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # gensim's own init_sims
def test_queries_equal_gensims(both):
    kv, g = both
    rng = np.random.default_rng(0)
    for _ in range(40):
        pos = list(rng.choice(WORDS, size=rng.integers(1, 4), replace=False))
        neg = list(rng.choice([w for w in WORDS if w not in pos], size=rng.integers(0, 3), replace=False))
        restrict = [None, 50, 200][rng.integers(3)]
        assert close(
            kv.most_similar(pos, neg, topn=10, restrict_vocab=restrict),
            g.most_similar(pos, neg, topn=10, restrict_vocab=restrict),
        )
        assert close(kv.most_similar_cosmul(pos, neg, topn=5), g.most_similar_cosmul(pos, neg, topn=5))
    v = rng.normal(size=16).astype(np.float32)
    assert close(kv.similar_by_vector(v, topn=5), g.similar_by_vector(v, topn=5))
    assert kv.similarity("king", "queen") == pytest.approx(g.similarity("king", "queen"), abs=1e-6)
    assert kv.n_similarity(["king", "w1"], ["queen", "w2"]) == pytest.approx(
        g.n_similarity(["king", "w1"], ["queen", "w2"]), abs=1e-6
    )
    assert kv.doesnt_match(["w1", "w2", "w3", "king"]) == g.doesnt_match(["w1", "w2", "w3", "king"])
    assert kv.rank("w1", "w9") == g.rank("w1", "w9")
    assert np.allclose(kv.distances("w4", ["w5", "w6"]), g.distances("w4", ["w5", "w6"]), atol=1e-6)
