"""Defects a review found in the vectors, files and evaluation code, each pinned by a test."""

import numpy as np
import pytest

from w2v import KeyedVectors, Word2Vec
from w2v.io import FormatError
from w2v.stats import spearmanr


def test_add_vectors_with_bad_weights_changes_nothing_and_saves_stay_loadable(tmp_path):
    kv = KeyedVectors(["a", "b"], np.ones((2, 3), np.float32), counts=[2, 1])
    with pytest.raises(ValueError):
        kv.add_vectors(["c"], [["x", "y", "z"]])
    assert kv.index_to_key == ["a", "b"] and "c" not in kv and kv.vectors.shape == (2, 3)
    kv.save(tmp_path / "kv.w2v")
    assert KeyedVectors.load(tmp_path / "kv.w2v").index_to_key == ["a", "b"]


def test_empty_slots_and_non_text_keys_are_refused_by_every_save(tmp_path):
    kv = KeyedVectors(3, count=3)
    kv.add_vector("a", np.ones(3, np.float32))
    for path in (tmp_path / "x.txt", tmp_path / "x.w2v"):
        with pytest.raises(TypeError, match="only str keys"):
            kv.save(path)
        assert not path.exists()
    with pytest.raises(TypeError, match="only str keys"):
        kv.save_word2vec_format(str(tmp_path / "y.txt"))


def test_a_vectors_file_that_cannot_be_written_leaves_fvocab_alone(tmp_path):
    voc, vec = tmp_path / "voc.txt", tmp_path / "vec.txt"
    voc.write_text("old 1\n")
    vec.write_text("1 3\nold 1 2 3\n")
    bad_word = KeyedVectors(["a", "b c"], np.ones((2, 3), np.float32), counts=[5, 3])
    with pytest.raises(ValueError, match="whitespace"):
        bad_word.save_word2vec_format(str(vec), fvocab=str(voc), append=True)
    nan = KeyedVectors(["a", "b"], np.array([[1, 2, 3], [np.nan, 0, 0]], np.float32), counts=[5, 3])
    with pytest.raises(ValueError, match="non-finite"):
        nan.save_word2vec_format(str(vec), fvocab=str(voc))
    assert voc.read_text() == "old 1\n" and vec.read_text() == "1 3\nold 1 2 3\n"


def test_word2vec_c_vocabulary_files_with_a_zero_count_load(tmp_path, caplog):
    vec, voc = tmp_path / "v.txt", tmp_path / "voc.txt"
    vec.write_text("3 2\n</s> 0 0\nthe 1 2\nof 3 4\n")
    voc.write_text("</s> 0\nthe 10\nof 5\n")  # what word2vec.c's -save-vocab writes for text8
    kv = KeyedVectors.load_word2vec_format(str(vec), fvocab=str(voc))
    assert [kv.get_vecattr(w, "count") for w in kv.index_to_key] == [1, 10, 5]
    assert "count 0" in caplog.text
    voc.write_text("the -3\n")
    with pytest.raises(FormatError):
        KeyedVectors.load_word2vec_format(str(vec), fvocab=str(voc))


def test_spearman_of_data_with_nan_is_nan_as_scipy():
    scipy_stats = pytest.importorskip("scipy.stats")  # scipy is the oracle here, not a dependency
    expected = scipy_stats.spearmanr([1, 2, 3, np.nan], [1, 2, 3, 4])
    got = spearmanr([1, 2, 3, np.nan], [1, 2, 3, 4])
    assert np.isnan(expected.statistic) and np.isnan(got.correlation) and np.isnan(got.pvalue)


def test_infinite_counts_are_a_value_error():
    kv = KeyedVectors(["a", "b"], np.ones((2, 3), np.float32), counts=[2, 1])
    with pytest.raises(ValueError, match="out of range"):
        kv.set_vecattr("a", "count", float("inf"))


def test_score_after_vectors_were_added_to_wv_is_a_clear_error():
    sents = [["a", "b", "c", "d"]] * 20
    model = Word2Vec(sents, min_count=1, workers=1, hs=1, negative=0, vector_size=8, epochs=1)
    model.wv.add_vectors(["new"], np.ones((1, 8), np.float32))
    with pytest.raises(ValueError, match="Huffman tree"):
        model.score([["new", "a", "b"]])


def test_from_gensim_on_a_model_without_vocabulary_is_a_clear_error(gensim_models):
    with pytest.raises(ValueError, match="no vocabulary yet"):
        Word2Vec.from_gensim(gensim_models.Word2Vec(vector_size=8))
