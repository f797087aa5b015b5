"""The files of KeyedVectors: w2v's own ``save``/``load``, and gensim's word2vec-format methods.

``save``/``load`` hand over to ``w2v.storage`` (the native file, or
word2vec.c's formats by suffix or content). The word2vec-format methods
keep gensim's names, arguments and meanings and hand the bytes to
``w2v.io.word2vec_format``:

- ``load_word2vec_format(fname, fvocab=None, binary=False, encoding="utf8",
  unicode_errors="strict", limit=None, datatype=np.float32, no_header=False)``:
  counts come from ``fvocab`` (word2vec.c's ``-save-vocab`` file, "word
  count" lines); without one they are made up as gensim does: N, N - 1, ..., 1
  in file order;
- ``save_word2vec_format(fname, fvocab=None, binary=False, total_vec=None,
  write_header=True, prefix="", append=False, sort_attr="count")``: rows in
  descending ``sort_attr`` (stable) when the vectors have that attribute,
  else in row order; ``prefix`` goes before every word (in ``fvocab`` too);
  ``total_vec`` is the header's count; ``append`` adds to the end of the file;
- ``intersect_word2vec_format``: the vectors of the file's words that are
  keys here replace theirs; no key is added.
"""

from __future__ import annotations

import logging
import os

import numpy as np

from . import storage
from .io import FormatError, atomic_write, load_word2vec_format, save_word2vec_format
from .io._files import open_for_reading, open_for_writing
from .io.word2vec_format import _copy_existing, check_writable_words

logger = logging.getLogger("w2v")

_MAX_COUNT = 1 << 62


def read_vocab_file(path, unicode_errors="strict"):
    """``{word: count}`` from a "word count" file (word2vec.c's -save-vocab); FormatError naming the line."""
    counts = {}
    with open_for_reading(path) as f:
        for line_no, raw in enumerate(f, start=1):
            try:
                line = raw.decode("utf-8", unicode_errors).strip()
            except UnicodeDecodeError as exc:
                raise FormatError(
                    path, f"invalid utf-8 at byte {exc.start} of the line", line=line_no
                ) from None
            if not line:
                continue
            fields = line.split()
            if len(fields) != 2 or not fields[1].isdigit():
                raise FormatError(path, f"expected 'word count', found {line[:60]!r}", line=line_no)
            count = int(fields[1])
            if count == 0:  # word2vec.c's -save-vocab writes "</s> 0" for a corpus without newlines
                logger.warning("%s: line %d: count 0 of %r taken as 1", path, line_no, fields[0])
                count = 1
            if not 1 <= count <= _MAX_COUNT:
                raise FormatError(path, f"count {count} is out of range (1 to 2**62)", line=line_no)
            counts[fields[0]] = count
    return counts


def _write_lines(path, text, append):
    """Write ``text`` (UTF-8) to ``path`` atomically, after the file's bytes with ``append``."""
    with atomic_write(path, "wb") as raw:
        if append:
            _copy_existing(path, raw)
        with open_for_writing(path, raw) as f:
            f.write(text.encode("utf-8"))


class VectorFiles:
    """Mixin of KeyedVectors: reading and writing files."""

    def save(
        self, fname_or_handle, fmt=None, *, separately=None, sep_limit=None, ignore=(), pickle_protocol=None
    ):
        """Write to a path atomically; format by ``fmt`` or the suffix (.bin, .txt/.vec, else native).

        The native file keeps the words, vectors and counts (not other
        ``set_vecattr`` attributes). gensim's pickling options
        (``separately``, ``sep_limit``, ``ignore``, ``pickle_protocol``) are
        accepted and have nothing to do: w2v does not pickle, and its native
        file is always memory-mappable.
        """
        if not isinstance(fname_or_handle, (str, bytes, os.PathLike)):
            raise TypeError(f"save needs a file name, not {type(fname_or_handle).__name__}")
        storage.save_vectors(fname_or_handle, self.index_to_key, self.vectors, self.counts, fmt)

    @classmethod
    def load(cls, fname, mmap=True, *, fmt=None):
        """Vectors from any format w2v reads (detected from the content unless ``fmt`` is given).

        A native file's arrays are memory-mapped read-only unless ``mmap`` is
        None or False (gensim's ``mmap="r"`` maps too); a change through the
        methods copies them first. gensim's own pickles are not read: save
        them with gensim's ``save_word2vec_format`` first.
        """
        if isinstance(mmap, str) and mmap in storage.FORMATS:  # w2v's old order: load(path, fmt)
            fmt, mmap = mmap, True
        keys, vectors, counts = storage.load_vectors(fname, fmt, mmap=mmap not in (None, False))
        try:
            return cls(keys, vectors, counts)
        except ValueError as e:
            raise FormatError(fname, str(e)) from None

    @classmethod
    def load_word2vec_format(
        cls,
        fname,
        fvocab=None,
        binary=False,
        encoding="utf8",
        unicode_errors="strict",
        limit=None,
        datatype=np.float32,
        no_header=False,
    ):
        """Vectors from word2vec.c's text or binary format (GloVe's text with ``no_header``).

        ``limit`` reads the first rows only (0 or None: all, as gensim);
        ``datatype`` converts the vectors (e.g. ``np.float16``); ``fvocab``
        gives the counts (a word missing there gets count 1, with a warning).
        """
        file_counts = None if fvocab is None else read_vocab_file(fvocab, unicode_errors)
        keys, vectors = load_word2vec_format(
            fname,
            binary=binary,
            limit=limit or None,
            no_header=no_header,
            unicode_errors=unicode_errors,
            encoding=encoding,
        )
        if file_counts is None:
            counts = np.arange(len(keys), 0, -1, dtype=np.int64)  # gensim's made-up counts
        else:
            missing = [key for key in keys if key not in file_counts]
            if missing:
                logger.warning(
                    "vocabulary file %s is incomplete: %d words missing (the first: %r); they get count 1",
                    fvocab,
                    len(missing),
                    missing[0],
                )
            counts = np.array([file_counts.get(key, 1) for key in keys], dtype=np.int64)
        kv = cls(keys, vectors, counts)
        if np.dtype(datatype) != kv.vectors.dtype:
            kv.vectors = kv.vectors.astype(datatype)
        kv.add_lifecycle_event(
            "load_word2vec_format",
            log_level=logging.DEBUG,
            msg=f"loaded {kv.vectors.shape} matrix of type {kv.vectors.dtype} from {fname}",
            binary=binary,
            encoding=encoding,
        )
        return kv

    def _rows_by(self, sort_attr):
        """Rows in descending ``sort_attr`` (ties in row order); None without that attribute."""
        values = self.expandos.get(sort_attr)
        if values is None:
            return None
        values = np.asarray(values)
        if values.dtype.kind in "iub":
            return np.lexsort((np.arange(len(values)), -values.astype(np.int64)))
        if values.dtype.kind == "f":
            return np.lexsort((np.arange(len(values)), -values))
        return np.array(sorted(range(len(values)), key=lambda i: -values[i]), dtype=np.int64)

    def save_word2vec_format(
        self,
        fname,
        fvocab=None,
        binary=False,
        total_vec=None,
        write_header=True,
        prefix="",
        append=False,
        sort_attr="count",
    ):
        """Write word2vec.c's text (or ``binary``) format, atomically; see the module's notes."""
        order = self._rows_by(sort_attr)
        if order is None:
            if fvocab is not None:
                raise ValueError(
                    f"Cannot store vocabulary with '{sort_attr}' because that attribute does not exist"
                )
            logger.info(
                "attribute %s not present in %s; will store in internal index_to_key order", sort_attr, self
            )
            keys, vectors = self.index_to_key, self.vectors
        else:
            keys, vectors = [self.index_to_key[i] for i in order], self.vectors[order]
        for key in keys:
            if not isinstance(key, str):
                raise TypeError(f"only str keys can be saved, not {key!r} (an empty slot, or a non-text key)")
        check_writable_words([f"{prefix}{key}" for key in keys])  # before any file is touched
        if not np.isfinite(vectors).all():
            bad = int(np.flatnonzero(~np.isfinite(vectors).all(axis=1))[0])
            raise ValueError(
                f"vector of word {keys[bad]!r} has a non-finite value; the file could not be read back"
            )
        if fvocab is not None:
            values = self.expandos[sort_attr][order]
            lines = "".join(
                f"{prefix}{key} {value}\n" for key, value in zip(keys, values.tolist(), strict=True)
            )
            _write_lines(fvocab, lines, append)
        save_word2vec_format(
            fname,
            [f"{prefix}{key}" for key in keys],
            vectors,
            binary=binary,
            header=write_header,
            count=len(self.index_to_key) if total_vec is None else total_vec,
            append=append,
        )

    def intersect_word2vec_format(
        self, fname, lockf=0.0, binary=False, encoding="utf8", unicode_errors="strict"
    ):
        """Take the vectors of the file's words that are keys here (no key is added).

        ``lockf`` goes to ``vectors_lockf`` for those rows when the vectors
        have such an array of one value per row (gensim's training lock
        factors); w2v's training has none, so it is otherwise unused.
        """
        keys, vectors = load_word2vec_format(
            fname, binary=binary, encoding=encoding, unicode_errors=unicode_errors
        )
        if vectors.shape[1] != self.vector_size:
            raise ValueError(f"incompatible vector size {vectors.shape[1]} in file {fname}")
        pairs = [(self.key_to_index[key], i) for i, key in enumerate(keys) if key in self.key_to_index]
        if pairs:
            rows, take = (list(x) for x in zip(*pairs, strict=True))
            self._own_vectors()[rows] = vectors[take]
            lockf_array = getattr(self, "vectors_lockf", None)
            if isinstance(lockf_array, np.ndarray) and lockf_array.shape == (len(self.vectors),):
                lockf_array[rows] = lockf
        self.reset_norms()
        self.add_lifecycle_event(
            "intersect_word2vec_format",
            log_level=logging.DEBUG,
            msg=f"merged {len(pairs)} vectors into {self.vectors.shape} matrix from {fname}",
        )
