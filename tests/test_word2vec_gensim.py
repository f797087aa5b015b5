"""gensim-4 code runs unchanged on w2v's Word2Vec (the tutorial's and the API docs' usage), and
where gensim is deterministic or the result is exact, w2v agrees with gensim itself."""

import copy
import logging
import pickle

import numpy as np
import pytest

from w2v import Word2Vec
from w2v.callbacks import CallbackAny2Vec

COMMON_TEXTS = [  # gensim.test.utils.common_texts
    ["human", "interface", "computer"],
    ["survey", "user", "computer", "system", "response", "time"],
    ["eps", "user", "interface", "system"],
    ["system", "human", "system", "eps"],
    ["user", "response", "time"],
    ["trees"],
    ["graph", "trees"],
    ["graph", "minors", "trees"],
    ["graph", "minors", "survey"],
]


def topics(n=400, seed=0):
    rng = np.random.default_rng(seed)
    a, b = [f"a{i}" for i in range(8)], [f"b{i}" for i in range(8)]
    return [[(a if i % 2 else b)[j] for j in rng.integers(8, size=10)] for i in range(n)]


@pytest.fixture(scope="module")
def moby():
    from w2v import BuiltinCorpus

    return list(BuiltinCorpus("moby-dick"))[:1500]


# -- the tutorial, unchanged ----------------------------------------------------------------


def test_the_gensim_tutorial_runs_unchanged(tmp_path):
    model = Word2Vec(sentences=COMMON_TEXTS, vector_size=100, window=5, min_count=1, workers=4)
    model.save(str(tmp_path / "word2vec.model"))
    model = Word2Vec.load(str(tmp_path / "word2vec.model"))
    result = model.train([["hello", "world"]], total_examples=1, epochs=1)
    assert isinstance(result, tuple) and len(result) == 2
    vector = model.wv["computer"]
    sims = model.wv.most_similar("computer", topn=10)
    assert vector.shape == (100,) and len(sims) == 10
    model = Word2Vec(COMMON_TEXTS, vector_size=50, min_count=1)  # sentences is the first positional argument
    assert model.wv.vector_size == 50 and model.epochs_trained_ == 5


def test_every_gensim_constructor_keyword_is_accepted(tmp_path):
    corpus_file = tmp_path / "c.txt"
    corpus_file.write_text("\n".join(" ".join(s) for s in topics(200)) + "\n")
    model = Word2Vec(
        corpus_file=str(corpus_file),
        vector_size=16,
        alpha=0.03,
        window=4,
        min_count=2,
        max_vocab_size=10_000,
        sample=1e-3,
        seed=3,
        workers=1,
        min_alpha=0.0002,
        sg=1,
        hs=1,
        negative=3,
        ns_exponent=0.75,
        cbow_mean=1,
        hashfxn=hash,
        epochs=2,
        null_word=0,
        trim_rule=None,
        sorted_vocab=1,
        batch_words=1000,
        compute_loss=True,
        callbacks=(),
        comment="from a file",
        max_final_vocab=None,
        shrink_windows=True,
    )
    assert model.corpus_count == 200 and model.corpus_total_words == 2000
    assert model.epochs_trained_ == 2 and model.get_latest_training_loss() > 0
    assert model.comment == "from a file" and model.layer1_size == 16
    assert model.syn1neg is model.w_out_ns and model.syn1 is model.w_out_hs


def test_train_has_gensims_checks_and_messages():
    model = Word2Vec(vector_size=8, min_count=1, workers=1)
    model.build_vocab(topics())
    with pytest.raises(ValueError, match="You must specify either total_examples or total_words"):
        model.train(topics(), epochs=1)
    with pytest.raises(ValueError, match="You must specify an explicit epochs count"):
        model.train(topics(), total_examples=model.corpus_count)
    with pytest.raises(TypeError, match="Both corpus_file and corpus_iterable"):
        model.train(topics(), corpus_file="x.txt", total_examples=1, epochs=1)
    with pytest.raises(TypeError, match="generator"):
        model.train((s for s in topics()), total_examples=400, epochs=2)
    with pytest.raises(RuntimeError, match="build vocabulary"):
        Word2Vec().train(topics(), total_examples=1, epochs=1)
    trained, raw = model.train(topics(), total_examples=model.corpus_count, epochs=model.epochs)
    assert isinstance(trained, int) and isinstance(raw, int) and 0 < trained <= raw == 5 * 4000


def test_train_with_start_and_end_alpha_sets_them_as_gensim_does():
    model = Word2Vec(vector_size=8, min_count=1, workers=1).build_vocab(topics())
    model.train(topics(), total_examples=400, epochs=1, start_alpha=0.01, end_alpha=0.001)
    assert (model.alpha, model.min_alpha) == (0.01, 0.001)


# -- online vocabulary updates ----------------------------------------------------------------


def test_online_update_keeps_old_vectors_and_seeds_new_words_as_gensim(gensim_models):
    first, second = topics(300, seed=1), [s + ["new1", "new2", "new1"] for s in topics(100, seed=2)]
    model = Word2Vec(vector_size=12, min_count=2, workers=1, seed=7, hs=1, negative=5)
    model.build_vocab(first)
    model.train(first, total_examples=model.corpus_count, epochs=model.epochs)
    before = {w: model.wv[w].copy() for w in model.wv.index_to_key}
    counts_before = {w: model.wv.get_count(w) for w in model.wv.index_to_key}
    model.build_vocab(second, update=True)
    assert model.wv.index_to_key[: len(before)] == list(before)  # old words keep their rows
    assert model.wv.index_to_key[len(before) :] == ["new1", "new2"]
    for w, v in before.items():
        assert np.array_equal(model.wv[w], v)
    new_counts = {w: sum(s.count(w) for s in second) for w in model.wv.index_to_key}
    for w in before:
        assert model.wv.get_count(w) == counts_before[w] + new_counts[w]
    assert model.w_out_ns.shape == (18, 12) and model.w_out_hs.shape == (17, 12)
    assert model.huffman_[0].shape[0] == 18  # the tree is rebuilt for the new counts
    model.train(second, total_examples=model.corpus_count, epochs=1)
    assert not np.array_equal(model.wv["new1"], model.wv["new2"])

    theirs = gensim_models.Word2Vec(vector_size=12, min_count=2, workers=1, seed=7, hs=1, negative=5)
    theirs.build_vocab(first)
    theirs.build_vocab(second, update=True)
    assert list(theirs.wv.index_to_key[16:]) == ["new1", "new2"]
    assert {w: theirs.wv.get_vecattr(w, "count") for w in theirs.wv.index_to_key} == {
        w: model.wv.get_count(w) for w in model.wv.index_to_key
    }
    fresh = Word2Vec(vector_size=12, min_count=2, workers=1, seed=7).build_vocab(first)
    fresh.build_vocab(second, update=True)  # new rows: gensim's values for this seed and size
    np.testing.assert_array_equal(fresh.wv.vectors[16:], theirs.wv.vectors[16:])


def test_online_update_needs_a_vocabulary():
    with pytest.raises(RuntimeError, match="online vocabulary-update"):
        Word2Vec().build_vocab(topics(), update=True)


def test_build_vocab_from_freq_equals_gensims(gensim_models):
    freq = {"the": 50, "whale": 20, "ship": 20, "sea": 7, "rare": 1}
    model = Word2Vec(vector_size=8, min_count=2)
    model.build_vocab_from_freq(freq, corpus_count=12)
    theirs = gensim_models.Word2Vec(vector_size=8, min_count=2)
    theirs.build_vocab_from_freq(freq, corpus_count=12)
    ours = {w: model.wv.get_count(w) for w in model.wv.index_to_key}
    assert ours == {w: theirs.wv.get_vecattr(w, "count") for w in theirs.wv.index_to_key}
    # Both by descending count; among tied words w2v keeps first appearance (a deliberate
    # difference: gensim's order of ties comes from NumPy's unstable sort)
    assert model.wv.index_to_key == ["the", "whale", "ship", "sea"]
    assert model.corpus_count == 12
    model.train(topics() + [["the", "whale", "ship", "sea"]] * 30, total_examples=430, epochs=1)


def test_trim_rule_and_sorted_vocab():
    from w2v.vocab import RULE_DISCARD, RULE_KEEP

    def rule(word, count, min_count):
        return RULE_KEEP if word in ("a7", "b1") else RULE_DISCARD if word == "a0" else 0

    corpus = topics()
    model = Word2Vec(vector_size=8, min_count=10_000, trim_rule=rule).build_vocab(corpus)
    assert sorted(model.wv.index_to_key) == ["a7", "b1"]  # kept by the rule, whatever their counts
    model = Word2Vec(vector_size=8, min_count=1, sorted_vocab=0).build_vocab(corpus, trim_rule=rule)
    first_seen = list(dict.fromkeys(w for s in corpus for w in s))
    assert model.wv.index_to_key == [w for w in first_seen if w != "a0"]  # unsorted: first appearance


# -- callbacks and loss -------------------------------------------------------------------------


def test_gensims_own_callback_class_runs(gensim_models):
    from gensim.models.callbacks import CallbackAny2Vec as GensimCallback

    calls = []

    class Recorder(GensimCallback):
        def on_train_begin(self, model):
            calls.append("train_begin")

        def on_epoch_begin(self, model):
            calls.append("epoch_begin")

        def on_epoch_end(self, model):
            calls.append(("epoch_end", model.get_latest_training_loss()))

        def on_train_end(self, model):
            calls.append("train_end")

    Word2Vec(
        topics(), vector_size=8, min_count=1, workers=1, epochs=3, compute_loss=True, callbacks=[Recorder()]
    )
    names = [c if isinstance(c, str) else c[0] for c in calls]
    assert names == ["train_begin"] + ["epoch_begin", "epoch_end"] * 3 + ["train_end"]
    losses = [c[1] for c in calls if not isinstance(c, str)]
    assert 0 < losses[0] < losses[1] < losses[2]  # the loss of the train call so far


def test_w2v_callback_base_and_bad_callbacks():
    seen = []

    class Counter(CallbackAny2Vec):
        def on_epoch_end(self, model):
            seen.append(model.epochs_trained_)

    Word2Vec(topics(), vector_size=8, min_count=1, workers=1, epochs=2, callbacks=[Counter()])
    assert seen == [1, 2]
    with pytest.raises(TypeError, match="has none of the methods"):
        Word2Vec(callbacks=[object()])


def test_latest_training_loss_is_the_exact_sum_and_zero_without_compute_loss():
    model = Word2Vec(topics(), vector_size=8, min_count=1, workers=1, epochs=2, compute_loss=True)
    loss = model.get_latest_training_loss()
    assert np.isfinite(loss) and loss > 1000  # a sum over tens of thousands of predictions
    model.train(topics(), total_examples=400, epochs=1)  # compute_loss=False: gensim's 0.0
    assert model.get_latest_training_loss() == 0.0


# -- what a model says --------------------------------------------------------------------------


def test_predict_output_word_equals_the_softmax_and_gensims(gensim_models):
    model = Word2Vec(topics(), vector_size=16, min_count=1, workers=1, epochs=5, seed=2, sample=0)
    context = ["a1", "a2", "unknown"]
    got = model.predict_output_word(context, topn=5)
    h = model.wv.vectors[[model.wv.get_index("a1"), model.wv.get_index("a2")]].astype(np.float64).mean(axis=0)
    scores = model.w_out_ns.astype(np.float64) @ h
    p = np.exp(scores) / np.exp(scores).sum()
    best = np.argsort(-p)[:5]
    assert [w for w, _ in got] == [model.wv.index_to_key[i] for i in best]
    np.testing.assert_allclose([q for _, q in got], p[best], rtol=1e-9)
    assert all(w.startswith("a") for w, _ in got)
    theirs = model.to_gensim().predict_output_word(context, topn=5)
    assert [w for w, _ in theirs] == [w for w, _ in got]
    np.testing.assert_allclose([q for _, q in theirs], [q for _, q in got], rtol=1e-4)
    assert model.predict_output_word(["nothing", "known"]) is None
    with pytest.raises(RuntimeError, match="negative sampling"):
        Word2Vec(topics(), vector_size=8, min_count=1, hs=1, negative=0, workers=1).predict_output_word(
            ["a1"]
        )


def exact_score(model, sentence):
    """Σ over positions and (full) windows of Σ_path log σ(±u·h), written out here."""
    ids = [model.wv.get_index(w) for w in sentence if w in model.wv]
    points, codes, lens = model.huffman_
    total = 0.0
    for i, word in enumerate(ids):
        window = [
            ids[j] for j in range(max(0, i - model.window), min(len(ids), i + model.window + 1)) if j != i
        ]
        inputs = [model.wv.vectors[c].astype(float) for c in window]
        if not model.sg:
            inputs = [np.mean(inputs, axis=0)] if inputs else []
        for h in inputs:
            for node, code in zip(points[word, : lens[word]], codes[word, : lens[word]], strict=True):
                x = float(model.w_out_hs[node].astype(float) @ h) * (1.0 if code == 0 else -1.0)
                total += -np.log1p(np.exp(-x))
    return total


def test_score_equals_the_definition_and_gensims(gensim_models):
    for sg in (1, 0):
        model = Word2Vec(topics(), vector_size=12, min_count=1, hs=1, negative=0, sg=sg, workers=1, epochs=2)
        sentences = topics(20, seed=9)
        ours = model.score(sentences, total_sentences=20)
        assert ours.dtype == np.float32 and ours.shape == (20,) and (ours < 0).all()
        np.testing.assert_allclose(ours, [exact_score(model, s) for s in sentences], rtol=1e-5)
        # gensim reads log σ from a 1000-bin table at the bin's lower edge: a little lower
        theirs = model.to_gensim().score(sentences, total_sentences=20)
        np.testing.assert_allclose(ours, theirs, rtol=0.03)
        assert (theirs <= ours).all()
    with pytest.raises(RuntimeError, match="hierarchical softmax"):
        Word2Vec(topics(), vector_size=8, min_count=1, workers=1).score(topics(2))


def test_estimate_memory_has_gensims_keys():
    model = Word2Vec(topics(), vector_size=10, min_count=1, workers=1, hs=1, epochs=1)
    report = model.estimate_memory()
    assert set(report) == {"vocab", "vectors", "syn1", "syn1neg", "total"}
    assert report["vectors"] == 16 * 10 * 4 and report["total"] == sum(
        v for k, v in report.items() if k != "total"
    )


def test_init_sims_still_works_with_a_deprecation_warning():
    model = Word2Vec(topics(), vector_size=8, min_count=1, workers=1, epochs=1)
    with pytest.warns(DeprecationWarning):
        model.init_sims()


# -- copies ------------------------------------------------------------------------------------


def test_pickle_and_deepcopy_give_a_model_that_trains(tmp_path):
    model = Word2Vec(topics(), vector_size=8, min_count=1, workers=1, epochs=1)
    for clone in (pickle.loads(pickle.dumps(model)), copy.deepcopy(model)):
        assert np.array_equal(clone.wv.vectors, model.wv.vectors) and clone.wv.vectors is not model.wv.vectors
        clone.train(topics(), total_examples=400, epochs=1)
        assert not np.array_equal(clone.wv.vectors, model.wv.vectors)
    model.save(tmp_path / "m.w2v")
    mapped = Word2Vec.load(tmp_path / "m.w2v")  # memory-mapped arrays pickle too
    assert np.array_equal(pickle.loads(pickle.dumps(mapped)).wv.vectors, model.wv.vectors)


# -- gensim <-> w2v ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params", [dict(sg=1, negative=5), dict(sg=0, hs=1, negative=0), dict(sg=1, hs=1, negative=3)]
)
def test_gensim_to_w2v_to_gensim_keeps_everything_bit_for_bit(gensim_models, moby, params):
    theirs = gensim_models.Word2Vec(moby, vector_size=20, min_count=3, workers=1, epochs=1, seed=4, **params)
    ours = Word2Vec.from_gensim(theirs)
    assert ours.wv.index_to_key == list(theirs.wv.index_to_key)
    assert np.array_equal(ours.wv.vectors, theirs.wv.vectors)
    assert [ours.wv.get_count(w) for w in ours.wv.index_to_key] == [
        theirs.wv.get_vecattr(w, "count") for w in theirs.wv.index_to_key
    ]
    back = ours.to_gensim()
    assert list(back.wv.index_to_key) == list(theirs.wv.index_to_key)
    assert np.array_equal(back.wv.vectors, theirs.wv.vectors)
    if params.get("negative"):
        assert np.array_equal(back.syn1neg, theirs.syn1neg)
    if params.get("hs"):
        assert np.array_equal(back.syn1[:-1], theirs.syn1[:-1])
        for w in theirs.wv.index_to_key[:50]:
            assert np.array_equal(back.wv.get_vecattr(w, "code"), theirs.wv.get_vecattr(w, "code"))
            assert np.array_equal(back.wv.get_vecattr(w, "point"), theirs.wv.get_vecattr(w, "point"))
    for name in ("vector_size", "window", "sg", "hs", "negative", "sample", "alpha", "min_alpha", "epochs"):
        assert getattr(back, name) == getattr(theirs, name), name


def test_a_gensim_model_saved_to_a_file_loads_by_path(gensim_models, tmp_path):
    theirs = gensim_models.Word2Vec(COMMON_TEXTS, vector_size=8, min_count=1, workers=1)
    theirs.save(str(tmp_path / "g.model"))
    ours = Word2Vec.from_gensim(tmp_path / "g.model")
    assert np.array_equal(ours.wv.vectors, theirs.wv.vectors)
    with pytest.raises(FileNotFoundError):
        Word2Vec.from_gensim(tmp_path / "missing.model")


def _fit_loss(model, corpus):
    """The mean loss over the corpus with (almost) frozen weights: one pass at a negligible rate."""
    clone = copy.deepcopy(model)
    clone.alpha = clone.min_alpha = 1e-12
    clone.train(corpus, total_examples=len(corpus), epochs=1)
    return clone.loss_history_[-1]


def test_training_continues_across_the_libraries(gensim_models, moby, caplog):
    caplog.set_level(logging.WARNING)
    params = dict(vector_size=32, min_count=3, workers=1, sg=1, seed=5)
    gensim_two = gensim_models.Word2Vec(moby, epochs=2, **params)
    gensim_one = gensim_models.Word2Vec(moby, epochs=1, **params)
    mixed = Word2Vec.from_gensim(gensim_one)
    mixed.train(moby, total_examples=len(moby), epochs=1)
    ours_two = Word2Vec(moby, epochs=2, **params)
    one = _fit_loss(Word2Vec.from_gensim(gensim_one), moby)
    losses = {
        "gensim 1 + w2v 1": _fit_loss(mixed, moby),
        "gensim 2": _fit_loss(Word2Vec.from_gensim(gensim_two), moby),
        "w2v 2": _fit_loss(ours_two, moby),
    }
    assert losses["gensim 1 + w2v 1"] < one - 0.02, (one, losses)  # the second epoch helped
    for name in ("gensim 2", "w2v 2"):
        assert abs(losses["gensim 1 + w2v 1"] - losses[name]) < 0.04 * losses[name], losses


def test_w2v_convert_reads_a_gensim_model_behind_its_flag(gensim_models, tmp_path):
    import subprocess
    import sys

    theirs = gensim_models.Word2Vec(COMMON_TEXTS, vector_size=8, min_count=1, workers=1)
    theirs.save(str(tmp_path / "g.model"))

    def w2v(*args):
        return subprocess.run([sys.executable, "-m", "w2v", *map(str, args)], capture_output=True, text=True)

    assert w2v("convert", tmp_path / "g.model", tmp_path / "m.w2v", "--from-gensim").returncode == 0
    model = Word2Vec.load(tmp_path / "m.w2v")  # the whole model: it trains on
    assert np.array_equal(model.wv.vectors, theirs.wv.vectors) and np.array_equal(
        model.syn1neg, theirs.syn1neg
    )
    assert w2v("convert", tmp_path / "g.model", tmp_path / "v.bin", "--from-gensim").returncode == 0
    assert np.array_equal(
        gensim_models.KeyedVectors.load_word2vec_format(str(tmp_path / "v.bin"), binary=True).vectors,
        theirs.wv.vectors,
    )
    not_gensim = tmp_path / "x.model"
    not_gensim.write_bytes(b"not a pickle at all")
    result = w2v("convert", not_gensim, tmp_path / "y.w2v", "--from-gensim")
    assert result.returncode == 2 and "not a gensim Word2Vec model" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "y.w2v").exists()
    result = w2v("convert", tmp_path / "g.model", tmp_path / "z.w2v")  # without the flag: not read
    assert result.returncode == 2 and "Traceback" not in result.stderr


def _fixed_hash(text):  # a hash that is the same in every process (Python's hash of str is salted)
    return sum((i + 1) * ord(ch) for i, ch in enumerate(text))


def test_gensims_other_model_methods(gensim_models):
    corpus = topics(200)
    ours = Word2Vec(vector_size=8, min_count=1, workers=1, hashfxn=_fixed_hash)
    theirs = gensim_models.Word2Vec(vector_size=8, min_count=1, workers=1, hashfxn=_fixed_hash)
    assert ours.scan_vocab(corpus) == theirs.scan_vocab(corpus)  # (total_words, corpus_count)
    assert ours.raw_vocab == dict(theirs.raw_vocab)
    report, their_report = ours.prepare_vocab(), theirs.prepare_vocab()
    assert report["drop_unique"] == their_report["drop_unique"]
    assert report["retain_total"] == their_report["retain_total"]
    assert sorted(ours.wv.index_to_key) == sorted(theirs.wv.index_to_key)
    np.testing.assert_array_equal(ours.seeded_vector("whale1", 8), theirs.seeded_vector("whale1", 8))
    freq = {f"w{i}": 1000 - 7 * i for i in range(40)}  # distinct counts: the same order
    a, b = Word2Vec(vector_size=8, min_count=1), gensim_models.Word2Vec(vector_size=8, min_count=1)
    a.build_vocab_from_freq(freq)
    b.build_vocab_from_freq(freq)
    assert a.wv.index_to_key == list(b.wv.index_to_key)
    np.testing.assert_array_equal(a.make_cum_table(), b.cum_table)
    assert a.cum_table[-1] == 2**31 - 1
    ours.prepare_weights()
    ours.create_binary_tree()
    ours.add_lifecycle_event("created", note="by a test")
    assert ours.lifecycle_events[-1]["event"] == "created"
    ours.add_null_word()
    assert ours.wv.index_to_key[-1] == "\0" and ours.wv.get_count("\0") == 1
    fresh = Word2Vec(vector_size=8, min_count=1, workers=1)
    fresh.reset_from(ours)
    assert fresh.wv.index_to_key == ours.wv.index_to_key and fresh.corpus_count == ours.corpus_count
    ours.update_weights()
    with pytest.raises(RuntimeError, match="online vocabulary-update"):
        Word2Vec().update_weights()
