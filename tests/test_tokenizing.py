"""Tokenising that users choose: --lowercase, --tokenizer (whitespace, simple, a regex), - for
standard input, the choice recorded in the model and followed by queries, and spelling hints
that ignore case."""

import numpy as np
import pytest

from conftest import w2v_command as w2v
from w2v import KeyedVectors, TextCorpus, Word2Vec, text_scan, vocab

TEXT = "The Cat sat on the mat.\nThe whale’s eye, the WHALE's tail: 42 x-rays!\n"


@pytest.fixture
def text_file(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text(TEXT)
    return path


@pytest.mark.parametrize(
    "options,expected",  # the expected sentences, their tokens separated by spaces
    [
        ({}, ["The Cat sat on the mat.", "The whale’s eye, the WHALE's tail: 42 x-rays!"]),
        ({"lowercase": True}, ["the cat sat on the mat.", "the whale’s eye, the whale's tail: 42 x-rays!"]),
        ({"tokenizer": "simple"}, ["The Cat sat on the mat", "The whale's eye the WHALE's tail 42 x rays"]),
        (
            {"tokenizer": "simple", "lowercase": True},
            ["the cat sat on the mat", "the whale's eye the whale's tail 42 x rays"],
        ),
        (
            {"tokenizer": r"[a-z]+(-[a-z]+)?", "lowercase": True},  # a group: the whole match is the token
            ["the cat sat on the mat", "the whale s eye the whale s tail x-rays"],
        ),
        ({"tokenizer": r"\d*"}, ["42"]),  # empty matches are not tokens; a line without tokens is no sentence
    ],
)
def test_each_tokenizer_option_reads_lines_as_documented(text_file, options, expected):
    assert list(TextCorpus(text_file, **options)) == [line.split(" ") for line in expected]


@pytest.mark.parametrize("options", [{"lowercase": True}, {"tokenizer": "simple"}, {"tokenizer": r"\w+"}])
def test_the_vocabulary_pass_reads_as_the_corpus_does(text_file, options):
    corpus = TextCorpus(text_file, **options)
    assert not corpus.plain  # the compiled pass (whitespace as is) cannot read these
    got = text_scan.scan_corpus(corpus)
    expected = vocab.scan_corpus(iter(list(corpus)))
    assert got.words == expected.words and got.counts.tolist() == expected.counts.tolist()


@pytest.mark.parametrize("bad", ["(", "", 3])
def test_a_bad_tokenizer_is_refused(text_file, bad):
    with pytest.raises(ValueError, match="tokenizer"):
        TextCorpus(text_file, tokenizer=bad)


def test_train_reads_standard_input_and_records_how_it_was_read(tmp_path):
    text = "The Cat sat on the MAT\nthe cat sat\n" * 30
    args = ["train", "-", "-o", tmp_path / "m.w2v", "--lowercase", "--tokenizer", "simple", "--min-count", 1]
    result = w2v(*args, "--epochs", 1, "--quiet", stdin=text)
    assert result.returncode == 0, result.stderr
    model = Word2Vec.load(tmp_path / "m.w2v")
    assert sorted(model.wv.index_to_key) == ["cat", "mat", "on", "sat", "the"]
    assert model.tokenizer_ == {"lowercase": True, "tokenizer": "simple"} and model.corpus_ == "-"
    # queries read words as the corpus was read: CAT is looked up as cat
    shown = w2v("similar", tmp_path / "m.w2v", "CAT", "--topn", 2)
    assert shown.returncode == 0 and "nearest to 'CAT':" in shown.stdout


def test_without_lowercase_queries_keep_case_and_the_hint_ignores_it(tmp_path):
    source = tmp_path / "c.txt"
    source.write_text("the cat sat on the mat\n" * 30)
    assert (
        w2v("train", source, "-o", tmp_path / "m.w2v", "--min-count", 1, "--epochs", 1, "--quiet").returncode
        == 0
    )
    assert Word2Vec.load(tmp_path / "m.w2v").tokenizer_ == {"lowercase": False, "tokenizer": "whitespace"}
    shown = w2v("similar", tmp_path / "m.w2v", "CAT")
    assert shown.returncode == 2 and "did you mean 'cat'" in shown.stderr


def test_the_spelling_hint_ignores_case():
    kv = KeyedVectors(2)
    kv.add_vectors(["ing", "ying", "xing", "king", "kings"], np.eye(5, 2, dtype=np.float32))
    with pytest.raises(KeyError) as info:
        kv["King"]
    message = str(info.value)
    assert "did you mean 'king'" in message  # the same word in another case comes first
    assert "'ing'" not in message.split("did you mean")[1].split("?")[0].split(",")[0]


def test_phrases_read_standard_input_with_the_same_options(tmp_path):
    from w2v import Phrases

    text = "New York is big\nI love new york\nnew YORK now\n" * 20
    args = ["phrases", "-", "-o", tmp_path / "out.txt", "--lowercase", "--min-count", 2, "--threshold", 0.1]
    result = w2v(*args, "--quiet", stdin=text)
    assert result.returncode == 0, result.stderr
    sentences = [line.lower().split() for line in text.splitlines()]
    model = Phrases(sentences, min_count=2, threshold=0.1)
    lines = (tmp_path / "out.txt").read_text().splitlines()
    assert lines == [" ".join(model[s]) for s in sentences]
    assert "new_york" in lines[0].split()
