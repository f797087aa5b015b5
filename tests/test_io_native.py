"""w2v's native format: round trips, the exact layout, memory maps, every damaged-file error."""

import json
import os
import struct
import zlib

import numpy as np
import pytest

from _io_helpers import KEYS, _vectors
from w2v.io import NATIVE_VERSION, FormatError, load_native, save_native
from w2v.io.native import pack_strings, unpack_strings


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
    no_nul = ["", "a b", "new\nline", "日本", "😀", "café", "", "x"]  # the one-split fast path
    assert unpack_strings(*pack_strings(no_nul)) == no_nul
    assert unpack_strings(*pack_strings(["only"])) == ["only"] and unpack_strings(*pack_strings([""])) == [""]
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
