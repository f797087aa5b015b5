"""ctypes binding of the C kernel (``_kernel.c``), with its contract checked.

The compiled library is found beside this file by the platform's extension
suffix and loaded on first use (:func:`library`), so importing w2v never
needs it: vectors, file formats, evaluation and the query commands work
where it was not built, and training says clearly that it is missing.

The contract is checked, not trusted:

- the C side reports the size of its ``w2v_block`` struct, and loading
  fails (:class:`KernelUnavailable`) if :class:`Block` here differs;
- scratch buffers are sized by the C side's own ``w2v_scratch_floats`` /
  ``w2v_scratch_ints``, and their lengths travel with every call so the
  kernel can refuse short ones;
- ``w2v_train_block`` checks its preconditions (window >= 1, d >= 1, at
  least 2 words, an objective, ids in range) and returns an error code,
  which :meth:`KernelModel.train_block` raises as :class:`KernelError`
  (:class:`TrainingDiverged` for NaN scores).

``train_block`` runs one block of sentences; ctypes drops the GIL for the
call, so several Python threads can run blocks at once on the same weights.
"""

from __future__ import annotations

import ctypes
import importlib.machinery
import threading
from pathlib import Path

import numpy as np

_f32p = ctypes.POINTER(ctypes.c_float)
_f64p = ctypes.POINTER(ctypes.c_double)
_i32p = ctypes.POINTER(ctypes.c_int32)
_i64p = ctypes.POINTER(ctypes.c_int64)
_u32p = ctypes.POINTER(ctypes.c_uint32)
_u8p = ctypes.POINTER(ctypes.c_uint8)


class KernelUnavailable(RuntimeError):
    """The compiled kernel is missing or does not match this binding."""


class KernelError(ValueError):
    """The kernel refused a block (a broken precondition); ``code`` is its error code."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class TrainingDiverged(KernelError):
    """A score became NaN or infinite: the weights diverged (usually a learning rate far too high)."""


ERRORS = {  # code: message (the W2V_ERR_* codes of _kernel.c)
    -1: "the vectors have no dimensions (vector_size < 1)",
    -2: "window must be >= 1",
    -3: "the vocabulary has fewer than 2 words",
    -4: "neither negative sampling nor hierarchical softmax is set up",
    -5: "the scratch buffers are smaller than the kernel needs",
    -6: "a token id is outside the vocabulary",
    -7: "the weights diverged (a score is NaN or infinite)",
    -8: "a Huffman code length is outside 1..max_code_len",
    -9: "the batched window needs skip-gram with negative sampling and no hierarchical softmax",
}
DIVERGED = -7


class Block(ctypes.Structure):
    """Mirrors ``w2v_block`` in _kernel.c, field for field (its size is checked at load)."""

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
        ("shrink", ctypes.c_int32),
        ("batched", ctypes.c_int32),
        ("lr_start", ctypes.c_float),
        ("lr_end", ctypes.c_float),
        ("seed", ctypes.c_uint64),
        ("work", _f32p),
        ("work_len", ctypes.c_int64),
        ("iwork", _i32p),
        ("iwork_len", ctypes.c_int64),
        ("stats", _f64p),
    ]


def library_path(folder=None):
    """The compiled kernel beside this file (any of the platform's extension suffixes), or None."""
    folder = Path(__file__).parent if folder is None else Path(folder)
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        candidate = folder / f"_kernel{suffix}"
        if candidate.is_file():
            return candidate
    return None


def bind(lib, block_type=Block):
    """Declare the kernel's functions on ``lib`` and check the contract; returns ``lib``.

    Raises KernelUnavailable if the C struct and ``block_type`` differ in size.
    """
    lib.w2v_block_size.argtypes = []
    lib.w2v_block_size.restype = ctypes.c_int64
    lib.w2v_scratch_floats.argtypes = [ctypes.c_int64, ctypes.c_int32, ctypes.c_int32, ctypes.c_int32]
    lib.w2v_scratch_floats.restype = ctypes.c_int64
    lib.w2v_scratch_ints.argtypes = [ctypes.c_int64, ctypes.c_int32, ctypes.c_int32, ctypes.c_int32]
    lib.w2v_scratch_ints.restype = ctypes.c_int64
    c_size, py_size = lib.w2v_block_size(), ctypes.sizeof(block_type)
    if c_size != py_size:
        raise KernelUnavailable(
            f"w2v's compiled kernel does not match its Python binding (struct of {c_size} bytes in C, "
            f"{py_size} in Python): rebuild it with 'pip install -e .' (or 'make')"
        )
    lib.w2v_train_block.argtypes = [ctypes.POINTER(block_type)]
    lib.w2v_train_block.restype = ctypes.c_int64
    lib.w2v_logistic_step.argtypes = [_f32p, _f32p, _i32p, _f32p, ctypes.c_int32, ctypes.c_int64]
    lib.w2v_logistic_step.argtypes += [ctypes.c_float, _f32p, _f32p]
    lib.w2v_logistic_step.restype = ctypes.c_double
    lib.w2v_sg_window_step.argtypes = [
        _f32p,
        _f32p,
        ctypes.c_int64,
        _i32p,
        ctypes.c_int64,
        _i32p,
        ctypes.c_int64,
    ]
    lib.w2v_sg_window_step.argtypes += [ctypes.c_float, _f32p, _f32p, _f32p]
    lib.w2v_sg_window_step.restype = ctypes.c_double
    return lib


_loaded = None
_load_lock = threading.Lock()


def library():
    """The kernel library, loaded and checked once; KernelUnavailable if it cannot be."""
    global _loaded
    with _load_lock:
        if _loaded is None:
            path = library_path()
            if path is None:
                raise KernelUnavailable(
                    "w2v's compiled training kernel is not built, so training is unavailable (vectors, "
                    "formats, evaluation and queries still work): install w2v from source with a C "
                    "compiler ('pip install -e .' or 'make')"
                )
            try:
                lib = ctypes.CDLL(str(path))
            except OSError as e:
                raise KernelUnavailable(f"w2v's compiled kernel {path} cannot be loaded: {e}") from None
            _loaded = bind(lib)
        return _loaded


def available():
    """True if the compiled kernel loads and matches (training works)."""
    try:
        library()
    except KernelUnavailable:
        return False
    return True


def _ptr(array, ctype, dtype):
    if array is None:
        return ctypes.cast(None, ctype)
    if array.dtype != dtype or not array.flags.c_contiguous:
        raise TypeError(f"kernel array must be C-contiguous {np.dtype(dtype)}, got {array.dtype}")
    return array.ctypes.data_as(ctype)


def logistic_step(h, w_out, rows, signs, lr):
    """The kernel's one update step, on its own: updates ``w_out`` in place and returns
    ``(loss, neu1e)`` where neu1e = -lr dJ/dh; ``signs`` are +1 (true pair) or -1. For tests."""
    lib = library()
    rows = np.ascontiguousarray(rows, dtype=np.int32)
    signs = np.ascontiguousarray(signs, dtype=np.float32)
    neu1e = np.zeros(len(h), dtype=np.float32)
    g = np.zeros(len(rows), dtype=np.float32)
    loss = lib.w2v_logistic_step(
        _ptr(h, _f32p, np.float32),
        _ptr(w_out, _f32p, np.float32),
        _ptr(rows, _i32p, np.int32),
        _ptr(signs, _f32p, np.float32),
        len(rows),
        len(h),
        lr,
        _ptr(neu1e, _f32p, np.float32),
        _ptr(g, _f32p, np.float32),
    )
    return loss, neu1e


def sg_window_step(w_in, w_out, contexts, rows, lr):
    """The kernel's batched skip-gram step on its own: the ``contexts`` rows of ``w_in`` each
    predict ``rows[0]`` of ``w_out`` against the negatives ``rows[1:]``; both matrices are
    updated in place; returns the loss before the step. For tests."""
    lib = library()
    contexts = np.ascontiguousarray(contexts, dtype=np.int32)
    rows = np.ascontiguousarray(rows, dtype=np.int32)
    d = w_in.shape[1]
    delta = np.zeros(len(contexts) * d, dtype=np.float32)
    g = np.zeros(len(contexts) * len(rows), dtype=np.float32)
    col = np.zeros(len(contexts), dtype=np.float32)
    return lib.w2v_sg_window_step(
        _ptr(w_in, _f32p, np.float32),
        _ptr(w_out, _f32p, np.float32),
        d,
        _ptr(contexts, _i32p, np.int32),
        len(contexts),
        _ptr(rows, _i32p, np.int32),
        len(rows),
        lr,
        _ptr(delta, _f32p, np.float32),
        _ptr(g, _f32p, np.float32),
        _ptr(col, _f32p, np.float32),
    )


def _check_shapes(w_in, w_out_ns, w_out_hs, keep, alias, points, codes, code_lens):
    """Every table has one row per word of ``w_in`` (the kernel indexes them all by word id)."""
    n, d = w_in.shape
    wanted = {
        "w_out_ns": (w_out_ns, (n, d)),
        "w_out_hs": (w_out_hs, (n - 1, d)),
        "keep": (keep, (n,)),
        "alias threshold": (alias[0], (n,)),
        "alias index": (alias[1], (n,)),
        "code_lens": (code_lens, (n,)),
    }
    for name, (array, shape) in wanted.items():
        if array is not None and array.shape != shape:
            raise ValueError(f"kernel table {name!r} has shape {array.shape}, expected {shape} for {n} words")
    if points.shape[0] != n or codes.shape != points.shape:
        raise ValueError(f"Huffman tables of shapes {points.shape} and {codes.shape} for {n} words")


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
        shrink_windows=True,
        batched=False,
        lib=None,
    ):
        self.lib = library() if lib is None else lib
        _check_shapes(w_in, w_out_ns, w_out_hs, keep, alias, points, codes, code_lens)
        self.arrays = (w_in, w_out_ns, w_out_hs, keep, alias, points, codes, code_lens)  # keep alive
        self.dim = w_in.shape[1]
        self.negative = int(negative)
        self.max_code_len = int(points.shape[1])
        self.window = int(window)
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
            shrink=int(bool(shrink_windows)),
            batched=int(bool(batched)),
        )

    def scratch(self, longest_sentence):
        """Per-thread scratch, sized by the kernel itself: (work float32, iwork int32, stats float64)."""
        floats = self.lib.w2v_scratch_floats(self.dim, self.negative, self.max_code_len, self.window)
        ints = self.lib.w2v_scratch_ints(
            max(int(longest_sentence), 1), self.negative, self.max_code_len, self.window
        )
        return (
            np.zeros(floats, dtype=np.float32),
            np.zeros(ints, dtype=np.int32),
            np.zeros(4, dtype=np.float64),
        )

    def train_block(self, ids, offsets, lr_start, lr_end, seed, scratch):
        """Train on sentences ``offsets[i]..offsets[i+1]`` of ``ids`` (a slice of
        the corpus; offsets are absolute). Returns (loss sum, predictions,
        words seen, words kept) as floats; raises KernelError if the kernel refuses."""
        work, iwork, stats = scratch
        block = Block.from_buffer_copy(self.template)
        block.ids = _ptr(ids, _i32p, np.int32)
        block.offsets = _ptr(offsets, _i64p, np.int64)
        block.n_sentences = len(offsets) - 1
        block.lr_start = lr_start
        block.lr_end = lr_end
        block.seed = seed & 0xFFFFFFFFFFFFFFFF
        block.work = _ptr(work, _f32p, np.float32)
        block.work_len = len(work)
        block.iwork = _ptr(iwork, _i32p, np.int32)
        block.iwork_len = len(iwork)
        block.stats = _ptr(stats, _f64p, np.float64)
        code = self.lib.w2v_train_block(ctypes.byref(block))
        if code < 0:
            kind = TrainingDiverged if code == DIVERGED else KernelError
            raise kind(code, ERRORS.get(code, f"the kernel failed with code {code}"))
        return tuple(float(x) for x in stats)


_declared = {}  # marker -> the library its functions were declared on


def declare(marker, signatures, what):
    """The kernel's library with the functions ``signatures`` ({name: (argtypes, restype)})
    declared, once per library; KernelUnavailable naming ``what`` if the library predates them
    (it lacks ``marker``)."""
    lib = library()
    if _declared.get(marker) is lib:
        return lib
    if not hasattr(lib, marker):
        raise KernelUnavailable(f"w2v's compiled library predates {what}: rebuild it with 'pip install -e .'")
    for name, (args, result) in signatures.items():
        fn = getattr(lib, name)
        fn.argtypes, fn.restype = args, result
    _declared[marker] = lib
    return lib
