"""FormatError: the one exception for a file whose content w2v cannot read."""

from __future__ import annotations

import os


class FormatError(ValueError):
    """A vector or model file's content is damaged, truncated or not in the expected format.

    One class for every content problem, so callers can tell "this file is
    bad" (FormatError) from "this file is missing or unreadable" (OSError)
    with a single ``except``. It subclasses ValueError because a bad file is
    a bad value handed to the loader. The message always starts with the
    file's name, then the place (a 1-based ``line`` for text formats, a
    0-based ``row`` and byte offset for binary ones) when there is one.
    """

    def __init__(self, path, what, *, line=None, row=None, offset=None):
        self.path = os.fspath(path) if isinstance(path, (str, bytes, os.PathLike)) else str(path)
        self.what = what
        self.line = line
        self.row = row
        self.offset = offset
        if line is not None:
            message = f"{self.path}: line {line}: {what}"
        elif row is not None:
            message = f"{self.path}: row {row} (byte {offset}): {what}"
        else:
            message = f"{self.path}: {what}"
        super().__init__(message)

    def __reduce__(self):
        # The default pickling would call FormatError(message), losing the fields (and failing,
        # since ``what`` is required positionally after ``path``); multiprocessing needs this.
        return (
            _rebuild,
            (self.path, self.what, self.line, self.row, self.offset),
        )


def _rebuild(path, what, line, row, offset):
    return FormatError(path, what, line=line, row=row, offset=offset)
