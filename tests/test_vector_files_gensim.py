"""gensim's word2vec-format methods on w2v.KeyedVectors: each side reads what the other writes,
with gensim's arguments (fvocab, prefix, total_vec, append, sort_attr, write_header, limit,
no_header, datatype, encoding, unicode_errors) meaning the same thing."""

import logging

import numpy as np
import pytest

from conftest import gensim_twin
from w2v import FormatError, KeyedVectors

WORDS = [f"w{i}" for i in range(60)] + ["king", "queen", "café"]
D = 7


def _vectors():
    return np.random.default_rng(21).normal(size=(len(WORDS), D)).astype(np.float32)


def _counts():
    return np.random.default_rng(22).integers(1, 9, size=len(WORDS))  # many ties


@pytest.fixture
def kv():
    return KeyedVectors(WORDS, _vectors(), _counts())


@pytest.fixture
def g(gensim_models):
    """gensim\'s KeyedVectors with the same keys, vectors and counts."""
    return gensim_twin(gensim_models, WORDS, _vectors(), _counts())


@pytest.fixture
def G(gensim_models):
    return gensim_models.KeyedVectors


def same(ours, theirs, counts=True):
    assert ours.index_to_key == theirs.index_to_key
    assert ours.vectors.dtype == theirs.vectors.dtype
    assert np.array_equal(ours.vectors, theirs.vectors)
    if counts:
        assert np.array_equal(ours.counts, theirs.expandos["count"])


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_each_reads_what_the_other_writes(kv, g, G, tmp_path, binary, suffix):
    ours_file, theirs_file = tmp_path / f"ours{suffix}", tmp_path / f"theirs{suffix}"
    kv.save_word2vec_format(str(ours_file), fvocab=str(tmp_path / "ours.vocab"), binary=binary)
    g.save_word2vec_format(str(theirs_file), fvocab=str(tmp_path / "theirs.vocab"), binary=binary)
    for path, vocab in ((ours_file, "ours.vocab"), (theirs_file, "theirs.vocab")):
        ours = KeyedVectors.load_word2vec_format(str(path), fvocab=str(tmp_path / vocab), binary=binary)
        theirs = G.load_word2vec_format(str(path), fvocab=str(tmp_path / vocab), binary=binary)
        same(ours, theirs)
        plain_ours = KeyedVectors.load_word2vec_format(str(path), binary=binary)
        plain_theirs = G.load_word2vec_format(str(path), binary=binary)
        same(plain_ours, plain_theirs)  # made-up counts N..1, as gensim
    # the rows come in descending count, ties in row order, as gensim writes them
    assert KeyedVectors.load_word2vec_format(str(ours_file), binary=binary).index_to_key == (
        G.load_word2vec_format(str(theirs_file), binary=binary).index_to_key
    )
    assert (tmp_path / "ours.vocab").read_text() == (tmp_path / "theirs.vocab").read_text()


def test_prefix_sort_attr_and_no_counts(kv, g, G, tmp_path):
    kv.set_vecattr("w3", "rank", 50)
    g.set_vecattr("w3", "rank", 50)
    for v, name in ((kv, "ours"), (g, "theirs")):
        v.save_word2vec_format(str(tmp_path / f"{name}.txt"), prefix="x_", sort_attr="rank")
        v.save_word2vec_format(
            str(tmp_path / f"{name}.vocab.txt"), fvocab=str(tmp_path / f"{name}.v"), prefix="p:"
        )
    for suffix in (".txt", ".vocab.txt", ".v"):
        assert (tmp_path / f"ours{suffix}").read_text().split("\n")[0] == (
            tmp_path / f"theirs{suffix}"
        ).read_text().split("\n")[0]
    same(
        KeyedVectors.load_word2vec_format(str(tmp_path / "ours.txt")),
        G.load_word2vec_format(str(tmp_path / "theirs.txt")),
    )
    no_counts = KeyedVectors(WORDS, _vectors())
    no_counts.save_word2vec_format(str(tmp_path / "plain.txt"))  # row order
    assert KeyedVectors.load_word2vec_format(str(tmp_path / "plain.txt")).index_to_key == WORDS
    with pytest.raises(ValueError, match="Cannot store vocabulary with 'count'"):
        no_counts.save_word2vec_format(str(tmp_path / "x.txt"), fvocab=str(tmp_path / "x.vocab"))


@pytest.mark.parametrize("binary", [False, True])
def test_total_vec_and_append_build_one_file_as_gensim_does(kv, g, G, tmp_path, binary):
    """gensim's Doc2Vec way: the words with a header counting words and documents, then the rest."""
    extra = KeyedVectors(["d0", "d1"], np.ones((2, D)))
    extra_g = G(D)
    extra_g.add_vectors(["d0", "d1"], np.ones((2, D), dtype=np.float32))
    for words, docs, name in ((kv, extra, "ours"), (g, extra_g, "theirs")):
        path = str(tmp_path / name)
        words.save_word2vec_format(path, binary=binary, total_vec=len(WORDS) + 2)
        docs.save_word2vec_format(path, binary=binary, write_header=False, append=True, prefix="*dt_")
    for name in ("ours", "theirs"):
        ours = KeyedVectors.load_word2vec_format(str(tmp_path / name), binary=binary)
        theirs = G.load_word2vec_format(str(tmp_path / name), binary=binary)
        same(ours, theirs)
        assert ours.index_to_key[-2:] == ["*dt_d0", "*dt_d1"]


def test_glove_style_text_without_header(kv, g, G, tmp_path):
    kv.save_word2vec_format(str(tmp_path / "ours.txt"), write_header=False)
    g.save_word2vec_format(str(tmp_path / "theirs.txt"), write_header=False)
    for name in ("ours", "theirs"):
        for limit in (None, 10):
            same(
                KeyedVectors.load_word2vec_format(str(tmp_path / f"{name}.txt"), no_header=True, limit=limit),
                G.load_word2vec_format(str(tmp_path / f"{name}.txt"), no_header=True, limit=limit),
            )


@pytest.mark.parametrize("binary", [False, True])
def test_limit_datatype_and_encodings_like_gensim(g, G, tmp_path, binary):
    path = str(tmp_path / "v")
    g.save_word2vec_format(path, binary=binary)
    for kwargs in (
        dict(limit=5),
        dict(limit=0),
        dict(datatype=np.float16),
        dict(datatype=np.float64, limit=3),
    ):
        ours = KeyedVectors.load_word2vec_format(path, binary=binary, **kwargs)
        theirs = G.load_word2vec_format(path, binary=binary, **kwargs)
        if binary or kwargs.get("datatype") is not np.float64:
            same(ours, theirs)
        else:  # w2v reads text as float32, then converts; gensim parses the text as float64
            assert ours.vectors.dtype == theirs.vectors.dtype
            assert np.allclose(ours.vectors, theirs.vectors, rtol=1e-7, atol=0)


def test_encoding_and_unicode_errors_like_gensim(G, tmp_path):
    latin = tmp_path / "latin.txt"
    latin.write_bytes("2 2\ncafé 1 2\nthé 3 4\n".encode("latin-1"))
    same(
        KeyedVectors.load_word2vec_format(str(latin), encoding="latin-1"),
        G.load_word2vec_format(str(latin), encoding="latin-1"),
    )
    cut = tmp_path / "cut.bin"  # word2vec.c cuts long words in the middle of a UTF-8 character
    rows = [b"caf\xc3 " + np.ones(2, "<f4").tobytes(), b"ok " + np.zeros(2, "<f4").tobytes()]
    cut.write_bytes(b"2 2\n" + b"\n".join(rows) + b"\n")
    for errors in ("ignore", "replace"):
        same(
            KeyedVectors.load_word2vec_format(str(cut), binary=True, unicode_errors=errors),
            G.load_word2vec_format(str(cut), binary=True, unicode_errors=errors),
        )
    with pytest.raises(FormatError):
        KeyedVectors.load_word2vec_format(str(cut), binary=True)


def test_vocabulary_files(kv, tmp_path, caplog):
    kv.save_word2vec_format(str(tmp_path / "v.txt"))
    vocab = tmp_path / "v.vocab"
    vocab.write_text("w0 5\nw1 3\n")
    with caplog.at_level(logging.WARNING, logger="w2v"):
        loaded = KeyedVectors.load_word2vec_format(str(tmp_path / "v.txt"), fvocab=str(vocab))
    assert loaded.get_vecattr("w0", "count") == 5 and loaded.get_vecattr("w2", "count") == 1
    assert "incomplete" in caplog.text
    # (a count of 0 loads as 1: word2vec.c writes "</s> 0"; tests/test_vectors_review.py)
    for bad in ("w0 five\n", "w0 -1\n", "w0 1 2\n"):
        vocab.write_text(bad)
        with pytest.raises(FormatError, match="line 1"):
            KeyedVectors.load_word2vec_format(str(tmp_path / "v.txt"), fvocab=str(vocab))


@pytest.mark.parametrize("binary", [False, True])
def test_intersect_word2vec_format_like_gensim(kv, g, G, tmp_path, binary):
    other = G(D)
    other.add_vectors(["king", "nothere", "w5"], np.full((3, D), 3.0, dtype=np.float32))
    path = str(tmp_path / "other")
    other.save_word2vec_format(path, binary=binary)
    other.save_word2vec_format(path + ".txt")
    g.vectors_lockf = np.ones(len(g), dtype=np.float32)  # gensim's method needs its training lock factors
    kv.vectors_lockf = np.ones(len(kv), dtype=np.float32)
    kv.fill_norms()
    # (gensim 4.4's binary branch calls np.fromstring, which NumPy 2 removed: it reads the text twin)
    g.intersect_word2vec_format(path + ".txt", lockf=0.5)
    kv.intersect_word2vec_format(path, lockf=0.5, binary=binary)
    same(kv, g)
    assert np.array_equal(kv.vectors_lockf, g.vectors_lockf)
    assert "nothere" not in kv and kv.most_similar("king", topn=2)[0][0] == "w5"  # the norms were refreshed
    plain = KeyedVectors(WORDS, _vectors())
    plain.intersect_word2vec_format(path, binary=binary)  # no lock factors: the vectors merge all the same
    assert np.array_equal(plain["king"], np.full(D, 3.0))
    with pytest.raises(ValueError, match="incompatible vector size"):
        KeyedVectors(["king"], np.ones((1, D + 1))).intersect_word2vec_format(path, binary=binary)
