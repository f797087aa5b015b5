"""The vocabulary: one counting pass, ``min_count``, a size cap, frequency order.

:func:`scan_corpus` reads a corpus once and keeps it as int32 word ids
(4 bytes a token, in a temporary file for all but small corpora) along with
the counts, so that training never goes back to Python strings.
:func:`finalize_vocab` then applies ``min_count`` and ``max_final_vocab``
and rewrites those ids in place to final indices (-1 for words left out).
"""

from __future__ import annotations

import functools
import itertools
import os
import tempfile
import threading
from array import array
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from .corpus import MAX_SENTENCE_LENGTH


@dataclass
class Vocabulary:
    index_to_key: list  # words, most frequent first
    counts: np.ndarray  # (V,) int64, counts[i] for index_to_key[i]
    total_words: int  # tokens in the corpus, including those below min_count

    @functools.cached_property
    def key_to_index(self):
        """word -> index, built on first use (a model shares its KeyedVectors' dict)."""
        return dict(zip(self.index_to_key, range(len(self.index_to_key)), strict=True))

    def __len__(self):
        return len(self.index_to_key)


SPILL_TOKENS = 1 << 20  # corpora longer than this keep their ids in a temporary file
_SLICE = 1 << 18  # tokens per slice when remapping or counting (bounds the temporaries)


class EncodedCorpus:
    """A corpus as word ids: sentence s is tokens ``offsets[s]:offsets[s + 1]``.

    The ids (int32, -1 for a word outside the vocabulary) live in memory for
    small corpora and in an anonymous temporary file otherwise, so a corpus
    costs 8 bytes of memory per sentence, not 4 per token. :meth:`read` copies
    a range into a caller's buffer (``pread``, which releases the GIL).
    """

    def __init__(self, offsets, ids=None, file=None):
        self.offsets = offsets  # (S + 1,) int64
        self.ids = ids  # (N,) int32 in memory, or None
        self.file = file  # temporary file holding the N ids, or None
        self._lock = threading.Lock()

    @property
    def n_tokens(self):
        return int(self.offsets[-1])

    @property
    def n_sentences(self):
        return len(self.offsets) - 1

    @property
    def longest_sentence(self):
        return int(np.diff(self.offsets).max()) if len(self.offsets) > 1 else 0

    def read(self, lo, hi, out):
        """Ids of tokens lo..hi, in ``out[: hi - lo]`` (or a view of the in-memory ids)."""
        if self.ids is not None:
            return self.ids[lo:hi]
        view = out[: hi - lo]
        nbytes, done = view.nbytes, 0
        raw = memoryview(view).cast("B")
        while done < nbytes:
            if hasattr(os, "preadv"):
                got = os.preadv(self.file.fileno(), [raw[done:]], lo * 4 + done)
            else:  # no pread: one reader at a time
                with self._lock:
                    self.file.seek(lo * 4 + done)
                    got = self.file.readinto(raw[done:])
            if not got:
                raise OSError("the temporary corpus file ended early")
            done += got
        return view

    def remap(self, table):
        """ids <- table[ids], in place, a slice at a time."""
        if self.ids is not None:
            for start in range(0, len(self.ids), _SLICE):
                self.ids[start : start + _SLICE] = table[self.ids[start : start + _SLICE]]
            return
        buf = np.empty(_SLICE, dtype=np.int32)
        for start in range(0, self.n_tokens, _SLICE):
            chunk = self.read(start, min(start + _SLICE, self.n_tokens), buf)
            data = table[chunk].tobytes()
            if hasattr(os, "pwrite"):
                os.pwrite(self.file.fileno(), data, start * 4)
            else:
                with self._lock:
                    self.file.seek(start * 4)
                    self.file.write(data)

    def close(self):
        if self.file is not None:
            self.file.close()
            self.file = None


class _IdSink:
    """Collects ids; past ``spill_tokens`` they go to a temporary file. Counts them if asked."""

    def __init__(self, spill_tokens, count):
        self.buf = array("i")
        self.file = None
        self.spill_tokens = spill_tokens
        self.counts = np.zeros(0, dtype=np.int64) if count else None

    def _count_buffer(self):
        if self.counts is None or not len(self.buf):
            return
        chunk = np.frombuffer(self.buf, dtype=np.int32)
        for start in range(0, len(chunk), _SLICE):
            c = np.bincount(chunk[start : start + _SLICE])
            if len(c) > len(self.counts):
                self.counts = np.concatenate([self.counts, np.zeros(len(c) - len(self.counts), np.int64)])
            self.counts[: len(c)] += c
        del chunk  # release the view before the buffer is resized

    def spill(self):
        """Count the buffered ids and move them to the file."""
        self._count_buffer()
        if self.file is None:
            self.file = tempfile.TemporaryFile(prefix="w2v-corpus-")
        self.file.write(self.buf.tobytes())
        del self.buf[:]

    def finish(self, offsets):
        if self.file is not None:
            self.spill()
            self.file.flush()
            return EncodedCorpus(offsets, file=self.file)
        self._count_buffer()
        return EncodedCorpus(offsets, ids=np.array(self.buf, dtype=np.int32))


def _encode(sentences, lookup, max_sentence_length, count=False, spill_tokens=None):
    """Ids and sentence offsets of ``sentences`` through ``lookup[word]``."""
    if spill_tokens is None:  # read at call time, so the threshold can be changed
        spill_tokens = SPILL_TOKENS
    sink = _IdSink(spill_tokens, count)
    offsets = array("q", [0])
    get = lookup.__getitem__
    n = 0
    for sentence in sentences:
        if isinstance(sentence, str):
            raise TypeError("a corpus is an iterable of sentences, each a list of tokens; got a string")
        for start in range(0, len(sentence), max_sentence_length):  # long sentences: pieces
            before = len(sink.buf)
            sink.buf.extend(map(get, sentence[start : start + max_sentence_length]))
            n += len(sink.buf) - before
            offsets.append(n)
        if len(sink.buf) >= spill_tokens:
            sink.spill()
    encoded = sink.finish(np.frombuffer(offsets, dtype=np.int64).copy())
    return encoded, sink.counts


class _KnownOrMinusOne(dict):
    def __missing__(self, key):
        return -1


def encode(sentences, key_to_index, max_sentence_length=MAX_SENTENCE_LENGTH, spill_tokens=None):
    """Encode a corpus with a fixed vocabulary (unknown words become -1)."""
    return _encode(sentences, _KnownOrMinusOne(key_to_index), max_sentence_length, False, spill_tokens)[0]


def scan_corpus(sentences, max_sentence_length=MAX_SENTENCE_LENGTH, spill_tokens=None):
    """One pass: provisional ids in order of first appearance, and counts.

    Returns ``(words, counts, encoded)``.
    """
    index = defaultdict(itertools.count().__next__)  # a new word gets the next id
    encoded, counts = _encode(sentences, index, max_sentence_length, True, spill_tokens)
    words = list(index)
    counts = np.concatenate([counts, np.zeros(len(words) - len(counts), np.int64)])
    return words, counts, encoded


def effective_min_count(counts, min_count, max_final_vocab=None):
    """gensim's rule: with ``max_final_vocab``, raise min_count until at most
    that many words are left (words tied at the cut all go)."""
    if max_final_vocab is None or max_final_vocab >= len(counts):
        return min_count
    ranked = np.sort(counts)[::-1]
    return max(min_count, int(ranked[max_final_vocab]) + 1)


def finalize_vocab(words, counts, encoded=None, min_count=5, max_final_vocab=None):
    """Keep words seen at least the effective ``min_count``, most frequent first
    (ties in order of first appearance). Rewrites ``encoded.ids`` in place."""
    threshold = effective_min_count(counts, min_count, max_final_vocab)
    order = np.argsort(-counts, kind="stable")
    kept = order[counts[order] >= threshold]
    vocab = Vocabulary([words[i] for i in kept], counts[kept], int(counts.sum()))
    if encoded is not None:
        table = np.full(len(words), -1, dtype=np.int32)
        table[kept] = np.arange(len(kept), dtype=np.int32)
        encoded.remap(table)
    return vocab


def build_vocab(sentences, min_count=5, max_final_vocab=None):
    """The vocabulary of ``sentences`` (no encoded corpus kept)."""
    words, counts, _ = scan_corpus(sentences)
    return finalize_vocab(words, counts, None, min_count, max_final_vocab)
