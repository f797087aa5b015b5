"""word2vec.c's text and binary vector formats, and GloVe's header-less text.

Text: a header line ``"N d"``, then one row per word, ``word v1 ... vd``,
fields separated by single spaces. GloVe files are the same rows without
the header. Binary (word2vec.c's binary format): the same header, then per
row the word's UTF-8 bytes, one space, and ``d`` little-endian float32s;
word2vec.c ends each row with a newline, gensim does not, so the loader
skips newlines before a word and accepts both.

Words cannot contain ASCII whitespace (it separates the fields) or NUL (C
tools end strings there), so ``save_word2vec_format`` refuses such words
rather than write a file that reads back differently. The loaders refuse
any damage with a FormatError naming the file and the line (text) or row
(binary), never a half-read result.
"""

from __future__ import annotations

import logging

import numpy as np

from ._files import open_for_reading, open_for_writing, whole_file
from .atomic import atomic_write
from .errors import FormatError
from .native import MAGIC

logger = logging.getLogger("w2v")

_UNWRITABLE = " \t\n\r\v\f\0"  # characters a word2vec-format word cannot hold
_BOM = b"\xef\xbb\xbf"
_MAX_HEADER = 1024  # bytes; a header line is two numbers
_TEXT_CHUNK = 4096  # rows converted to float32 at a time (one numpy call per chunk)
_GATHER_ELEMENTS = 1 << 20  # index entries per fancy-indexing call (8 MB of int64)
_SNIFF_BYTES = 1 << 20  # enough for the header and a first row of any sensible dimension


# -- writing ---------------------------------------------------------------------------------------


def _check_keys(keys):
    """Refuse words the format cannot hold, naming the first bad one (cheap checks on the join first)."""
    for key in keys:
        if not isinstance(key, str):
            raise TypeError(f"words must be str, not {type(key).__name__} ({key!r})")
    joined = "\n".join(keys)
    if any(ch in joined for ch in _UNWRITABLE.replace("\n", "")) or joined.count("\n") != len(keys) - 1:
        for key in keys:
            if any(ch in key for ch in _UNWRITABLE):
                raise ValueError(f"word {key!r} contains whitespace or NUL, which word2vec files cannot hold")
    if not all(keys):
        raise ValueError("an empty word cannot be written to a word2vec file")
    try:
        joined.encode("utf-8")
    except UnicodeEncodeError:
        for key in keys:
            try:
                key.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise ValueError(f"word {key!r} cannot be encoded as UTF-8 ({exc.reason})") from None


def save_word2vec_format(path, keys, vectors, *, binary=False, header=True):
    """Write ``keys`` and their ``vectors`` (N, d) in word2vec.c's text or binary format.

    Text floats are written with 9 significant digits, enough for every
    float32 to read back bit for bit. ``header=False`` writes GloVe-style
    text (binary files always have a header: the reader needs ``d`` to know
    where a row ends). A name ending in ``.gz`` or ``.bz2`` is compressed.
    The file is written through ``atomic_write``: readers never see half of it.
    """
    keys = list(keys)
    vectors = np.asarray(vectors)
    if vectors.ndim != 2 or vectors.shape[0] != len(keys):
        raise ValueError(f"vectors of shape {vectors.shape} do not match {len(keys)} words")
    if vectors.shape[1] < 1:
        raise ValueError("vectors need at least one dimension")
    if binary and not header:
        raise ValueError("word2vec.c's binary format always has a header (header=False is text only)")
    _check_keys(keys)
    with np.errstate(over="ignore"):  # a float64 beyond float32's range is reported just below
        vectors = vectors.astype(np.float32, copy=False)  # (N, d) float32
    finite = np.isfinite(vectors).all(axis=1)  # (N,)
    if not finite.all():
        bad = int(np.flatnonzero(~finite)[0])
        raise ValueError(
            f"vector of word {keys[bad]!r} has a non-finite value; the file could not be read back"
        )
    n, d = vectors.shape
    with atomic_write(path, "wb") as raw, open_for_writing(path, raw) as f:
        if header:
            f.write(f"{n} {d}\n".encode("ascii"))
        if binary:
            _write_binary_rows(f, keys, vectors)
        else:
            _write_text_rows(f, keys, vectors)


def _write_text_rows(f, keys, vectors):
    row_format = "%s" + " %.9g" * vectors.shape[1] + "\n"  # one % per row: the fast path in CPython
    for start in range(0, len(keys), _TEXT_CHUNK):
        block = vectors[start : start + _TEXT_CHUNK].tolist()  # Python floats, exact float32 values
        text = "".join(
            row_format % (key, *row)
            for key, row in zip(keys[start : start + _TEXT_CHUNK], block, strict=True)
        )
        f.write(text.encode("utf-8"))


def _write_binary_rows(f, keys, vectors):
    row_bytes = 4 * vectors.shape[1]
    per_chunk = max(1, (1 << 22) // row_bytes)  # ~4 MB of vectors at a time, whatever N is
    for start in range(0, len(keys), per_chunk):
        block = vectors[start : start + per_chunk].astype("<f4").tobytes()  # little-endian on any host
        f.write(
            b"".join(
                key.encode("utf-8") + b" " + block[i * row_bytes : (i + 1) * row_bytes] + b"\n"
                for i, key in enumerate(keys[start : start + per_chunk])
            )
        )


# -- reading ---------------------------------------------------------------------------------------


def load_word2vec_format(
    path, *, binary=False, limit=None, no_header=False, unicode_errors="strict", encoding="utf-8"
):
    """Read a word2vec.c text/binary file (or GloVe text with ``no_header=True``).

    Returns ``(keys, vectors)``: a list of N words and an (N, d) float32
    array. ``limit`` reads only the first rows (the rest of the file is not
    looked at). ``.gz`` and ``.bz2`` files are decompressed on the fly.
    A word that appears again is dropped (its first row is kept) with a
    warning on the "w2v" logger, as gensim does, rather than failing on
    files that real tools have written.
    """
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be None or >= 0, not {limit}")
    if binary and no_header:
        raise ValueError("binary files always have a header (no_header=True is for text)")
    if binary:
        with whole_file(path) as buf:
            keys, vectors = _read_binary(path, buf, limit, encoding, unicode_errors)
    else:
        with open_for_reading(path) as f:
            keys, vectors = _read_text(path, f, limit, not no_header, encoding, unicode_errors)
    return _drop_duplicates(path, keys, vectors)


def _parse_header(path, raw):
    """``"N d"`` -> (N, d): two whole numbers, d >= 1 (N may be 0: an empty vocabulary)."""
    raw = raw.removeprefix(_BOM)
    fields = raw.split()
    if len(fields) != 2 or not all(field.isdigit() for field in fields):
        shown = raw[:60].decode("utf-8", "replace")
        raise FormatError(
            path, f"header must be two whole numbers 'count dimension', found {shown!r}", line=1
        )
    n, d = int(fields[0]), int(fields[1])
    if d < 1:
        raise FormatError(path, f"header gives dimension {d}; it must be at least 1", line=1)
    return n, d


def _drop_duplicates(path, keys, vectors):
    if len(set(keys)) == len(keys):
        return keys, vectors
    seen = set()
    keep = []  # row numbers of first occurrences
    for i, key in enumerate(keys):
        if key not in seen:
            seen.add(key)
            keep.append(i)
    dropped = len(keys) - len(keep)
    logger.warning("%s: %d repeated words ignored (the first row of each is kept)", path, dropped)
    return [keys[i] for i in keep], vectors[keep]


def _read_text(path, f, limit, has_header, encoding, errors):
    lineno = 0
    d = None
    expected = limit  # rows still to read; None = until the end (GloVe without a limit)
    if has_header:
        first = f.readline(_MAX_HEADER)
        lineno = 1
        if not first.strip():
            raise FormatError(path, "empty file: no 'count dimension' header", line=1)
        if len(first) == _MAX_HEADER and not first.endswith(b"\n"):
            raise FormatError(path, "header line too long for 'count dimension'", line=1)
        n, d = _parse_header(path, first)
        expected = n if limit is None else min(n, limit)
    keys, blocks = [], []
    chunk_values, chunk_first = [], lineno + 1  # value strings of the rows not yet converted
    blank = None  # line number of a blank line, fatal if more rows follow it
    while expected is None or len(keys) < expected:
        raw = f.readline()
        if not raw:
            break
        lineno += 1
        if lineno == 1:
            raw = raw.removeprefix(_BOM)
        try:
            line = raw.decode(encoding, errors).rstrip()
        except UnicodeDecodeError as exc:
            raise FormatError(
                path, f"invalid {encoding} at byte {exc.start} of the line", line=lineno
            ) from None
        if not line:
            blank = blank or lineno
            continue
        if blank is not None:
            raise FormatError(path, "blank line between rows", line=blank)
        fields = line.split(" ")
        if d is None:
            d = len(fields) - 1
            if d < 1:
                raise FormatError(path, "a row needs a word and at least one value", line=lineno)
        if len(fields) != d + 1:
            raise FormatError(
                path, f"expected {d} values after the word, found {len(fields) - 1}", line=lineno
            )
        key = fields[0]
        if not key:
            raise FormatError(path, "empty word (the line starts with a space)", line=lineno)
        tail = line[len(key) + 1 :]
        if not tail.isascii() or "_" in tail:  # float() would take "1_0" and non-ASCII digits
            _raise_bad_value(path, fields, lineno)
        keys.append(key)
        chunk_values.extend(fields[1:])
        if len(chunk_values) >= _TEXT_CHUNK * d:
            blocks.append(_convert(path, chunk_values, d, chunk_first))
            chunk_values, chunk_first = [], lineno + 1
    if chunk_values:
        blocks.append(_convert(path, chunk_values, d, chunk_first))
    if d is None:
        raise FormatError(path, "no rows: cannot tell the vectors' dimension")
    if expected is not None and len(keys) < expected:
        raise FormatError(
            path, f"file ends after {len(keys)} rows; the header promises {expected}", line=lineno + 1
        )
    if has_header and len(keys) == n:  # all the promised rows were read, so nothing may follow
        for raw in iter(f.readline, b""):
            lineno += 1
            if raw.strip():
                raise FormatError(path, f"data after the {len(keys)} rows the header promises", line=lineno)
    vectors = np.concatenate(blocks) if blocks else np.empty((0, d), dtype=np.float32)  # (N, d) float32
    return keys, vectors


def _convert(path, values, d, first_line):
    """Value strings of consecutive rows -> (rows, d) float32; on trouble, find the guilty line."""
    try:
        with np.errstate(over="ignore"):  # "1e39" becomes inf, reported below as not finite
            block = np.array(values, dtype=np.float32).reshape(-1, d)
    except ValueError:
        for r in range(len(values) // d):
            _raise_bad_value(path, ["?", *values[r * d : (r + 1) * d]], first_line + r, strict=False)
        raise FormatError(path, "values are not numbers", line=first_line) from None
    finite = np.isfinite(block)  # (rows, d)
    if not finite.all():
        r, c = np.argwhere(~finite)[0]
        value = values[r * d + c]
        raise FormatError(path, f"value {value!r} is not finite", line=first_line + int(r))
    return block


def _raise_bad_value(path, fields, lineno, strict=True):
    for value in fields[1:]:
        try:
            if (strict and (not value.isascii() or "_" in value)) or not value:
                raise ValueError
            float(value)
        except ValueError:
            raise FormatError(path, f"value {value!r} is not a number", line=lineno) from None
    if strict:
        raise FormatError(path, "values are not numbers", line=lineno)


def _read_binary(path, buf, limit, encoding, errors):
    size = len(buf)
    end = buf.find(b"\n", 0, _MAX_HEADER)
    if end < 0:
        what = "empty file" if size == 0 else "no header line"
        raise FormatError(path, f"{what}: a binary word2vec file starts with 'count dimension'", line=1)
    n, d = _parse_header(path, bytes(buf[:end]))
    count = n if limit is None else min(n, limit)
    row_bytes = 4 * d
    keys, starts = [], []  # word and byte offset of each row's vector
    pos = end + 1
    for row in range(count):
        while pos < size and buf[pos] == 10:  # b"\n" ending the previous row (word2vec.c's layout)
            pos += 1
        if pos >= size:
            raise FormatError(
                path, f"file ends after {row} rows; the header promises {n}", row=row, offset=pos
            )
        space = buf.find(b" ", pos)
        if space < 0:
            raise FormatError(path, "file ends inside a word", row=row, offset=pos)
        word = buf[pos:space]
        if not word or b"\n" in word:
            what = "empty word" if not word else "word contains a newline (rows out of step?)"
            raise FormatError(path, what, row=row, offset=pos)
        try:
            keys.append(word.decode(encoding, errors))
        except UnicodeDecodeError as exc:
            raise FormatError(
                path, f"invalid {encoding} in the word ({exc.reason})", row=row, offset=pos
            ) from None
        pos = space + 1
        if pos + row_bytes > size:
            raise FormatError(
                path, f"file ends inside the vector ({size - pos} of {row_bytes} bytes)", row=row, offset=pos
            )
        starts.append(pos)
        pos += row_bytes
    if count == n:  # all the promised rows were read, so only blank space may follow
        tail = buf[pos:]
        if tail.strip():
            offset = pos + len(tail) - len(tail.lstrip())
            raise FormatError(path, f"data after the {n} rows the header promises", row=n, offset=offset)
    vectors = _gather(buf, np.array(starts, dtype=np.int64), d)  # (N, d) float32
    finite = np.isfinite(vectors)
    if not finite.all():
        r, c = (int(i) for i in np.argwhere(~finite)[0])
        raise FormatError(
            path, f"value {vectors[r, c]} of word {keys[r]!r} is not finite", row=r, offset=starts[r] + 4 * c
        )
    return keys, vectors


def _gather(buf, starts, d):
    """Copy the vectors at byte offsets ``starts`` out of ``buf`` with a few fancy-indexing calls.

    Words have any length, so rows sit at arbitrary byte offsets. Viewing the
    buffer as float32 from each of the 4 possible misalignments turns every
    row into a run of ``d`` consecutive elements of one of those views.
    """
    out = np.empty((len(starts), d), dtype=np.float32)  # (N, d)
    if len(starts) == 0:
        return out
    raw = np.frombuffer(buf, dtype=np.uint8)
    columns = np.arange(d, dtype=np.int64)  # (d,)
    step = max(1, _GATHER_ELEMENTS // d)  # rows per call, bounding the (rows, d) index array
    for shift in range(4):
        rows = np.flatnonzero(starts % 4 == shift)  # (k,)
        if len(rows) == 0:
            continue
        floats = raw[shift : shift + (len(raw) - shift) // 4 * 4].view("<f4")  # (size // 4,)
        first = (starts[rows] - shift) // 4  # (k,) element index of each row's first value
        for i in range(0, len(rows), step):
            out[rows[i : i + step]] = floats[first[i : i + step, None] + columns]
    return out


# -- telling formats apart -------------------------------------------------------------------------


def sniff_format(path):
    """Guess a file's format: "native", "word2vec-binary", "word2vec-text" or "glove-text".

    Looks at the first MiB only (decompressed for .gz/.bz2): the native
    magic bytes; else a ``"N d"`` header followed by a row that reads as a
    word and numbers (text) or a word and raw bytes (binary); else a first
    line that reads as a word and numbers (GloVe). A GloVe file whose first
    row is a number followed by one value looks like a header; such files
    need ``no_header=True`` said explicitly. FormatError when nothing fits.
    """
    with open_for_reading(path) as f:
        head = f.read(_SNIFF_BYTES)
    if head.startswith(MAGIC):
        return "native"
    head = head.removeprefix(_BOM)
    if not head.strip():
        raise FormatError(path, "empty file: not a vector file")
    first, _, rest = head.partition(b"\n")
    fields = first.split()
    if len(fields) == 2 and all(field.isdigit() for field in fields):
        rest = rest.lstrip(b"\n")
        row = rest.partition(b"\n")[0]
        if not rest.strip() or _is_text_row(row):
            return "word2vec-text"  # an empty vocabulary reads the same either way
        if rest.find(b" ") > 0:
            return "word2vec-binary"
    elif _is_text_row(first):
        return "glove-text"
    raise FormatError(path, "not a recognised vector file (word2vec text/binary, GloVe or native)")


def _is_text_row(raw):
    """Does ``raw`` (one line) read as a word followed by at least one number?"""
    try:
        fields = raw.decode("utf-8").rstrip().split(" ")
    except UnicodeDecodeError:
        return False
    if len(fields) < 2 or not fields[0]:
        return False
    for value in fields[1:]:
        if not value.isascii() or "_" in value:
            return False
        try:
            float(value)
        except ValueError:
            return False
    return True
