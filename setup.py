"""Builds w2v's C training kernel; everything else is in pyproject.toml."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "w2v.engine._kernel",
            sources=["src/w2v/engine/_kernel.c"],
            # -fopenmp-simd enables the `omp simd` loop pragmas only (no OpenMP
            # runtime); -fno-math-errno lets expf/log1pf compile to plain calls.
            extra_compile_args=["-O3", "-fopenmp-simd", "-fno-math-errno", "-std=c11"],
        )
    ]
)
