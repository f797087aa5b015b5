"""word2vec.c's text format: the exact layout, what other writers put in it, every damaged-file error."""

import numpy as np
import pytest

from _io_helpers import _error, _write
from w2v.io import load_word2vec_format, save_word2vec_format

# -- layout ---------------------------------------------------------------------------------------


def test_text_layout_is_header_then_one_row_per_word(tmp_path):
    path = tmp_path / "v.txt"
    save_word2vec_format(path, ["a", "b"], np.array([[1.0, 0.5], [-2.0, 0.1]], dtype=np.float32))
    lines = path.read_text("utf-8").split("\n")
    assert lines[0] == "2 2" and lines[-1] == ""
    assert lines[1] == "a 1 0.5"
    word, *values = lines[2].split(" ")
    assert word == "b" and [np.float32(v) for v in values] == [np.float32(-2.0), np.float32(0.1)]


def test_fasttext_trailing_spaces_crlf_and_bom(tmp_path):
    path = _write(tmp_path / "v.vec", "\ufeff2 3\r\nfoo 1 2 3 \r\nbär 4 5 6 \r\n".encode())
    keys, vectors = load_word2vec_format(path)
    assert keys == ["foo", "bär"]
    assert vectors.tolist() == [[1, 2, 3], [4, 5, 6]]


def test_words_may_hold_non_ascii_spaces(tmp_path):
    path = _write(tmp_path / "v.txt", "1 2\nnew\u00a0york\u3000city 0.5 1.5\n".encode())
    assert load_word2vec_format(path)[0] == ["new\u00a0york\u3000city"]


# -- damaged text files ---------------------------------------------------------------------------


TEXT_ERRORS = [
    (b"", 1, "empty file"),
    (b"\n\n", 1, "empty file"),
    (b"3\na 1\n", 1, "two whole numbers"),
    (b"3 2 1\na 1 2\n", 1, "two whole numbers"),
    (b"x y\na 1 2\n", 1, "two whole numbers"),
    (b"-1 2\na 1 2\n", 1, "two whole numbers"),
    (b"1 0\na\n", 1, "dimension 0"),
    (b"2 3\na 1 2 3\nb 1 2\n", 3, "expected 3 values after the word, found 2"),
    (b"2 3\na 1 2 3\nb 1 2 3 4\n", 3, "expected 3 values after the word, found 4"),
    (b"2 2\na 1 2\nb 1 x\n", 3, "value 'x' is not a number"),
    (b"2 2\na 1 2\nb 1 1_0\n", 3, "value '1_0' is not a number"),
    (b"2 2\na 1 2\nb 1 \xef\xbc\x91\n", 3, "is not a number"),  # a full-width digit
    (b"2 2\na 1 2\nb 1  \n", 3, "found 1"),
    (b"2 2\na 1 nan\nb 1 2\n", 2, "value 'nan' is not finite"),
    (b"2 2\na 1 2\nb -inf 2\n", 3, "'-inf' is not finite"),
    (b"2 2\na 1 2\nb 1e39 2\n", 3, "'1e39' is not finite"),
    (b"3 2\na 1 2\nb 1 2\n", 4, "file ends after 2 rows; the header promises 3"),
    (b"1 2\na 1 2\nb 1 2\n", 3, "data after the 1 rows"),
    (b"1 2\na 1 2\n\n\nb\n", 5, "data after"),
    (b"2 2\na 1 2\n\nb 1 2\n", 3, "blank line between rows"),
    (b"1 2\n 1 2\n", 2, "empty word"),
    (b"2 2\na 1 2\nb\xff 1 2\n", 3, "invalid utf-8"),
]


@pytest.mark.parametrize(("data", "line", "piece"), TEXT_ERRORS, ids=[c[2] for c in TEXT_ERRORS])
def test_damaged_text(tmp_path, data, line, piece):
    path = _write(tmp_path / "vectors.txt", data)
    error = _error(path)
    assert piece in str(error)
    assert error.line == line and error.row is None and error.path == str(path)
    assert str(error).startswith(f"{path}: line {line}: ")


def test_many_rows_report_the_right_line(tmp_path):
    """Values are converted thousands of rows at a time; a bad one must still be pinned to its line."""
    rows = [f"w{i} {i} 1" for i in range(10_000)]
    rows[7321] = "w7321 1 oops"
    path = _write(tmp_path / "v.txt", ("10000 2\n" + "\n".join(rows) + "\n").encode())
    assert _error(path).line == 7323
