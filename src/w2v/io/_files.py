"""Opening files: compression by suffix (for the loaders and the corpus readers alike), and telling
damaged compressed data from failed reads."""

from __future__ import annotations

import bz2
import contextlib
import errno
import gzip
import lzma
import os
import zipfile
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


# What the decompressors (gzip, bz2, the zip module's deflate, bzip2 and lzma) raise for damaged or
# truncated data; bz2 and gzip also raise an OSError without an errno (see ``is_damage``).
DAMAGE_ERRORS = (EOFError, zlib.error, lzma.LZMAError, zipfile.BadZipFile)


def is_damage(exc):
    """Does ``exc``, raised while reading a file, say that its (compressed) content is damaged?

    EOFError (a truncated stream), zlib/lzma errors, BadZipFile, an OSError
    without an errno (gzip's BadGzipFile, bz2's "Invalid data stream") and
    EINVAL (a seek to a negative offset read from a damaged zip directory)
    are damage; an OSError with another errno is a real I/O failure.
    """
    if isinstance(exc, DAMAGE_ERRORS):
        return True
    return isinstance(exc, OSError) and exc.errno in (None, errno.EINVAL)


@contextlib.contextmanager
def open_for_reading(path):
    """A binary file object over the file's (decompressed) bytes.

    Opening may raise the usual OSError (missing file, no permission): that is
    not a content problem. Damage found while decompressing (``is_damage``)
    becomes a FormatError naming the file; a real I/O failure passes through.
    """
    kind = compression(path)
    with open_compressed(path, "rb") as stream:
        if kind is None:
            yield stream
            return
        try:
            yield stream
        except (OSError, *DAMAGE_ERRORS) as exc:
            if not is_damage(exc):
                raise
            raise FormatError(path, f"damaged or truncated {kind} data ({exc})") from None


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
