"""Corpora by name: the ones that ship with w2v, and text8, downloaded once into a cache.

``resolve_corpus("moby-dick")`` (or ``"sotu"``, ``"text8"``, or a path)
gives a corpus object ready for ``Word2Vec.fit``.

Downloads go to ``$W2V_CACHE_DIR``, else ``$XDG_CACHE_HOME/w2v``, else
``~/.cache/w2v``. A download streams into a temporary file in that folder
and is renamed into place only once complete and verified (its size, its
sha256 when the registry knows it, and for a zip the member it must hold),
so an interrupted or corrupted download is never used. The sha256 of every file fetched is written next to
it (``NAME.sha256``) and checked on each later use, so a cache file damaged
afterwards is noticed too.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .corpus import BUILTIN_CORPORA, BuiltinCorpus, TextCorpus
from .io import atomic_write

logger = logging.getLogger("w2v")


class DownloadError(Exception):
    """A corpus could not be fetched or failed verification."""


@dataclass(frozen=True)
class Remote:
    """A corpus file fetched from ``url`` on first use."""

    name: str
    url: str
    filename: str
    size: int | None = None  # bytes, checked when known
    sha256: str | None = None  # checked when known
    about: str = ""
    zip_member: tuple | None = None  # (name, uncompressed bytes) the zip must hold, checked when given


REMOTE = {
    # text8: the first 10^8 characters of a cleaned English Wikipedia dump (Matt Mahoney), one
    # line of 17M words. Its published size is pinned; w2v could not obtain a published sha256,
    # so the sha256 is recorded at first download and checked on every later use.
    "text8": Remote(
        "text8",
        os.environ.get("W2V_TEXT8_URL", "http://mattmahoney.net/dc/text8.zip"),
        "text8.zip",
        size=31_344_016,
        about="17M words of English Wikipedia (about 31 MB to download)",
        zip_member=("text8", 100_000_000),
    ),
}


def known_corpora():
    return sorted(BUILTIN_CORPORA) + sorted(REMOTE)


def cache_dir():
    if os.environ.get("W2V_CACHE_DIR"):
        return Path(os.environ["W2V_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "w2v"


def resolve_corpus(spec, *, progress=True, **reading):
    """A corpus object for a path (file or folder) or the name of a known corpus. ``reading``
    (``lowercase``, ``tokenizer``) applies to files; the built-in corpora are read their own way
    (lower-cased, the "simple" tokenizer)."""
    spec = os.fspath(spec)
    if spec in BUILTIN_CORPORA:
        return BuiltinCorpus(spec)
    if spec in REMOTE and not os.path.exists(spec):
        return TextCorpus(fetch(REMOTE[spec], progress=progress), **reading)
    if os.path.exists(spec):
        return TextCorpus(spec, **reading)
    raise FileNotFoundError(
        f"corpus {spec!r} is neither a file or folder nor a known corpus ({', '.join(known_corpora())})"
    )


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def fetch(remote, *, folder=None, progress=True, timeout=30):
    """The local path of ``remote``, downloading and verifying it first if needed."""
    folder = Path(folder) if folder is not None else cache_dir()
    path = folder / remote.filename
    record = folder / (remote.filename + ".sha256")
    if path.exists():
        want = remote.sha256 or (record.read_text().strip() if record.exists() else None)
        got = _sha256(path)
        if want and got != want:
            raise DownloadError(
                f"the cached {path} is damaged (sha256 {got[:12]}..., expected {want[:12]}...); "
                "delete it and run again to download it afresh"
            )
        return path
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DownloadError(f"cannot create the cache folder {folder}: {e.strerror or e}") from None
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(remote.url, timeout=timeout) as response, atomic_write(path) as out:
            logger.info("downloading %s (%s) from %s into %s", remote.name, remote.about, remote.url, folder)
            total = int(response.headers.get("Content-Length") or 0) or remote.size
            done, shown = 0, 0.0
            while block := response.read(1 << 16):
                out.write(block)
                digest.update(block)
                done += len(block)
                if progress and time.monotonic() - shown > 0.25:
                    shown = time.monotonic()
                    _show(remote.name, done, total)
            if progress:
                _show(remote.name, done, total, end=True)
            out.flush()
            _verify(remote, done, digest.hexdigest(), out.name)
    except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
        reason = getattr(e, "reason", None) or e
        raise DownloadError(
            f"cannot download {remote.name} from {remote.url} ({reason}); check the network connection, "
            f"or download the file yourself and pass its path instead of the name {remote.name!r}"
        ) from None
    record.write_text(digest.hexdigest() + "\n")
    logger.info("%s: %d bytes, sha256 %s", path, path.stat().st_size, digest.hexdigest())
    return path


def _verify(remote, size, sha256, written):
    if remote.size is not None and size != remote.size:
        raise DownloadError(
            f"the download of {remote.name} from {remote.url} has {size} bytes, expected {remote.size}; "
            "try again later"
        )
    if remote.sha256 is not None and sha256 != remote.sha256:
        raise DownloadError(
            f"the download of {remote.name} from {remote.url} failed verification (sha256 {sha256[:12]}..., "
            f"expected {remote.sha256[:12]}...); it was not kept"
        )
    if remote.zip_member is not None:
        name, length = remote.zip_member
        try:
            with zipfile.ZipFile(written) as z:
                found = z.getinfo(name).file_size
        except (zipfile.BadZipFile, KeyError, OSError):
            found = None
        if found != length:
            raise DownloadError(
                f"the download of {remote.name} from {remote.url} is not a zip holding {name!r} of "
                f"{length} bytes; it was not kept"
            )


def _show(name, done, total, end=False):
    stream = sys.stderr
    if total:
        text = f"downloading {name}: {done / 1e6:6.1f} / {total / 1e6:.1f} MB ({100 * done / total:5.1f}%)"
    else:
        text = f"downloading {name}: {done / 1e6:6.1f} MB"
    if getattr(stream, "isatty", lambda: False)():
        stream.write("\r" + text + ("\n" if end else ""))
        stream.flush()
    elif end:
        logger.info(text)
