"""ctypes binding of the compiled vocabulary pass (``_scan.c``): tokenise, count and encode text.

:class:`Scanner` is fed raw UTF-8 chunks of one document after another and keeps the words (in
order of first appearance, as bytes), their counts, and the pieces it has read; each
:meth:`Scanner.feed` returns the ids of the tokens it stored and the ends of the pieces it
finished, as arrays. The rules (what whitespace is, how lines are cut, which pieces are stored)
are those of ``w2v.corpus.TextCorpus`` and documented in ``_scan.c``; decoding the words and
handling invalid UTF-8 is the caller's (:mod:`w2v.text_scan`).

It lives in the kernel's library (:func:`w2v.engine.kernel.library`); a library built without
it raises KernelUnavailable.
"""

from __future__ import annotations

import ctypes

import numpy as np

from . import kernel

_i32 = np.ctypeslib.ndpointer(np.int32, flags="C_CONTIGUOUS")
_i64 = np.ctypeslib.ndpointer(np.int64, flags="C_CONTIGUOUS")
_u8 = np.ctypeslib.ndpointer(np.uint8, flags="C_CONTIGUOUS")

ERR_MEMORY, ERR_LONG_TOKEN, ERR_ARGUMENT = -1, -2, -3  # the SCAN_ERR_* codes of _scan.c


class ScanError(Exception):
    """The scanner stopped: ``code`` is one of ERR_MEMORY, ERR_LONG_TOKEN, ERR_ARGUMENT."""

    def __init__(self, code):
        super().__init__({ERR_MEMORY: "out of memory", ERR_LONG_TOKEN: "a token is too long"}.get(code, code))
        self.code = code


SIGNATURES = {
    "w2v_scanner_new": ([ctypes.c_int64, ctypes.c_int64, ctypes.c_int64], ctypes.c_void_p),
    "w2v_scanner_free": ([ctypes.c_void_p], None),
    "w2v_scanner_feed": (
        [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int64, ctypes.c_int32, _i32]
        + [ctypes.POINTER(ctypes.c_int64), _i64, ctypes.POINTER(ctypes.c_int64)],
        ctypes.c_int64,
    ),
    "w2v_scanner_sizes": ([ctypes.c_void_p, _i64], None),
    "w2v_scanner_export": ([ctypes.c_void_p, _u8, _i64], None),
}


def _library():
    return kernel.declare("w2v_scanner_new", SIGNATURES, "the vocabulary scanner")


def available():
    """True if the compiled scanner can be used here."""
    try:
        _library()
    except kernel.KernelUnavailable:
        return False
    return True


class Scanner:
    """One vocabulary pass. ``limit1``: the corpus' max_sentence_length (lines are cut into
    pieces of at most that many tokens); ``limit2``: the model's (each piece cut again);
    ``max_token``: the most characters an unfinished token may hold at the end of a chunk."""

    def __init__(self, limit1, limit2, max_token):
        self._lib = _library()
        self._handle = self._lib.w2v_scanner_new(int(limit1), int(limit2), int(max_token))
        if not self._handle:
            raise ScanError(ERR_MEMORY)
        self._ids = np.empty(0, np.int32)
        self._ends = np.empty(0, np.int64)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self._handle:
            self._lib.w2v_scanner_free(self._handle)
            self._handle = None

    def __del__(self):
        self.close()

    def feed(self, data, final=False):
        """Read ``data`` (bytes: whole UTF-8 characters); ``final`` ends the document. Returns
        ``(ids, ends)``: views, valid until the next call, of the stored tokens' ids (int32) and
        the finished stored pieces' ends (int64, counted from the first token stored)."""
        if len(self._ids) < len(data) + 2:
            self._ids = np.empty(len(data) + 2, np.int32)
            self._ends = np.empty(len(data) + 2, np.int64)
        n_ids, n_ends = ctypes.c_int64(), ctypes.c_int64()
        lib, ids, ends = self._lib, self._ids, self._ends
        code = lib.w2v_scanner_feed(
            self._handle, data, len(data), int(final), ids, ctypes.byref(n_ids), ends, ctypes.byref(n_ends)
        )
        if code:
            raise ScanError(int(code))
        return self._ids[: n_ids.value], self._ends[: n_ends.value]

    def result(self):
        """``(words, counts, tokens, sentences)``: the words as bytes in order of first appearance,
        their counts (int64), every token read, and the pieces of the corpus' cut that held one."""
        sizes = np.zeros(4, np.int64)
        self._lib.w2v_scanner_sizes(self._handle, sizes)
        n_words, n_bytes, tokens, sentences = (int(x) for x in sizes)
        blob = np.empty(n_bytes, np.uint8)
        counts = np.empty(n_words, np.int64)
        self._lib.w2v_scanner_export(self._handle, blob, counts)
        words = blob.tobytes().split(b"\n")[:-1] if n_words else []
        return words, counts, tokens, sentences
