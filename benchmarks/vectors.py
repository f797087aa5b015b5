"""Query and load speed of KeyedVectors, side by side with gensim on the same vectors.

    python benchmarks/vectors.py                       # a 70,000 x 100 model of random vectors
    python benchmarks/vectors.py --model text8e.w2v    # or any vectors/model file w2v reads

Prints the median time of ``most_similar`` (one word, topn=10) over many
queries, for w2v and gensim, and the median time to load the same
word2vec.c binary file with each loader, with the ratios. gensim is
optional (pip install gensim); without it only w2v's figures are printed.

BLAS threads: on a busy 2-core machine a multi-threaded matrix-vector
product waits for a free core; set OPENBLAS_NUM_THREADS=1 for steadier
figures (it applies to both systems alike).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

import numpy as np

from w2v.vectors import KeyedVectors


def median_seconds(fn, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", help="a vectors or model file (default: random vectors)")
    parser.add_argument("--words", type=int, default=70_000)
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args(argv)

    if args.model:
        kv = KeyedVectors.load(args.model)
    else:
        rng = np.random.default_rng(0)
        keys = [f"word{i}" for i in range(args.words)]
        kv = KeyedVectors(keys, rng.normal(size=(args.words, args.dim)).astype(np.float32))
    print(f"vectors: {len(kv)} x {kv.vector_size}")
    try:
        from gensim.models import KeyedVectors as GensimKV
    except ImportError:
        GensimKV = None
        print("gensim not installed: w2v figures only")

    rng = np.random.default_rng(1)
    queries = [kv.index_to_key[i] for i in rng.integers(len(kv), size=args.queries)]
    kv.fill_norms()

    def per_query(model):
        model.most_similar(queries[0], topn=10)  # norms cached, caches warm
        times = []
        for w in queries:
            t = time.perf_counter()
            model.most_similar(w, topn=10)
            times.append(time.perf_counter() - t)
        return statistics.median(times)

    ours_q = per_query(kv)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "v.bin")
        kv.save_word2vec_format(path, binary=True)
        ours_load = median_seconds(lambda: KeyedVectors.load_word2vec_format(path, binary=True), args.loads)
        print(f"{'':34} {'w2v':>10} {'gensim':>10} {'w2v / gensim':>13}")
        if GensimKV is not None:
            g = GensimKV.load_word2vec_format(path, binary=True)
            theirs_q = per_query(g)
            theirs_load = median_seconds(lambda: GensimKV.load_word2vec_format(path, binary=True), args.loads)
            print(
                f"{'most_similar (ms, median)':34} {ours_q * 1e3:10.2f} {theirs_q * 1e3:10.2f} "
                f"{ours_q / theirs_q:13.2f}"
            )
            print(
                f"{'load word2vec binary (s, median)':34} {ours_load:10.3f} {theirs_load:10.3f} "
                f"{ours_load / theirs_load:13.2f}"
            )
        else:
            print(f"{'most_similar (ms, median)':34} {ours_q * 1e3:10.2f}")
            print(f"{'load word2vec binary (s, median)':34} {ours_load:10.3f}")


if __name__ == "__main__":
    main()
