"""Kernel throughput on the first sentences of a corpus, per thread and with several threads.

    python benchmarks/kernel.py ../shared/data/text8e.zip --sentences 200 --workers 1 2

For each mode (skip-gram pair by pair, skip-gram batched, CBOW, and both with hierarchical
softmax), builds the vocabulary, then trains one epoch of the first N sentences (pieces of
10,000 tokens) `--repeats` times from the same initial weights and prints the median words/s
and the loss (with one worker the run is deterministic, so the loss is the same every repeat
and from one version of the kernel to the next when only its speed changed). For comparing
kernel changes, not peers: see compare.py.
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

MODES = {  # name: Word2Vec settings
    "sg": dict(sg=1, negative=5, hs=0, batched=False, alpha=0.025),
    "sg-batched": dict(sg=1, negative=5, hs=0, batched=True, alpha=0.025),
    "cbow": dict(sg=0, negative=5, hs=0, alpha=0.05),
    "sg-hs": dict(sg=1, negative=0, hs=1, alpha=0.025),
    "cbow-hs": dict(sg=0, negative=0, hs=1, alpha=0.05),
}


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus")
    parser.add_argument("--sentences", type=int, default=200, help="sentences (pieces of <= 10,000 tokens)")
    parser.add_argument("--modes", nargs="+", choices=sorted(MODES), default=list(MODES))
    parser.add_argument("--workers", nargs="+", type=int, default=[1])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    for mode in args.modes:
        model = Word2Vec(vector_size=100, epochs=1, workers=1, progress=None, **MODES[mode])
        model.build_vocab(TextCorpus(args.corpus))
        full = model._encoded[1]
        n = min(args.sentences, full.n_sentences)
        offsets = full.offsets[: n + 1].copy()
        ids = full.read(0, int(offsets[-1]), np.empty(int(offsets[-1]), dtype=np.int32)).copy()
        sub = EncodedCorpus(offsets, ids=ids)
        initial = model.wv.vectors.copy()
        schedule = Schedule(
            offsets, epochs=1, alpha=model.alpha, min_alpha=model.min_alpha, seed=1, evaluate=False
        )
        for workers in args.workers:
            times = []
            for _ in range(args.repeats):
                model.wv.vectors[:] = initial  # the same start each repeat
                for w_out in (model.w_out_ns, model.w_out_hs):
                    if w_out is not None:
                        w_out[:] = 0
                kernel = (
                    model._kernel_model()
                )  # the engine's view of the weights (a benchmark may look inside)
                start = time.perf_counter()
                result = driver.train(kernel, sub, schedule, workers=workers)
                times.append(time.perf_counter() - start)
            t = statistics.median(times)
            rate = sub.n_tokens / t / 1e3
            print(
                f"{mode}: {workers} thread(s), {sub.n_tokens:,} tokens, median {t:.2f} s, "
                f"{rate:,.0f}k words/s ({rate / workers:,.0f}k per thread), "
                f"loss {result.epochs[0].mean_loss:.5f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
