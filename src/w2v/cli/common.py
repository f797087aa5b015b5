"""What every ``w2v`` command shares: one-line errors, output checks, loading, JSON."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from ..io.atomic import NotARegularFile, resolve_output


class UserError(Exception):
    """A mistake the user can fix: reported as one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (plus where to look), exit status 2, and no
    abbreviated options (``--cbow 0`` is not taken for ``--cbow-mean 0``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)  # subparsers are made with this class too
        super().__init__(*args, **kwargs)

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


_PARAM_MESSAGE = re.compile(r"^([a-z_]+)=(\S+) is invalid")


def as_flags(message, flag_of=None):
    """A parameter error from the estimator ("window=0 is invalid: ...") as the user typed it on
    the command line: "--window 0 is invalid: ..." (``flag_of`` names another command's flag)."""
    flag_of = flag_of or (lambda name: "--" + name.replace("_", "-"))
    return _PARAM_MESSAGE.sub(lambda m: f"{flag_of(m.group(1))} {m.group(2)} is invalid", message)


def one_line(exc):
    """The message for an error a user can cause, on one line."""
    if isinstance(exc, KeyError):
        message = exc.args[0] if exc.args else "unknown key"
    elif isinstance(exc, OSError) and exc.filename is not None:
        what = {
            FileNotFoundError: "no such file or folder",
            PermissionError: "permission denied",
            IsADirectoryError: "is a folder, not a file",
            NotADirectoryError: "a part of the path is not a folder",
        }.get(type(exc), exc.strerror or str(exc))
        message = f"{exc.filename}: {what}"
    else:
        message = as_flags(str(exc) or type(exc).__name__)
    return " ".join(str(message).split())


def check_output(path, what="output"):
    """Fail early (before any training) if ``path`` cannot be written: a folder, a device,
    a FIFO, a missing or unwritable folder. A symlink is written through to its target."""
    path = Path(path)
    try:
        resolve_output(path)
    except NotARegularFile as e:
        raise UserError(f"the {what} {e}") from None
    parent = Path(os.path.realpath(path)).parent
    if not parent.is_dir():
        raise UserError(f"cannot write the {what} {path}: the folder {path.parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UserError(f"cannot write the {what} {path}: the folder {parent} is not writable")
    return path


def _same_or_inside(out, other):
    """ "is" if output ``out`` is the file ``other`` (through symbolic or hard links), "is inside"
    if it lies inside folder ``other``, else None."""
    out_real, other_real = os.path.realpath(out), os.path.realpath(other)
    try:
        if out_real == other_real or os.path.samefile(out_real, other_real):
            return "is"
    except OSError:
        pass
    return "is inside" if out_real.startswith(other_real.rstrip(os.sep) + os.sep) else None


def check_outputs(outputs, inputs=()):
    """One check for every command that writes: each ``(what, path)`` in ``outputs`` can be
    written (``check_output``), no two outputs are the same file, and no output is one of
    the ``inputs`` (``(what, path)``; a folder input also covers every file inside it).
    Returns the output paths, in order."""
    checked = []
    for what, path in outputs:
        checked.append(check_output(path, what))
        for other_what, other in outputs[: len(checked) - 1]:
            if _same_or_inside(path, other):
                raise UserError(f"the {what} and the {other_what} are the same file ({path}); give two names")
        for in_what, in_path in inputs:
            where = None if in_path is None else _same_or_inside(path, in_path)
            if where:
                raise UserError(
                    f"the {what} {path} {where} the {in_what}; it would be overwritten: give another name"
                )
    return checked


def check_input(path):
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path}: no such file")
    if path.is_dir():
        raise UserError(f"{path} is a folder; give a model or vectors file")
    if not os.access(path, os.R_OK):
        raise UserError(f"{path}: permission denied")
    return path


def load_vectors(path):
    """KeyedVectors from any file w2v reads (a model gives its word vectors)."""
    from ..vectors import KeyedVectors

    return KeyedVectors.load(check_input(path))


def print_json(obj):
    json.dump(obj, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def add_json_flag(parser):
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def add_common_flags(parser):
    """--quiet and --debug after the command too (``w2v train ... --quiet``)."""
    parser.add_argument(
        "--quiet", "-q", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def add_reading_flags(parser):
    """--lowercase and --tokenizer: how a corpus file's lines become tokens."""
    group = parser.add_argument_group("reading the corpus (files; built-in corpora are read their own way)")
    group.add_argument("--lowercase", action="store_true", help="fold the text to lower case")
    group.add_argument(
        "--tokenizer",
        default="whitespace",
        metavar="NAME_OR_REGEX",
        help="whitespace (default: tokens are what spaces separate, as word2vec.c and gensim's "
        "LineSentence), "
        "simple (words of letters and digits, inner apostrophes kept: how the shipped corpora are read), "
        "or a regular expression whose matches are the tokens",
    )


class spooled_stdin:
    """``-`` as a corpus: standard input copied to a temporary file (a corpus is read more than
    once), removed afterwards. Use as a context manager giving the path to read."""

    def __init__(self, spec):
        self.spec, self.path = spec, None

    def __enter__(self):
        import shutil
        import tempfile

        if self.spec != "-":
            return self.spec
        with tempfile.NamedTemporaryFile("wb", prefix="w2v-stdin-", suffix=".txt", delete=False) as f:
            self.path = f.name
            try:
                shutil.copyfileobj(sys.stdin.buffer, f, 1 << 20)
            except BaseException:  # Ctrl-C or a full disk while copying: leave nothing behind
                f.close()
                os.unlink(self.path)
                raise
        return self.path

    def __exit__(self, *exc):
        if self.path:
            os.unlink(self.path)
