"""`w2v similar MODEL` and `w2v analogy MODEL` with no words read queries from standard input,
one a line, as word2vec.c's distance and word-analogy do: an unknown word is reported on its
line and the next query follows; EXIT or the end of the input ends."""

import numpy as np
import pytest

from conftest import w2v_command as run
from w2v import KeyedVectors


@pytest.fixture(scope="module")
def vectors(tmp_path_factory):
    words = ["man", "men", "whale", "whales", "ship", "ships", "sea", "king", "queen"]
    rng = np.random.default_rng(0)
    kv = KeyedVectors(4)
    kv.add_vectors(words, rng.normal(size=(len(words), 4)).astype(np.float32))
    path = tmp_path_factory.mktemp("v") / "v.txt"
    kv.save_word2vec_format(path)
    return path, kv


def test_similar_reads_one_query_a_line_until_exit(vectors):
    path, kv = vectors
    result = run("similar", path, "--topn", 3, stdin="whale\nxyzzy\nship sea\nEXIT\nking\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "nearest to 'whale':" in out and "nearest to 'ship sea':" in out
    assert "nearest to 'king'" not in out  # after EXIT
    assert out.count("w2v: ") == 1 and "xyzzy" in out  # the unknown word, on its own line
    first = out.split("nearest to 'whale':\n")[1].splitlines()[0].split()
    assert first[1] == kv.most_similar("whale", topn=1)[0][0]
    summed = out.split("nearest to 'ship sea':\n")[1].splitlines()[0].split()
    assert summed[1] == kv.most_similar(positive=["ship", "sea"], topn=1)[0][0]


def test_analogy_reads_three_words_a_line(vectors):
    path, kv = vectors
    result = run("analogy", path, stdin="man men whale\nonly two\nking man queen\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    errors = [line for line in out.splitlines() if line.startswith("w2v: ")]
    assert len(errors) == 1 and "three words" in errors[0]
    assert "king : man :: queen : ?" in out  # the query after the bad line was answered
    first = out.split("man : men :: whale : ?   (3cosadd)\n")[1].splitlines()[0].split()
    assert first[1] == kv.most_similar(positive=["men", "whale"], negative=["man"])[0][0]


def test_analogy_with_one_or_two_words_is_one_clear_error(vectors):
    path, _ = vectors
    result = run("analogy", path, "man", "men", stdin="")
    assert result.returncode == 2 and "three words" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
