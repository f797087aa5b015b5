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

Memory stays bounded by the vectors read, whatever else a file holds: every
reader reads in pieces of at most 1 MiB. A text row (or a GloVe line) longer
than 1 MiB is a FormatError naming the line (that is d of about 50,000 at
20 characters a value); so is a binary word with no space within 1 MiB.
Whitespace after the rows (spaces, blank lines, however many) is read a
chunk at a time and accepted; anything else after the rows a header
promises, or any row after a blank line, is a FormatError.
"""

from __future__ import annotations

import logging
import numbers
import os
import re
import shutil

import numpy as np

from ._files import compression, open_for_reading, open_for_writing
from .atomic import atomic_write
from .errors import FormatError
from .native import MAGIC

logger = logging.getLogger("w2v")

_UNWRITABLE = " \t\n\r\v\f\0"  # characters a word2vec-format word cannot hold
_BOM = b"\xef\xbb\xbf"
_MAX_HEADER = 1024  # bytes; a header line is two numbers
_TEXT_CHUNK = 4096  # rows converted to float32 at a time (one numpy call per chunk)
_SNIFF_BYTES = 1 << 20  # enough for the header and a first row of any sensible dimension
_MAX_LINE = 1 << 20  # bytes of a text row (d = 50,000 at 20 bytes a value) or of a binary word
_READ_CHUNK = 1 << 20  # bytes read at a time where a file's length is not bounded by its rows
_MAX_DIMENSION = (1 << 31) - 1  # beyond any real vectors (NumPy refuses some larger shapes)
_BLOCK_BYTES = 64 << 20  # binary rows are gathered in arrays of this size when N is not trusted
_NOT_NEWLINE = re.compile(rb"[^\n]")


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


def check_writable_words(keys):
    """Raise (TypeError/ValueError naming the first) if a word cannot be written in word2vec formats."""
    _check_keys(list(keys))


def save_word2vec_format(path, keys, vectors, *, binary=False, header=True, count=None, append=False):
    """Write ``keys`` and their ``vectors`` (N, d) in word2vec.c's text or binary format.

    Text floats are written with 9 significant digits, enough for every
    float32 to read back bit for bit. ``header=False`` writes GloVe-style
    text (binary files always have a header: the reader needs ``d`` to know
    where a row ends). A name ending in ``.gz`` or ``.bz2`` is compressed.
    The file is written through ``atomic_write``: readers never see half of it.

    ``count`` is the header's word count (default N: gensim's ``total_vec``,
    for a file that more rows will be appended to). ``append=True`` adds the
    rows after an existing file's bytes (a new compressed stream for
    .gz/.bz2), still atomically; only then may a binary part have no header.
    """
    keys = list(keys)
    vectors = np.asarray(vectors)
    if vectors.ndim != 2 or vectors.shape[0] != len(keys):
        raise ValueError(f"vectors of shape {vectors.shape} do not match {len(keys)} words")
    if vectors.shape[1] < 1:
        raise ValueError("vectors need at least one dimension")
    if binary and not header and not append:
        raise ValueError("word2vec.c's binary format always has a header (header=False is text only)")
    if count is not None and (not isinstance(count, numbers.Integral) or count < 0):
        raise ValueError(f"count must be a whole number >= 0, not {count!r}")
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
    with atomic_write(path, "wb") as raw:
        if append:
            _copy_existing(path, raw)
        with open_for_writing(path, raw) as f:
            if header:
                f.write(f"{n if count is None else int(count)} {d}\n".encode("ascii"))
            if binary:
                _write_binary_rows(f, keys, vectors)
            else:
                _write_text_rows(f, keys, vectors)


def _copy_existing(path, raw):
    """Copy the bytes of the file at ``path`` (if there is one) to ``raw``, for an atomic append."""
    try:
        with open(path, "rb") as old:
            shutil.copyfileobj(old, raw, _READ_CHUNK)
    except FileNotFoundError:
        pass


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
    looked at). ``.gz`` and ``.bz2`` files are decompressed on the fly, and
    damaged or truncated compressed data is a FormatError too. Buffers are
    bounded (see the module's notes): a blank tail is fine however long.
    A word that appears again is dropped (its first row is kept) with a
    warning on the "w2v" logger, as gensim does, rather than failing on
    files that real tools have written.
    """
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be None or >= 0, not {limit}")
    if binary and no_header:
        raise ValueError("binary files always have a header (no_header=True is for text)")
    with open_for_reading(path) as f:
        if binary:
            size = None if compression(path) else os.fstat(f.fileno()).st_size
            keys, vectors = _read_binary(path, f, limit, encoding, unicode_errors, size)
        else:
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
    if not 1 <= d <= _MAX_DIMENSION:
        raise FormatError(
            path, f"header gives dimension {d}; it must be between 1 and {_MAX_DIMENSION:,}", line=1
        )
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


def _read_line(path, f, lineno):
    """The next line of ``f`` as bytes (b"" at the end of the file), at most ``_MAX_LINE`` of them.

    A longer line is refused unless what was read of it is whitespace: then it is a blank line,
    returned cut short (without its newline), and the caller reads the rest with ``_rest_is_blank``
    as it does after any blank line.
    """
    raw = f.readline(_MAX_LINE)
    if len(raw) == _MAX_LINE and not raw.endswith(b"\n") and raw.strip():
        raise FormatError(
            path, f"line longer than {_MAX_LINE:,} bytes; no row of a vector file is that long", line=lineno
        )
    return raw


def _rest_is_blank(path, f, lineno, ended, what, error_line=None):
    """Read the rest of ``f`` in bounded chunks, however long it is: only ASCII whitespace may follow.

    ``lineno`` lines were read so far, the last one ending with a newline if ``ended``. Anything
    else than whitespace raises FormatError ``what`` at ``error_line``, or else at the line of the
    first such byte. Returns the number of lines of the file.
    """
    next_line = lineno + 1 if ended else lineno  # the line the next byte is on
    while chunk := f.read(_READ_CHUNK):
        rest = chunk.lstrip()
        if rest:
            where = next_line + chunk.count(b"\n", 0, len(chunk) - len(rest))
            raise FormatError(path, what, line=error_line or where)
        next_line += chunk.count(b"\n")
        ended = chunk.endswith(b"\n")
    return next_line - 1 if ended else next_line


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
    while expected is None or len(keys) < expected:
        raw = _read_line(path, f, lineno + 1)
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
        if not line:  # blank lines may end the file; no row may follow them
            ended = raw.endswith(b"\n")
            lineno = _rest_is_blank(path, f, lineno, ended, "blank line between rows", error_line=lineno)
            break
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
        what = f"data after the {len(keys)} rows the header promises"
        _rest_is_blank(path, f, lineno, True, what)
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


class _Window:
    """Bounded look-ahead over a binary stream: what has been read but not consumed, at most a
    chunk plus one word, whatever the file holds (runs of newlines, endless words, a long tail)."""

    def __init__(self, f, offset):
        self.f = f
        self.buf = b""
        self.view = memoryview(self.buf)
        self.pos = 0  # the next unconsumed byte of buf
        self.base = offset  # the file offset of buf[0]

    @property
    def offset(self):
        return self.base + self.pos

    def more(self):
        """Drop the consumed bytes and read another chunk; False at the end of the file."""
        data = self.f.read(_READ_CHUNK)
        if not data:
            return False
        self.base += self.pos
        self.buf = self.buf[self.pos :] + data
        self.view = memoryview(self.buf)
        self.pos = 0
        return True

    def skip_newlines(self):
        """Skip b"\\n"s (word2vec.c ends rows with one); False if the file ends first."""
        while True:
            if self.pos < len(self.buf):
                if self.buf[self.pos] != 10:
                    return True
                found = _NOT_NEWLINE.search(self.buf, self.pos)
                if found:
                    self.pos = found.start()
                    return True
                self.pos = len(self.buf)
            if not self.more():
                return False

    def find(self, byte, within):
        """The index in ``buf`` of the next ``byte`` among the next ``within`` bytes, or -1."""
        while True:
            found = self.buf.find(byte, self.pos, self.pos + within)
            if found >= 0 or len(self.buf) - self.pos >= within or not self.more():
                return found

    def read_into(self, target):
        """Fill the memoryview ``target`` (from the window, then straight from the file);
        returns how many bytes it got (fewer only at the end of the file)."""
        size = len(target)
        take = min(size, len(self.buf) - self.pos)
        target[:take] = self.view[self.pos : self.pos + take]
        self.pos += take
        done = take
        while done < size:
            got = self.f.readinto(target[done:])
            if not got:
                break
            done += got
            self.base += got  # read past the (now empty) window
        return done

    def read(self, size):
        """Up to ``size`` bytes (fewer only at the end of the file), read a chunk at a time, so
        that memory grows with what the file holds rather than with what it claims."""
        parts, have = [], 0
        while have < size:
            if self.pos == len(self.buf) and not self.more():
                break
            part = self.buf[self.pos : self.pos + size - have]
            self.pos += len(part)
            parts.append(part)
            have += len(part)
        return b"".join(parts)

    def rest(self):
        """The unconsumed bytes, then the rest of the file, a chunk at a time: (offset, chunk)."""
        if self.pos < len(self.buf):
            yield self.offset, self.buf[self.pos :]
        offset = self.base + len(self.buf)
        while data := self.f.read(_READ_CHUNK):
            yield offset, data
            offset += len(data)


def _read_binary(path, f, limit, encoding, errors, size=None):
    """Rows of a binary file read from ``f`` with bounded buffers; ``size`` (bytes) if known."""
    head = f.readline(_MAX_HEADER)
    if not head.endswith(b"\n"):
        what = "empty file" if not head else "no header line"
        raise FormatError(path, f"{what}: a binary word2vec file starts with 'count dimension'", line=1)
    n, d = _parse_header(path, head[:-1])
    count = n if limit is None else min(n, limit)
    row_bytes = 4 * d
    if size is not None and count * row_bytes <= size:
        per_block = count  # one array, filled in place: no copy at the end
    else:  # the header may promise more than the file holds: grow in blocks of ~64 MB
        per_block = max(1, min(count, _BLOCK_BYTES // row_bytes))
    window = _Window(f, len(head))
    keys, starts = [], []  # word and byte offset of each row's vector
    blocks, block_bytes, filled = [], None, 0  # arrays of rows; the last one's bytes and rows filled
    for row in range(count):
        buf, pos = window.buf, window.pos
        if pos < len(buf) and buf[pos] == 10:  # the usual one newline ending the previous row
            pos += 1
        space = buf.find(b" ", pos, pos + _MAX_LINE + 1)
        if space <= pos or buf[pos] == 10:  # not the simple case: let the window work it out
            window.pos = pos
            if not window.skip_newlines():
                what = f"file ends after {row} rows; the header promises {n}"
                raise FormatError(path, what, row=row, offset=window.offset)
            space = window.find(b" ", _MAX_LINE + 1)
            buf, pos = window.buf, window.pos
        if space < 0:
            if len(buf) - pos > _MAX_LINE:
                what = f"no space in {_MAX_LINE:,} bytes: a word is never that long (rows out of step?)"
            else:
                what = "file ends inside a word"
            raise FormatError(path, what, row=row, offset=window.base + pos)
        word = buf[pos:space]
        if not word or b"\n" in word:
            what = "empty word" if not word else "word contains a newline (rows out of step?)"
            raise FormatError(path, what, row=row, offset=window.base + pos)
        try:
            keys.append(word.decode(encoding, errors))
        except UnicodeDecodeError as exc:
            raise FormatError(
                path, f"invalid {encoding} in the word ({exc.reason})", row=row, offset=window.base + pos
            ) from None
        window.pos = space + 1
        start = window.offset
        if size is not None and start + row_bytes > size:  # (before allocating for a huge d)
            got = size - start
        elif row_bytes > _BLOCK_BYTES:  # one row is a block, read as the file delivers it
            data = window.read(row_bytes)
            got = len(data)
            blocks.append(np.frombuffer(data, dtype="<f4").reshape(-1, d))  # (1, d) when whole
        else:
            if not blocks or filled == len(blocks[-1]):
                blocks.append(np.empty((min(per_block, count - row), d), dtype="<f4"))  # (rows, d)
                block_bytes, filled = memoryview(blocks[-1].reshape(-1).view(np.uint8)), 0
            got = window.read_into(block_bytes[filled * row_bytes : (filled + 1) * row_bytes])
            filled += 1
        if got < row_bytes:
            raise FormatError(
                path, f"file ends inside the vector ({got} of {row_bytes} bytes)", row=row, offset=start
            )
        starts.append(start)
    if count == n:  # all the promised rows were read, so only blank space may follow
        for offset, chunk in window.rest():
            rest = chunk.lstrip()
            if rest:
                offset += len(chunk) - len(rest)
                raise FormatError(path, f"data after the {n} rows the header promises", row=n, offset=offset)
    if len(blocks) == 1:
        vectors = blocks[0]
    else:
        vectors = np.concatenate(blocks) if blocks else np.empty((0, d), dtype="<f4")
    vectors = vectors.astype(np.float32, copy=False)  # (N, d), native byte order
    finite = np.isfinite(vectors)
    if not finite.all():
        r, c = (int(i) for i in np.argwhere(~finite)[0])
        raise FormatError(
            path, f"value {vectors[r, c]} of word {keys[r]!r} is not finite", row=r, offset=starts[r] + 4 * c
        )
    return keys, vectors


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
