"""ctypes binding of the C kernel (``_kernel.c``).

``train_block`` runs one block of sentences through the kernel. ctypes drops
the GIL for the duration of the call, so several Python threads can run
blocks at once on the same weights.
"""

from __future__ import annotations

import ctypes

import numpy as np

from . import _kernel

_lib = ctypes.CDLL(_kernel.__file__)

_f32p = ctypes.POINTER(ctypes.c_float)
_f64p = ctypes.POINTER(ctypes.c_double)
_i32p = ctypes.POINTER(ctypes.c_int32)
_i64p = ctypes.POINTER(ctypes.c_int64)
_u32p = ctypes.POINTER(ctypes.c_uint32)
_u8p = ctypes.POINTER(ctypes.c_uint8)


class Block(ctypes.Structure):
    """Mirrors ``w2v_block`` in _kernel.c, field for field."""

    _fields_ = [
        ("w_in", _f32p),
        ("w_out_ns", _f32p),
        ("w_out_hs", _f32p),
        ("dim", ctypes.c_int64),
        ("ids", _i32p),
        ("offsets", _i64p),
        ("n_sentences", ctypes.c_int64),
        ("keep", _f64p),
        ("alias_threshold", _u32p),
        ("alias_index", _i32p),
        ("vocab_size", ctypes.c_int64),
        ("negative", ctypes.c_int32),
        ("hs", ctypes.c_int32),
        ("points", _i32p),
        ("codes", _u8p),
        ("code_lens", _i32p),
        ("max_code_len", ctypes.c_int32),
        ("sg", ctypes.c_int32),
        ("window", ctypes.c_int32),
        ("cbow_mean", ctypes.c_int32),
        ("lr_start", ctypes.c_float),
        ("lr_end", ctypes.c_float),
        ("seed", ctypes.c_uint64),
        ("work", _f32p),
        ("iwork", _i32p),
        ("stats", _f64p),
    ]


_lib.w2v_train_block.argtypes = [ctypes.POINTER(Block)]
_lib.w2v_train_block.restype = ctypes.c_int64
_lib.w2v_logistic_step.argtypes = [
    _f32p,
    _f32p,
    _i32p,
    _f32p,
    ctypes.c_int32,
    ctypes.c_int64,
    ctypes.c_float,
    _f32p,
    _f32p,
]
_lib.w2v_logistic_step.restype = ctypes.c_double


def logistic_step(h, w_out, rows, labels, lr):
    """The kernel's one update step, on its own: updates ``w_out`` in place and
    returns ``(loss, neu1e)`` where neu1e = -lr dJ/dh. For tests."""
    rows = np.ascontiguousarray(rows, dtype=np.int32)
    labels = np.ascontiguousarray(labels, dtype=np.float32)
    neu1e = np.zeros(len(h), dtype=np.float32)
    g = np.zeros(len(rows), dtype=np.float32)
    loss = _lib.w2v_logistic_step(
        _ptr(h, _f32p, np.float32),
        _ptr(w_out, _f32p, np.float32),
        _ptr(rows, _i32p, np.int32),
        _ptr(labels, _f32p, np.float32),
        len(rows),
        len(h),
        lr,
        _ptr(neu1e, _f32p, np.float32),
        _ptr(g, _f32p, np.float32),
    )
    return loss, neu1e


def _ptr(array, ctype, dtype):
    if array is None:
        return ctypes.cast(None, ctype)
    if array.dtype != dtype or not array.flags.c_contiguous:
        raise TypeError(f"kernel array must be C-contiguous {np.dtype(dtype)}, got {array.dtype}")
    return array.ctypes.data_as(ctype)


class KernelModel:
    """The arrays a model shares between all blocks (weights and tables).

    ``w_in`` (V, d) float32; ``w_out_ns`` (V, d) float32 or None;
    ``w_out_hs`` (V - 1, d) float32 or None; ``keep`` (V,) float64;
    ``alias`` a (threshold uint32, index int32) pair of (V,) arrays; ``points`` (V, L) int32, ``codes`` (V, L)
    uint8, ``code_lens`` (V,) int32 (L >= 1 even without hierarchical softmax).
    """

    def __init__(
        self,
        w_in,
        w_out_ns,
        w_out_hs,
        keep,
        alias,
        points,
        codes,
        code_lens,
        sg,
        window,
        negative,
        hs,
        cbow_mean=1,
    ):
        self.arrays = (w_in, w_out_ns, w_out_hs, keep, alias, points, codes, code_lens)  # keep alive
        self.dim = w_in.shape[1]
        self.negative = int(negative)
        self.max_code_len = int(points.shape[1])
        self.template = Block(
            w_in=_ptr(w_in, _f32p, np.float32),
            w_out_ns=_ptr(w_out_ns, _f32p, np.float32),
            w_out_hs=_ptr(w_out_hs, _f32p, np.float32),
            dim=self.dim,
            keep=_ptr(keep, _f64p, np.float64),
            alias_threshold=_ptr(alias[0], _u32p, np.uint32),
            alias_index=_ptr(alias[1], _i32p, np.int32),
            vocab_size=len(w_in),
            negative=self.negative,
            hs=int(bool(hs)),
            points=_ptr(points, _i32p, np.int32),
            codes=_ptr(codes, _u8p, np.uint8),
            code_lens=_ptr(code_lens, _i32p, np.int32),
            max_code_len=self.max_code_len,
            sg=int(bool(sg)),
            window=int(window),
            cbow_mean=int(bool(cbow_mean)),
        )

    def scratch(self, longest_sentence):
        """Per-thread scratch buffers: (work float32, iwork int32, stats float64)."""
        extra = self.negative + self.max_code_len + 1
        return (
            np.zeros(3 * self.dim + 2 * extra, dtype=np.float32),
            np.zeros(longest_sentence + extra, dtype=np.int32),
            np.zeros(4, dtype=np.float64),
        )

    def train_block(self, ids, offsets, lr_start, lr_end, seed, scratch):
        """Train on sentences ``offsets[i]..offsets[i+1]`` of ``ids`` (a slice of
        the corpus; offsets are absolute). Returns (loss sum, predictions,
        words seen, words kept) as floats."""
        work, iwork, stats = scratch
        block = Block.from_buffer_copy(self.template)
        block.ids = _ptr(ids, _i32p, np.int32)
        block.offsets = _ptr(offsets, _i64p, np.int64)
        block.n_sentences = len(offsets) - 1
        block.lr_start = lr_start
        block.lr_end = lr_end
        block.seed = seed & 0xFFFFFFFFFFFFFFFF
        block.work = _ptr(work, _f32p, np.float32)
        block.iwork = _ptr(iwork, _i32p, np.int32)
        block.stats = _ptr(stats, _f64p, np.float64)
        _lib.w2v_train_block(ctypes.byref(block))
        return tuple(float(x) for x in stats)
