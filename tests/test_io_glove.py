"""GloVe text (word2vec text without the header line): limits and damaged files."""

import pytest

from _io_helpers import KEYS, _error, _same, _vectors, _write
from w2v.io import load_word2vec_format, save_word2vec_format


def test_glove_limit(tmp_path):
    path = tmp_path / "g.txt"
    save_word2vec_format(path, KEYS, _vectors(), header=False)
    _same(load_word2vec_format(path, no_header=True, limit=2), KEYS[:2], _vectors()[:2])


@pytest.mark.parametrize(
    ("data", "line", "piece"),
    [
        (b"", None, "no rows"),
        (b"a\n", 1, "at least one value"),
        (b"a 1 2\nb 1\n", 2, "expected 2 values"),
        (b"a 1 2\n\nb 1 2\n", 2, "blank line"),
    ],
)
def test_damaged_glove(tmp_path, data, line, piece):
    error = _error(_write(tmp_path / "g.txt", data), no_header=True)
    assert piece in str(error) and error.line == line


def test_glove_ignores_trailing_blank_lines(tmp_path):
    path = _write(tmp_path / "g.txt", b"a 1 2\nb 3 4\n\n \n")
    assert load_word2vec_format(path, no_header=True)[0] == ["a", "b"]
