"""Word2Vec end to end on small corpora: it learns, it reproduces, it refuses bad input."""

import itertools

import numpy as np
import pytest

from conftest import CONFIGS
from w2v.corpus import BuiltinCorpus, TextCorpus
from w2v.model import Word2Vec

GROUP_A = [f"a{i}" for i in range(8)]
GROUP_B = [f"b{i}" for i in range(8)]


def two_topic_corpus(n_sentences=600, length=12, seed=0):
    """a-words only ever co-occur with a-words, b-words with b-words."""
    rng = np.random.default_rng(seed)
    return [
        [(GROUP_A if i % 2 == 0 else GROUP_B)[j] for j in rng.integers(8, size=length)]
        for i in range(n_sentences)
    ]


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_expected_neighbours_emerge_and_loss_falls(name):
    model = Word2Vec(
        vector_size=16,
        window=4,
        min_count=1,
        sample=0,
        epochs=6,
        workers=1,
        seed=2,
        # the batched window sums a window's gradients into one step: skip-gram's own rate
        alpha=0.025 if CONFIGS[name].get("batched") else 0.05,
        progress=None,
        **CONFIGS[name],
    )
    model.fit(two_topic_corpus())
    for word, group in (("a0", GROUP_A), ("b5", GROUP_B)):
        near = [w for w, _ in model.wv.most_similar(word, topn=6)]
        assert set(near) <= set(group), (name, word, near)
    # The objective with frozen weights falls every epoch; the running tally (optimistic while the
    # learning rate is high, see docs/engine.md) ends lower than it started and meets it at the end.
    frozen, tally = model.eval_loss_history_, model.loss_history_
    assert len(frozen) == len(tally) == 6 and np.isfinite(frozen + tally).all()
    assert all(later < earlier for earlier, later in itertools.pairwise(frozen)), frozen
    assert tally[-1] < tally[0], tally
    assert abs(frozen[-1] - tally[-1]) < 0.05 * tally[-1], (frozen, tally)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_loss_falls_on_real_text(seed):
    model = Word2Vec(vector_size=32, sg=1, epochs=4, workers=1, seed=seed, progress=None).fit(BuiltinCorpus())
    assert model.loss_history_[-1] < model.loss_history_[0]
    frozen = model.eval_loss_history_
    assert all(later < earlier for earlier, later in itertools.pairwise(frozen)), frozen
    assert model.wv.vectors.dtype == np.float32 and np.isfinite(model.wv.vectors).all()


def _fit(corpus, **kwargs):
    """Fit, reporting whether the encoded corpus went through a temporary file."""
    model = Word2Vec(progress=None, **kwargs)
    model.build_vocab(corpus)
    spilled = model._encoded[1].file is not None
    model.train()
    return model, spilled


@pytest.mark.parametrize("spill", [False, True])
def test_one_worker_and_a_seed_reproduce_bit_for_bit(spill, monkeypatch):
    if spill:  # the encoded corpus goes through a temporary file
        monkeypatch.setattr("w2v.vocab.SPILL_TOKENS", 100)
    corpus = two_topic_corpus(300)
    runs = []
    for seed in (5, 5, 6):
        model, spilled = _fit(corpus, vector_size=12, min_count=1, epochs=2, workers=1, seed=seed, sg=1)
        assert spilled == spill
        runs.append(model)
    assert np.array_equal(runs[0].wv.vectors, runs[1].wv.vectors)
    assert np.array_equal(runs[0].w_out_ns, runs[1].w_out_ns)
    assert runs[0].loss_history_ == runs[1].loss_history_
    assert not np.array_equal(runs[0].wv.vectors, runs[2].wv.vectors)


def test_in_memory_and_spilled_corpora_train_identically(monkeypatch):
    corpus = two_topic_corpus(200)
    kwargs = dict(vector_size=10, min_count=1, epochs=1, workers=1, seed=3)
    in_memory, spilled_before = _fit(corpus, **kwargs)
    monkeypatch.setattr("w2v.vocab.SPILL_TOKENS", 64)
    spilled, spilled_after = _fit(corpus, **kwargs)
    assert (spilled_before, spilled_after) == (False, True)
    assert np.array_equal(in_memory.wv.vectors, spilled.wv.vectors)


def test_several_workers_train_a_good_model():
    model = Word2Vec(
        vector_size=16,
        window=4,
        min_count=1,
        sample=0,
        epochs=4,
        workers=2,
        sg=1,
        seed=1,
        alpha=0.05,
        progress=None,
    ).fit(two_topic_corpus())
    near = [w for w, _ in model.wv.most_similar("a1", topn=5)]
    assert set(near) <= set(GROUP_A)


def test_train_on_another_corpus_and_a_file(tmp_path):
    corpus = two_topic_corpus(100)
    path = tmp_path / "c.txt"
    path.write_text("\n".join(" ".join(s) for s in corpus) + "\n")
    model = Word2Vec(vector_size=8, min_count=1, epochs=1, workers=1, progress=None)
    model.build_vocab(TextCorpus(path))
    assert sorted(model.wv.index_to_key) == sorted(GROUP_A + GROUP_B)
    other = corpus + [["unknown", "words", "a1"]]  # a different corpus, with unknown words
    model.train(other, total_examples=len(other), epochs=1)
    assert model.epochs_trained_ == 1
    assert model.words_trained_ == 100 * 12 + 1


@pytest.mark.parametrize(
    "counts,cap,kept",
    [
        # 4 words pass min_count=2; cap 3: the 4th most frequent has 3, so min_count becomes 4.
        ({"x": 5, "y": 4, "z": 4, "w": 3, "v": 1}, 3, ["x", "y", "z"]),
        # cap 3 again, but the 3rd and 4th are tied at 4: min_count becomes 5 and both go.
        ({"x": 5, "u": 5, "y": 4, "z": 4, "w": 3}, 3, ["x", "u"]),
        ({"x": 5, "y": 4, "z": 4, "w": 3, "v": 1}, None, ["x", "y", "z", "w"]),
    ],
)
def test_max_final_vocab_follows_gensim_rule(counts, cap, kept):
    model = Word2Vec(vector_size=8, min_count=2, max_final_vocab=cap, epochs=1, workers=1, progress=None)
    model.build_vocab([[word for word, n in counts.items() for _ in range(n)]])
    assert model.wv.index_to_key == kept
    assert list(model.wv.counts) == [counts[w] for w in kept]
    assert model.corpus_total_words == sum(counts.values())


BAD_PARAMS = [
    ("vector_size", 0, "vector_size=0"),
    ("window", -1, "window=-1"),
    ("min_count", 0, "min_count=0"),
    ("sg", 2, "sg=2"),
    ("hs", 0.5, "hs=0.5"),
    ("negative", -5, "negative=-5"),
    ("sample", 1.5, "sample=1.5"),
    ("alpha", 0.0, "alpha=0.0"),
    ("alpha", float("nan"), "alpha=nan"),
    ("epochs", 0, "epochs=0"),
    ("workers", 0, "workers=0"),
    ("seed", -1, "seed=-1"),
    ("vector_size", 3.0, "vector_size=3.0"),
    ("max_final_vocab", 1, "max_final_vocab=1"),
    ("shuffle", 2, "shuffle=2"),
    ("shuffle", 0.5, "shuffle=0.5"),
]


@pytest.mark.parametrize("name,value,shown", BAD_PARAMS)
def test_invalid_parameters_name_the_parameter_value_and_range(name, value, shown):
    with pytest.raises(ValueError) as info:
        Word2Vec(**{name: value})
    message = str(info.value)
    assert message.startswith(shown) and "must be" in message


def test_nothing_to_train_and_lr_order_are_rejected():
    with pytest.raises(ValueError, match="hs=0 and negative=0"):
        Word2Vec(hs=0, negative=0)
    with pytest.raises(ValueError, match="min_alpha"):
        Word2Vec(alpha=0.01, min_alpha=0.02)


def test_bad_corpora_are_clear_errors():
    model = Word2Vec(min_count=5, progress=None)
    with pytest.raises(TypeError, match="generator"):  # the constructor reads it epochs + 1 times
        Word2Vec((s for s in [["a", "b"]] * 10), min_count=1)
    # build_vocab reads its corpus once, as gensim allows; train() then uses the encoded copy
    one_pass = Word2Vec(min_count=1, workers=1, progress=None).build_vocab(s for s in [["a", "b"]] * 50)
    one_pass.train()
    assert one_pass.epochs_trained_ == 5
    with pytest.raises(TypeError, match="not a path"):
        model.build_vocab("corpus.txt")
    with pytest.raises(ValueError, match="empty"):
        model.build_vocab([[], []])
    with pytest.raises(ValueError, match="min_count=5"):
        model.build_vocab([["rare", "words", "only"]])
    with pytest.raises(RuntimeError, match="build vocabulary"):
        Word2Vec().train([["a"]], total_examples=1, epochs=1)


def test_invalid_utf8_is_counted_and_reported(tmp_path, caplog):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"a b c a b c\nd \xff\xfe e a\n" * 3)
    model = Word2Vec(vector_size=4, min_count=1, epochs=1, workers=1, progress=None)
    with caplog.at_level("WARNING", logger="w2v"):
        model.build_vocab(TextCorpus(path))
    assert model.invalid_utf8_ == 6
    assert any(
        "6 byte(s) of invalid UTF-8" in r.getMessage() and "bad.txt" in r.getMessage() for r in caplog.records
    )


def test_the_batched_window_learns_like_pair_by_pair():
    """batched=True (skip-gram, negative sampling): the same structure, a final frozen-weights
    loss within 2 % of the pair-by-pair kernel's, at skip-gram's default learning rate."""
    params = dict(
        vector_size=16, window=4, min_count=1, sample=0, epochs=6, workers=1, seed=2, sg=1, progress=None
    )
    pairs = Word2Vec(**params, batched=False).fit(two_topic_corpus())
    batched = Word2Vec(**params).fit(two_topic_corpus())  # the default
    assert not np.array_equal(pairs.wv.vectors, batched.wv.vectors)  # really another kernel path
    for word, group in (("a0", GROUP_A), ("b5", GROUP_B)):
        near = [w for w, _ in batched.wv.most_similar(word, topn=6)]
        assert set(near) <= set(group), (word, near)
    assert (
        abs(batched.eval_loss_history_[-1] - pairs.eval_loss_history_[-1])
        < 0.02 * pairs.eval_loss_history_[-1]
    )
    assert batched.eval_loss_history_[-1] < batched.eval_loss_history_[0]
