"""ctypes binding of the compiled phrase counter (``_phrases.c``).

- :class:`PhraseTable`: gensim's ``Phrases`` vocabulary (unigrams and joined candidates, string
  keys) counted, pruned, merged, scored and applied in C, on batches of tokens (:func:`pack`).
- :class:`Word2Phrase`: word2vec.c's ``word2phrase`` on raw bytes, a counting pass then a
  writing pass.

The rules are documented in ``_phrases.c``; :mod:`w2v.phrases` is the public entry point.
Both live in the kernel's library; one built without them raises KernelUnavailable.
"""

from __future__ import annotations

import ctypes

import numpy as np

from . import kernel

_i64 = np.ctypeslib.ndpointer(np.int64, flags="C_CONTIGUOUS")
_f64 = np.ctypeslib.ndpointer(np.float64, flags="C_CONTIGUOUS")
_u8 = np.ctypeslib.ndpointer(np.uint8, flags="C_CONTIGUOUS")
_vp, _i64t, _cp = ctypes.c_void_p, ctypes.c_int64, ctypes.c_char_p
ENCODING, ERRORS = "utf-8", "surrogatepass"  # tokens <-> bytes (any str survives the round trip)
SCORERS = {"default": 0, "npmi": 1}

SIGNATURES = {
    "w2v_phrases_new": ([_cp, _i64t, _i64t], _vp),
    "w2v_phrases_free": ([_vp], None),
    "w2v_phrases_add_connector": ([_vp, _cp, _i64t], _i64t),
    "w2v_phrases_learn": ([_vp, _cp, _i64, _i64, _i64t], _i64t),
    "w2v_phrases_merge": ([_vp, _vp], _i64t),
    "w2v_phrases_apply": (
        [_vp, _cp, _i64, _i64, _i64t, ctypes.c_int32, ctypes.c_double, _i64t, _i64, _f64],
        _i64t,
    ),
    "w2v_phrases_export": ([_vp, ctypes.c_int32, ctypes.c_double, _i64t, _i64, _f64], _i64t),
    "w2v_phrases_sizes": ([_vp, _i64], None),
    "w2v_phrases_keys": ([_vp, _u8, _i64, _i64], None),
    "w2v_phrases_count": ([_vp, _cp, _i64t], _i64t),
    "w2v_phrases_set_min_reduce": ([_vp, _i64t], None),
    "w2v_phrases_set_frozen": ([_vp, _cp, _i64, _f64, _i64t], _i64t),
    "w2v_phrases_restore": ([_vp, _cp, _i64, _i64, _i64t, _i64t, _i64t], _i64t),
    "w2v_w2p_new": ([_i64t, ctypes.c_float], _vp),
    "w2v_w2p_free": ([_vp], None),
    "w2v_w2p_feed": ([_vp, _cp, _i64t, ctypes.c_void_p, ctypes.POINTER(_i64t)], _i64t),
    "w2v_w2p_stats": ([_vp, _i64], None),
}


def _library():
    return kernel.declare("w2v_phrases_new", SIGNATURES, "phrase detection")


def _check(code):
    if code:
        raise MemoryError("the phrase counter ran out of memory")


def pack(sentences):
    """A batch of token lists as ``(data, token_ends, sentence_ends)``: the tokens' UTF-8 bytes,
    each followed by one separator byte, the offset of each separator, and each sentence's end
    counted in tokens."""
    flat = [token for sentence in sentences for token in sentence]
    sentence_ends = np.cumsum([len(sentence) for sentence in sentences], dtype=np.int64)
    if not flat:
        return b"", np.zeros(0, np.int64), sentence_ends
    joined = "\n".join(flat) + "\n"
    if joined.count("\n") == len(flat):  # no token holds a line break: the breaks are the separators
        data = joined.encode(ENCODING, ERRORS)
        ends = np.flatnonzero(np.frombuffer(data, np.uint8) == 10).astype(np.int64)
    else:
        encoded = [token.encode(ENCODING, ERRORS) for token in flat]
        data = b"\n".join(encoded) + b"\n"
        ends = np.cumsum([len(e) + 1 for e in encoded], dtype=np.int64) - 1
    return data, ends, sentence_ends


class PhraseTable:
    """gensim's Phrases vocabulary in C (see _phrases.c)."""

    def __init__(self, delimiter, max_vocab_size, connector_words=()):
        self._lib = _library()
        delim = delimiter.encode(ENCODING, ERRORS)
        self._handle = self._lib.w2v_phrases_new(delim, len(delim), int(max_vocab_size))
        if not self._handle:
            raise MemoryError("cannot allocate a phrase table")
        for word in connector_words:
            raw = word.encode(ENCODING, ERRORS)
            _check(self._lib.w2v_phrases_add_connector(self._handle, raw, len(raw)))

    def close(self):
        if getattr(self, "_handle", None):
            self._lib.w2v_phrases_free(self._handle)
            self._handle = None

    def __del__(self):
        self.close()

    def learn(self, data, token_ends, sentence_ends):
        _check(self._lib.w2v_phrases_learn(self._handle, data, token_ends, sentence_ends, len(sentence_ends)))

    def merge(self, other):
        _check(self._lib.w2v_phrases_merge(self._handle, other._handle))

    def apply(self, data, token_ends, sentence_ends, scoring, threshold, min_count):
        """``(out_ends, out_scores)``: each output token's end (in tokens) and score (NaN: one token)."""
        n = len(token_ends)
        out_ends, out_scores = np.empty(n, np.int64), np.empty(n, np.float64)
        k = self._lib.w2v_phrases_apply(
            self._handle, data, token_ends, sentence_ends, len(sentence_ends),
            SCORERS[scoring], float(threshold), int(min_count), out_ends, out_scores,
        )  # fmt: skip
        if k < 0:
            _check(k)
        return out_ends[:k], out_scores[:k]

    def sizes(self):
        """``(keys, arena bytes, total_words, min_reduce)``."""
        out = np.zeros(4, np.int64)
        self._lib.w2v_phrases_sizes(self._handle, out)
        return tuple(int(x) for x in out)

    def __len__(self):
        return self.sizes()[0]

    def keys(self):
        """Every key (bytes, in table order) and its count."""
        n, n_bytes, _, _ = self.sizes()
        blob, starts, counts = np.empty(n_bytes, np.uint8), np.empty(n + 1, np.int64), np.empty(n, np.int64)
        self._lib.w2v_phrases_keys(self._handle, blob, starts, counts)
        data = blob.tobytes()
        if data.count(b"\n") == n:  # no key holds a line break: one split
            keys = data.split(b"\n")[:-1]
        else:
            bounds = starts.tolist()
            keys = [data[bounds[i] : bounds[i + 1] - 1] for i in range(n)]
        return keys, starts, counts

    def export(self, scoring, threshold, min_count):
        """``(ids, scores)`` of the keys that score as phrases (ids index :meth:`keys`)."""
        n = len(self)
        ids, scores = np.empty(n, np.int64), np.empty(n, np.float64)
        k = self._lib.w2v_phrases_export(
            self._handle, SCORERS[scoring], float(threshold), int(min_count), ids, scores
        )
        return ids[:k], scores[:k]

    def set_frozen(self, phrases, scores):
        """Decide every candidate by ``phrases`` (str) and their ``scores`` alone (FrozenPhrases)."""
        encoded = [p.encode(ENCODING, ERRORS) for p in phrases]
        starts = np.zeros(len(encoded) + 1, np.int64)
        np.cumsum([len(e) + 1 for e in encoded], out=starts[1:])
        blob = b"".join(e + b"\n" for e in encoded)
        _check(
            self._lib.w2v_phrases_set_frozen(
                self._handle, blob, starts, np.asarray(scores, np.float64), len(encoded)
            )
        )

    def set_min_reduce(self, min_reduce):
        self._lib.w2v_phrases_set_min_reduce(self._handle, int(min_reduce))

    def count(self, key):
        raw = key.encode(ENCODING, ERRORS)
        return int(self._lib.w2v_phrases_count(self._handle, raw, len(raw)))

    def restore(self, blob, starts, counts, total_words, min_reduce):
        code = self._lib.w2v_phrases_restore(
            self._handle, blob, starts, counts, len(counts), int(total_words), int(min_reduce)
        )
        _check(code)


class Word2Phrase:
    """word2vec.c's word2phrase (see _phrases.c): :meth:`count` every chunk, then :meth:`write`
    every chunk again, in the same order."""

    def __init__(self, min_count, threshold):
        self._lib = _library()
        self._handle = self._lib.w2v_w2p_new(int(min_count), float(threshold))
        if not self._handle:
            raise MemoryError("cannot allocate word2phrase's table")
        self._out = np.empty(0, np.uint8)

    def close(self):
        if getattr(self, "_handle", None):
            self._lib.w2v_w2p_free(self._handle)
            self._handle = None

    def __del__(self):
        self.close()

    def count(self, data):
        _check(self._lib.w2v_w2p_feed(self._handle, data, len(data), None, None))

    def write(self, data):
        """The output text for ``data`` (bytes)."""
        if len(self._out) < 2 * len(data) + 64:
            self._out = np.empty(2 * len(data) + 64, np.uint8)
        n = _i64t()
        _check(self._lib.w2v_w2p_feed(self._handle, data, len(data), self._out.ctypes.data, ctypes.byref(n)))
        return self._out[: n.value].tobytes()

    def stats(self):
        """``(words counted, table size, words written, words joined)``."""
        out = np.zeros(4, np.int64)
        self._lib.w2v_w2p_stats(self._handle, out)
        return tuple(int(x) for x in out)
