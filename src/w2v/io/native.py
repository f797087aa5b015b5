"""w2v's native file: one versioned file of named arrays plus JSON, memory-mappable.

Layout (all integers little-endian)::

    b"W2VMODEL"            8 bytes of magic
    version                uint32 (NATIVE_VERSION)
    header length          uint32, bytes of the JSON that follows
    header                 UTF-8 JSON: {"kind", "meta", "arrays": {name: {dtype, shape,
                           offset, nbytes, crc32}}}
    zero padding           to a multiple of 64 bytes
    arrays                 each at a 64-byte-aligned file offset, C order, little-endian

Why this shape: the arrays sit at aligned offsets so ``load_native`` can
hand out ``np.memmap`` views without copying (a 3 GB model opens at once,
and several processes share its pages); JSON keeps the small metadata
readable and extensible; the CRC32 per array catches bit rot and
truncation that sizes alone would miss. A vocabulary is stored as two
arrays (``pack_strings``), so any character in a word survives.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import struct
import zlib

import numpy as np

from .atomic import atomic_write
from .errors import FormatError

MAGIC = b"W2VMODEL"
NATIVE_VERSION = 1
ALIGN = 64
_PREFIX = struct.Struct("<8sII")  # magic, version, header length
_MAX_JSON = 64 << 20  # a header this long is damage, not metadata
_DTYPES = frozenset(
    np.dtype(t).newbyteorder("<").str
    for t in ("bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64")
) | frozenset(("<f2", "<f4", "<f8"))


def _align(n):
    return -(-n // ALIGN) * ALIGN


def _little_endian(name, array):
    array = np.asarray(array)
    dtype = array.dtype.newbyteorder("<") if array.dtype.byteorder != "|" else array.dtype
    if dtype.str not in _DTYPES:
        raise ValueError(f"array {name!r} has dtype {array.dtype}, which the native format does not store")
    return np.asarray(array, dtype=dtype, order="C")  # (not ascontiguousarray: it makes 0-d arrays 1-d)


def save_native(path, *, kind, meta, arrays):
    """Write a native file: ``kind`` (a short str), JSON ``meta`` and named ``arrays`` (None = omitted).

    Floats, signed/unsigned integers and bools are stored, converted to
    little-endian; anything else (object or string arrays) raises
    ValueError: store strings with ``pack_strings``. Written through
    ``atomic_write``, so saving over a file that is memory-mapped elsewhere
    is safe: the mapping keeps the old contents.
    """
    if not isinstance(kind, str):
        raise TypeError(f"kind must be str, not {type(kind).__name__}")
    stored = {}
    for name, array in arrays.items():
        if not isinstance(name, str):
            raise TypeError(f"array names must be str, not {name!r}")
        if array is not None:
            stored[name] = _little_endian(name, array)
    entries = {
        name: {
            "dtype": a.dtype.str,
            "shape": list(a.shape),
            "offset": 0,
            "nbytes": a.nbytes,
            "crc32": zlib.crc32(a.reshape(-1).view(np.uint8)),
        }
        for name, a in stored.items()
    }
    # Offsets appear in the header, whose length decides where the arrays start: iterate until
    # the header fits before the first array (longer offsets only ever lengthen the header).
    data_start = _align(_PREFIX.size + 256)
    while True:
        offset = data_start
        for entry in entries.values():
            entry["offset"] = offset
            offset = _align(offset + entry["nbytes"])
        header = json.dumps(
            {"kind": kind, "meta": meta, "arrays": entries}, ensure_ascii=False, allow_nan=False
        ).encode("utf-8")
        if _PREFIX.size + len(header) <= data_start:
            break
        data_start = _align(_PREFIX.size + len(header))
    with atomic_write(path, "wb") as f:
        f.write(_PREFIX.pack(MAGIC, NATIVE_VERSION, len(header)))
        f.write(header)
        written = _PREFIX.size + len(header)
        for name, a in stored.items():
            f.write(bytes(entries[name]["offset"] - written))
            if a.nbytes:
                f.write(a.reshape(-1).view(np.uint8))
            written = entries[name]["offset"] + a.nbytes


def _read_header(path, f, size):
    """Magic, version, JSON and every array entry, validated; -> (kind, meta, entries)."""
    prefix = f.read(_PREFIX.size)
    if len(prefix) < len(MAGIC) or not prefix.startswith(MAGIC):
        raise FormatError(path, "not a w2v native file (bad magic bytes)")
    if len(prefix) < _PREFIX.size:
        raise FormatError(path, "file ends inside the native header")
    _, version, header_len = _PREFIX.unpack(prefix)
    if version > NATIVE_VERSION:
        raise FormatError(
            path,
            f"written by a newer w2v (format version {version}); this w2v reads version {NATIVE_VERSION}",
        )
    if version != NATIVE_VERSION:
        raise FormatError(path, f"unsupported native format version {version}")
    if header_len > min(_MAX_JSON, size - _PREFIX.size):
        raise FormatError(path, f"header length {header_len} runs past the end of the file ({size} bytes)")
    try:
        header = json.loads(f.read(header_len).decode("utf-8"), parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError is a ValueError
        raise FormatError(path, f"damaged JSON header ({exc})") from None
    except RecursionError:  # "[[[[...", nested deeper than the parser's stack allows
        raise FormatError(path, "damaged JSON header (nested too deeply)") from None
    if not isinstance(header, dict) or set(header) != {"kind", "meta", "arrays"}:
        raise FormatError(path, "header must be an object with 'kind', 'meta' and 'arrays'")
    kind, meta, entries = header["kind"], header["meta"], header["arrays"]
    if not isinstance(kind, str) or not isinstance(entries, dict):
        raise FormatError(path, "header 'kind' must be a string and 'arrays' an object")
    end = _PREFIX.size + header_len
    spans = []
    for name, entry in entries.items():
        _check_entry(path, name, entry, end, size)
        spans.append((entry["offset"], entry["offset"] + entry["nbytes"], name))
    spans.sort()
    for (_, stop, first), (start, _, second) in itertools.pairwise(spans):
        if start < stop:
            raise FormatError(path, f"arrays {first!r} and {second!r} overlap")
    return kind, meta, entries


def _no_constants(name):
    raise ValueError(f"{name} is not valid JSON")


def _is_int(x):
    return type(x) is int  # bool is an int subclass, and True is no shape


def _check_entry(path, name, entry, header_end, size):
    if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "offset", "nbytes", "crc32"}:
        raise FormatError(path, f"array {name!r}: entry must have dtype, shape, offset, nbytes and crc32")
    dtype, shape = entry["dtype"], entry["shape"]
    if dtype not in _DTYPES:
        raise FormatError(path, f"array {name!r}: dtype {dtype!r} is not one the native format stores")
    if not isinstance(shape, list) or len(shape) > 32 or not all(_is_int(n) and n >= 0 for n in shape):
        raise FormatError(path, f"array {name!r}: shape {shape!r} is not a list of non-negative integers")
    offset, nbytes, crc = entry["offset"], entry["nbytes"], entry["crc32"]
    if not all(_is_int(x) and x >= 0 for x in (offset, nbytes, crc)) or crc >= 1 << 32:
        raise FormatError(path, f"array {name!r}: offset, nbytes and crc32 must be non-negative integers")
    if nbytes != math.prod(shape) * np.dtype(dtype).itemsize:
        raise FormatError(path, f"array {name!r}: nbytes {nbytes} does not match shape {shape} of {dtype}")
    if offset % ALIGN or offset < header_end:
        raise FormatError(path, f"array {name!r}: offset {offset} is not 64-byte aligned after the header")
    if offset + nbytes > size:
        raise FormatError(
            path,
            f"array {name!r}: needs bytes {offset}..{offset + nbytes} but the file has {size} (truncated?)",
        )


def load_native(path, *, mmap=True, verify=True, writable=False):
    """Read a native file -> ``(kind, meta, arrays)``; arrays by name, as saved.

    ``mmap=True`` gives ``np.memmap`` views of the file: nothing is read
    until used, and pages are shared between processes. They are read-only,
    or copy-on-write with ``writable=True`` (changes stay in this process;
    the file is never written). ``mmap=False`` reads the arrays into memory
    (read-only too unless ``writable``, so code behaves the same either way).
    ``verify`` checks each array's CRC32, which reads every byte once.
    Empty arrays are plain ndarrays either way (no bytes to map).
    """
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        kind, meta, entries = _read_header(path, f, size)
        arrays = {}
        for name, entry in entries.items():
            shape, dtype = tuple(entry["shape"]), np.dtype(entry["dtype"])
            if mmap and entry["nbytes"]:
                # One open file for all arrays: every view comes from the same inode even if
                # the path is replaced meanwhile.
                array = np.memmap(
                    f, dtype=dtype, mode="c" if writable else "r", offset=entry["offset"], shape=shape
                )
            else:
                array = np.empty(shape, dtype=dtype)
                f.seek(entry["offset"])
                if f.readinto(array.reshape(-1).view(np.uint8)) != entry["nbytes"]:
                    raise FormatError(path, f"array {name!r}: file ends inside it")
                array.flags.writeable = writable
            if verify and zlib.crc32(array.reshape(-1).view(np.uint8)) != entry["crc32"]:
                raise FormatError(path, f"array {name!r}: checksum mismatch (the file is damaged)")
            arrays[name] = array
    return kind, meta, arrays


def pack_strings(strings):
    """A list of str -> (offsets (N+1,) int64, blob (B,) uint8): string i is blob[offsets[i]:offsets[i+1]].

    Two plain arrays hold any characters (spaces, newlines, NUL) and map
    straight into memory, where a separator-joined text could not.
    """
    encoded = []
    for s in strings:
        try:
            encoded.append(s.encode("utf-8"))
        except UnicodeEncodeError as exc:
            raise ValueError(f"string {s!r} cannot be encoded as UTF-8 ({exc.reason})") from None
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)  # (N+1,)
    np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:])
    blob = np.frombuffer(b"".join(encoded), dtype=np.uint8)  # (B,)
    return offsets, blob


def unpack_strings(offsets, blob, *, path="<packed strings>"):
    """The inverse of ``pack_strings``, validating first: FormatError (naming ``path``) on damage."""
    offsets, blob = np.asarray(offsets), np.asarray(blob)
    if offsets.ndim != 1 or len(offsets) < 1 or offsets.dtype.kind not in "iu":
        raise FormatError(path, "string offsets must be a non-empty 1-D integer array")
    if blob.ndim != 1 or blob.dtype != np.uint8:
        raise FormatError(path, "string blob must be a 1-D uint8 array")
    if offsets[0] != 0 or offsets[-1] != len(blob) or np.any(np.diff(offsets) < 0):
        raise FormatError(path, f"string offsets are not increasing from 0 to the blob's length {len(blob)}")
    if len(offsets) > 2 and not np.any(blob == 0):
        # The fast path: a NUL between the strings, one decode, one split (all in C).
        try:
            joined = np.insert(blob, offsets[1:-1].astype(np.intp), 0).tobytes().decode("utf-8")
        except UnicodeDecodeError:
            pass  # the slow path below says which string is damaged
        else:
            return joined.split("\x00")
    data = blob.tobytes()
    bounds = offsets.tolist()
    try:
        return [data[a:b].decode("utf-8") for a, b in itertools.pairwise(bounds)]
    except UnicodeDecodeError as exc:
        raise FormatError(path, f"a packed string is not valid UTF-8 ({exc.reason})") from None
