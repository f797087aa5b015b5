"""Where a training run stands: per-epoch statistics and the state of a run
that was stopped before its end, with their JSON form for model files.

Pure data: nothing here trains or reads files. ``RunState.from_json`` checks
every field, so a damaged or crafted record is a ValueError, never a crash
later in the engine.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

MAX_EPOCHS = 100_000


def json_float(value):
    """A float for JSON: NaN and infinities become None (JSON has no NaN)."""
    return None if value is None or not math.isfinite(value) else float(value)


def float_from_json(value):
    """The inverse of :func:`json_float`: None becomes NaN."""
    if value is None:
        return float("nan")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"expected a number, got {value!r}")
    return float(value)


@dataclass
class EpochStats:
    """What the blocks of one epoch did (sums over blocks, float64)."""

    loss: float = 0.0  # sum of the objective over the predictions trained on
    predictions: float = 0.0
    words: float = 0.0  # in-vocabulary words read
    kept: float = 0.0  # words left after subsampling
    blocks: int = 0
    eval_loss: float = float("nan")  # mean objective on the evaluation sample, weights frozen

    @property
    def mean_loss(self):
        return self.loss / self.predictions if self.predictions else float("nan")

    def add(self, result):
        """Add one block's (loss, predictions, words, kept)."""
        self.loss += result[0]
        self.predictions += result[1]
        self.words += result[2]
        self.kept += result[3]
        self.blocks += 1

    def to_json(self):
        return {k: (json_float(v) if isinstance(v, float) else v) for k, v in asdict(self).items()}

    @classmethod
    def from_json(cls, obj):
        names = [f.name for f in fields(cls)]
        if not isinstance(obj, dict) or set(obj) != set(names):
            raise ValueError("the epoch statistics are damaged")
        blocks = obj["blocks"]
        if isinstance(blocks, bool) or not isinstance(blocks, int) or blocks < 0:
            raise ValueError("the epoch statistics are damaged")
        values = {k: float_from_json(obj[k]) for k in names if k != "blocks"}
        if any(values[k] < 0 for k in ("predictions", "words", "kept")):
            raise ValueError("the epoch statistics are damaged")
        return cls(blocks=blocks, **values)


def _count(obj, key, most=None):
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or (most and value > most):
        raise ValueError(f"the interrupted-run record is damaged ({key})")
    return value


@dataclass
class RunState:
    """A training run: ``epochs`` epochs over a corpus of ``n_tokens`` tokens in
    ``n_sentences`` sentences, stopped (if ``epoch``/``block`` are past 0) before
    block ``block`` (in that epoch's order) of epoch ``epoch``; ``partial`` holds
    that epoch's statistics so far. ``epoch_offset`` is the number of epochs the
    model had trained before this run (block seeds use it)."""

    epochs: int
    epoch_offset: int
    n_tokens: int
    n_sentences: int
    epoch: int = 0
    block: int = 0
    partial: EpochStats | None = None
    fingerprint: str | None = None  # EncodedCorpus.fingerprint() of the corpus (None in old files)
    layout: list | None = None  # [batch_words, seed, shuffle]: what block k of an epoch means

    @property
    def started(self):
        return bool(self.epoch or self.block)

    def corpus_mismatch(self, n_tokens, n_sentences, fingerprint):
        """Why a corpus cannot resume this run, or None if it can."""
        if (self.n_tokens, self.n_sentences) != (int(n_tokens), int(n_sentences)):
            return (
                f"this model's training run was interrupted on a corpus of {self.n_tokens} tokens in "
                f"{self.n_sentences} sentences; resume it on that corpus, not on one of "
                f"{n_tokens} tokens in {n_sentences} sentences"
            )
        if self.fingerprint is not None and fingerprint != self.fingerprint:
            return (
                "this model's training run was interrupted on another corpus: the same number of "
                "tokens and sentences, but not the same text (words, their order or the line breaks "
                "differ); resume it on the corpus it was trained on"
            )
        return None

    def layout_mismatch(self, batch_words, seed, shuffle):
        """Why these schedule settings cannot resume this run (blocks would be skipped or
        repeated), or None if they can."""
        now = [int(batch_words), int(seed), int(bool(shuffle))]
        if self.layout is None or list(self.layout) == now:
            return None
        names = ("batch_words", "seed", "shuffle")
        was = ", ".join(f"{n}={a!r}" for n, a in zip(names, self.layout, strict=True))
        changed = ", ".join(n for n, a, b in zip(names, self.layout, now, strict=True) if a != b)
        return f"this model's run was interrupted with {was}; {changed} cannot change before resuming it"

    def to_json(self):
        record = asdict(self)
        record["partial"] = None if self.partial is None else self.partial.to_json()
        return record

    @classmethod
    def from_json(cls, obj):
        """A RunState from its JSON record, every field checked (None gives None)."""
        if obj is None:
            return None
        if not isinstance(obj, dict):
            raise ValueError("the interrupted-run record is damaged")
        state = cls(
            epochs=_count(obj, "epochs", MAX_EPOCHS),
            epoch_offset=_count(obj, "epoch_offset"),
            n_tokens=_count(obj, "n_tokens"),
            n_sentences=_count(obj, "n_sentences"),
            epoch=_count(obj, "epoch"),
            block=_count(obj, "block"),
        )
        if state.epochs < 1 or state.epoch > state.epochs:
            raise ValueError("the interrupted-run record is damaged (epoch)")
        if obj.get("partial") is not None:
            state.partial = EpochStats.from_json(obj["partial"])
        fingerprint = obj.get("fingerprint")
        if fingerprint is not None and (
            not isinstance(fingerprint, str)
            or len(fingerprint) != 32
            or set(fingerprint) - set("0123456789abcdef")
        ):
            raise ValueError("the interrupted-run record is damaged (fingerprint)")
        state.fingerprint = fingerprint
        layout = obj.get("layout")
        if layout is not None and (
            not isinstance(layout, list)
            or len(layout) != 3
            or not all(type(x) is int and x >= 0 for x in layout)
        ):
            raise ValueError("the interrupted-run record is damaged (layout)")
        state.layout = layout
        return state
