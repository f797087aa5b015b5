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


def changes(before, after):
    """``(rows, deltas)``: the rows where ``after`` differs from ``before`` and by how much."""
    delta = after - before
    rows = np.flatnonzero(np.any(delta != 0, axis=1)).astype(np.int32)
    return rows, np.ascontiguousarray(delta[rows])


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


def combine(weights, updates, scheme="sum", loads=None, steps=None):
    """Apply one round's ``updates`` to ``weights`` ({name: array or None}) in place, by ``scheme``.

    Raises ValueError for an unknown scheme, two updates from one shard, or an update whose rows
    or widths do not fit the weights."""
    if scheme not in SCHEMES:
        raise ValueError(f"unknown synchronisation scheme {scheme!r}; use one of {', '.join(SCHEMES)}")
    shards = [u.shard for u in updates]
    if len(set(shards)) != len(shards):
        raise ValueError(f"two updates from the same shard in one round: {sorted(shards)}")
    updates = sorted(updates, key=lambda u: u.shard)
    for name in MATRICES:
        w = weights.get(name)
        parts = [(u.rows[name], u.deltas[name]) for u in updates if name in u.rows]
        if not parts:
            continue
        if w is None:
            raise ValueError(f"an update changes {name}, which these weights do not have")
        for rows, delta in parts:
            if delta.shape != (len(rows), w.shape[1]) or (
                len(rows) and not 0 <= rows.min() <= rows.max() < len(w)
            ):
                raise ValueError(f"an update of {name} does not fit its {w.shape} weights")
        if scheme == "sum":
            for rows, delta in parts:
                w[rows] += delta
            continue
        total = np.zeros_like(w)
        touched = np.zeros(len(w), dtype=np.int32)
        for rows, delta in parts:
            total[rows] += delta
            touched[rows] += 1
        hit = np.flatnonzero(touched)
        if scheme == "hybrid":
            if loads is None or loads.get(name) is None or len(loads[name]) != len(w):
                raise ValueError(f"the hybrid scheme needs each row's expected updates ({name})")
            scale = sequential_scale(loads[name][hit], touched[hit], steps[name]).astype(w.dtype)
        else:
            scale = (1.0 / touched[hit]).astype(w.dtype)
        w[hit] += total[hit] * scale[:, None]
    return weights
