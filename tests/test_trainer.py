"""The reference trainer learns obvious structure, its loss goes down, and it is reproducible."""

import numpy as np
import pytest

from w2v.reference import HierarchicalSoftmax, cbow, huffman_codes, negative_sampling, skipgram
from w2v.reference.stream import Prediction
from w2v.reference.trainer import ReferenceTrainer, sgd_step
from w2v.vectors import KeyedVectors

GROUP_A = [f"a{i}" for i in range(6)]
GROUP_B = [f"b{i}" for i in range(6)]


def two_topic_corpus(n_sentences=160, length=8, seed=0):
    """Sentences drawn from one of two disjoint word groups: a-words only ever
    co-occur with a-words, b-words with b-words."""
    rng = np.random.default_rng(seed)
    corpus = []
    for i in range(n_sentences):
        group = GROUP_A if i % 2 == 0 else GROUP_B
        corpus.append([group[j] for j in rng.integers(len(group), size=length)])
    return corpus


CONFIGS = {
    "sg-ns": dict(sg=1, hs=0, negative=3),
    "sg-hs": dict(sg=1, hs=1, negative=0),
    "sg-softmax": dict(sg=1, hs=0, negative=0),
    "cbow-ns": dict(sg=0, hs=0, negative=3, alpha=0.05),
    "cbow-hs": dict(sg=0, hs=1, negative=0, alpha=0.05),
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_neighbours_come_from_the_same_group_and_loss_falls(name):
    params = dict(vector_size=10, window=3, min_count=1, sample=0, epochs=4, seed=3, alpha=0.05)
    params.update(CONFIGS[name])
    model = ReferenceTrainer(**params).fit(two_topic_corpus())
    kv = KeyedVectors(model.index_to_key, model.w_in)
    for word, group in [("a0", GROUP_A), ("b3", GROUP_B)]:
        near = [w for w, _ in kv.most_similar(word, topn=5)]
        assert set(near) <= set(group), (name, word, near)
    history = model.loss_history
    assert len(history) == 4
    assert history[-1] < history[0], history


def test_same_seed_same_vectors_other_seed_other_vectors():
    corpus = two_topic_corpus(40)
    params = dict(vector_size=8, window=2, min_count=1, epochs=1)
    a = ReferenceTrainer(seed=7, **params).fit(corpus)
    b = ReferenceTrainer(seed=7, **params).fit(corpus)
    c = ReferenceTrainer(seed=8, **params).fit(corpus)
    assert np.array_equal(a.w_in, b.w_in) and np.array_equal(a.w_out, b.w_out)
    assert not np.array_equal(a.w_in, c.w_in)


def test_one_skipgram_step_is_a_gradient_step_of_the_pair_loss():
    """sgd_step applies exactly -lr times the reference gradient (for a pair, and for HS)."""
    rng = np.random.default_rng(1)
    n_words, d, lr = 9, 4, 0.1
    w_in, w_out = rng.normal(size=(n_words, d)), rng.normal(size=(n_words, d))
    draw = (2, 2, 5)  # a repeated negative
    _, g_in, g_out = skipgram(4, [7], w_in, w_out, negative_sampling, [draw])
    w_in2, w_out2 = w_in.copy(), w_out.copy()
    sgd_step(Prediction((4,), 7, draw, lr), w_in2, w_out2, None, ns_objective=negative_sampling)
    np.testing.assert_allclose(w_in2, w_in - lr * g_in, rtol=0, atol=1e-14)
    np.testing.assert_allclose(w_out2, w_out - lr * g_out, rtol=0, atol=1e-14)

    codes, points = huffman_codes(rng.integers(1, 50, size=n_words))
    hs = HierarchicalSoftmax(points, codes)
    w_nodes = rng.normal(size=(n_words - 1, d))
    _, g_in, g_nodes = skipgram(4, [7], w_in, w_nodes, hs)
    w_in2, w_nodes2 = w_in.copy(), w_nodes.copy()
    sgd_step(Prediction((4,), 7, (), lr), w_in2, None, w_nodes2, hs_objective=hs)
    np.testing.assert_allclose(w_in2, w_in - lr * g_in, rtol=0, atol=1e-14)
    np.testing.assert_allclose(w_nodes2, w_nodes - lr * g_nodes, rtol=0, atol=1e-14)


def test_a_cbow_step_exact_or_as_word2vec_c_applies_it():
    """cbow_exact: the gradient of the mean (each context row gets dJ/dh / C, a repeated row twice);
    the default, word2vec.c's convention, gives every context row the whole dJ/dh."""
    rng = np.random.default_rng(2)
    n_words, d, lr = 9, 4, 0.1
    w_in, w_out = rng.normal(size=(n_words, d)), rng.normal(size=(n_words, d))
    contexts, draw = (1, 3, 3, 6), (2, 8)
    _, g_in, g_out = cbow(5, list(contexts), w_in, w_out, negative_sampling, draw)
    exact_in, exact_out = w_in.copy(), w_out.copy()
    sgd_step(
        Prediction(contexts, 5, draw, lr),
        exact_in,
        exact_out,
        None,
        ns_objective=negative_sampling,
        cbow_exact=True,
    )
    np.testing.assert_allclose(exact_in, w_in - lr * g_in, rtol=0, atol=1e-14)
    np.testing.assert_allclose(exact_out, w_out - lr * g_out, rtol=0, atol=1e-14)
    w2v_in = w_in.copy()
    sgd_step(Prediction(contexts, 5, draw, lr), w2v_in, w_out.copy(), None, ns_objective=negative_sampling)
    np.testing.assert_allclose(w2v_in - w_in, len(contexts) * (exact_in - w_in), rtol=1e-12, atol=1e-14)


def test_too_small_vocabulary_is_a_clear_error():
    with pytest.raises(ValueError, match="min_count=5"):
        ReferenceTrainer(min_count=5).fit([["rare", "words"]])


def test_time_budget_stops_training_early():
    model = ReferenceTrainer(vector_size=8, min_count=1, epochs=50, max_seconds=0.2).fit(
        two_topic_corpus(400)
    )
    assert model.epochs_done < 50
    assert len(model.loss_history) == model.epochs_done
