"""The contract between the C kernel and its Python binding is checked, not trusted.

- A binding whose struct differs in size from the C one is refused at load.
- Scratch is sized by the kernel's own functions, and scratch that is too small,
  a window below 1, too small a vocabulary, a missing objective, an id out of
  range or diverged (NaN) weights make the kernel return an error code that
  becomes an exception, never a crash.
- A parameter made invalid after construction is caught by train, with the
  parameter's own message.
- Without the compiled library, w2v imports, vectors and their files work, and
  training says why it cannot run.
"""

import ctypes

import numpy as np
import pytest

from w2v import KeyedVectors, Word2Vec
from w2v.engine import kernel as k
from w2v.tables import alias_table, huffman_table, keep_table


def test_a_binding_whose_struct_differs_from_c_is_refused_at_load():
    lib = ctypes.CDLL(str(k.library_path()))

    class Shorter(ctypes.Structure):
        _fields_ = k.Block._fields_[:-1]  # a field forgotten on the Python side

    class Longer(ctypes.Structure):
        _fields_ = [*k.Block._fields_, ("extra", ctypes.c_int64)]

    for wrong in (Shorter, Longer):
        with pytest.raises(k.KernelUnavailable, match="does not match its Python binding"):
            k.bind(lib, wrong)
    assert k.bind(lib, k.Block) is lib  # the real one passes


def _kernel(n_words=6, d=4, window=2, negative=2, hs=0, w_in=None):
    rng = np.random.default_rng(0)
    counts = np.arange(n_words, 0, -1) * 10
    w_in = rng.normal(size=(n_words, d)).astype(np.float32) * 0.1 if w_in is None else w_in
    w_ns = np.zeros((n_words, d), np.float32) if negative else None
    w_hs = np.zeros((n_words - 1, d), np.float32) if hs else None
    if hs:
        points, codes, lens = huffman_table(counts)
    else:
        points, codes, lens = (
            np.zeros((n_words, 1), np.int32),
            np.zeros((n_words, 1), np.uint8),
            np.zeros(n_words, np.int32),
        )
    return k.KernelModel(
        w_in,
        w_ns,
        w_hs,
        keep_table(counts, 0),
        alias_table(counts),
        points,
        codes,
        lens,
        sg=1,
        window=window,
        negative=negative,
        hs=hs,
    )


IDS = np.array([0, 1, 2, 3, 4, 5, 0, 1], np.int32)
OFFSETS = np.array([0, 8], np.int64)


def test_the_kernel_sizes_its_own_scratch_and_refuses_short_scratch():
    model = _kernel()
    work, iwork, stats = model.scratch(8)
    # d = 4, K = 2, L = 1, window 2: neu1, neu1e, signs, g, then the batched window's deltas,
    # gradients and one column of them
    assert (
        len(work) == model.lib.w2v_scratch_floats(4, 2, 1, 2) == 2 * 4 + 2 * (2 + 1 + 1) + 2 * 2 * (4 + 2 + 2)
    )
    # the sentence, a window's context, two position plans of 2 window x (K + 1) rows
    assert len(iwork) == model.lib.w2v_scratch_ints(8, 2, 1, 2) == 8 + 2 * 2 + 2 * (2 * 2 * (2 + 1))
    assert model.train_block(IDS, OFFSETS, 0.01, 0.01, 1, (work, iwork, stats))[1] > 0
    for short in ((work[:-1], iwork, stats), (work, iwork[:-1], stats), (work, model.scratch(7)[1], stats)):
        with pytest.raises(k.KernelError, match="scratch") as info:
            model.train_block(IDS, OFFSETS, 0.01, 0.01, 1, short)
        assert info.value.code == -5


@pytest.mark.parametrize(
    "change,code,message",
    [
        (dict(window=0), -2, "window must be >= 1"),
        (dict(window=-3), -2, "window must be >= 1"),
        (dict(n_words=1, negative=0, hs=0), -3, "fewer than 2 words"),
        (dict(negative=0, hs=0), -4, "neither negative sampling nor hierarchical softmax"),
    ],
)
def test_the_kernel_checks_its_preconditions(change, code, message):
    model = _kernel(**change)
    with pytest.raises(k.KernelError, match=message) as info:
        model.train_block(IDS[:1] * 0, np.array([0, 1], np.int64), 0.01, 0.01, 1, model.scratch(8))
    assert info.value.code == code


def test_an_id_outside_the_vocabulary_is_refused():
    model = _kernel()
    with pytest.raises(k.KernelError, match="outside the vocabulary"):
        model.train_block(
            np.array([0, 6, 1], np.int32), np.array([0, 3], np.int64), 0.01, 0.01, 1, model.scratch(3)
        )


@pytest.mark.parametrize("hs,negative", [(0, 2), (1, 0)])
def test_nan_weights_end_the_block_as_diverged(hs, negative):
    w_in = np.full((6, 4), np.nan, np.float32)
    model = _kernel(hs=hs, negative=negative, w_in=w_in)
    with pytest.raises(k.TrainingDiverged, match="diverged"):
        model.train_block(IDS, OFFSETS, 0.01, 0.01, 1, model.scratch(8))


def two_topic_corpus():
    rng = np.random.default_rng(0)
    return [[f"{'ab'[i % 2]}{j}" for j in rng.integers(6, size=10)] for i in range(200)]


@pytest.mark.parametrize(
    "name,value,shown",
    [
        ("window", 0, "window=0"),
        ("vector_size", -1, "vector_size=-1"),
        ("alpha", float("nan"), "alpha=nan"),
        ("workers", 0, "workers=0"),
        ("negative", -1, "negative=-1"),
        ("sample", "x", "sample='x'"),
    ],
)
def test_a_parameter_made_invalid_after_construction_is_caught_by_train(name, value, shown):
    model = Word2Vec(vector_size=8, min_count=1, epochs=1, workers=1, progress=None).build_vocab(
        two_topic_corpus()
    )
    setattr(model, name, value)
    with pytest.raises(ValueError, match=f"^{shown} is invalid: must be"):
        model.train()
    with pytest.raises(ValueError, match=f"^{shown} is invalid"):
        model.build_vocab(two_topic_corpus())


def test_structural_changes_after_build_vocab_are_explained():
    model = Word2Vec(vector_size=8, min_count=1, epochs=1, workers=1, progress=None).build_vocab(
        two_topic_corpus()
    )
    model.vector_size = 9
    with pytest.raises(ValueError, match="vector_size=9 does not match the weights"):
        model.train()
    model.vector_size, model.hs = 8, 1
    with pytest.raises(ValueError, match="hs=1 was changed after build_vocab"):
        model.train()
    model.hs, model.window, model.workers = 0, 2, 1  # allowed: these change no array
    model.train()
    assert model.epochs_trained_ == 1


def test_init_stores_what_it_is_given():
    model = Word2Vec(workers=None)
    assert model.workers is None and model.get_params()["workers"] is None


def test_nan_weights_in_a_model_stop_training_with_a_clear_error(tmp_path):
    model = Word2Vec(vector_size=8, min_count=1, epochs=1, workers=1, progress=None).fit(two_topic_corpus())
    model.wv.vectors[:] = np.nan
    with pytest.raises(k.TrainingDiverged, match="diverged.*alpha=0.025 is too high"):
        model.train(two_topic_corpus(), total_examples=200, epochs=1)


def test_without_the_compiled_kernel_vectors_work_and_training_says_why(monkeypatch, tmp_path):
    monkeypatch.setattr(k, "_loaded", None)
    monkeypatch.setattr(k, "library_path", lambda folder=None: None)
    assert not k.available()
    kv = KeyedVectors(["a", "b", "c"], np.eye(3, dtype=np.float32))
    kv.save(tmp_path / "v.bin")
    assert KeyedVectors.load(tmp_path / "v.bin").most_similar("a", topn=1)[0][0] in {"b", "c"}
    model = Word2Vec(vector_size=8, min_count=1, epochs=1, progress=None).build_vocab(two_topic_corpus())
    with pytest.raises(k.KernelUnavailable, match="not built, so training is unavailable"):
        model.train()
