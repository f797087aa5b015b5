"""Spark MLlib's Word2Vec and w2v.spark side by side on one local Spark, at several
numPartitions, with single-machine w2v as the reference line; one table.

    python benchmarks/spark.py ../shared/data/text8e.zip --partitions 1 2 4 8

The corpus is cut into sentences of 1,000 words (MLlib's maxSentenceLength), one per line,
and read by Spark as a DataFrame of token arrays (the column MLlib needs); both systems fit
on that same DataFrame. Settings: vectorSize=100, windowSize=5, minCount=5, stepSize=0.025,
maxIter=1 (epochs), seed=1. Systems:
  mllib       pyspark.ml.feature.Word2Vec (skip-gram with hierarchical softmax, its only kind)
  w2v-hs      w2v.spark.Word2Vec in MLlib's setting (its defaults: skip-gram, hierarchical softmax)
  w2v-ns      w2v.spark.Word2Vec with w2v's default objective (hs=0, negative=5)
  one-hs, one-ns  single-machine w2v (Word2Vec, workers = the master's cores) on the same sentences

Each run is its own process (Spark started and stopped in it), systems interleaved at each
partition count. "fit s" is the fit call (what a Spark user waits for once the session is up);
"whole s" is the whole process (Python, JVM and Spark start-up, reading, fit, collecting the
vectors). words/s divides the corpus's tokens (x epochs) by fit seconds. Quality: gensim's
evaluator on the vectors (analogies restrict_vocab=30000, case-folded, 3CosAdd; WordSim-353 and
SimLex-999 Spearman), MLlib's words put in frequency order first (its getVectors has no order).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from compare import PROTOCOL, _text_file, evaluate, peak_rss_mb  # noqa: E402

SETTINGS = dict(vectorSize=100, windowSize=5, minCount=5, stepSize=0.025, seed=1, maxSentenceLength=1000)


def sentences_file(text, workdir, words=1000):
    """The corpus as lines of ``words`` words (MLlib's sentence length)."""
    out = Path(workdir) / (Path(text).stem + f".{words}.txt")
    if not out.exists():
        from w2v.corpus import TextCorpus

        with open(str(out) + ".part", "w") as f:
            for sentence in TextCorpus(text, max_sentence_length=words):
                f.write(" ".join(sentence) + "\n")
        os.replace(str(out) + ".part", out)
    return out


def child(cfg):
    """One run; prints RESULT {json}."""
    import numpy as np

    from w2v.vectors import KeyedVectors

    started = cfg["started"]
    if cfg["system"].startswith("one-"):
        from w2v import Word2Vec

        objective = dict(hs=1, negative=0) if cfg["system"] == "one-hs" else dict(hs=0, negative=5)
        model = Word2Vec(
            vector_size=100,
            window=5,
            min_count=5,
            alpha=0.025,
            seed=1,
            sg=1,
            epochs=cfg["epochs"],
            workers=cfg["cores"],
            max_sentence_length=1000,
            progress=None,
            **objective,
        )
        t0 = time.perf_counter()
        model.build_vocab(corpus_file=cfg["lines"])
        model.train()
        fit_s = time.perf_counter() - t0
        model.wv.save_word2vec_format(cfg["out"], binary=True)
        return {"fit_s": fit_s, "whole_s": time.time() - started, "rss_mb": peak_rss_mb()}
    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    spark = (
        SparkSession.builder.master(cfg["master"])
        .config("spark.driver.memory", "6g")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    df = spark.read.text(cfg["lines"]).select(F.split("value", " ").alias("tokens"))
    settings = dict(SETTINGS, maxIter=cfg["epochs"], numPartitions=cfg["partitions"], inputCol="tokens")
    if cfg["system"] == "mllib":
        from pyspark.ml.feature import Word2Vec
    else:
        from w2v.spark import Word2Vec

        settings["progress"] = ""
        if cfg["system"] == "w2v-ns":
            settings.update(hs=0, negative=5)
        if cfg.get("sync_rounds"):
            settings["syncRounds"] = cfg["sync_rounds"]
    t0 = time.perf_counter()
    model = Word2Vec(**settings).fit(df)
    fit_s = time.perf_counter() - t0
    if cfg["system"] == "mllib":
        rows = model.getVectors().collect()
        vectors = {r.word: np.asarray(r.vector.toArray(), dtype=np.float32) for r in rows}
        spark.stop()
        from w2v.corpus import TextCorpus
        from w2v.vocab import build_vocab

        order = build_vocab(TextCorpus(cfg["lines"], max_sentence_length=1000), min_count=5).index_to_key
        words = [w for w in order if w in vectors]  # MLlib's words, most frequent first
        kv = KeyedVectors(words, np.stack([vectors[w] for w in words]))
    else:
        kv = model.wv
        spark.stop()
    kv.save_word2vec_format(cfg["out"], binary=True)
    return {"fit_s": fit_s, "whole_s": time.time() - started, "rss_mb": peak_rss_mb()}


LABELS = {
    "mllib": "MLlib Word2Vec (skip-gram + hierarchical softmax)",
    "w2v-hs": "w2v.spark, MLlib's setting (skip-gram + hierarchical softmax)",
    "w2v-ns": "w2v.spark, w2v's objective (skip-gram + 5 negatives)",
    "one-hs": "w2v on one machine, skip-gram + hierarchical softmax",
    "one-ns": "w2v on one machine, skip-gram + 5 negatives",
}


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", help="e.g. ../shared/data/text8e.zip")
    parser.add_argument("--master", default="local[2]", help="Spark master (default local[2])")
    parser.add_argument("--partitions", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--systems", nargs="+", choices=list(LABELS), default=["mllib", "w2v-hs", "w2v-ns"])
    parser.add_argument("--reference", nargs="*", choices=["one-hs", "one-ns"], default=["one-hs", "one-ns"])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument(
        "--sync-rounds", type=int, default=None, help="w2v.spark's syncRounds (default: its own)"
    )
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--json", default=None, help="also write every run's figures here")
    args = parser.parse_args(argv)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="w2v-spark-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    lines = sentences_file(_text_file(args.corpus, workdir), workdir)
    n_tokens = sum(len(line.split()) for line in open(lines))
    cores = args.master.partition("[")[2].rstrip("]").split(",")[0]
    cores = os.cpu_count() if cores in ("", "*") else int(cores)
    print(
        f"corpus {args.corpus}: {n_tokens:,} tokens in 1,000-word sentences; master {args.master}; "
        f"{args.epochs} epoch(s); {json.dumps(SETTINGS)}",
        flush=True,
    )
    plan = [(p, s) for p in args.partitions for s in args.systems] + [(None, s) for s in args.reference]
    results = []
    for partitions, system in plan:
        out = workdir / f"{system}-{partitions}.bin"
        cfg = dict(
            system=system,
            partitions=partitions,
            master=args.master,
            lines=str(lines),
            out=str(out),
            epochs=args.epochs,
            cores=cores,
            sync_rounds=args.sync_rounds,
            started=time.time(),
        )
        proc = subprocess.run(
            [sys.executable, __file__, "--child", json.dumps(cfg)], capture_output=True, text=True
        )
        found = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
        if proc.returncode != 0 or not found:
            print(f"  {system} at {partitions} partitions failed:\n{proc.stderr[-3000:]}", flush=True)
            continue
        r = json.loads(found[0][7:])
        r["analogy"], r["ws353"], r["simlex"] = evaluate(out)
        out.unlink(missing_ok=True)
        r.update(system=system, partitions=partitions, words_s=args.epochs * n_tokens / r["fit_s"])
        results.append(r)
        print(
            f"  {system} partitions={partitions}: fit {r['fit_s']:.1f} s, whole {r['whole_s']:.1f} s, "
            f"{r['words_s'] / 1e3:,.0f}k words/s, analogy {100 * r['analogy']:.1f} %, "
            f"WS-353 {r['ws353']:.3f}, SimLex {r['simlex']:.3f}, driver RSS {r['rss_mb']:.0f} MB",
            flush=True,
        )
    print()
    print(PROTOCOL)
    print("| system | numPartitions | fit s | whole s | words/s (fit) | analogy | WS-353 | SimLex-999 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {LABELS[r['system']]} | {r['partitions'] or '–'} | {r['fit_s']:.0f} | {r['whole_s']:.0f} | "
            f"{r['words_s'] / 1e3:,.0f}k | {100 * r['analogy']:.1f} % | {r['ws353']:.3f} "
            f"| {r['simlex']:.3f} |"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        print("RESULT " + json.dumps(child(json.loads(sys.argv[2]))), flush=True)
    else:
        main()
