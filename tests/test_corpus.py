import gzip

import pytest

from w2v.corpus import builtin_corpus_path, load_builtin, paragraphs, tokenize


def test_tokenize_lowercases_and_keeps_inner_apostrophes():
    assert tokenize("The Whale’s jaw—‘Ahab!’ cried he; don't 1851 CAPTAIN_x") == [
        "the",
        "whale's",
        "jaw",
        "ahab",
        "cried",
        "he",
        "don't",
        "1851",
        "captain",
        "x",
    ]
    assert tokenize("'quoted' words''") == ["quoted", "words"]
    assert tokenize("Über café") == ["über", "café"]


def test_builtin_corpus_ships_with_the_package():
    path = builtin_corpus_path("moby-dick")
    assert path.is_file()
    sentences = load_builtin("moby-dick")
    n_tokens = sum(map(len, sentences))
    assert 200_000 < n_tokens < 220_000  # the README of the data gives 208,160 words by wc
    assert sentences[0][:3] == ["chapter", "1", "loomings"]
    assert all(sentences)  # no empty paragraphs


def test_unknown_builtin_corpus_names_the_known_ones():
    with pytest.raises(ValueError, match="moby-dick"):
        builtin_corpus_path("no-such-corpus")


def test_paragraphs_split_on_blank_lines_and_read_gzip(tmp_path):
    path = tmp_path / "t.txt.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("One two\nthree.\n\n\nFour\n\n  \nfive six\n")
    assert list(paragraphs(path)) == [["one", "two", "three"], ["four"], ["five", "six"]]


def test_invalid_utf8_is_replaced_not_fatal(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"good \xff\xfe words\n")
    assert list(paragraphs(path)) == [["good", "words"]]
