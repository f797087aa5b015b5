"""KeyedVectors: word vectors you can look up, change and query. No training inside.

The class offers gensim 4's ``KeyedVectors`` surface (names, arguments,
defaults, errors), so code written for gensim runs with one changed import.
This module holds the data and its bookkeeping: construction, lookups,
adding and replacing vectors, per-key attributes (``counts`` is the
``"count"`` attribute), norms and pickling. The queries are in
``w2v.vector_queries``, the files in ``w2v.vector_files``, and the names
gensim 4 deprecated or retired in ``w2v.vector_legacy``.

Keys are strings (any hashable works); as in gensim, a plain int that is not
itself a key stands for the row of that number (``kv[0]`` is the first
vector). An unknown key raises ``KeyError`` with a message that names it and,
when there are any, close spellings that are in the vocabulary.
"""

from __future__ import annotations

import difflib
import logging
import numbers
import warnings

import numpy as np

from .vector_files import VectorFiles
from .vector_legacy import GensimLegacy
from .vector_queries import KEY_TYPES, VectorQueries

logger = logging.getLogger("w2v")

_SUGGEST_FROM = 50_000  # close spellings are searched among the most frequent words only (fast)
MAX_COUNT = 1 << 62  # word counts are 1 .. 2**62 (sums of them must fit in int64)
_CACHES = ("_norms", "_safe", "_unit")


def check_counts(counts, keys):
    """``counts`` as an (N,) int64 array of whole numbers from 1 to 2**62, or ValueError naming the word."""
    arr = np.asarray(counts)
    if arr.shape != (len(keys),):
        raise ValueError(f"counts of shape {arr.shape} do not match {len(keys)} words")
    whole = arr.dtype.kind in "iu" or (
        arr.dtype.kind == "f" and bool(np.isfinite(arr).all()) and bool((arr == np.floor(arr)).all())
    )
    if not whole:
        raise ValueError(f"counts must be whole numbers from 1 to 2**62, not {arr.dtype} values")
    bad = np.flatnonzero((arr < 1) | (arr > MAX_COUNT)) if len(arr) else []
    if len(bad):
        i = int(bad[0])
        value = arr[i].item()
        raise ValueError(f"count {value} of word {keys[i]!r} is out of range (1 to 2**62)")
    return arr.astype(np.int64, copy=False)


def _check_count(value, key):
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, float, np.floating)):
        raise ValueError(f"a count must be a whole number from 1 to 2**62, not {value!r}")
    if (
        value != value
        or value in (float("inf"), float("-inf"))
        or int(value) != value
        or not 1 <= int(value) <= MAX_COUNT
    ):
        raise ValueError(f"count {value!r} of word {key!r} is out of range (1 to 2**62)")
    return int(value)


class KeyedVectors(VectorQueries, VectorFiles, GensimLegacy):
    """A (N, d) matrix with one key (word) for each row.

    Two ways to make one:

    - ``KeyedVectors(index_to_key, vectors, counts=None)`` (w2v's): the words
      in row order, their (N, d) vectors (stored as float32) and, if known,
      their corpus counts (whole numbers from 1 to 2**62);
    - ``KeyedVectors(vector_size, count=0, dtype=np.float32, mapfile_path=None)``
      (gensim's, when the first argument is an int): empty, with ``count``
      rows set aside for ``add_vector`` to fill.

    ``index_to_key`` lists the keys in row order (most frequent first when
    they come from training), ``key_to_index`` maps back, ``counts`` holds
    the counts (the ``"count"`` attribute of ``get_vecattr``) or None, and
    ``expandos`` every per-key attribute by name, as in gensim.
    """

    def __init__(self, *args, **kwargs):
        first = args[0] if args else kwargs.get("vector_size")
        if "vector_size" in kwargs or (isinstance(first, numbers.Integral) and not isinstance(first, bool)):
            self._init_empty(*args, **kwargs)
        else:
            self._init_filled(*args, **kwargs)

    def _init_empty(self, vector_size, count=0, dtype=np.float32, mapfile_path=None):
        if int(vector_size) < 0 or int(count) < 0:
            raise ValueError(f"vector_size and count must be >= 0, not {vector_size} and {count}")
        self.index_to_key = [None] * int(count)
        self.key_to_index = {}
        self.vectors = np.zeros((int(count), int(vector_size)), dtype=dtype)
        self.expandos = {}
        self.next_index = 0  # where add_vector puts the next key
        self.mapfile_path = mapfile_path
        self.reset_norms()

    def _init_filled(self, index_to_key, vectors, counts=None):
        vectors = np.asarray(vectors, dtype=np.float32)
        index_to_key = list(index_to_key)
        if vectors.ndim != 2 or vectors.shape[0] != len(index_to_key):
            raise ValueError(f"vectors of shape {vectors.shape} do not match {len(index_to_key)} words")
        self.index_to_key = index_to_key
        self.key_to_index = dict(zip(index_to_key, range(len(index_to_key)), strict=True))
        if len(self.key_to_index) != len(index_to_key):
            raise ValueError("the words are not unique")
        self.vectors = vectors  # (N, d) float32
        self.expandos = {}
        if counts is not None:
            self.expandos["count"] = check_counts(counts, index_to_key)  # (N,) int64
        self.next_index = len(index_to_key)
        self.mapfile_path = None
        self.reset_norms()

    @property
    def counts(self):
        """The corpus count of each row, (N,) int64, or None: the ``"count"`` attribute."""
        return self.expandos.get("count")

    @counts.setter
    def counts(self, value):
        if value is None:
            self.expandos.pop("count", None)
        else:
            self.expandos["count"] = check_counts(value, self.index_to_key)

    @property
    def vector_size(self):
        return self.vectors.shape[1]

    # -- pickling and copies: the caches are rebuilt, memory-mapped arrays travel as plain arrays ---

    def __getstate__(self):
        state = {k: v for k, v in self.__dict__.items() if k not in _CACHES}
        state["vectors"] = np.asarray(self.vectors)
        state["expandos"] = {k: np.asarray(v) for k, v in self.expandos.items()}
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__dict__.setdefault("expandos", {})
        self.__dict__.setdefault("next_index", len(self.index_to_key))
        self.__dict__.setdefault("mapfile_path", None)
        self.reset_norms()

    # -- lookup ----------------------------------------------------------------------------------

    def __len__(self):
        return len(self.index_to_key)

    def __iter__(self):
        """The keys in row order (gensim has no working iteration: its ``for`` ends in a KeyError)."""
        return iter(self.index_to_key)

    def __contains__(self, key):
        return self.has_index_for(key)

    def __getitem__(self, key_or_keys):
        """``kv["word"]`` is its vector; ``kv[["a", "b"]]`` stacks theirs into (2, d)."""
        if isinstance(key_or_keys, KEY_TYPES):
            return self.get_vector(key_or_keys)
        return np.vstack([self.get_vector(key) for key in key_or_keys])

    def __setitem__(self, keys, weights):
        """``kv["word"] = vector`` (or lists of both): add the keys, replacing the vectors of known ones."""
        if not isinstance(keys, list):
            keys = [keys]
            weights = np.asarray(weights).reshape(1, -1)
        self.add_vectors(keys, weights, replace=True)

    def __str__(self):
        return f"{self.__class__.__name__}<vector_size={self.vector_size}, {len(self)} keys>"

    def __repr__(self):
        return f"<KeyedVectors: {len(self)} words x {self.vector_size} dimensions>"

    def has_index_for(self, key):
        """Does ``key`` have a row (a key, or an int row number)?"""
        return self.get_index(key, -1) >= 0

    def get_index(self, key, default=None):
        """The row of ``key`` (an int that is not a key is a row number); ``default`` or KeyError if none."""
        i = self.key_to_index.get(key, -1)
        if i >= 0:
            return i
        if (
            isinstance(key, (int, np.integer))
            and not isinstance(key, bool)
            and 0 <= key < len(self.index_to_key)
        ):
            return int(key)
        if default is not None:
            return default
        raise KeyError(self.unknown_word_message(key))

    def unknown_word_message(self, word):
        """'word 'x' is not in the vocabulary' plus close spellings that are, if any."""
        message = f"word {word!r} is not in the vocabulary"
        if isinstance(word, str) and self.index_to_key:
            folded = {}  # lower case -> the most frequent spelling (case does not count when matching)
            for k in self.index_to_key[:_SUGGEST_FROM]:
                if isinstance(k, str):
                    folded.setdefault(k.lower(), k)
            same = [folded[word.lower()]] if word.lower() in folded else []
            close = [
                folded[c] for c in difflib.get_close_matches(word.lower(), list(folded), n=3, cutoff=0.75)
            ]
            suggestions = list(dict.fromkeys(same + close))[:3]
            if suggestions:
                message += " (did you mean " + ", ".join(repr(w) for w in suggestions) + "?)"
        return message

    def get_vector(self, key, norm=False):
        """The vector of ``key`` (a read-only view of its row), or its unit vector with ``norm=True``."""
        i = self.get_index(key)
        result = self.vectors[i] / self._safe_norms[i] if norm else self.vectors[i]
        result.setflags(write=False)  # as gensim: writing would leave the cached norms stale
        return result

    def get_count(self, word):
        """The corpus count of ``word`` (w2v's shorthand for ``get_vecattr(word, "count")``)."""
        if self.counts is None:
            raise ValueError("these vectors carry no word counts")
        return int(self.counts[self.get_index(word)])

    # -- per-key attributes ("expandos") ----------------------------------------------------------

    def allocate_vecattrs(self, attrs=None, types=None):
        """Make sure the attribute arrays exist and have one value per key (new ones: 0; counts: 1)."""
        if attrs is None:
            attrs = list(self.expandos)
            types = [self.expandos[attr].dtype for attr in attrs]
        target = len(self.index_to_key)
        for attr, t in zip(attrs, types, strict=True):
            if t is int:
                t = np.int64
            if t is str:
                t = object  # NumPy's fixed-width strings would take too much memory
            fill = 1 if attr == "count" else 0
            previous = self.expandos.get(attr)
            if previous is None:
                self.expandos[attr] = np.full(target, fill, dtype=np.int64 if attr == "count" else t)
                continue
            if not np.issubdtype(t, previous.dtype):
                raise TypeError(
                    f"Can't allocate type {t} for attribute {attr}, "
                    f"conflicts with its existing type {previous.dtype}"
                )
            if len(previous) != target:
                grown = np.full(target, fill, dtype=previous.dtype)
                keep = min(len(previous), target)
                grown[:keep] = previous[:keep]
                self.expandos[attr] = grown

    def set_vecattr(self, key, attr, val):
        """Set attribute ``attr`` of ``key`` to ``val`` (``"count"``: a whole number from 1 to 2**62)."""
        index = self.get_index(key)
        if attr == "count":
            val = _check_count(val, key)
        self.allocate_vecattrs(attrs=[attr], types=[type(val)])
        values = self.expandos[attr]
        if not values.flags.writeable:  # memory-mapped from a file: change a copy
            values = self.expandos[attr] = np.array(values)
        values[index] = val

    def get_vecattr(self, key, attr):
        """Attribute ``attr`` of ``key`` (KeyError for an unknown key or attribute)."""
        return self.expandos[attr][self.get_index(key)]

    # -- adding, replacing, reordering -------------------------------------------------------------

    def _own_vectors(self):
        """``vectors``, copied first if they are read-only (memory-mapped from a file)."""
        if not self.vectors.flags.writeable:
            self.vectors = np.array(self.vectors)
        return self.vectors

    def add_vector(self, key, vector):
        """Add one key and vector, in the next preallocated row if there is one; returns its row.

        A key that is already there keeps its vector (use ``kv[key] = vector`` to replace it).
        """
        if key in self.key_to_index:
            return self.key_to_index[key]
        target = self.next_index
        if target >= len(self) or self.index_to_key[target] is not None:
            target = len(self)
            warnings.warn(
                "Adding single vectors to a KeyedVectors which grows by one each time can be costly. "
                "Consider adding in batches or preallocating to the required size.",
                UserWarning,
                stacklevel=2,
            )
            self.add_vectors([key], [vector])
            self.next_index = target + 1
        else:
            self._own_vectors()[target] = vector
            self.index_to_key[target] = key
            self.key_to_index[key] = target
            self.next_index += 1
            self.reset_norms()
        return target

    def add_vectors(self, keys, weights, extras=None, replace=False):
        """Append keys and their vectors; known keys keep their vectors unless ``replace``.

        ``weights`` is (n, d) (or a list of n vectors); ``extras`` maps an
        attribute name to n values for those keys. A key given twice is added
        once, with its first vector (its last with ``replace``).
        """
        if isinstance(keys, KEY_TYPES):
            keys = [keys]
            weights = np.asarray(weights).reshape(1, -1)
        else:
            keys = list(keys)
            weights = np.asarray(weights)
            if weights.size == 0:
                weights = weights.reshape(0, self.vector_size)
        if weights.shape != (len(keys), self.vector_size):
            raise ValueError(
                f"weights of shape {weights.shape} do not match {len(keys)} keys of size {self.vector_size}"
            )
        extras = {attr: np.asarray(values) for attr, values in (extras or {}).items()}
        for attr, values in extras.items():
            if values.shape[:1] != (len(keys),):
                raise ValueError(f"extras[{attr!r}] has {len(values)} values for {len(keys)} keys")
            if attr == "count":
                check_counts(values, keys)
        new, known = {}, {}  # key -> position in the batch; row -> position in the batch
        for pos, key in enumerate(keys):
            row = self.key_to_index.get(key)
            if row is not None:
                if replace:
                    known[row] = pos
            elif key not in new or replace:
                new[key] = pos
        self.allocate_vecattrs(list(extras), [values.dtype for values in extras.values()])
        start = len(self.index_to_key)
        if new:
            take = list(new.values())
            rows = np.vstack((self.vectors, weights[take].astype(self.vectors.dtype)))  # may raise: before
            self.index_to_key.extend(new)  # in place: a model may share this list and dict
            self.key_to_index.update(zip(new, range(start, start + len(new)), strict=True))
            self.vectors = rows
            self.allocate_vecattrs()
            for attr, values in extras.items():
                self.expandos[attr][start:] = values[take]
        if known:
            rows, take = list(known), list(known.values())
            self._own_vectors()[rows] = weights[take]
            for attr, values in extras.items():
                if not self.expandos[attr].flags.writeable:
                    self.expandos[attr] = np.array(self.expandos[attr])
                self.expandos[attr][rows] = values[take]
        self.reset_norms()

    def resize_vectors(self, seed=0):
        """One row per key: new rows random in [-1/d, 1/d) from ``seed`` (the values gensim gives)."""
        target = (len(self.index_to_key), self.vector_size)
        prior = self.vectors
        if prior.shape != target:
            rng = np.random.default_rng(seed=seed)
            grown = rng.random(target, dtype=np.float32)  # [0, 1)
            grown *= 2.0
            grown -= 1.0
            grown /= target[1]
            keep = min(prior.shape[0], target[0])
            grown[:keep] = prior[:keep]
            self.vectors = grown
        self.allocate_vecattrs()
        self.reset_norms()

    def sort_by_descending_frequency(self):
        """Reorder the rows by descending count (ties: later rows first, as gensim); KeyError if none."""
        if not len(self):
            return
        if self.counts is None:
            raise KeyError("count")
        counts = np.asarray(self.counts, dtype=np.int64)
        order = np.lexsort((-np.arange(len(counts)), -counts))
        self.index_to_key[:] = [self.index_to_key[i] for i in order]
        self.allocate_vecattrs()
        for attr in self.expandos:
            self.expandos[attr] = self.expandos[attr][order]
        if len(self.vectors):
            self.vectors = self.vectors[order]
        self.key_to_index.clear()
        self.key_to_index.update((k, i) for i, k in enumerate(self.index_to_key) if k is not None)
        self.reset_norms()

    def vectors_for_all(self, keys, allow_inference=True, copy_vecattrs=False):
        """A new KeyedVectors with the given keys that have vectors, in the order given, once each.

        Its counts are made up as gensim does (n, n - 1, ..., 1 in that order)
        unless ``copy_vecattrs`` copies every attribute, counts included.
        """
        vocab, seen = [], set()
        for key in keys:
            if key not in seen:
                seen.add(key)
                if self.has_index_for(key) if allow_inference else key in self.key_to_index:
                    vocab.append(key)
        rows = [self.get_index(key) for key in vocab]
        kv = KeyedVectors(self.vector_size, 0, dtype=self.vectors.dtype)
        kv.index_to_key = vocab
        kv.key_to_index = {key: i for i, key in enumerate(vocab)}
        kv.vectors = self.vectors[rows].copy() if rows else kv.vectors
        kv.next_index = len(vocab)
        kv.expandos["count"] = np.arange(len(vocab), 0, -1, dtype=np.int64)
        if copy_vecattrs:
            for attr, values in self.expandos.items():
                kv.expandos[attr] = np.asarray(values)[rows].copy()
        return kv

    # -- norms -----------------------------------------------------------------------------------

    def reset_norms(self):
        """Forget the cached norms; call after changing ``vectors`` in place (training does)."""
        self._norms = None
        self._safe = None
        self._unit = None

    def fill_norms(self, force=False):
        """Compute the row norms now (once; ``force`` recomputes)."""
        if self._norms is None or force:
            norms = np.linalg.norm(self.vectors, axis=1)  # (N,)
            # _norms last: another thread that sees it set finds _safe ready (the explorer's server)
            self._unit = None
            self._safe = np.where(norms > 0, norms, norms.dtype.type(1))  # zero rows stay zero
            self._norms = norms

    @property
    def norms(self):
        """Euclidean length of every row, (N,), computed once and cached (``kv.norms = None`` forgets it)."""
        self.fill_norms()
        return self._norms

    @norms.setter
    def norms(self, value):
        if value is None:
            self.reset_norms()
        else:
            self._norms = np.asarray(value)
            self._safe = np.where(self._norms > 0, self._norms, self._norms.dtype.type(1))
            self._unit = None

    @property
    def _safe_norms(self):
        self.fill_norms()
        return self._safe

    def get_normed_vectors(self):
        """The rows scaled to unit length, (N, d), cached and read-only (zero rows stay zero)."""
        if self._unit is None:
            unit = self.vectors / self._safe_norms[:, None]
            unit.setflags(write=False)
            self._unit = unit
        return self._unit

    unit_vectors = property(get_normed_vectors)

    def unit_normalize_all(self):
        """Scale every row to unit length, in place, for good (zero rows stay zero)."""
        self.fill_norms()
        vectors = self._own_vectors()
        vectors /= self._safe[:, None]
        ones = (self._norms > 0).astype(self._norms.dtype)
        self.reset_norms()
        self.norms = ones
