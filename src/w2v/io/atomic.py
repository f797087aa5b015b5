"""atomic_write: a file appears complete under its name, or not at all.

Where it writes. A path that is a symbolic link is written through: the
link's final target gets the new contents and the link stays a link (as
an ordinary ``open(path, "w")`` would do). A path that exists but is not a
regular file (a folder, a device such as /dev/null, a FIFO, a socket) is
refused with :class:`NotARegularFile`: an atomic save replaces the file by
renaming, which would put a regular file where the device or pipe was.

Leftovers. The temporary file is named ``.NAME.PID.XXXXXX.tmp`` beside the
target. An exception, Ctrl-C or a full disk removes it; a process killed
outright (SIGKILL, power loss) cannot, so every later save to the same
target first removes the temporary files of processes that no longer run.

Errors. An OSError while writing names the target, never the temporary
file, so a full disk reads ``model.w2v: No space left on device``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile


class NotARegularFile(ValueError):
    """The output path exists but is a folder, a device, a FIFO or a socket."""


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


def _kind(mode):
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def resolve_output(path):
    """The file an atomic save of ``path`` writes: symlinks followed to their final target.

    Raises NotARegularFile if that exists and is not a regular file.
    """
    path = os.fspath(path)
    target = os.path.realpath(path)
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return target
    except OSError:
        return target  # unreadable: the write itself will say why
    if not stat.S_ISREG(mode):
        raise NotARegularFile(f"{path} is {_kind(mode)}, not a regular file; w2v writes files only")
    return target


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def remove_stale_temporaries(target):
    """Remove ``.NAME.PID.*.tmp`` files beside ``target`` left by processes that no longer run."""
    folder, name = os.path.split(target)
    # exactly what atomic_write names its files: the 8 characters tempfile draws hold no dot
    pattern = re.compile(r"\." + re.escape(name) + r"\.(\d+)\.[a-z0-9_]{8}\.tmp\Z")
    try:
        entries = os.listdir(folder or ".")
    except OSError:
        return
    for entry in entries:
        m = pattern.match(entry)
        if m and int(m.group(1)) != os.getpid() and not _pid_alive(int(m.group(1))):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, entry))


def _naming(exc, path):
    """The same OSError, naming ``path`` (the target) instead of the temporary file."""
    if exc.errno is None:
        return exc
    renamed = type(exc)(exc.errno, exc.strerror or os.strerror(exc.errno), os.fspath(path))
    return renamed


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
    target = resolve_output(path)
    folder = os.path.dirname(target)
    remove_stale_temporaries(target)
    try:
        # delete=False: the file is renamed, not deleted, on success; cleanup on failure is below.
        f = tempfile.NamedTemporaryFile(  # closed by the with block below
            mode=mode,
            dir=folder,
            prefix=f".{os.path.basename(target)}.{os.getpid()}.",
            suffix=".tmp",
            delete=False,
            **({"encoding": "utf-8", "newline": "\n"} if mode == "w" else {}),
        )
    except OSError as exc:
        raise _naming(exc, path) from None
    tmp = f.name
    try:
        with f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if exc.filename in (tmp, None) or exc.errno == errno.ENOSPC:
            raise _naming(exc, path) from None
        raise
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)
