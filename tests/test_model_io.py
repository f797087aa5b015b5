"""Word2Vec.save/load (native format), continuing training, and stop-then-resume identity."""

import threading

import numpy as np
import pytest

from conftest import CONFIGS
from w2v import schedule
from w2v.corpus import BuiltinCorpus
from w2v.engine.kernel import KernelModel
from w2v.io import FormatError
from w2v.model import Word2Vec
from w2v.vectors import KeyedVectors

SMALL = dict(vector_size=12, window=3, min_count=3, epochs=3, workers=1, progress=None, seed=5)


@pytest.fixture(scope="module")
def corpus():
    text = list(BuiltinCorpus("moby-dick"))
    return text[: len(text) // 8]


def stop_after(n_blocks, monkeypatch):
    """An Event that the kernel itself sets once ``n_blocks`` blocks have been started."""
    event, seen, real = threading.Event(), [0], KernelModel.train_block

    def counting(self, *args):
        seen[0] += 1
        if seen[0] == n_blocks:
            event.set()
        return real(self, *args)

    monkeypatch.setattr(KernelModel, "train_block", counting)
    return event


def test_save_load_round_trip(corpus, tmp_path):
    model = Word2Vec(**SMALL, **CONFIGS["sg-ns+hs"]).fit(corpus)  # both output layers to save
    model.save(tmp_path / "m.w2v")
    loaded = Word2Vec.load(tmp_path / "m.w2v")
    assert loaded.get_params() == model.get_params()
    assert loaded.wv.index_to_key == model.wv.index_to_key
    assert np.array_equal(loaded.wv.counts, model.wv.counts)
    for name in ("w_out_ns", "w_out_hs"):
        assert np.array_equal(getattr(loaded, name), getattr(model, name))
    assert np.array_equal(loaded.wv.vectors, model.wv.vectors)
    assert loaded.loss_history_ == model.loss_history_ and loaded.epochs_trained_ == 3
    assert np.array_equal(np.isnan(loaded.eval_loss_history_), np.isnan(model.eval_loss_history_))
    kv = KeyedVectors.load(tmp_path / "m.w2v")  # a model file also gives its vectors
    assert np.array_equal(kv.vectors, model.wv.vectors)


def test_training_continues_after_load_without_touching_the_file(corpus, tmp_path):
    path = tmp_path / "m.w2v"
    Word2Vec(**SMALL).fit(corpus).save(path)
    before = path.read_bytes()
    loaded = Word2Vec.load(path)
    start = loaded.wv.vectors.copy()
    loaded.train(corpus, total_examples=len(corpus), epochs=1)
    assert loaded.epochs_trained_ == 4 and len(loaded.loss_history_) == 4
    assert not np.array_equal(loaded.wv.vectors, start)
    assert path.read_bytes() == before  # copy-on-write mapping: the file is untouched
    loaded.save(path)  # saving over the mapped file itself
    assert np.array_equal(Word2Vec.load(path).wv.vectors, loaded.wv.vectors)


@pytest.mark.parametrize(
    "combo",
    [
        CONFIGS["sg-ns"],
        {**CONFIGS["sg-ns"], "batched": True},
        CONFIGS["cbow-ns+hs"],
        {**CONFIGS["cbow-ns"], "shuffle": False},
    ],
    ids=["sg-ns", "sg-ns-batched", "cbow-ns+hs", "cbow-ns-unshuffled"],
)
@pytest.mark.parametrize("through_file", [False, True])
def test_stopped_and_resumed_run_equals_uninterrupted(corpus, tmp_path, monkeypatch, combo, through_file):
    whole = Word2Vec(**SMALL, **combo).fit(corpus)
    model = Word2Vec(**SMALL, **combo).build_vocab(corpus)
    n_blocks = len(schedule.cut_blocks(model._encoded[1].offsets, 10_000)) - 1
    per_epoch = n_blocks + len(schedule.eval_sample(n_blocks))  # training blocks, then the frozen evaluation
    assert n_blocks >= 3
    model.train(stop=stop_after(per_epoch + 2, monkeypatch))  # stops inside the second epoch
    assert model.interrupted and model.epochs_trained_ == 1
    monkeypatch.undo()
    if through_file:
        model.save(tmp_path / "ckpt.w2v")
        model = Word2Vec.load(tmp_path / "ckpt.w2v")
        assert model.interrupted
    model.train(corpus)
    assert not model.interrupted and model.epochs_trained_ == 3
    assert np.array_equal(model.wv.vectors, whole.wv.vectors)
    assert model.loss_history_ == whole.loss_history_


def test_a_file_from_before_the_shuffle_parameter_keeps_corpus_order(corpus, tmp_path):
    from w2v.io.native import load_native, save_native

    path = tmp_path / "m.w2v"
    Word2Vec(**SMALL).build_vocab(corpus).save(path)
    kind, meta, arrays = load_native(path, mmap=False)
    del meta["params"]["shuffle"]
    save_native(tmp_path / "old.w2v", kind=kind, meta=meta, arrays=arrays)
    assert Word2Vec.load(path).shuffle is True
    assert Word2Vec.load(tmp_path / "old.w2v").shuffle is False


def test_resume_refuses_a_different_corpus(corpus, monkeypatch):
    model = Word2Vec(**SMALL).build_vocab(corpus)
    model.train(stop=stop_after(2, monkeypatch))
    with pytest.raises(ValueError, match="interrupted on a corpus of"):
        model.train(corpus[:-5])


def test_failed_save_leaves_the_old_file(corpus, tmp_path, monkeypatch):
    path = tmp_path / "m.w2v"
    model = Word2Vec(**SMALL).fit(corpus)
    model.save(path)
    before = path.read_bytes()
    import w2v.io.native as native

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(native.zlib, "crc32", broken)
    with pytest.raises(OSError, match="disk full"):
        model.save(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.w2v"]


def test_damaged_or_wrong_files_are_format_errors_naming_the_file(corpus, tmp_path):
    path = tmp_path / "m.w2v"
    model = Word2Vec(**SMALL).fit(corpus)
    model.save(path)
    model.wv.save(tmp_path / "v.w2v")
    with pytest.raises(FormatError, match="v.w2v: .*kind 'vectors', not a model"):
        Word2Vec.load(tmp_path / "v.w2v")
    data = bytearray(path.read_bytes())
    damaged = tmp_path / "damaged.w2v"
    damaged.write_bytes(bytes(data[: len(data) // 2]))
    with pytest.raises(FormatError, match="damaged.w2v"):
        Word2Vec.load(damaged)
    start = data.index(b'"vector_size": ') + len(b'"vector_size": ')
    data[start : start + 2] = b"13"  # a parameter that disagrees with the arrays
    damaged.write_bytes(bytes(data))
    with pytest.raises(
        FormatError, match="damaged.w2v: not a valid w2v model: vector_size=13 but the vectors have 12 dim"
    ):
        Word2Vec.load(damaged)
    (tmp_path / "v.txt").write_text("2 3\na 1 2 3\nb 1 2 3\n")
    with pytest.raises(FormatError, match="v.txt"):
        Word2Vec.load(tmp_path / "v.txt")


@pytest.mark.parametrize("name", ["v.w2v", "v.bin", "v.txt", "v.vec", "glove.txt"])
def test_vectors_round_trip_in_every_format(corpus, tmp_path, name):
    kv = Word2Vec(**SMALL).fit(corpus).wv
    fmt = "glove-text" if name.startswith("glove") else None
    kv.save(tmp_path / name, fmt=fmt)
    back = KeyedVectors.load(tmp_path / name)  # the format is detected from the content
    assert back.index_to_key == kv.index_to_key
    assert np.array_equal(back.vectors, kv.vectors)
    if name.endswith(".w2v"):
        assert np.array_equal(back.counts, kv.counts)
