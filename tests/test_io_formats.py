"""w2v.io: round trips, the exact bytes of each format, every damaged-file error, atomic writes."""

import bz2
import gzip
import json
import logging
import os
import pickle
import struct
import zlib

import numpy as np
import pytest

from w2v.io import (
    NATIVE_VERSION,
    FormatError,
    atomic_write,
    load_native,
    load_word2vec_format,
    save_native,
    save_word2vec_format,
    sniff_format,
)
from w2v.io.native import pack_strings, unpack_strings

KEYS = ["the", "café", "日本", "naïve", "a\u00a0b", "😀", "</s>", "50%", "x"]


def _vectors(n=None, d=5, seed=0):
    n = len(KEYS) if n is None else n
    vectors = np.random.default_rng(seed).standard_normal((n, d)).astype(np.float32)  # (n, d)
    if n >= 2 and d >= 4:  # awkward float32 values that a sloppy text writer would not round-trip
        vectors[0, :4] = [np.finfo(np.float32).max, np.finfo(np.float32).tiny, 1e-45, -0.0]
        vectors[1, :3] = [1 / 3, 0.1, -123456.789]
    return vectors


def _same(loaded, keys, vectors):
    got_keys, got = loaded
    assert got_keys == list(keys)
    assert got.dtype == np.float32 and got.shape == vectors.shape
    assert np.array_equal(got.view(np.uint32), vectors.view(np.uint32))  # bit for bit, -0.0 included


def _write(path, data):
    path.write_bytes(data)
    return path


def _error(path, **kwargs):
    """Load ``path`` expecting FormatError; the message must name the file."""
    with pytest.raises(FormatError) as info:
        load_word2vec_format(path, **kwargs)
    assert str(path) in str(info.value)
    return info.value


# -- word2vec format round trips ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "binary", "header"),
    [
        ("v.txt", False, True),
        ("v.bin", True, True),
        ("v.glove.txt", False, False),
        ("v.txt.gz", False, True),
        ("v.txt.bz2", False, True),
        ("v.bin.gz", True, True),
    ],
)
def test_round_trip(tmp_path, name, binary, header):
    path = tmp_path / name
    vectors = _vectors()
    save_word2vec_format(path, KEYS, vectors, binary=binary, header=header)
    _same(load_word2vec_format(path, binary=binary, no_header=not header), KEYS, vectors)
    expected = "word2vec-binary" if binary else ("word2vec-text" if header else "glove-text")
    assert sniff_format(path) == expected


def test_compressed_files_really_are_compressed(tmp_path):
    save_word2vec_format(tmp_path / "v.txt.gz", KEYS, _vectors())
    save_word2vec_format(tmp_path / "v.txt.bz2", KEYS, _vectors())
    save_word2vec_format(tmp_path / "v.txt", KEYS, _vectors())
    plain = (tmp_path / "v.txt").read_bytes()
    assert gzip.decompress((tmp_path / "v.txt.gz").read_bytes()) == plain
    assert bz2.decompress((tmp_path / "v.txt.bz2").read_bytes()) == plain


def test_text_layout_is_header_then_one_row_per_word(tmp_path):
    path = tmp_path / "v.txt"
    save_word2vec_format(path, ["a", "b"], np.array([[1.0, 0.5], [-2.0, 0.1]], dtype=np.float32))
    lines = path.read_text("utf-8").split("\n")
    assert lines[0] == "2 2" and lines[-1] == ""
    assert lines[1] == "a 1 0.5"
    word, *values = lines[2].split(" ")
    assert word == "b" and [np.float32(v) for v in values] == [np.float32(-2.0), np.float32(0.1)]


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


def test_fasttext_trailing_spaces_crlf_and_bom(tmp_path):
    path = _write(tmp_path / "v.vec", "\ufeff2 3\r\nfoo 1 2 3 \r\nbär 4 5 6 \r\n".encode())
    keys, vectors = load_word2vec_format(path)
    assert keys == ["foo", "bär"]
    assert vectors.tolist() == [[1, 2, 3], [4, 5, 6]]


def test_words_may_hold_non_ascii_spaces(tmp_path):
    path = _write(tmp_path / "v.txt", "1 2\nnew\u00a0york\u3000city 0.5 1.5\n".encode())
    assert load_word2vec_format(path)[0] == ["new\u00a0york\u3000city"]


def test_empty_vocabulary_round_trips(tmp_path):
    for binary in (False, True):
        path = tmp_path / f"empty{binary}"
        save_word2vec_format(path, [], np.empty((0, 7), np.float32), binary=binary)
        assert path.read_bytes() == b"0 7\n"
        keys, vectors = load_word2vec_format(path, binary=binary)
        assert keys == [] and vectors.shape == (0, 7) and vectors.dtype == np.float32


@pytest.mark.parametrize("binary", [False, True])
def test_limit_reads_only_the_first_rows(tmp_path, binary):
    path = tmp_path / "v"
    vectors = _vectors()
    save_word2vec_format(path, KEYS, vectors, binary=binary)
    with open(path, "ab") as f:
        f.write(b"junk after the rows that a limited read never looks at")
    for limit in (0, 3):
        _same(load_word2vec_format(path, binary=binary, limit=limit), KEYS[:limit], vectors[:limit])
    _error(path, binary=binary)  # the whole file is read without a limit, and the junk is found
    with pytest.raises(ValueError):
        load_word2vec_format(path, limit=-1)


def test_glove_limit(tmp_path):
    path = tmp_path / "g.txt"
    save_word2vec_format(path, KEYS, _vectors(), header=False)
    _same(load_word2vec_format(path, no_header=True, limit=2), KEYS[:2], _vectors()[:2])


def test_duplicate_words_keep_the_first_and_warn(tmp_path, caplog):
    path = _write(tmp_path / "v.txt", b"4 1\na 1\nb 2\na 3\nb 4\n")
    with caplog.at_level(logging.WARNING, logger="w2v"):
        keys, vectors = load_word2vec_format(path)
    assert keys == ["a", "b"] and vectors.ravel().tolist() == [1, 2]
    assert "2 repeated words" in caplog.text and str(path) in caplog.text


def test_unicode_errors_replace_and_latin1(tmp_path):
    path = _write(tmp_path / "v.txt", b"1 1\ncaf\xe9 1\n")
    assert load_word2vec_format(path, unicode_errors="replace")[0] == ["caf\ufffd"]
    assert load_word2vec_format(path, encoding="latin-1")[0] == ["café"]
    binary = _write(tmp_path / "v.bin", b"1 1\ncaf\xe9 " + struct.pack("<f", 1.0))
    assert load_word2vec_format(binary, binary=True, unicode_errors="ignore")[0] == ["caf"]


# -- refusing what the format cannot hold -------------------------------------------------------


@pytest.mark.parametrize("bad", ["two words", "tab\there", "new\nline", "", "nul\0", "cr\r"])
def test_save_refuses_words_the_format_cannot_hold(tmp_path, bad):
    with pytest.raises(ValueError) as info:
        save_word2vec_format(tmp_path / "v.txt", ["ok", bad], np.zeros((2, 2), np.float32))
    assert bad == "" or repr(bad) in str(info.value)
    assert not os.listdir(tmp_path)  # nothing written, not even a temporary file


def test_save_refuses_bad_arguments(tmp_path):
    path = tmp_path / "v"
    with pytest.raises(ValueError, match="do not match"):
        save_word2vec_format(path, ["a"], np.zeros((2, 2)))
    with pytest.raises(ValueError, match="header"):
        save_word2vec_format(path, ["a"], np.zeros((1, 2)), binary=True, header=False)
    with pytest.raises(ValueError, match="'b'.*non-finite"):
        save_word2vec_format(path, ["a", "b"], np.array([[1.0], [np.nan]]))
    with pytest.raises(ValueError, match="non-finite"):
        save_word2vec_format(path, ["a"], np.array([[1e300]]))  # inf once made float32
    with pytest.raises(ValueError, match="UTF-8"):
        save_word2vec_format(path, ["\ud800"], np.zeros((1, 1)))
    assert not path.exists()


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


# -- damaged binary files -------------------------------------------------------------------------


def _binary(rows, n=None, d=2, newline=b"\n"):
    n = len(rows) if n is None else n
    body = b"".join(w + b" " + np.asarray(v, "<f4").tobytes() + newline for w, v in rows)
    return f"{n} {d}\n".encode() + body


GOOD = [(b"ab", [1, 2]), (b"cd", [3, 4]), (b"ef", [5, 6])]


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


# -- compressed and missing files -----------------------------------------------------------------


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


# -- native format --------------------------------------------------------------------------------


def _arrays():
    return {
        "vectors": _vectors(),
        "counts": np.arange(len(KEYS), dtype=np.int64) * 1_000_000_007,
        "flags": np.array([True, False, True]),
        "bytes": np.arange(7, dtype=np.uint8),
        "half": np.array([0.5, -1.0], dtype=np.float16),
        "wide": np.arange(6, dtype=">f8").reshape(2, 3),  # big-endian in, little-endian on disk
        "empty": np.empty((0, 4), dtype=np.float32),
        "scalar": np.array(3.5),
        "transposed": np.arange(6, dtype=np.int32).reshape(2, 3).T,  # not C-contiguous
        "skipped": None,
    }


@pytest.mark.parametrize(("mmap", "writable"), [(True, False), (True, True), (False, False), (False, True)])
def test_native_round_trip(tmp_path, mmap, writable):
    path = tmp_path / "model.w2v"
    arrays = _arrays()
    meta = {"window": 5, "note": "café ☕", "nested": {"alpha": 0.025, "list": [1, None, True]}}
    save_native(path, kind="model", meta=meta, arrays=arrays)
    kind, got_meta, got = load_native(path, mmap=mmap, writable=writable)
    assert kind == "model" and got_meta == meta
    assert list(got) == [name for name, a in arrays.items() if a is not None]
    for name, array in got.items():
        assert array.dtype == arrays[name].dtype.newbyteorder("<") and array.shape == arrays[name].shape
        assert np.array_equal(array, arrays[name])
        assert array.flags.writeable == writable
        assert isinstance(array, np.memmap) == (mmap and array.nbytes > 0)


def test_native_layout(tmp_path):
    path = tmp_path / "m.w2v"
    save_native(path, kind="vectors", meta={"d": 5}, arrays=_arrays())
    data = path.read_bytes()
    magic, version, length = struct.unpack("<8sII", data[:16])
    assert (magic, version) == (b"W2VMODEL", 1) and NATIVE_VERSION == 1
    header = json.loads(data[16 : 16 + length])
    assert header["kind"] == "vectors" and header["meta"] == {"d": 5}
    for name, entry in header["arrays"].items():
        assert entry["offset"] % 64 == 0 and entry["offset"] >= 16 + length
        assert entry["dtype"] in ("<f4", "<i8", "|b1", "|u1", "<f2", "<f8", "<i4")
        chunk = data[entry["offset"] : entry["offset"] + entry["nbytes"]]
        assert zlib.crc32(chunk) == entry["crc32"], name
        assert np.array_equal(np.frombuffer(chunk, entry["dtype"]).reshape(entry["shape"]), _arrays()[name])


def test_native_copy_on_write_leaves_the_file_alone(tmp_path):
    path = tmp_path / "m.w2v"
    save_native(path, kind="model", meta={}, arrays={"v": _vectors()})
    before = path.read_bytes()
    _, _, arrays = load_native(path, writable=True)
    arrays["v"][:] = 42.0  # training on in memory
    arrays["v"].flush()
    assert (arrays["v"] == 42.0).all()
    assert path.read_bytes() == before
    _, _, readonly = load_native(path)
    with pytest.raises(ValueError):
        readonly["v"][0, 0] = 1.0


def test_native_resave_over_the_mapped_file(tmp_path):
    path = tmp_path / "m.w2v"
    old = _vectors(seed=1)
    save_native(path, kind="model", meta={"epoch": 1}, arrays={"v": old})
    _, _, mapped = load_native(path, writable=True)
    mapped["v"] += 1.0  # keep training on the copy-on-write map ...
    save_native(path, kind="model", meta={"epoch": 2}, arrays={"v": mapped["v"]})  # ... and save over it
    assert np.array_equal(mapped["v"], old + 1.0)  # the old mapping is still valid
    _, meta, new = load_native(path)
    assert meta == {"epoch": 2} and np.array_equal(new["v"], old + 1.0)
    assert sorted(os.listdir(tmp_path)) == ["m.w2v"]


def test_pack_strings_round_trip():
    strings = ["", "a b", "new\nline", "nul\0", "日本", "😀", "café"] * 3
    offsets, blob = pack_strings(strings)
    assert offsets.dtype == np.int64 and offsets.shape == (len(strings) + 1,) and blob.dtype == np.uint8
    assert unpack_strings(offsets, blob) == strings
    assert unpack_strings(*pack_strings(["plain", "ascii"])) == ["plain", "ascii"]
    assert unpack_strings(*pack_strings([])) == []
    with pytest.raises(ValueError):
        pack_strings(["\udc80"])


@pytest.mark.parametrize(
    ("offsets", "blob", "piece"),
    [
        ([0, 3, 2, 4], b"abcd", "not increasing"),
        ([0, 2, 5], b"abcd", "not increasing"),
        ([1, 4], b"abcd", "not increasing"),
        ([], b"", "non-empty"),
        ([0, 1, 2], b"\xc3\xa9", "not valid UTF-8"),  # one character cut in two
        ([0, 1], b"\xff", "not valid UTF-8"),
    ],
)
def test_unpack_strings_validates(offsets, blob, piece):
    with pytest.raises(FormatError, match=piece) as info:
        unpack_strings(np.array(offsets, np.int64), np.frombuffer(blob, np.uint8), path="vocab.w2v")
    assert "vocab.w2v" in str(info.value)


def _forge(path, mutate):
    """Rewrite a native file's JSON header with ``mutate(header)``, the arrays staying where they are."""
    data = bytearray(path.read_bytes())
    length = struct.unpack("<I", data[12:16])[0]
    header = json.loads(data[16 : 16 + length])
    mutate(header)
    raw = json.dumps(header).encode()
    start = min([e["offset"] for e in json.loads(data[16 : 16 + length])["arrays"].values()] or [len(data)])
    assert 16 + len(raw) <= start, "forged header does not fit"
    data[12:start] = struct.pack("<I", len(raw)) + raw + bytes(start - 16 - len(raw))
    path.write_bytes(bytes(data))


def _entry(name, **changes):
    def mutate(header):
        header["arrays"][name].update(changes)

    return mutate


def _set(key, value):
    def mutate(header):
        header[key] = value

    return mutate


NATIVE_FORGERIES = [
    (_entry("v", dtype="<c8"), "dtype '<c8'"),
    (_entry("v", dtype="|O"), "dtype '|O'"),
    (_entry("v", shape=[8, -5]), "non-negative"),
    (_entry("v", shape=[8, True]), "non-negative"),
    (_entry("v", shape="8x5"), "non-negative"),
    (_entry("v", nbytes=12), "nbytes 12 does not match"),
    (_entry("v", offset=100), "not 64-byte aligned"),
    (_entry("v", offset=0), "not 64-byte aligned after the header"),
    (_entry("v", offset=1 << 40), "truncated"),
    (_entry("v", crc32=-1), "must be non-negative integers"),
    (_entry("v", crc32=1 << 32), "must be non-negative integers"),
    (_entry("v", offset=64.0), "must be non-negative integers"),
    (_entry("v", crc32=12345), "'v': checksum mismatch"),
    (_entry("c", offset=64 * 6), "overlap"),
    (lambda h: h["arrays"]["v"].pop("crc32"), "entry must have"),
    (_set("kind", 3), "'kind' must be a string"),
    (_set("arrays", []), "'arrays' an object"),
    (lambda h: h.pop("meta"), "'kind', 'meta' and 'arrays'"),
]


@pytest.mark.parametrize(("mutate", "piece"), NATIVE_FORGERIES)
def test_native_damaged_header(tmp_path, mutate, piece):
    path = tmp_path / "model.w2v"
    save_native(path, kind="model", meta={}, arrays={"v": _vectors(), "c": np.arange(3)})
    _forge(path, mutate)
    with pytest.raises(FormatError, match=piece) as info:
        load_native(path)
    assert str(path) in str(info.value)


def _native_bytes(tmp_path):
    path = tmp_path / "model.w2v"
    save_native(path, kind="model", meta={"x": 10}, arrays={"v": _vectors()})
    return path, path.read_bytes()


def test_native_damaged_bytes(tmp_path):
    path, data = _native_bytes(tmp_path)
    length = struct.unpack("<I", data[12:16])[0]
    cases = [
        (b"", "bad magic"),
        (b"W2VMOD", "bad magic"),
        (b"GGUF" + data[4:], "bad magic"),
        (data[:12], "ends inside the native header"),
        (
            data[:8] + struct.pack("<I", 2) + data[12:],
            "newer w2v (format version 2); this w2v reads version 1",
        ),
        (data[:8] + struct.pack("<I", 0) + data[12:], "unsupported native format version 0"),
        (data[:12] + struct.pack("<I", 1 << 30) + data[16:], "runs past the end"),
        (data[:16] + b"}" + data[17:], "damaged JSON"),
        (data[:16] + b"\xff" + data[17:], "damaged JSON"),
        (data[:16] + b"[" + b" " * (length - 2) + b"]" + data[16 + length :], "must be an object"),
        (data[: len(data) - 10], "truncated"),
        (data[:-1] + bytes([data[-1] ^ 1]), "'v': checksum mismatch"),
    ]
    for damaged, piece in cases:
        path.write_bytes(damaged)
        for mmap in (True, False):
            with pytest.raises(FormatError) as info:
                load_native(path, mmap=mmap)
            assert str(path) in str(info.value) and piece in str(info.value)


def test_native_nan_in_json_is_damage(tmp_path):
    path, data = _native_bytes(tmp_path)
    path.write_bytes(data.replace(b'{"x": 10}', b'{"x":NaN}'))
    with pytest.raises(FormatError, match="damaged JSON"):
        load_native(path)


def test_native_verify_false_skips_the_checksum(tmp_path):
    path, data = _native_bytes(tmp_path)
    path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    _, _, arrays = load_native(path, verify=False)
    assert arrays["v"].shape == _vectors().shape


def test_save_native_refuses_what_it_cannot_store(tmp_path):
    path = tmp_path / "m.w2v"
    with pytest.raises(ValueError, match="'words'"):
        save_native(path, kind="m", meta={}, arrays={"words": np.array(["a", "b"])})
    with pytest.raises(ValueError, match="'objs'"):
        save_native(path, kind="m", meta={}, arrays={"objs": np.array([object()])})
    with pytest.raises(ValueError):
        save_native(path, kind="m", meta={"x": float("nan")}, arrays={})
    with pytest.raises(TypeError):
        save_native(path, kind=None, meta={}, arrays={})
    assert not os.listdir(tmp_path)


def test_native_long_header_moves_the_arrays(tmp_path):
    path = tmp_path / "m.w2v"
    meta = {"vocabulary note": "x" * 5000}
    arrays = {f"a{i}": np.full(i, i, dtype=np.int32) for i in range(50)}
    save_native(path, kind="model", meta=meta, arrays=arrays)
    _, got_meta, got = load_native(path)
    assert got_meta == meta and all(np.array_equal(got[k], v) for k, v in arrays.items())


# -- atomic_write ---------------------------------------------------------------------------------


def test_atomic_write_replaces_the_file(tmp_path):
    path = tmp_path / "out.bin"
    path.write_bytes(b"old")
    old_umask = os.umask(0o027)
    try:
        with atomic_write(path) as f:
            temp = f.name
            assert os.path.dirname(temp) == str(tmp_path)
            assert os.path.basename(temp).startswith(".out.bin.") and temp.endswith(".tmp")
            f.write(b"new contents")
            assert path.read_bytes() == b"old"  # nothing visible until the end
    finally:
        os.umask(old_umask)
    assert path.read_bytes() == b"new contents"
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["out.bin"]


def test_atomic_write_text_mode(tmp_path):
    path = tmp_path / "out.txt"
    with atomic_write(path, "w") as f:
        f.write("café\n")
    assert path.read_bytes() == "café\n".encode()
    with pytest.raises(ValueError):
        with atomic_write(path, "a"):
            pass


def test_atomic_write_exception_keeps_the_old_file(tmp_path):
    path = tmp_path / "out.bin"
    path.write_bytes(b"precious old bytes")
    with pytest.raises(RuntimeError, match="disk on fire"):
        with atomic_write(path) as f:
            f.write(b"half of the new")
            raise RuntimeError("disk on fire")
    assert path.read_bytes() == b"precious old bytes"
    assert os.listdir(tmp_path) == ["out.bin"]
    with pytest.raises(KeyboardInterrupt):
        with atomic_write(tmp_path / "fresh.bin") as f:
            f.write(b"x")
            raise KeyboardInterrupt
    assert os.listdir(tmp_path) == ["out.bin"]


def test_failed_save_keeps_the_old_vectors(tmp_path, monkeypatch):
    path = tmp_path / "v.bin"
    save_word2vec_format(path, ["a"], np.ones((1, 3)), binary=True)
    before = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError, match="No space"):
        save_word2vec_format(path, ["b"], np.zeros((1, 3)), binary=True)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["v.bin"]
