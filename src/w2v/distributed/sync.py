"""How the shards' updates of one round become the next round's weights.

Each shard trains a round on its own copy of the weights, starting from the
same weights, and reports the rows it changed with their change (an
:class:`Update`). The schemes:

- ``"sum"`` adds every shard's change: the result is what the shards would
  have produced writing to shared weights with a round's delay, the way the
  threads of one machine share them (Hogwild) with a longer lag. A row only
  one shard touched gets exactly that shard's change.
- ``"average"`` divides each row's summed change by the number of shards
  that changed it (MLlib's rule since SPARK-24666): a row one shard touched
  gets its whole change, one that all P touched gets their mean.

Pure numpy: the same code combines what Spark, or any other engine, sends
back. Updates are applied in shard order, so the result depends only on the
updates, not on which arrived first (a retried task's update is the same as
the failed one's would have been).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SCHEMES = ("hybrid", "sum", "average")
MATRICES = ("w_in", "w_out_ns", "w_out_hs")


@dataclass
class Update:
    """What one shard's round changed: ``rows[name]`` (int32, increasing) and ``deltas[name]``
    (len(rows) x d float32) for each matrix; ``stats`` its (loss sum, predictions, words, kept)."""

    shard: int
    epoch: int
    round: int
    rows: dict = field(default_factory=dict)
    deltas: dict = field(default_factory=dict)
    stats: tuple = (0.0, 0.0, 0.0, 0.0)

    @property
    def nbytes(self):
        return sum(r.nbytes for r in self.rows.values()) + sum(d.nbytes for d in self.deltas.values())


def changes(before, after, candidates=None):
    """``(rows, deltas)``: the rows where ``after`` differs from ``before`` and by how much
    (looking only at the rows ``candidates``, increasing, when given)."""
    if candidates is None:
        delta = after - before
        rows = np.flatnonzero(np.any(delta != 0, axis=1)).astype(np.int32)
        return rows, np.ascontiguousarray(delta[rows])
    candidates = np.asarray(candidates, dtype=np.int64)
    delta = after[candidates] - before[candidates]
    moved = np.any(delta != 0, axis=1)
    return candidates[moved].astype(np.int32), np.ascontiguousarray(delta[moved])


def sequential_scale(loads, touched, step):
    """The factor that turns the sum of ``touched`` shards' changes to a row into what the same
    updates applied one shard after another would give, if each shard's updates pulled the row
    toward a common point (a contraction): one shard's ``loads`` updates of relative size
    ``step`` cover c = 1 - (1 - step)^loads of the way; t shards in a row cover 1 - (1 - c)^t,
    where the sum says t c. So the factor is (1 - (1 - c)^t) / (t c): 1 for a row few updates
    touch (the changes add up, as sequential SGD's), 1/t for a row each shard settles (their mean)."""
    c = 1.0 - (1.0 - min(max(step, 0.0), 1.0)) ** np.asarray(loads, dtype=np.float64)
    t = np.maximum(np.asarray(touched, dtype=np.float64), 1.0)
    small = c < 1e-12
    c = np.where(small, 1.0, c)
    return np.where(small, 1.0, (1.0 - (1.0 - c) ** t) / (t * c))


@dataclass
class Partial:
    """Several shards' updates of one round added up (what an executor sends when it trains
    several shards): for each matrix the rows any of them changed, the sum of their changes, and
    how many of them changed each row; ``stats`` summed."""

    shards: tuple
    epoch: int
    round: int
    rows: dict = field(default_factory=dict)
    sums: dict = field(default_factory=dict)
    touched: dict = field(default_factory=dict)
    stats: tuple = (0.0, 0.0, 0.0, 0.0)

    @property
    def nbytes(self):
        return sum(a.nbytes for part in (self.rows, self.sums, self.touched) for a in part.values())


def _as_partial(item):
    if isinstance(item, Partial):
        return item
    ones = {name: np.ones(len(r), dtype=np.int32) for name, r in item.rows.items()}
    return Partial(
        (item.shard,), item.epoch, item.round, dict(item.rows), dict(item.deltas), ones, item.stats
    )


def accumulate(items):
    """One Partial from Updates and Partials of the same round (added in shard order, so the
    result does not depend on the order they come in). ValueError if a shard appears twice or
    the items are from different rounds."""
    parts = sorted((_as_partial(i) for i in items), key=lambda p: p.shards)
    shards = [s for p in parts for s in p.shards]
    if len(set(shards)) != len(shards):
        raise ValueError(f"two updates from the same shard in one round: {sorted(shards)}")
    if len({(p.epoch, p.round) for p in parts}) > 1:
        raise ValueError("updates of different rounds cannot be added up")
    epoch, rnd = (parts[0].epoch, parts[0].round) if parts else (0, 0)
    out = Partial(tuple(sorted(shards)), epoch, rnd)
    out.stats = tuple(float(sum(p.stats[k] for p in parts)) for k in range(4))
    for name in MATRICES:
        have = [p for p in parts if name in p.rows]
        if not have:
            continue
        for p in have:
            rows, sums = p.rows[name], p.sums[name]
            if sums.ndim != 2 or len(sums) != len(rows) or len(p.touched[name]) != len(rows):
                raise ValueError(f"an update of {name} is damaged: its rows and changes differ in number")
        union = np.unique(np.concatenate([p.rows[name] for p in have])).astype(np.int32)
        width = have[0].sums[name].shape[1]
        if any(p.sums[name].shape[1] != width for p in have):
            raise ValueError(f"the updates of {name} differ in width")
        total = np.zeros((len(union), width), dtype=np.float32)
        touched = np.zeros(len(union), dtype=np.int32)
        for p in have:
            at = np.searchsorted(union, p.rows[name])
            total[at] += p.sums[name]  # a part's rows are distinct: plain indexed adds are exact
            touched[at] += p.touched[name]
        out.rows[name], out.sums[name], out.touched[name] = union, total, touched
    return out


def apply(weights, partial, scheme="sum", loads=None, steps=None):
    """Apply a round's added-up changes (a Partial) to ``weights`` ({name: array or None}) in
    place, by ``scheme``. ValueError for an unknown scheme or changes that do not fit."""
    if scheme not in SCHEMES:
        raise ValueError(f"unknown synchronisation scheme {scheme!r}; use one of {', '.join(SCHEMES)}")
    for name in MATRICES:
        if name not in partial.rows:
            continue
        w = weights.get(name)
        if w is None:
            raise ValueError(f"an update changes {name}, which these weights do not have")
        rows, total, touched = partial.rows[name], partial.sums[name], partial.touched[name]
        if total.shape != (len(rows), w.shape[1]) or (
            len(rows) and not 0 <= rows.min() <= rows.max() < len(w)
        ):
            raise ValueError(f"an update of {name} does not fit its {w.shape} weights")
        if scheme == "sum":
            w[rows] += total
            continue
        if scheme == "hybrid":
            if loads is None or loads.get(name) is None or len(loads[name]) != len(w):
                raise ValueError(f"the hybrid scheme needs each row's expected updates ({name})")
            scale = sequential_scale(loads[name][rows], touched, steps[name]).astype(w.dtype)
        else:
            scale = (1.0 / np.maximum(touched, 1)).astype(w.dtype)
        w[rows] += total * scale[:, None]
    return weights


def combine(weights, updates, scheme="sum", loads=None, steps=None):
    """Apply one round's ``updates`` (Updates or Partials) to ``weights`` in place, by ``scheme``."""
    if scheme not in SCHEMES:
        raise ValueError(f"unknown synchronisation scheme {scheme!r}; use one of {', '.join(SCHEMES)}")
    return apply(weights, accumulate(updates), scheme, loads, steps)
