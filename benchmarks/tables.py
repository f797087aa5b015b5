"""Time to build the lookup tables of a large vocabulary.

    python benchmarks/tables.py                  # 1,000,000 words
    python benchmarks/tables.py --words 3000000 --oracle-words 0

Counts follow Zipf's law, count(rank) = max(round(1e9 / rank^1.05), 1), in
shuffled order. Times w2v.tables.huffman_table and alias_table (compiled,
w2v.engine.builders) as the median of --repeats builds, and, for comparison,
the pure-Python oracle w2v.reference.tables.huffman_codes once on the first
--oracle-words words (0 to skip). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from w2v import tables
from w2v.reference.tables import huffman_codes


def zipf_counts(n, seed=0):
    counts = np.maximum(np.round(1e9 / np.arange(1, n + 1, dtype=np.float64) ** 1.05), 1).astype(np.int64)
    return counts[np.random.default_rng(seed).permutation(n)]


def median_seconds(build, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        build()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--oracle-words", type=int, default=100_000)
    args = parser.parse_args(argv)
    counts = zipf_counts(args.words)
    _, _, lens = tables.huffman_table(counts)
    rows = [
        (
            f"huffman_table ({lens.max()} wide)",
            args.words,
            median_seconds(lambda: tables.huffman_table(counts), args.repeats),
        ),
        ("alias_table", args.words, median_seconds(lambda: tables.alias_table(counts, 0.75), args.repeats)),
    ]
    if args.oracle_words > 0:
        few = counts[: args.oracle_words]
        compiled = median_seconds(lambda: tables.huffman_table(few), args.repeats)
        start = time.perf_counter()
        huffman_codes(few)
        rows.append(("huffman_table", len(few), compiled))
        rows.append(("reference huffman_codes (Python, once)", len(few), time.perf_counter() - start))
    print(f"{'build':<40} {'words':>10} {'seconds':>9}")
    for name, words, seconds in rows:
        print(f"{name:<40} {words:>10,} {seconds:>9.3f}")


if __name__ == "__main__":
    main()
