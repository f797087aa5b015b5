"""Phrase detection on one corpus: `w2v phrases` against gensim's Phrases and word2vec.c's word2phrase.

    python benchmarks/phrases.py ../shared/data/text8e.zip
    python benchmarks/phrases.py ../shared/data/text8e.zip --exported   # the phrases found, against gensim

Each system reads the corpus as plain text, learns bigrams (min_count 5, threshold 100:
word2phrase's defaults, used by all), and writes the corpus with its phrases joined; each runs
in its own process, one after another. Prints wall time (the whole process), peak RSS (VmHWM,
or the child's ru_maxrss for word2phrase), the phrases joined in the output, and whether the
outputs are byte-identical (w2v's against gensim's, and w2v's word2phrase mode against
word2phrase's).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

MIN_COUNT, THRESHOLD = 5, 100


def peak_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def run_gensim(text, out):
    from gensim.models.phrases import Phrases
    from gensim.models.word2vec import Text8Corpus

    corpus = Text8Corpus(str(text))
    model = Phrases(corpus, min_count=MIN_COUNT, threshold=THRESHOLD)
    with open(out, "w") as f:
        for sentence in model[corpus]:
            f.write(" ".join(sentence) + "\n")


def run_w2v(text, out, scoring):
    from w2v.cli import main

    code = main(["phrases", str(text), "-o", str(out), "--scoring", scoring, "--min-count", str(MIN_COUNT),
                 "--threshold", str(THRESHOLD), "--quiet"])  # fmt: skip
    if code:
        raise SystemExit(code)


def run_word2phrase(text, out):
    tool = Path(sys.executable).parent / "word2phrase"
    args = [str(tool), "-train", str(text), "-output", str(out), "-min-count", str(MIN_COUNT)]
    subprocess.run([*args, "-threshold", str(THRESHOLD), "-debug", "0"], check=True, capture_output=True)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


SYSTEMS = {
    "w2v phrases (gensim's scoring)": lambda t, o: run_w2v(t, o, "default"),
    "w2v phrases --scoring word2phrase": lambda t, o: run_w2v(t, o, "word2phrase"),
    "gensim Phrases (Text8Corpus)": run_gensim,
    "word2phrase (word2vec.c)": run_word2phrase,
}


def child(name, text, out):
    start = time.perf_counter()
    child_rss = SYSTEMS[name](text, out)
    print(
        "RESULT "
        + json.dumps({"rss": max(peak_rss_mb(), child_rss or 0.0), "inner": time.perf_counter() - start})
    )


def compare_exported(text):
    """Both models' phrases and scores on the same text, gensim's defaults (min_count 5, threshold 10)."""
    from gensim.models.phrases import Phrases as GensimPhrases
    from gensim.models.word2vec import Text8Corpus

    from w2v import Phrases, TextCorpus

    start = time.perf_counter()
    ours = Phrases(TextCorpus(text))
    a = ours.export_phrases()
    t_ours = time.perf_counter() - start
    start = time.perf_counter()
    theirs = GensimPhrases(Text8Corpus(str(text)))
    b = theirs.export_phrases()
    t_theirs = time.perf_counter() - start
    print(f"w2v.Phrases: {len(a):,} phrases, {len(ours.vocab):,} keys, {t_ours:.1f} s (learning and export)")
    print(f"gensim Phrases: {len(b):,} phrases, {len(theirs.vocab):,} keys, {t_theirs:.1f} s")
    same = a.keys() == b.keys()
    worst = max((abs(a[k] - b[k]) for k in b), default=0.0) if same else float("nan")
    print(f"same phrases: {same}; largest score difference: {worst:g}")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", help="a .zip of plain text (or a plain text file)")
    parser.add_argument("--workdir", default=None)
    parser.add_argument(
        "--exported",
        action="store_true",
        help="instead: compare w2v.Phrases' and gensim's export_phrases() at gensim's defaults",
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(*args.child)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="w2v-phrases-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    text = Path(args.corpus)
    if text.suffix == ".zip":
        text = workdir / "corpus.txt"
        if not text.exists():
            with zipfile.ZipFile(args.corpus) as archive, open(text, "wb") as f:
                for info in archive.infolist():
                    f.write(archive.read(info))
    if args.exported:
        return compare_exported(text)
    rows, outputs = [], {}
    for i, name in enumerate(SYSTEMS):
        out = workdir / f"out{i}.txt"
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, __file__, args.corpus, "--child", name, str(text), str(out)],
                              capture_output=True, text=True)  # fmt: skip
        wall = time.perf_counter() - start
        if proc.returncode:
            print(f"{name}: failed\n{proc.stderr[-2000:]}", file=sys.stderr)
            continue
        result = json.loads(proc.stdout.split("RESULT ", 1)[1])
        data = out.read_bytes()
        joined = sum(1 for token in data.split() if b"_" in token)
        outputs[name] = data
        rows.append((name, wall, result["rss"], joined))
        print(
            f"  {name}: {wall:.1f} s, {result['rss']:.0f} MB, {joined:,} phrase tokens",
            file=sys.stderr,
            flush=True,
        )
    print(f"corpus {args.corpus}: min_count {MIN_COUNT}, threshold {THRESHOLD}; one run each, whole process")
    print("| system | wall s | peak RSS | phrase tokens in the output |")
    print("|---|---:|---:|---:|")
    for name, wall, rss, joined in rows:
        print(f"| {name} | {wall:.1f} | {rss:,.0f} MB | {joined:,} |")
    for ours, theirs in (
        ("w2v phrases (gensim's scoring)", "gensim Phrases (Text8Corpus)"),
        ("w2v phrases --scoring word2phrase", "word2phrase (word2vec.c)"),
    ):
        a, b = outputs.get(ours), outputs.get(theirs)
        if a is not None and b is not None:
            print(f"{ours} and {theirs}: outputs byte-identical: {a == b} ({len(a):,} and {len(b):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
