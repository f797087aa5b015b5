"""Builds w2v's C training kernel; everything else is in pyproject.toml.

The kernel is a plain C library that w2v loads with ctypes (it is not a
Python extension module: it defines no module and needs no Python headers).
setuptools' Extension is used only to compile and place it beside
``w2v/engine/kernel.py``, which finds it by the platform's extension suffix.
"""

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class BuildKernel(build_ext):
    def get_export_symbols(self, ext):
        return []  # no PyInit_ function to export: the library is loaded with ctypes


setup(
    cmdclass={"build_ext": BuildKernel},
    ext_modules=[
        Extension(
            "w2v.engine._kernel",
            sources=[
                "src/w2v/engine/_kernel.c",
                "src/w2v/engine/_tables.c",
                "src/w2v/engine/_scan.c",
                "src/w2v/engine/_phrases.c",
            ],
            depends=["src/w2v/engine/_strtable.h"],
            # -fopenmp-simd enables the `omp simd` loop pragmas only (no OpenMP
            # runtime); -fno-math-errno lets expf/log1pf compile to plain calls.
            extra_compile_args=["-O3", "-fopenmp-simd", "-fno-math-errno", "-std=c11"],
        )
    ],
)
