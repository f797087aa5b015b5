"""Pearson's r and Spearman's rho with their two-sided p-values, without SciPy.

gensim's ``evaluate_word_pairs`` returns ``scipy.stats.pearsonr`` and
``scipy.stats.spearmanr`` results; w2v returns the same numbers in small
named tuples, computed here so that SciPy is not a dependency:

- r is the cosine of the centred vectors (SciPy's formula); rho is r of the
  average ranks (ties share the mean of their ranks, as ``rankdata`` does);
- the p-value is two-sided, from Student's t with n - 2 degrees of freedom:
  t = r * sqrt((n - 2) / (1 - r^2)), and p = 2 * sf(|t|) = I_{1 - r^2}((n - 2) / 2, 1 / 2),
  the regularized incomplete beta function, evaluated by its continued
  fraction (modified Lentz), to about 1e-14 relative (the tests compare with SciPy).

Special cases follow SciPy: a constant input gives nan for both numbers;
n = 2 gives Pearson's p = 1 and Spearman's p = nan; |r| = 1 gives p = 0.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

_TINY = 1e-300
_EPS = 1e-16
_MAX_TERMS = 10_000


class PearsonResult(NamedTuple):
    """Pearson's r and its two-sided p-value; also readable as ``.correlation`` (SciPy's older name)."""

    statistic: float
    pvalue: float

    @property
    def correlation(self):
        return self.statistic


class SpearmanResult(NamedTuple):
    """Spearman's rho and its two-sided p-value, as SciPy's ``SpearmanrResult`` (also ``.statistic``)."""

    correlation: float
    pvalue: float

    @property
    def statistic(self):
        return self.correlation


def _continued_fraction(a, b, x):
    """The continued fraction of I_x(a, b) (Numerical Recipes' betacf, modified Lentz)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, _MAX_TERMS):
        m2 = 2 * m
        for numerator in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + numerator / c
            c = c if abs(c) > _TINY else _TINY
            step = d * c
            h *= step
        if abs(step - 1.0) < _EPS:
            return h
    return h  # not reached for the arguments used here (a >= 0.5, b = 0.5)


def betainc(a, b, x):
    """The regularized incomplete beta function I_x(a, b), for a, b > 0 and 0 <= x <= 1."""
    if not (a > 0 and b > 0):
        raise ValueError(f"betainc needs a > 0 and b > 0, not a={a}, b={b}")
    if math.isnan(x):
        return float("nan")
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _continued_fraction(b, a, 1.0 - x) / b


def correlation_pvalue(r, n):
    """Two-sided p-value of a correlation ``r`` of ``n`` pairs (Student's t, n - 2 degrees of freedom)."""
    r = float(r)
    if math.isnan(r) or n < 3:
        return float("nan")
    if abs(r) >= 1.0:
        return 0.0
    # 1 - r^2 as (1 - r)(1 + r): no cancellation when |r| is near 1.
    return min(1.0, max(0.0, betainc((n - 2) / 2.0, 0.5, (1.0 - r) * (1.0 + r))))


def average_ranks(x):
    """Ranks 1..n, ties sharing the mean of their ranks (SciPy's ``rankdata``, method 'average')."""
    x = np.asarray(x, dtype=np.float64)
    order = np.argsort(x, kind="mergesort")
    xs = x[order]
    new_value = np.concatenate([[True], xs[1:] != xs[:-1]])
    dense = np.empty(len(x), dtype=np.int64)
    dense[order] = np.cumsum(new_value)
    starts = np.concatenate([np.flatnonzero(new_value), [len(x)]])
    return 0.5 * (starts[dense] + starts[dense - 1] + 1)


def _r(x, y):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, not {len(x)} and {len(y)}")
    if len(x) < 2:
        return float("nan")
    x, y = x - x.mean(), y - y.mean()
    nx, ny = np.linalg.norm(x), np.linalg.norm(y)
    if nx == 0 or ny == 0:
        return float("nan")  # a constant list has no correlation
    return float(np.clip(np.dot(x / nx, y / ny), -1.0, 1.0))


def pearsonr(x, y):
    """Pearson's r of two equal-length sequences and its two-sided p-value -> PearsonResult."""
    r = _r(x, y)
    if len(x) == 2 and not math.isnan(r):
        return PearsonResult(r, 1.0)  # two points always lie on a line (SciPy's p for n = 2)
    return PearsonResult(r, correlation_pvalue(r, len(x)))


def spearmanr(x, y):
    """Spearman's rho (average ranks for ties) and its two-sided p-value -> SpearmanResult
    (nan, nan) if either input holds a NaN, as SciPy."""
    if np.isnan(np.asarray(x, dtype=np.float64)).any() or np.isnan(np.asarray(y, dtype=np.float64)).any():
        return SpearmanResult(float("nan"), float("nan"))
    rho = _r(average_ranks(x), average_ranks(y))
    return SpearmanResult(rho, correlation_pvalue(rho, len(x)))
