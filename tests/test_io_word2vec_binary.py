"""word2vec.c's binary format: the exact bytes, both row styles, every damaged-file error."""

import struct

import numpy as np
import pytest

from _io_helpers import GOOD, _binary, _error, _same, _vectors, _write
from w2v.io import load_word2vec_format, save_word2vec_format, sniff_format

# -- layout ---------------------------------------------------------------------------------------


def test_binary_layout_is_word2vec_c_little_endian(tmp_path):
    path = tmp_path / "v.bin"
    vectors = np.array([[1.0, -2.5], [0.25, 3.0]], dtype=np.float32)
    save_word2vec_format(path, ["ab", "日"], vectors, binary=True)
    expected = (
        b"2 2\n"
        + b"ab "
        + struct.pack("<2f", 1.0, -2.5)
        + b"\n"
        + "日".encode()
        + b" "
        + struct.pack("<2f", 0.25, 3.0)
        + b"\n"
    )
    assert path.read_bytes() == expected


@pytest.mark.parametrize("newline", [b"\n", b""], ids=["word2vec.c rows", "gensim rows"])
def test_binary_rows_with_and_without_newline(tmp_path, newline):
    vectors = _vectors(3, 4)
    keys = ["one", "two", "три"]
    body = b"".join(
        k.encode() + b" " + v.astype("<f4").tobytes() + newline for k, v in zip(keys, vectors, strict=True)
    )
    path = _write(tmp_path / "v.bin", b"3 4\n" + body)
    _same(load_word2vec_format(path, binary=True), keys, vectors)
    assert sniff_format(path) == "word2vec-binary"


# -- damaged binary files -------------------------------------------------------------------------


BINARY_ERRORS = [
    (_binary(GOOD)[:-5], 2, 31, "file ends inside the vector (4 of 8 bytes)"),
    (_binary(GOOD, n=4), 3, 40, "file ends after 3 rows; the header promises 4"),
    (_binary(GOOD) + b"gh " + bytes(8), 3, 40, "data after the 3 rows"),
    (_binary(GOOD)[:-11], 2, 28, "file ends inside a word"),
    (_binary([(b"ab", [1, 2]), (b"c\xffd", [3, 4])]), 1, 16, "invalid utf-8 in the word"),
    (_binary([(b"ab", [1, 2]), (b"cd", [3, np.inf])]), 1, 23, "is not finite"),
    (_binary([(b"ab", [np.nan, 2])]), 0, 7, "is not finite"),
    (_binary([(b"ab", [1, 2]), (b"c\nd", [3, 4])]), 1, 16, "word contains a newline"),
    (b"1 2\n " + bytes(8), 0, 4, "empty word"),
]


@pytest.mark.parametrize(("data", "row", "offset", "piece"), BINARY_ERRORS, ids=[c[3] for c in BINARY_ERRORS])
def test_damaged_binary(tmp_path, data, row, offset, piece):
    path = _write(tmp_path / "vectors.bin", data)
    error = _error(path, binary=True)
    assert piece in str(error)
    assert (error.row, error.offset, error.line) == (row, offset, None)
    assert str(error).startswith(f"{path}: row {row} (byte {offset}): ")


@pytest.mark.parametrize(
    "data", [b"", b"no header at all", b"1 x\nab " + bytes(8), b"1\n", b"1 2" + bytes(2000)]
)
def test_binary_header_errors(tmp_path, data):
    assert _error(_write(tmp_path / "vectors.bin", data), binary=True).line == 1


def test_binary_file_read_as_text_is_a_format_error(tmp_path):
    path = tmp_path / "v.bin"
    save_word2vec_format(path, ["a", "b"], np.array([[1.5, -2.0], [0.0, 7.0]]), binary=True)
    _error(path)
