"""ctypes binding of the table builders (``_tables.c``): Huffman paths and alias tables.

They live in the kernel's library (:func:`w2v.engine.kernel.library`), so
they need it built, as training does. The definitions the tables follow are
documented in ``_tables.c``; :mod:`w2v.tables` is the public entry point and
the tests check both builders against independent oracles.

- :func:`huffman_table` ``(counts)`` -> ``(points, codes, lens)``: (V, L) int32,
  (V, L) uint8 and (V,) int32, L the longest code; rows zero past their length.
- :func:`alias_table` ``(p)`` -> ``(threshold, alias)``: (V,) uint32 and (V,)
  int32, Vose's alias table for the probabilities ``p`` (float64, sum 1).

Bad input (fewer than 2 words, negative counts, non-finite probabilities)
raises ValueError; a library built before the builders existed raises
KernelUnavailable.
"""

from __future__ import annotations

import ctypes

import numpy as np

from . import kernel

_i64 = np.ctypeslib.ndpointer(np.int64, flags="C_CONTIGUOUS")
_i32 = np.ctypeslib.ndpointer(np.int32, flags="C_CONTIGUOUS")
_u32 = np.ctypeslib.ndpointer(np.uint32, flags="C_CONTIGUOUS")
_u8 = np.ctypeslib.ndpointer(np.uint8, flags="C_CONTIGUOUS")
_f64 = np.ctypeslib.ndpointer(np.float64, flags="C_CONTIGUOUS")

ERRORS = {  # code: message (the W2V_TABLES_ERR_* codes of _tables.c)
    -21: "a Huffman tree needs at least 2 words, and a table at most 2**31 - 1",
    -22: "word counts must not be negative",
    -23: "the word counts' total overflows a 64-bit integer",
    -24: "the work array is smaller than the builder needs",
    -25: "the Huffman table is narrower than the longest code",
    -26: "probabilities must be finite and non-negative",
}

_bound = None  # the library object whose builder functions are declared


def library():
    """The kernel library with the builders' functions declared; KernelUnavailable if it lacks them."""
    global _bound
    lib = kernel.library()
    if _bound is not lib:
        try:
            lib.w2v_huffman_work_len.argtypes = [ctypes.c_int64]
            lib.w2v_huffman_work_len.restype = ctypes.c_int64
            lib.w2v_huffman_tree.argtypes = [_i64, ctypes.c_int64, _i64, ctypes.c_int64]
            lib.w2v_huffman_tree.restype = ctypes.c_int64
            lib.w2v_huffman_fill.argtypes = [ctypes.c_int64, _i64, ctypes.c_int64, ctypes.c_int64]
            lib.w2v_huffman_fill.argtypes += [_i32, _u8, _i32]
            lib.w2v_huffman_fill.restype = ctypes.c_int64
            lib.w2v_alias.argtypes = [_f64, ctypes.c_int64, _u32, _i32, _f64, _i32]
            lib.w2v_alias.restype = ctypes.c_int64
        except AttributeError as e:
            raise kernel.KernelUnavailable(
                f"w2v's compiled kernel predates its table builders ({e}): rebuild it with "
                "'pip install -e .' (or 'make')"
            ) from None
        _bound = lib
    return lib


def _check(code):
    if code < 0:
        raise ValueError(ERRORS.get(code, f"the table builder failed with code {code}"))
    return code


def huffman_table(counts):
    """Huffman paths of every word: points (V, L) int32, codes (V, L) uint8, lens (V,) int32.

    ``counts`` are whole numbers (any integer or integral float array).
    """
    lib = library()
    given = np.asarray(counts)
    if given.ndim != 1:
        raise ValueError(f"counts must be one-dimensional, got shape {given.shape}")
    if len(given) < 2:
        raise ValueError(f"a Huffman tree needs at least 2 words, got {len(given)}")
    counts = np.ascontiguousarray(given, dtype=np.int64)
    if given.dtype.kind not in "iub" and not np.array_equal(counts, given):
        raise ValueError("word counts must be whole numbers")
    n = len(counts)
    work = np.empty(lib.w2v_huffman_work_len(n), dtype=np.int64)
    width = _check(lib.w2v_huffman_tree(counts, n, work, len(work)))
    points = np.empty((n, width), dtype=np.int32)
    codes = np.empty((n, width), dtype=np.uint8)
    lens = np.empty(n, dtype=np.int32)
    _check(lib.w2v_huffman_fill(n, work, len(work), width, points, codes, lens))
    return points, codes, lens


def alias_table(p):
    """Vose's alias table for the distribution ``p``: threshold (V,) uint32, alias (V,) int32.

    Bucket i keeps i with probability threshold[i] / 2^32 (always when it is
    2^32 - 1), else draws alias[i].
    """
    lib = library()
    p = np.ascontiguousarray(p, dtype=np.float64)
    if p.ndim != 1:
        raise ValueError(f"probabilities must be one-dimensional, got shape {p.shape}")
    n = len(p)
    threshold = np.empty(n, dtype=np.uint32)
    alias = np.empty(n, dtype=np.int32)
    _check(lib.w2v_alias(p, n, threshold, alias, np.empty(n, dtype=np.float64), np.empty(n, dtype=np.int32)))
    return threshold, alias
