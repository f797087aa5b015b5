"""Opening files: compression by suffix (for the loaders and the corpus readers alike), whole-file
buffers, damaged-stream errors."""

from __future__ import annotations

import bz2
import contextlib
import gzip
import mmap
import os
import zlib

from .errors import FormatError


def compression(path):
    """ "gz", "bz2" or None, from the file name (as gensim and word2vec users name such files)."""
    name = os.fspath(path)
    name = name.decode(errors="replace") if isinstance(name, bytes) else name
    name = name.lower()
    if name.endswith(".gz"):
        return "gz"
    if name.endswith(".bz2"):
        return "bz2"
    return None


_OPENERS = {"gz": gzip.open, "bz2": bz2.open}


def open_compressed(path, mode="rb", **kwargs):
    """``open(path, mode, **kwargs)``, decompressing (or compressing) when the name ends in .gz or
    .bz2 (any case). Text modes take ``encoding`` and ``errors`` as ``open`` does."""
    return _OPENERS.get(compression(path), open)(path, mode, **kwargs)


@contextlib.contextmanager
def open_for_reading(path):
    """A binary file object over the file's (decompressed) bytes.

    Opening may raise the usual OSError (missing file, no permission): that is
    not a content problem. Damage found while decompressing becomes a
    FormatError; the decompressors report it as EOFError, zlib.error or an
    OSError without an errno (BadGzipFile, bz2's "Invalid data stream"),
    whereas a real I/O failure carries an errno and passes through.
    """
    kind = compression(path)
    with open_compressed(path, "rb") as stream:
        if kind is None:
            yield stream
            return
        try:
            yield stream
        except (EOFError, zlib.error) as exc:
            raise FormatError(path, f"damaged {kind} data ({exc})") from None
        except OSError as exc:
            if exc.errno is not None:
                raise
            raise FormatError(path, f"damaged {kind} data ({exc})") from None


@contextlib.contextmanager
def whole_file(path):
    """The file's bytes as one buffer: a read-only mmap for plain files, bytes when compressed.

    The mmap keeps a 3 GB vector file out of the process's own memory while
    the loader copies the vectors out of it.
    """
    if compression(path) is not None:
        with open_for_reading(path) as f:
            yield f.read()
        return
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size == 0:
            yield b""
            return
        buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    try:
        yield buf
    finally:
        try:
            buf.close()
        except BufferError:
            # A traceback on its way up still holds a numpy view of the map; the map is
            # released when that view goes. Closing is only an optimisation here.
            pass


def open_for_writing(path, raw):
    """Wrap ``raw`` (the atomic temporary file) in a compressor chosen by ``path``'s suffix, or not."""
    kind = compression(path)
    if kind == "gz":
        # mtime=0 and an explicit name: the same vectors always give the same bytes, and the
        # name stored in the gzip header is not the temporary file's.
        name = os.path.basename(os.fspath(path))
        return gzip.GzipFile(filename=name, mode="wb", fileobj=raw, compresslevel=6, mtime=0)
    if kind == "bz2":
        return bz2.BZ2File(raw, "wb")
    return contextlib.nullcontext(raw)
