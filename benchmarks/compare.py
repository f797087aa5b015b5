"""Train w2v and its peers side by side on one corpus and print one table.

    python benchmarks/compare.py ../shared/data/text8e.zip --arch sg cbow --runs 1

Systems (each optional; a missing peer is skipped with a note):
  w2v            this project, its defaults (each epoch's blocks in a fresh random order;
                 skip-gram's window as one minibatch)
  w2v-ordered    this project with shuffle=False: corpus order, as the peers train
  w2v-pairs      this project with batched=False: skip-gram pair by pair, as the peers train
  gensim         gensim Word2Vec, iterable mode (a text8-style reader: 10,000-word sentences)
  gensim-file    gensim Word2Vec, corpus_file mode (the corpus rewritten as 10,000-word lines)
  word2vec-c     word2vec.c, as built by the PyPI package `word2vec`

Every system gets the same settings (d, window, negatives, sample, min_count,
epochs, threads, alpha) and runs in its own process, one after another, so
each peak RSS (VmHWM) is its own. All vectors are scored by one evaluator: gensim's
evaluate_word_analogies (restrict_vocab=30000, the usual protocol, passed
explicitly as gensim's default is 300000; case-folded, 3CosAdd) and
evaluate_word_pairs (Spearman, restrict_vocab=300000) on the data shipped with
w2v. The table is preceded by a line saying so.
words/s (train) = epochs x corpus tokens / training seconds (word2vec.c: its
whole run, vocabulary pass included, as it cannot report training alone);
words/s (whole) divides by the wall time of the system's whole process
(start-up, vocabulary pass, training, saving the vectors): what a user waits for.
Speed is the median of the runs, quality the mean over their seeds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "src" / "w2v" / "data"
EVAL = Path(os.environ.get("W2V_EVAL_DIR", HERE.parent.parent / "shared" / "data" / "eval"))
ANALOGY_RESTRICT_VOCAB = 30000  # the usual analogy protocol; gensim's default is 300000
PAIRS_RESTRICT_VOCAB = 300000  # gensim's default for word pairs
PROTOCOL = (
    f"analogies: restrict_vocab={ANALOGY_RESTRICT_VOCAB} (the usual protocol); gensim's default is 300000. "
    f"word pairs: restrict_vocab={PAIRS_RESTRICT_VOCAB} (gensim's default)"
)


def _text_file(corpus, workdir):
    """The corpus as one plain text file (word2vec.c reads only that)."""
    corpus = Path(corpus)
    if corpus.suffix != ".zip":
        return corpus
    out = Path(workdir) / (corpus.stem + ".txt")
    if not out.exists():
        with zipfile.ZipFile(corpus) as z, out.open("wb") as f:
            for info in z.infolist():
                with z.open(info) as member:
                    shutil.copyfileobj(member, f, 1 << 20)
    return out


def _lines_file(text, workdir, words_per_line=10_000):
    """The corpus re-cut into lines of 10,000 words (gensim's corpus_file needs lines)."""
    out = Path(workdir) / (Path(text).stem + ".lines.txt")
    if out.exists():
        return out
    from w2v.corpus import TextCorpus

    with out.open("w") as f:
        for sentence in TextCorpus(text, max_sentence_length=words_per_line):
            f.write(" ".join(sentence) + "\n")
    return out


def _params(cfg):
    """The settings every system gets, under the names w2v and gensim share."""
    return dict(
        vector_size=cfg["size"],
        window=cfg["window"],
        negative=cfg["negative"],
        hs=0,
        sample=cfg["sample"],
        min_count=cfg["min_count"],
        epochs=cfg["epochs"],
        workers=cfg["workers"],
        sg=cfg["sg"],
        alpha=cfg["alpha"],
        seed=cfg["seed"],
    )


# -- one system, run in a child process -----------------------------------------------------------


def run_w2v(cfg, **options):
    from w2v.corpus import TextCorpus
    from w2v.model import Word2Vec

    model = Word2Vec(**_params(cfg), **options, progress=None)
    t0 = time.perf_counter()
    model.build_vocab(TextCorpus(cfg["corpus"]))
    t1 = time.perf_counter()
    model.train()
    t2 = time.perf_counter()
    model.wv.save_word2vec_format(cfg["out"], binary=True)
    return {"vocab_s": t1 - t0, "train_s": t2 - t1, "loss": model.loss_history_}


def _gensim_model(cfg, **corpus):
    from gensim.models import Word2Vec

    return Word2Vec(**_params(cfg), **corpus)


def run_gensim(cfg):
    from gensim.models.word2vec import Text8Corpus

    corpus = Text8Corpus(cfg["text"])
    model = _gensim_model(cfg)
    t0 = time.perf_counter()
    model.build_vocab(corpus)
    t1 = time.perf_counter()
    model.train(corpus, total_examples=model.corpus_count, epochs=model.epochs)
    t2 = time.perf_counter()
    model.wv.save_word2vec_format(cfg["out"], binary=True)
    return {"vocab_s": t1 - t0, "train_s": t2 - t1}


def run_gensim_file(cfg):
    model = _gensim_model(cfg)
    t0 = time.perf_counter()
    model.build_vocab(corpus_file=str(cfg["lines"]))
    t1 = time.perf_counter()
    model.train(corpus_file=str(cfg["lines"]), total_words=model.corpus_total_words, epochs=model.epochs)
    t2 = time.perf_counter()
    model.wv.save_word2vec_format(cfg["out"], binary=True)
    return {"vocab_s": t1 - t0, "train_s": t2 - t1}


def run_word2vec_c(cfg):
    binary = Path(sys.executable).parent / "word2vec"  # installed beside python by the `word2vec` package
    if not binary.exists():
        binary = Path(shutil.which("word2vec") or "word2vec")
    args = [
        str(binary),
        "-train",
        str(cfg["text"]),
        "-output",
        str(cfg["out"]),
        "-size",
        str(cfg["size"]),
        "-window",
        str(cfg["window"]),
        "-negative",
        str(cfg["negative"]),
        "-hs",
        "0",
        "-sample",
        str(cfg["sample"]),
        "-min-count",
        str(cfg["min_count"]),
        "-iter",
        str(cfg["epochs"]),
        "-threads",
        str(cfg["workers"]),
        "-cbow",
        str(1 - cfg["sg"]),
        "-alpha",
        str(cfg["alpha"]),
        "-binary",
        "1",
    ]
    t0 = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t1 = time.perf_counter()
    import resource

    return {
        "vocab_s": None,
        "train_s": t1 - t0,
        "child_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def run_w2v_ordered(cfg):
    return run_w2v(cfg, shuffle=False)


def run_w2v_pairs(cfg):
    return run_w2v(cfg, batched=False)


RUNNERS = {
    "w2v": run_w2v,
    "w2v-ordered": run_w2v_ordered,
    "w2v-pairs": run_w2v_pairs,
    "gensim": run_gensim,
    "gensim-file": run_gensim_file,
    "word2vec-c": run_word2vec_c,
}
LABELS = {
    "w2v": "w2v",
    "w2v-ordered": "w2v, shuffle=False",
    "w2v-pairs": "w2v, batched=False",
    "gensim": "gensim, iterable",
    "gensim-file": "gensim, corpus_file",
    "word2vec-c": "word2vec.c",
}


def peak_rss_mb(pid="self"):
    """Peak resident set of a process (VmHWM). Unlike ru_maxrss, it is not inherited
    from the parent across fork and exec, so each system's figure is its own."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def child_main(cfg_json):
    cfg = json.loads(cfg_json)
    result = RUNNERS[cfg["system"]](cfg)
    result["rss_mb"] = max(peak_rss_mb(), result.pop("child_rss_mb", 0.0))
    print("RESULT " + json.dumps(result))


# -- the parent ------------------------------------------------------------------------------------


def available(system):
    module = {
        "w2v": "w2v",
        "w2v-ordered": "w2v",
        "w2v-pairs": "w2v",
        "gensim": "gensim",
        "gensim-file": "gensim",
        "word2vec-c": "word2vec",
    }[system]
    try:
        __import__(module)
        return True
    except ImportError:
        return False


def evaluate(path):
    from gensim.models import KeyedVectors

    kv = KeyedVectors.load_word2vec_format(str(path), binary=True)
    analogies = str(EVAL / "questions-words.txt")
    analogy = kv.evaluate_word_analogies(analogies, restrict_vocab=ANALOGY_RESTRICT_VOCAB)[0]
    ws = kv.evaluate_word_pairs(str(EVAL / "wordsim353.tsv"), restrict_vocab=PAIRS_RESTRICT_VOCAB)[1][0]
    sl = kv.evaluate_word_pairs(str(EVAL / "simlex999.txt"), restrict_vocab=PAIRS_RESTRICT_VOCAB)[1][0]
    return analogy, ws, sl


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", help="corpus file (plain text or .zip), e.g. ../shared/data/text8e.zip")
    parser.add_argument("--arch", nargs="+", choices=["sg", "cbow"], default=["sg", "cbow"])
    parser.add_argument("--systems", nargs="+", choices=list(RUNNERS), default=list(RUNNERS))
    parser.add_argument("--runs", type=int, default=1, help="runs per system (the table shows medians)")
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--window", type=int, default=5)
    parser.add_argument("--negative", type=int, default=5)
    parser.add_argument("--sample", type=float, default=1e-3)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--workdir", default=None, help="folder for converted corpora (default: a temp folder)"
    )
    parser.add_argument("--json", default=None, help="also write every run's figures to this file")
    args = parser.parse_args(argv)

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="w2v-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    text = _text_file(args.corpus, workdir)
    from w2v.corpus import TextCorpus

    n_tokens = sum(len(s) for s in TextCorpus(text))
    lines = _lines_file(text, workdir) if "gensim-file" in args.systems else None
    print(
        f"corpus {args.corpus}: {n_tokens:,} tokens; d={args.size} window={args.window} "
        f"negative={args.negative} sample={args.sample} min_count={args.min_count} epochs={args.epochs} "
        f"workers={args.workers}",
        flush=True,
    )
    rows, every = [], []
    systems = []
    for system in args.systems:
        if available(system):
            systems.append(system)
        else:
            print(f"  skipping {system}: not installed", flush=True)
    for arch in args.arch:
        sg = int(arch == "sg")
        runs = {system: [] for system in systems}
        # Run r of every system, then run r + 1 of every system: the machine's drift over
        # the job falls on all systems alike instead of on whichever ran last.
        for run in range(args.runs):
            for system in systems:
                out = workdir / f"{system}-{arch}-{run}.bin"
                cfg = dict(
                    system=system,
                    corpus=str(args.corpus),
                    text=str(text),
                    lines=str(lines),
                    out=str(out),
                    size=args.size,
                    window=args.window,
                    negative=args.negative,
                    sample=args.sample,
                    min_count=args.min_count,
                    epochs=args.epochs,
                    workers=args.workers,
                    sg=sg,
                    alpha=0.025 if sg else 0.05,
                    seed=1 + run,
                )
                started = time.perf_counter()
                proc = subprocess.run(
                    [sys.executable, __file__, "--child", json.dumps(cfg)], capture_output=True, text=True
                )
                wall_s = (
                    time.perf_counter() - started
                )  # the whole process: start-up, vocabulary, training, save
                line = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
                if proc.returncode != 0 or not line:
                    print(f"  {system} {arch} run {run + 1} failed:\n{proc.stderr[-2000:]}", flush=True)
                    continue
                result = json.loads(line[0][7:])
                result["analogy"], result["ws353"], result["simlex"] = evaluate(out)
                result["words_s"] = args.epochs * n_tokens / result["train_s"]
                result["wall_s"] = wall_s
                result["whole_words_s"] = args.epochs * n_tokens / wall_s
                result.update(system=system, arch=arch, run=run + 1)
                runs[system].append(result)
                every.append(result)
                out.unlink(missing_ok=True)
                print(
                    f"  {arch} {system} run {run + 1}: whole process {wall_s:.1f} s, "
                    f"train {result['train_s']:.1f} s, "
                    f"{result['words_s'] / 1e3:,.0f}k words/s, analogy {100 * result['analogy']:.1f} %, "
                    f"WS-353 {result['ws353']:.3f}, SimLex {result['simlex']:.3f}, "
                    f"RSS {result['rss_mb']:.0f} MB",
                    flush=True,
                )
        for system in systems:
            if runs[system]:
                med = {  # speed and memory: medians; quality: means over the runs' seeds
                    k: statistics.median(r[k] for r in runs[system])
                    for k in ("wall_s", "train_s", "words_s", "whole_words_s", "rss_mb")
                }
                med.update(
                    {k: statistics.mean(r[k] for r in runs[system]) for k in ("analogy", "ws353", "simlex")}
                )
                rows.append((arch, system, len(runs[system]), med))
    print()
    print(PROTOCOL)
    print("speed and memory: medians of the runs; quality: means over the runs (seeds 1, 2, 3, ...)")
    print(
        "| arch | system | runs | whole process s | words/s (whole) | train s | words/s (train) "
        "| analogy | WS-353 | SimLex-999 | peak RSS |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for arch, system, n, m in rows:
        note = " (incl. vocab)" if system == "word2vec-c" else ""
        print(
            f"| {arch} | {LABELS[system]} | {n} | {m['wall_s']:.0f} | {m['whole_words_s'] / 1e3:,.0f}k "
            f"| {m['train_s']:.0f}{note} | {m['words_s'] / 1e3:,.0f}k | "
            f"{100 * m['analogy']:.1f} % | {m['ws353']:.3f} | {m['simlex']:.3f} | {m['rss_mb']:.0f} MB |"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(every, indent=1))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child_main(sys.argv[2])
    else:
        main()
