"""atomic_write: a file appears complete under its name, or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile


def _umask():
    """The process umask, read without changing it where the platform allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    # Elsewhere the only way to read it is to set it; put it straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_folder(folder):
    """Make the rename durable; best effort, since not every platform/file system allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_write(path, mode="wb"):
    """Write ``path`` through a temporary file in the same folder, renamed over it at the end.

    A crash, a full disk or an exception inside the ``with`` block leaves
    the old file (if any) byte for byte as it was, and no temporary file
    behind. The temporary file lives in the target's folder because
    ``os.replace`` is only atomic within one file system. Readers that
    memory-mapped the old file keep a valid mapping: the rename gives the
    path a new inode and the old one lives on until they unmap it.

    ``mode`` is "wb" (a binary file object) or "w" (text, UTF-8, "\\n" line
    ends on every platform). The new file gets the permissions an ordinary
    ``open`` would give it (0o666 less the umask), not tempfile's 0o600.
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_write mode must be 'wb' or 'w', not {mode!r}")
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    # delete=False: the file is renamed, not deleted, on success; cleanup on failure is below.
    f = tempfile.NamedTemporaryFile(  # closed by the with block below
        mode=mode,
        dir=folder,
        prefix=f".{os.path.basename(path)}.",
        suffix=".tmp",
        delete=False,
        **({"encoding": "utf-8", "newline": "\n"} if mode == "w" else {}),
    )
    tmp = f.name
    try:
        with f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)
