"""Single-thread kernel throughput on the first sentences of a corpus.

    python benchmarks/kernel.py ../shared/data/text8e.zip --sentences 300 --arch sg cbow

Builds the vocabulary once, then trains one epoch of the first N sentences
with one worker, `--repeats` times from fresh weights, and prints the median
words/s per thread and the loss (the same for every repeat: the run is
deterministic). For comparing kernel changes, not peers: see compare.py.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from w2v.corpus import TextCorpus
from w2v.engine import driver
from w2v.model import Word2Vec
from w2v.schedule import Schedule
from w2v.vocab import EncodedCorpus


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus")
    parser.add_argument("--sentences", type=int, default=300, help="sentences (pieces of <= 10,000 tokens)")
    parser.add_argument(
        "--arch", nargs="+", choices=["sg", "sg-batched", "cbow"], default=["sg", "sg-batched", "cbow"]
    )
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    model = Word2Vec(vector_size=100, epochs=1, workers=1, progress=None)
    model.build_vocab(TextCorpus(args.corpus))
    full = model._encoded[1]
    n = min(args.sentences, len(full.offsets) - 1)
    offsets = full.offsets[: n + 1].copy()
    ids = full.read(0, int(offsets[-1]), np.empty(int(offsets[-1]), dtype=np.int32)).copy()
    sub = EncodedCorpus(offsets, ids=ids)
    initial = model.wv.vectors.copy()
    for arch in args.arch:
        sg = int(arch.startswith("sg"))
        model.sg, model.alpha, model.batched = sg, (0.025 if sg else 0.05), arch == "sg-batched"
        schedule = Schedule(
            offsets, epochs=1, alpha=model.alpha, min_alpha=model.min_alpha, seed=1, evaluate=False
        )
        times = []
        for _ in range(args.repeats):
            model.wv.vectors[:] = initial  # fresh weights each repeat
            model.w_out_ns[:] = 0
            kernel = model._kernel_model()  # the engine's view of the weights (a benchmark may look inside)
            start = time.perf_counter()
            result = driver.train(kernel, sub, schedule, workers=1)
            times.append(time.perf_counter() - start)
        t = statistics.median(times)
        print(
            f"{arch}: {sub.n_tokens:,} tokens, median {t:.2f} s, {sub.n_tokens / t / 1e3:,.0f}k words/s per "
            f"thread, loss {result.epochs[0].mean_loss:.5f}"
        )


if __name__ == "__main__":
    main()
