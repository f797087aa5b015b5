"""w2v.io across formats: compression by suffix, missing files, FormatError itself, format sniffing."""

import bz2
import gzip
import pickle

import numpy as np
import pytest

from _io_helpers import GOOD, KEYS, _binary, _error, _vectors, _write
from w2v.io import (
    FormatError,
    load_native,
    load_word2vec_format,
    save_native,
    save_word2vec_format,
    sniff_format,
)

# -- compressed and missing files -----------------------------------------------------------------


def test_compressed_files_really_are_compressed(tmp_path):
    save_word2vec_format(tmp_path / "v.txt.gz", KEYS, _vectors())
    save_word2vec_format(tmp_path / "v.txt.bz2", KEYS, _vectors())
    save_word2vec_format(tmp_path / "v.txt", KEYS, _vectors())
    plain = (tmp_path / "v.txt").read_bytes()
    assert gzip.decompress((tmp_path / "v.txt.gz").read_bytes()) == plain
    assert bz2.decompress((tmp_path / "v.txt.bz2").read_bytes()) == plain


@pytest.mark.parametrize("name", ["v.txt.gz", "v.bin.gz", "v.txt.bz2"])
def test_damaged_compressed_streams_are_format_errors(tmp_path, name):
    path = tmp_path / name
    binary = ".bin" in name
    save_word2vec_format(path, [f"w{i}" for i in range(400)], _vectors(400), binary=binary)
    data = path.read_bytes()
    for damaged in (data[: len(data) // 2], data[:20] + bytes(40) + data[60:], b"not compressed at all"):
        path.write_bytes(damaged)
        _error(path, binary=binary)
        with pytest.raises(FormatError) as info:
            sniff_format(path)
        assert str(path) in str(info.value)


def test_missing_file_is_an_os_error(tmp_path):
    for call in (
        lambda p: load_word2vec_format(p),
        lambda p: load_word2vec_format(p, binary=True),
        lambda p: load_native(p),
        sniff_format,
    ):
        with pytest.raises(FileNotFoundError, match="nowhere"):
            call(tmp_path / "nowhere.bin")


def test_format_error_fields_and_pickling():
    error = FormatError("f.txt", "bad value", line=3)
    assert isinstance(error, ValueError) and str(error) == "f.txt: line 3: bad value"
    assert str(FormatError("f.bin", "x", row=2, offset=10)) == "f.bin: row 2 (byte 10): x"
    assert str(FormatError("f", "x")) == "f: x"
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.path, copy.line, copy.row) == (str(error), "f.txt", 3, None)


# -- sniffing -------------------------------------------------------------------------------------


def test_sniff_format(tmp_path):
    save_native(tmp_path / "m.w2v", kind="vectors", meta={}, arrays={"v": np.zeros(3)})
    assert sniff_format(tmp_path / "m.w2v") == "native"
    assert sniff_format(_write(tmp_path / "a", b"2 3\na 1 2 3\n")) == "word2vec-text"
    assert sniff_format(_write(tmp_path / "b", b"0 3\n")) == "word2vec-text"
    assert sniff_format(_write(tmp_path / "c", b"the 0.1 -2e-3\n")) == "glove-text"
    assert sniff_format(_write(tmp_path / "d", _binary(GOOD, newline=b""))) == "word2vec-binary"
    for name, data in [("e", b""), ("f", b"\x00\x01\x02 binary junk"), ("g", b"hello\n"), ("h", b" \n\n")]:
        with pytest.raises(FormatError, match=str(tmp_path / name)):
            sniff_format(_write(tmp_path / name, data))
