"""The vocabulary pass at disk speed: a :class:`~w2v.corpus.TextCorpus` read by compiled code.

:func:`scan_corpus` is the one entry point for the vocabulary pass. A ``TextCorpus`` (files read
as raw bytes) goes through the compiled scanner (:mod:`w2v.engine.scanner`): no Python string
per token, about as fast as the disk and the decompressor deliver. Everything else (token
lists, generators, a subclass of ``TextCorpus``, or ``max_vocab_size`` pruning, which needs the
counts as the pass goes) takes :func:`w2v.vocab.scan_corpus`, in Python. Both give the same
:class:`~w2v.vocab.Scan` (the same words in the same order, counts, encoded corpus and
sentence count) for the same text; ``tests/test_text_scan.py`` checks that on generated text
with Unicode spaces, invalid UTF-8, long lines and several documents.

Invalid UTF-8 inside a token is replaced by U+FFFD as the Python reader does, counted in the
corpus' ``invalid_utf8``, and tokens that become equal after the replacement are one word.
"""

from __future__ import annotations

from array import array

import numpy as np

from . import vocab
from .corpus import MAX_SENTENCE_LENGTH, CorpusError, TextCorpus
from .engine import scanner


def scan_corpus(sentences, max_sentence_length=MAX_SENTENCE_LENGTH, spill_tokens=None, max_vocab_size=None):
    """The vocabulary pass (:func:`w2v.vocab.scan_corpus`'s contract), compiled for a TextCorpus."""
    if type(sentences) is TextCorpus and sentences.plain and max_vocab_size is None and scanner.available():
        return scan_text(sentences, max_sentence_length, spill_tokens)
    return vocab.scan_corpus(sentences, max_sentence_length, spill_tokens, max_vocab_size)


def scan_text(corpus, max_sentence_length=MAX_SENTENCE_LENGTH, spill_tokens=None):
    """One compiled pass over ``corpus`` (a TextCorpus): a :class:`~w2v.vocab.Scan`."""
    spill_tokens = vocab.SPILL_TOKENS if spill_tokens is None else spill_tokens
    sink = vocab.IdSink(spill_tokens, count=False)
    offsets = array("q", [0])
    with scanner.Scanner(corpus.max_sentence_length, max_sentence_length, corpus.chunk_bytes) as scan:
        for name, chunks in corpus.documents():
            held = b""  # an unfinished UTF-8 character from the end of the last chunk
            for data in chunks:
                final = not data
                data = held + data if held else data
                data, held = (data, b"") if final else _split_unfinished(data)
                try:
                    ids, ends = scan.feed(data, final)
                except scanner.ScanError as exc:
                    if exc.code == scanner.ERR_LONG_TOKEN:
                        raise CorpusError(
                            f"{name}: more than {corpus.chunk_bytes:,} characters without a space or line "
                            "break; is this a text file?"
                        ) from None
                    raise MemoryError(f"the vocabulary pass over {name!r} stopped: {exc}") from None
                sink.buf.frombytes(memoryview(ids).cast("B"))
                offsets.frombytes(memoryview(ends).cast("B"))
                if len(sink.buf) >= spill_tokens:
                    sink.spill()
        raw_words, counts, total, sentences = scan.result()
    encoded = sink.finish(offsets)
    words, corpus.invalid_utf8 = _decode(raw_words, counts)
    words, counts = _merge_equal(words, counts, encoded)
    return vocab.Scan(words, counts, encoded, total, 0, sentences)


def _split_unfinished(data):
    """``(head, tail)``: ``tail`` the last UTF-8 character of ``data`` if it is cut short."""
    n = len(data)
    for back in range(1, min(4, n) + 1):
        byte = data[n - back]
        if byte < 0x80:
            break
        if byte >= 0xC0:  # the character's first byte: how many it needs
            need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            if need > back:
                return data[: n - back], data[n - back :]
            break
    return data, b""


def _decode(raw_words, counts):
    """The words as str (invalid UTF-8 replaced by U+FFFD) and the number of bytes replaced
    in the corpus (each word's replaced bytes times its count)."""
    try:
        return b"\n".join(raw_words).decode("utf-8").split("\n") if raw_words else [], 0
    except UnicodeDecodeError:
        pass
    words, invalid = [], 0
    for raw, n in zip(raw_words, counts.tolist(), strict=True):
        escaped = raw.decode("utf-8", errors="surrogateescape")  # one U+DC80..U+DCFF per bad byte
        bad = sum(1 for c in escaped if "\udc80" <= c <= "\udcff")
        words.append(raw.decode("utf-8", errors="replace") if bad else escaped)
        invalid += bad * n
    return words, invalid


def _merge_equal(words, counts, encoded):
    """Words equal as str (distinct bytes before U+FFFD replaced them) become one, at the first's
    place; the encoded ids follow."""
    if len(set(words)) == len(words):
        return words, counts
    first = {}
    table = np.fromiter((first.setdefault(w, len(first)) for w in words), np.int32, len(words))
    merged = np.zeros(len(first), np.int64)
    np.add.at(merged, table, counts)
    encoded.remap(table)
    return list(first), merged
