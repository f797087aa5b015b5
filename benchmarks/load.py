"""How fast a large model opens: a 1M-word vocabulary, both output layers, Huffman tables.

    python benchmarks/load.py [--words 1000000] [--dim 100] [--repeats 3]

Builds the vocabulary of a synthetic corpus (Zipf-like counts over WORDS
distinct words), saves the untrained model (hierarchical softmax and
negative sampling, so every array is in the file), then times, median of
REPEATS:

- building the Huffman tree of that vocabulary (``w2v.tables.huffman_table``);
- ``Word2Vec.load`` (memory-mapped, every array's CRC32 checked);
- the first query on the loaded model (``most_similar``, which reads every row).

The file lives in a temporary folder and is removed afterwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

import numpy as np

from w2v import Word2Vec
from w2v.io import load_native
from w2v.tables import huffman_table


class ZipfCorpus:
    """Sentences of 1,000 tokens; word i (0-based) appears max(2, 2 n / (i + 1)) times."""

    def __init__(self, n_words, seed=0):
        counts = np.maximum(2, (2 * n_words / np.arange(1, n_words + 1)).astype(np.int64))
        tokens = np.repeat(np.arange(n_words), counts)
        np.random.default_rng(seed).shuffle(tokens)
        self.words = [f"w{i}" for i in range(n_words)]
        self.tokens = tokens

    def __iter__(self):
        words = self.words
        for start in range(0, len(self.tokens), 1000):
            yield [words[i] for i in self.tokens[start : start + 1000]]


def median_time(fn, repeats):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    corpus = ZipfCorpus(args.words)
    model = Word2Vec(vector_size=args.dim, min_count=1, hs=1, negative=5, progress=None)
    model.build_vocab(corpus)
    seconds = time.perf_counter() - start
    print(f"vocabulary: {len(model.wv):,} words, {len(corpus.tokens):,} tokens ({seconds:.1f} s)")

    counts = model.vocab_.counts
    t_tree, (points, _, _) = median_time(lambda: huffman_table(counts), args.repeats)
    print(f"Huffman tree of {len(counts):,} words: {t_tree:.3f} s (longest code {points.shape[1]})")

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "big.w2v")
        model.save(path)
        size = os.path.getsize(path)
        del model
        t_load, loaded = median_time(lambda: Word2Vec.load(path), args.repeats)
        print(f"Word2Vec.load of {size / 1e9:.2f} GB: {t_load:.3f} s (median of {args.repeats})")
        t_raw, _ = median_time(lambda: load_native(path, verify=False), args.repeats)
        t_crc, _ = median_time(lambda: load_native(path), args.repeats)
        print(f"  of which: reading the file {t_raw:.3f} s, with every CRC32 checked {t_crc:.3f} s")
        t_query, _ = median_time(lambda: loaded.wv.most_similar("w1", topn=10), 1)
        print(f"first most_similar on it: {t_query:.3f} s")


if __name__ == "__main__":
    main()
