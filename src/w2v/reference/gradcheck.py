"""A central-difference gradient checker.

``check_gradient(f, x)`` compares the analytic gradient that ``f`` returns
with (f(x + ε e_i) - f(x - ε e_i)) / 2ε for every entry i of ``x`` and
reports the worst relative error and where it is. The relative error of an
entry is |analytic - numeric| / max(|analytic|, |numeric|, floor); ``floor``
keeps entries that are (numerically) zero from dividing by ~0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GradCheckResult:
    max_rel_error: float
    index: tuple  # where the worst error is, an index into x
    analytic: float  # the analytic gradient there
    numeric: float  # the central-difference estimate there

    def passed(self, tol=1e-6):
        return self.max_rel_error <= tol

    def __str__(self):
        return (
            f"max relative error {self.max_rel_error:.3e} at index {self.index}: "
            f"analytic {self.analytic:.10g}, numeric {self.numeric:.10g}"
        )


def check_gradient(f, x, eps=1e-5, floor=1e-3):
    """Check ``f(x) -> (loss, grad)`` against central differences.

    ``x`` is not modified. Returns a :class:`GradCheckResult`.
    """
    x = np.array(x, dtype=np.float64)  # a private copy
    _, grad = f(x.copy())
    grad = np.asarray(grad, dtype=np.float64)
    if grad.shape != x.shape:
        raise ValueError(f"gradient shape {grad.shape} differs from input shape {x.shape}")
    numeric = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        f_plus = f(x.copy())[0]
        x[i] = old - eps
        f_minus = f(x.copy())[0]
        x[i] = old
        numeric[i] = (f_plus - f_minus) / (2 * eps)
    err = np.abs(grad - numeric) / np.maximum(np.maximum(np.abs(grad), np.abs(numeric)), floor)
    worst = np.unravel_index(int(np.argmax(err)), x.shape) if x.size else ()
    if not x.size:
        return GradCheckResult(0.0, (), 0.0, 0.0)
    return GradCheckResult(
        float(err[worst]), tuple(int(i) for i in worst), float(grad[worst]), float(numeric[worst])
    )
