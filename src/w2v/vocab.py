"""The vocabulary: one counting pass, ``min_count``, a size cap, frequency order.

:func:`scan_corpus` reads a corpus once and keeps it as int32 word ids
(4 bytes a token, in a temporary file for all but small corpora) along with
the counts, so that training never goes back to Python strings.
:func:`finalize_vocab` then applies ``min_count`` and ``max_final_vocab``
and rewrites those ids in place to final indices (-1 for words left out).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import os
import tempfile
import threading
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .corpus import MAX_SENTENCE_LENGTH
from .schedule import longest_sentence


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
        self._fingerprint = None

    @property
    def n_tokens(self):
        return int(self.offsets[-1])

    @property
    def n_sentences(self):
        return len(self.offsets) - 1

    @property
    def longest_sentence(self):
        return longest_sentence(self.offsets)

    def fingerprint(self):
        """A digest of the sentences and ids (BLAKE2b, 128 bits, hex): two corpora that train
        differently (other words, order or sentence breaks) differ here. One read of the ids,
        the first time (the ids never change once encoded)."""
        if self._fingerprint is not None:
            return self._fingerprint
        digest = hashlib.blake2b(digest_size=16)
        for start in range(0, len(self.offsets), _SLICE):
            digest.update(np.ascontiguousarray(self.offsets[start : start + _SLICE], dtype="<i8").tobytes())
        buf = np.empty(_SLICE, dtype=np.int32)
        for lo in range(0, self.n_tokens, _SLICE):
            digest.update(self.read(lo, min(lo + _SLICE, self.n_tokens), buf).astype("<i4").tobytes())
        self._fingerprint = digest.hexdigest()
        return self._fingerprint

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
        self._fingerprint = None
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


class IdSink:
    """Collects ids; past ``spill_tokens`` they go to a temporary file. Counts them if asked."""

    def __init__(self, spill_tokens, count):
        self.buf = array("i")
        self.file = None
        self.spill_tokens = spill_tokens
        self.counts = np.zeros(0, dtype=np.int64) if count else None
        self.singles = array("i")  # ids of one-token pieces: counted, not stored

    def _count(self, buf):
        if self.counts is None or not len(buf):
            return
        chunk = np.frombuffer(buf, dtype=np.int32)
        for start in range(0, len(chunk), _SLICE):
            c = np.bincount(chunk[start : start + _SLICE])
            if len(c) > len(self.counts):
                self.counts = np.concatenate([self.counts, np.zeros(len(c) - len(self.counts), np.int64)])
            self.counts[: len(c)] += c
        del chunk  # release the view before the buffer is resized

    def count_singles(self):
        self._count(self.singles)
        del self.singles[:]

    def _count_buffer(self):
        self._count(self.buf)
        self.count_singles()

    def spill(self):
        """Count the buffered ids and move them to the file."""
        self._count_buffer()
        if self.file is None:
            self.file = tempfile.TemporaryFile(prefix="w2v-corpus-")
        self.file.write(self.buf.tobytes())
        del self.buf[:]

    def finish(self, offsets):
        """The EncodedCorpus; ``offsets`` an array("q"), viewed without a copy."""
        offsets = np.frombuffer(offsets, dtype=np.int64)
        if self.file is not None:
            self.spill()
            self.file.flush()
            return EncodedCorpus(offsets, file=self.file)
        self._count_buffer()
        return EncodedCorpus(offsets, ids=np.frombuffer(self.buf, dtype=np.int32).copy())


def _check_tokens(words):
    """Every distinct token must be a str that UTF-8 can encode; TypeError/ValueError names the first bad one.

    Tokens of other types would silently merge (1, 1.0 and True are one dict key) and fail at save."""
    for word in words:
        if not isinstance(word, str):
            raise TypeError(
                f"tokens must be strings; the corpus holds {word!r} of type {type(word).__name__} "
                "(convert tokens with str() first)"
            )
    try:
        "\n".join(words).encode("utf-8")
    except UnicodeEncodeError:
        for word in words:
            try:
                word.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise ValueError(f"token {word!r} is not valid Unicode text ({exc.reason})") from None


def _pieces(sentences, max_sentence_length, seen=None):
    """Each sentence, cut into pieces of at most ``max_sentence_length`` tokens (``seen[0]``
    counts the sentences)."""
    for sentence in sentences:
        if seen is not None:
            seen[0] += 1
        if isinstance(sentence, str):
            raise TypeError("a corpus is an iterable of sentences, each a list of tokens; got a string")
        if len(sentence) <= max_sentence_length:
            yield sentence
        else:
            for start in range(0, len(sentence), max_sentence_length):
                yield sentence[start : start + max_sentence_length]


def _encode(pieces, lookup, count=False, spill_tokens=None, stop_at=None):
    """Ids and sentence offsets of ``pieces`` through ``lookup[word]``.

    A piece of fewer than 2 tokens has no (centre, context) pair, so it is not stored (it is
    counted, with ``count``): a corpus of one-word lines costs nothing per line. ``stop_at``
    (a callable) ends the pass early when it returns True after a piece; returns
    ``(encoded, counts, finished)``.
    """
    if spill_tokens is None:  # read at call time, so the threshold can be changed
        spill_tokens = SPILL_TOKENS
    sink = IdSink(spill_tokens, count)
    offsets = array("q", [0])
    get = lookup.__getitem__
    n = 0
    for piece in pieces:
        if len(piece) < 2:
            if count and piece:
                sink.singles.extend(map(get, piece))
                if len(sink.singles) >= _SLICE:
                    sink.count_singles()
        else:
            before = len(sink.buf)
            sink.buf.extend(map(get, piece))
            n += len(sink.buf) - before
            offsets.append(n)
            if len(sink.buf) >= spill_tokens:
                sink.spill()
        if stop_at is not None and stop_at():
            return sink.finish(offsets), sink.counts, False
    return sink.finish(offsets), sink.counts, True


class _KnownOrMinusOne(dict):
    def __missing__(self, key):
        return -1


def encode(sentences, key_to_index, max_sentence_length=MAX_SENTENCE_LENGTH, spill_tokens=None):
    """Encode a corpus with a fixed vocabulary (unknown words become -1)."""
    lookup = _KnownOrMinusOne(key_to_index)
    return _encode(_pieces(sentences, max_sentence_length), lookup, False, spill_tokens)[0]


class Scan(NamedTuple):
    words: list  # distinct words kept while counting, in order of first appearance
    counts: np.ndarray  # (W,) int64
    encoded: EncodedCorpus | None  # provisional ids, or None if the vocabulary was pruned while counting
    total_words: int  # every token read, pruned words included
    min_reduce: int  # 0, or the count up to which the last pruning removed words
    n_sentences: int = 0  # sentences read (gensim's corpus_count)


def scan_corpus(sentences, max_sentence_length=MAX_SENTENCE_LENGTH, spill_tokens=None, max_vocab_size=None):
    """One pass: counts, and the corpus as provisional ids in order of first appearance.

    ``max_vocab_size`` bounds the words held while counting, as gensim does: whenever, after
    a sentence (a piece of at most ``max_sentence_length`` tokens), more distinct words than
    that are held, those seen fewer than ``min_reduce`` times so far are forgotten and
    ``min_reduce`` goes up by one (starting at 1, which forgets nothing, as in gensim). Once that happens
    the provisional ids are dropped (``encoded`` is None): counting goes on in a plain counter,
    and the caller encodes the corpus again with the final vocabulary.
    """
    index = defaultdict(itertools.count().__next__)  # a new word gets the next id
    seen = [0]
    pieces = _pieces(sentences, max_sentence_length, seen)
    over = None if max_vocab_size is None else (lambda: len(index) > max_vocab_size)
    encoded, counts, finished = _encode(pieces, index, True, spill_tokens, stop_at=over)
    words = list(index)
    _check_tokens(words)
    counts = np.concatenate([counts, np.zeros(len(words) - len(counts), np.int64)])
    if finished:
        return Scan(words, counts, encoded, int(counts.sum()), 0, seen[0])
    encoded.close()  # the vocabulary outgrew max_vocab_size: count only, and prune
    total = int(counts.sum())
    counter = Counter(dict(zip(words, counts.tolist(), strict=True)))
    index = words = counts = None  # free them: the counter holds the words now
    min_reduce = _prune(counter, 1)
    for piece in pieces:  # the rest of the same pass
        counter.update(piece)
        total += len(piece)
        if len(counter) > max_vocab_size:
            min_reduce = _prune(counter, min_reduce)
    words = list(counter)
    _check_tokens(words)
    counts = np.fromiter(counter.values(), np.int64, len(words))
    return Scan(words, counts, None, total, max(min_reduce - 2, 0), seen[0])


def _prune(counter, min_reduce):
    """Forget the words seen fewer than ``min_reduce`` times (gensim's ``prune_vocab``; so the
    first pruning, at 1, forgets nothing); returns the next ``min_reduce``. As in gensim, one
    pruning per check: the next check after the next sentence prunes again with a higher bar."""
    for word in [w for w, c in counter.items() if c < min_reduce]:
        del counter[word]
    return min_reduce + 1


def effective_min_count(counts, min_count, max_final_vocab=None):
    """gensim's rule: with ``max_final_vocab``, raise min_count until at most
    that many words are left (words tied at the cut all go)."""
    if max_final_vocab is None or max_final_vocab >= len(counts):
        return min_count
    ranked = np.sort(counts)[::-1]
    return max(min_count, int(ranked[max_final_vocab]) + 1)


RULE_DEFAULT, RULE_DISCARD, RULE_KEEP = 0, 1, 2  # gensim's trim_rule answers


def keep_mask(words, counts, threshold, trim_rule=None):
    """Which words stay: count >= ``threshold``, unless ``trim_rule(word, count, threshold)``
    (gensim's protocol) answers RULE_KEEP or RULE_DISCARD for the word."""
    keep = counts >= threshold
    if trim_rule is not None:
        for i, (word, count) in enumerate(zip(words, counts.tolist(), strict=True)):
            rule = trim_rule(word, count, threshold)
            if rule == RULE_KEEP:
                keep[i] = True
            elif rule == RULE_DISCARD:
                keep[i] = False
    return keep


def finalize_vocab(
    words,
    counts,
    encoded=None,
    min_count=5,
    max_final_vocab=None,
    total_words=None,
    *,
    trim_rule=None,
    sorted_vocab=True,
):
    """Keep words seen at least the effective ``min_count`` (or that ``trim_rule`` keeps), most
    frequent first (ties in order of first appearance; ``sorted_vocab=False``: first appearance).
    Rewrites ``encoded.ids`` in place. ``total_words`` is every token of the corpus (default:
    the sum of ``counts``)."""
    threshold = effective_min_count(counts, min_count, max_final_vocab)
    order = np.argsort(-counts, kind="stable") if sorted_vocab else np.arange(len(counts))
    kept = order[keep_mask([words[i] for i in order], counts[order], threshold, trim_rule)]
    total = int(counts.sum()) if total_words is None else int(total_words)
    vocab = Vocabulary([words[i] for i in kept], counts[kept], total)
    if encoded is not None:
        table = np.full(len(words), -1, dtype=np.int32)
        table[kept] = np.arange(len(kept), dtype=np.int32)
        encoded.remap(table)
    return vocab


def build_vocab(sentences, min_count=5, max_final_vocab=None, max_vocab_size=None):
    """The vocabulary of ``sentences`` (no encoded corpus kept)."""
    scan = scan_corpus(sentences, max_vocab_size=max_vocab_size)
    if scan.encoded is not None:
        scan.encoded.close()
    return finalize_vocab(scan.words, scan.counts, None, min_count, max_final_vocab, scan.total_words)


def vocabulary_and_corpus(sentences, *, min_count, max_final_vocab, max_vocab_size, max_sentence_length):
    """The vocabulary and the corpus encoded with it: one pass, or two if the vocabulary was
    pruned while counting. Returns ``(Vocabulary, EncodedCorpus, Scan)``."""
    scan = scan_corpus(sentences, max_sentence_length, max_vocab_size=max_vocab_size)
    vocab = finalize_vocab(
        scan.words, scan.counts, scan.encoded, min_count, max_final_vocab, scan.total_words
    )
    encoded = scan.encoded
    if encoded is None:
        encoded = encode(sentences, vocab.key_to_index, max_sentence_length)
    return vocab, encoded, scan


def merge_vocabulary(vocab, scan, *, min_count, max_final_vocab=None, trim_rule=None):
    """gensim's online update (``build_vocab(update=True)``): the words of a new corpus (``scan``)
    that pass ``min_count`` in it (or that ``trim_rule`` keeps) add their counts to the words
    already in ``vocab``, and those not in it are appended, in order of first appearance (the
    existing order stays). Returns ``(merged Vocabulary, number of new words)``."""
    threshold = effective_min_count(scan.counts, min_count, max_final_vocab)
    keep = keep_mask(scan.words, scan.counts, threshold, trim_rule)
    words, counts = list(vocab.index_to_key), vocab.counts.copy()
    index = vocab.key_to_index
    new_words, new_counts = [], []
    for word, count, kept in zip(scan.words, scan.counts.tolist(), keep.tolist(), strict=True):
        if not kept:
            continue
        i = index.get(word)
        if i is None:
            new_words.append(word)
            new_counts.append(count)
        else:
            counts[i] += count
    merged = Vocabulary(words + new_words, np.concatenate([counts, np.array(new_counts, np.int64)]), 0)
    merged.total_words = int(vocab.total_words) + int(scan.total_words)
    return merged, len(new_words)


def encode_scanned(scan, sentences, vocab, max_sentence_length):
    """The corpus of ``scan`` encoded with ``vocab`` (its provisional ids remapped in place, or
    the corpus read again if the scan dropped them)."""
    if scan.encoded is None:
        return encode(sentences, vocab.key_to_index, max_sentence_length)
    index = vocab.key_to_index
    table = np.fromiter((index.get(w, -1) for w in scan.words), np.int32, len(scan.words))
    scan.encoded.remap(table)
    return scan.encoded


def has_window(encoded, chunk=1 << 18):
    """True if some sentence of ``encoded`` holds two words of the vocabulary (a centre word and
    a context word). Reads about ``chunk`` tokens at a time; usually the first read settles it."""
    offsets, n_sentences = encoded.offsets, encoded.n_sentences
    buf = np.empty(max(chunk, encoded.longest_sentence), dtype=np.int32)
    first = 0
    while first < n_sentences:
        base = int(offsets[first])
        last = max(int(np.searchsorted(offsets, base + chunk, "right")) - 1, first + 1)
        bounds = np.asarray(offsets[first : last + 1]) - base  # sentences [first, last)
        known = (encoded.read(base, int(offsets[last]), buf) >= 0).astype(np.int64)
        if (np.add.reduceat(known, bounds[:-1]) >= 2).any():  # stored sentences hold >= 2 tokens
            return True
        first = last
    return False
