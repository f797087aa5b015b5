"""What the explorer's JSON API answers, over one or two sets of word vectors: neighbours,
analogies, a 2-D map, user-defined axes, the model's card, and the comparison of two models.

Pure Python and NumPy, no web server (``w2v.explore.server`` serves these answers over HTTP).
Every input is checked and bounded (:data:`LIMITS`); a bad one raises :class:`ApiError` with
the HTTP status it deserves and a message, and for an unknown word the close spellings that
are in the vocabulary. Words are data, never markup: the page shows them as text.
"""

from __future__ import annotations

import difflib
import math
import re
import threading
import warnings

import numpy as np

from ..run_state import json_float

LIMITS = {
    "topn": 1000,  # neighbours in one answer
    "map_points": 100_000,  # points in one map
    "umap_points": 20_000,  # points in one UMAP map (UMAP costs far more than PCA)
    "word_chars": 200,  # characters in one word of a query
    "suggestions": 50,  # completions in one answer
    "changed": 1000,  # words in one list of changed neighbourhoods
    "body_bytes": 65_536,  # a request's JSON body
}
MAP_METHODS = ("pca", "umap")
ANALOGY_METHODS = ("3cosadd", "3cosmul")
# Very frequent function words, for the map's optional stopword filter.
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours yourself yourselves also one two three four five six
    seven eight nine zero s t""".split()
)


class ApiError(Exception):
    """A request the API refuses: ``status`` (4xx), ``message``, and ``extra`` fields."""

    def __init__(self, status, message, **extra):
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra

    def to_json(self):
        return {"error": self.message, **self.extra}


def whole_number(name, value, low, high):
    """``value`` (an int or its decimal text) as an int in [low, high], or ApiError 400."""
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,18}", value.strip(), re.ASCII):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(400, f"{name} must be a whole number, got {value!r}"[:300])
    if not low <= value <= high:
        raise ApiError(400, f"{name}={value} is out of range: from {low} to {high}")
    return value


def word_arg(name, value):
    if not isinstance(value, str) or not value:
        raise ApiError(400, f"{name} must be a non-empty word")
    if len(value) > LIMITS["word_chars"]:
        raise ApiError(400, f"{name} is longer than {LIMITS['word_chars']} characters")
    return value


def choice(name, value, allowed):
    if value not in allowed:
        raise ApiError(400, f"{name} must be one of {', '.join(allowed)}, got {str(value)[:50]!r}")
    return value


class Space:
    """One set of word vectors as the explorer sees it: the KeyedVectors, the model when there is
    one (for its card), a name, and caches (lower-cased words, maps)."""

    def __init__(self, kv, name, model=None):
        self.kv, self.name, self.model = kv, name, model
        kv.fill_norms()  # the caches the queries share, filled before any request thread reads them
        kv.get_normed_vectors()
        self.lower = [k.lower() for k in kv.index_to_key]  # completion, in frequency order
        self.folded = {}  # lower case -> the most frequent spelling ("did you mean")
        for k in kv.index_to_key[:200_000]:
            self.folded.setdefault(k.lower(), k)
        self.maps = {}  # (n, lo, stop, method) -> the map's answer
        self.card = None
        self.evaluation = None
        self.lock = threading.Lock()  # the small caches
        self.heavy = threading.Lock()  # one costly computation (a map, the evaluation) at a time

    def index(self, word):
        """The row of ``word``, or ApiError 404 with close spellings (case does not count)."""
        i = self.kv.key_to_index.get(word)
        if i is not None:
            return i
        raise ApiError(
            404, f"{word!r} is not in the vocabulary of {self.name}", suggestions=self.spellings(word)
        )

    def spellings(self, word, n=5):
        low = word.lower()
        same = [self.folded[low]] if low in self.folded else []
        # close spellings among words of about the same length (difflib over 200,000 words is slow)
        pool = [w for w in self.folded if abs(len(w) - len(low)) <= 2 and w[:1] == low[:1]]
        close = [self.folded[c] for c in difflib.get_close_matches(low, pool, n=n, cutoff=0.7)]
        return list(dict.fromkeys(same + close))[:n]


class Explorer:
    """The API over one space, or two (then ``compare`` and ``changed`` work)."""

    def __init__(self, spaces):
        if not 1 <= len(spaces) <= 2:
            raise ValueError("the explorer shows one or two models")
        self.spaces = list(spaces)
        self._aligned = None
        self._changed = None
        self._lock = threading.Lock()

    def space(self, which):
        which = whole_number("model", 0 if which is None else which, 0, len(self.spaces) - 1)
        return self.spaces[which]

    # -- the endpoints ------------------------------------------------------------------------------

    def models(self):
        return {"models": [self.card(i) for i in range(len(self.spaces))]}

    def card(self, which=0):
        """Vocabulary size, dimensions, parameters, loss per epoch (evaluation: ``evaluate``)."""
        s = self.space(which)
        with s.lock:
            if s.card is None:
                s.card = _card(s)
        return s.card

    def evaluate(self, which=0):
        """The model's scores on the Google analogy set, overall and per section (computed once;
        a separate call, as it takes a moment on a large vocabulary)."""
        s = self.space(which)
        with s.heavy:
            if s.evaluation is None:
                s.evaluation = _evaluation(s)
        return s.evaluation

    def suggest(self, prefix, limit=10, which=0):
        prefix = word_arg("prefix", prefix).lower()
        limit = whole_number("limit", limit, 1, LIMITS["suggestions"])
        s = self.space(which)
        found = []
        for k, low in zip(s.kv.index_to_key, s.lower, strict=True):
            if low.startswith(prefix):
                found.append(k)
                if len(found) == limit:
                    break
        return {"prefix": prefix, "words": found}

    def neighbors(self, word, topn=20, which=0):
        """The ``topn`` nearest words to ``word`` over the whole vocabulary (most_similar's cosines)."""
        word = word_arg("word", word)
        topn = whole_number("topn", topn, 1, LIMITS["topn"])
        s = self.space(which)
        s.index(word)
        pairs = s.kv.most_similar(positive=[word], topn=topn)
        return {"model": s.name, "word": word, "count": _count(s.kv, word), "neighbors": _rows(pairs)}

    def analogy(self, a, b, c, method="3cosadd", topn=10, which=0):
        """a : b :: c : ?, by 3CosAdd (most_similar) or 3CosMul (most_similar_cosmul)."""
        a, b, c = (word_arg(n, v) for n, v in (("a", a), ("b", b), ("c", c)))
        method = choice("method", method, ANALOGY_METHODS)
        topn = whole_number("topn", topn, 1, LIMITS["topn"])
        s = self.space(which)
        for w in (a, b, c):
            s.index(w)
        query = s.kv.most_similar if method == "3cosadd" else s.kv.most_similar_cosmul
        pairs = query(positive=[b, c], negative=[a], topn=topn)
        return {"model": s.name, "a": a, "b": b, "c": c, "method": method, "answers": _rows(pairs)}

    def map(self, n=5000, skip=0, stopwords=False, method="pca", which=0):
        """The ``n`` most frequent words after the first ``skip`` (without stopwords if asked),
        placed in 2-D by PCA (or UMAP when umap-learn is installed); computed once per setting."""
        s = self.space(which)
        n = whole_number("n", n, 2, LIMITS["map_points"])
        skip = whole_number("skip", skip, 0, max(len(s.kv) - 2, 0))
        stopwords = _flag("stopwords", stopwords)
        method = choice("method", method, MAP_METHODS)
        if method == "umap" and n > LIMITS["umap_points"]:
            raise ApiError(
                400,
                f"n={n} is too many for UMAP: at most {LIMITS['umap_points']} (PCA: {LIMITS['map_points']})",
            )
        key = (n, skip, stopwords, method)
        with s.lock:
            if key in s.maps:
                return s.maps[key]
        rows = _map_rows(s.kv, n, skip, stopwords)
        if len(rows) < 2:
            raise ApiError(400, "fewer than 2 words left to map")
        with s.heavy:  # one map computed at a time: many requests cannot pile up the work
            xy = _project(s.kv.get_normed_vectors()[rows], method)
        answer = {
            "model": s.name,
            "method": method,
            "words": [s.kv.index_to_key[i] for i in rows],
            "ranks": rows.tolist(),
            "x": np.round(xy[:, 0], 5).tolist(),
            "y": np.round(xy[:, 1], 5).tolist(),
        }
        with s.lock:
            if len(s.maps) >= 16:  # a few settings at a time
                s.maps.pop(next(iter(s.maps)))
            s.maps[key] = answer
        return answer

    def axes(self, x_plus, x_minus, y_plus, y_minus, n=2000, which=0):
        """The ``n`` most frequent words projected on two directions, x_plus - x_minus and
        y_plus - y_minus (e.g. he - she against good - bad): their cosines with each direction."""
        s = self.space(which)
        words = [
            word_arg(k, v)
            for k, v in (("x_plus", x_plus), ("x_minus", x_minus), ("y_plus", y_plus), ("y_minus", y_minus))
        ]
        for w in words:
            s.index(w)
        n = whole_number("n", n, 1, LIMITS["map_points"])
        unit = s.kv.get_normed_vectors()
        dirs = []
        for plus, minus in ((words[0], words[1]), (words[2], words[3])):
            d = unit[s.kv.key_to_index[plus]] - unit[s.kv.key_to_index[minus]]
            norm = float(np.linalg.norm(d))
            if norm == 0:
                raise ApiError(400, f"{plus!r} - {minus!r} is no direction (the same vector)")
            dirs.append(d / norm)
        top = unit[: min(n, len(unit))]
        return {
            "model": s.name,
            "words": s.kv.index_to_key[: len(top)],
            "x": np.round((top @ dirs[0]).astype(np.float64), 5).tolist(),
            "y": np.round((top @ dirs[1]).astype(np.float64), 5).tolist(),
        }

    def compare(self, word, topn=20):
        """``word``'s neighbours in each model, side by side, and how much they share."""
        self._two()
        word = word_arg("word", word)
        topn = whole_number("topn", topn, 1, LIMITS["topn"])
        sides = []
        for s in self.spaces:
            s.index(word)
            sides.append(_rows(s.kv.most_similar(positive=[word], topn=topn)))
        first, second = ({r["word"] for r in side} for side in sides)
        return {
            "word": word,
            "models": [s.name for s in self.spaces],
            "neighbors": sides,
            "shared": len(first & second),
            "overlap": len(first & second) / len(first | second) if first | second else 1.0,
        }

    def changed(self, n=50, among=2000, k=10):
        """The words whose neighbourhoods differ most between the two models, once the second is
        rotated onto the first (orthogonal Procrustes on their shared words): among the ``among``
        most frequent shared words, the ``n`` whose ``k`` nearest neighbours overlap least."""
        self._two()
        n = whole_number("n", n, 1, LIMITS["changed"])
        among = whole_number("among", among, 10, 5_000)
        k = whole_number("k", k, 1, 100)
        key = (among, k)
        with self._lock:
            if self._changed is None or self._changed[0] != key:
                self._changed = (key, _changed(self.spaces, among, k))
            ranked = self._changed[1]
        return {"models": [s.name for s in self.spaces], "k": k, "words": ranked[:n]}

    def _two(self):
        if len(self.spaces) != 2:
            raise ApiError(400, "comparing needs two models: w2v explore MODEL MODEL2")


def _flag(name, value):
    if isinstance(value, bool):
        return value
    if value in ("1", "true", 1):
        return True
    if value in ("0", "false", 0, None, ""):
        return False
    raise ApiError(400, f"{name} must be true or false, got {str(value)[:50]!r}")


def _count(kv, word):
    return None if kv.counts is None else int(kv.counts[kv.key_to_index[word]])


def _rows(pairs):
    return [{"word": w, "similarity": round(float(s), 6)} for w, s in pairs]


def _map_rows(kv, n, skip, stopwords):
    if not stopwords:
        return np.arange(skip, min(skip + n, len(kv)))
    rows = []
    for i in range(skip, len(kv)):
        if kv.index_to_key[i].lower() not in STOPWORDS:
            rows.append(i)
            if len(rows) == n:
                break
    return np.array(rows, dtype=np.int64)


def _project(unit, method):
    """2-D coordinates of the rows of ``unit``: PCA (the top two principal axes), or UMAP."""
    if method == "umap":
        try:
            import umap  # optional: pip install 'w2v[explore]'
        except ImportError:
            raise ApiError(
                400, "UMAP needs umap-learn: pip install 'w2v[explore]' (PCA works without it)"
            ) from None
        with warnings.catch_warnings():  # "n_jobs overridden by random_state": a fixed seed is wanted
            warnings.simplefilter("ignore", UserWarning)
            return umap.UMAP(n_components=2, metric="cosine", random_state=1).fit_transform(unit)
    centred = unit.astype(np.float64) - unit.mean(axis=0, dtype=np.float64)
    # the top two right singular vectors, from the small d x d covariance (fast for many points)
    values, vectors = np.linalg.eigh(centred.T @ centred)
    axes = vectors[:, ::-1][:, :2]
    axes *= np.where(axes[np.abs(axes).argmax(axis=0), range(2)] < 0, -1, 1)  # a fixed orientation
    return centred @ axes


def _card(space):
    kv, model = space.kv, space.model
    card = {"name": space.name, "words": len(kv), "dimensions": kv.vector_size, "kind": "vectors"}
    if model is not None:
        card.update(
            kind="model",
            parameters={
                k: (v if isinstance(v, (int, float, str, bool)) or v is None else str(v))
                for k, v in model.get_params().items()
            },
            epochs_trained=model.epochs_trained_,
            loss_per_epoch=[json_float(x) for x in model.loss_history_],
            frozen_loss_per_epoch=[json_float(x) for x in model.eval_loss_history_],
            corpus=model.corpus_,
        )
    return card


def _evaluation(space):
    """The Google analogy set on the space (restrict_vocab=30000, the usual protocol), by section."""
    kv = space.kv
    card = {"name": space.name}
    try:
        score, sections = kv.evaluate_word_analogies("google", restrict_vocab=30000)
        card["analogies"] = {
            "overall": json_float(score),
            "sections": [
                {
                    "section": sec["section"],
                    "correct": len(sec["correct"]),
                    "total": len(sec["correct"]) + len(sec["incorrect"]),
                }
                for sec in sections
            ],
        }
    except Exception:  # vectors too small or too odd for the analogy set: no scores, not an error
        card["analogies"] = None
    return card


UNIVERSE = 50_000  # the shared words among which /api/changed looks for neighbours


def _nearest(rows, unit, k, first):
    """For each of ``rows`` (the unit rows first .. first + len(rows) - 1 of ``unit``), the indices
    of its ``k`` nearest rows of ``unit`` by cosine, nearest first, itself left out."""
    scores = rows @ unit.T
    scores[np.arange(len(rows)), np.arange(first, first + len(rows))] = -np.inf
    k = min(k, unit.shape[0] - 1)
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def _changed(spaces, among, k):
    (a, b) = (s.kv for s in spaces)
    shared = [w for w in a.index_to_key if w in b.key_to_index]
    if len(shared) < 10:
        raise ApiError(400, f"the models share {len(shared)} words: too few to align")
    shared = shared[:UNIVERSE]  # neighbours are looked for among the most frequent shared words
    ia = np.array([a.key_to_index[w] for w in shared])
    ib = np.array([b.key_to_index[w] for w in shared])
    ua, ub = a.get_normed_vectors()[ia].astype(np.float32), b.get_normed_vectors()[ib].astype(np.float32)
    if ua.shape[1] != ub.shape[1]:
        raise ApiError(
            400, f"the models' dimensions differ ({ua.shape[1]} and {ub.shape[1]}): no rotation aligns them"
        )
    # orthogonal Procrustes: the rotation R minimising |ub R - ua| (float64 for the small d x d SVD)
    u, _, vt = np.linalg.svd(ub.astype(np.float64).T @ ua.astype(np.float64))
    ub = (ub @ (u @ vt)).astype(np.float32)
    top = min(among, len(shared))
    found = []
    for start in range(0, top, 256):
        stop = min(start + 256, top)
        near_a, near_b = _nearest(ua[start:stop], ua, k, start), _nearest(ub[start:stop], ub, k, start)
        for row, (na, nb) in enumerate(zip(near_a, near_b, strict=True)):
            i = start + row
            overlap = len(set(na.tolist()) & set(nb.tolist())) / k
            drift = 1.0 - float(ua[i] @ ub[i])
            found.append(
                {
                    "word": shared[i],
                    "overlap": round(overlap, 4),
                    "drift": round(drift, 6),
                    "neighbors": [[shared[j] for j in na[:5]], [shared[j] for j in nb[:5]]],
                }
            )
    found = [r for r in found if not math.isnan(r["drift"])]
    found.sort(key=lambda r: (r["overlap"], -r["drift"]))
    return found
