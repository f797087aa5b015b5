"""Word2Vec's parameters: one table of constraints, one error message.

Following scikit-learn, the estimator stores what it is given and checks
the whole table again wherever the work happens (``build_vocab``,
``train``, ``fit``), so a value changed after construction is caught there
with the same message: the parameter, the value and the allowed range.
"""

from __future__ import annotations

import numbers

import numpy as np


def _int(lo, hi=None, none=False):
    def check(v):
        if v is None:
            return none
        return (
            isinstance(v, numbers.Integral)
            and not isinstance(v, bool)
            and v >= lo
            and (hi is None or v <= hi)
        )

    text = f"an integer >= {lo}" + (f" and <= {hi}" if hi is not None else "")
    return check, ("None or " + text) if none else text


def _zero_or_one(meaning):
    return (lambda v: v in (0, 1) and not isinstance(v, float)), meaning


def _real(lo, hi, lo_open=False):
    def check(v):
        if not isinstance(v, numbers.Real) or isinstance(v, bool) or not np.isfinite(v):
            return False
        return (v > lo if lo_open else v >= lo) and v <= hi

    return check, f"a number {'>' if lo_open else '>='} {lo} and <= {hi}"


CONSTRAINTS = {
    "vector_size": _int(1, 10_000),
    "window": _int(1, 1_000),
    "min_count": _int(1),
    "max_final_vocab": _int(2, none=True),
    "max_vocab_size": _int(2, none=True),
    "sg": _zero_or_one("0 (CBOW) or 1 (skip-gram)"),
    "hs": _zero_or_one("0 or 1"),
    "negative": _int(0, 1_000),
    "ns_exponent": _real(-10.0, 10.0),
    "sample": _real(0.0, 1.0),
    "alpha": _real(0.0, 10.0, lo_open=True),
    "min_alpha": _real(0.0, 10.0),
    "epochs": _int(1, 100_000),
    "workers": _int(1, 1_024, none=True),
    "seed": _int(0, 2**63 - 1),
    "cbow_mean": _zero_or_one("0 (sum) or 1 (mean)"),
    "max_sentence_length": _int(1),
    "shuffle": _zero_or_one("True or False (1 or 0)"),
    "batch_words": _int(1, 2**31 - 1),
    "null_word": _zero_or_one("0 or 1"),
    "sorted_vocab": _zero_or_one("0 or 1"),
    "compute_loss": _zero_or_one("True or False"),
    "shrink_windows": _zero_or_one("True or False"),
    "batched": _zero_or_one("True or False"),
}


def check_param(name, value):
    check, allowed = CONSTRAINTS[name]
    if not check(value):
        raise ValueError(f"{name}={value!r} is invalid: must be {allowed}")


def check_params(params):
    """Check every parameter in ``params`` (a dict), then the rules between them."""
    for name, value in params.items():
        check_param(name, value)
    if not params["hs"] and params["negative"] == 0:
        raise ValueError("hs=0 and negative=0 leave nothing to train: set hs=1 or negative >= 1")
    if params["min_alpha"] > params["alpha"]:
        raise ValueError(
            f"min_alpha={params['min_alpha']!r} is invalid: must be <= alpha={params['alpha']!r}"
        )
