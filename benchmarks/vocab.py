"""The vocabulary pass: w2v's compiled scan against `wc -w`, its Python scan and gensim's build_vocab.

    python benchmarks/vocab.py ../shared/data/text8e.zip --runs 3

Unzips the corpus once into a work folder (plain text, and gensim's corpus_file form: the same
tokens in lines of 10,000), then times, run by run and system by system (interleaved), each
way of reading it and counting its words. MB/s is the plain text's size over the seconds;
medians of the runs. Every w2v line also checks that it found the same number of tokens as
`wc -w`. Prints figures, asserts nothing else.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path


def prepare(corpus, workdir):
    text, lines = workdir / "corpus.txt", workdir / "corpus-lines.txt"
    if not text.exists():
        with zipfile.ZipFile(corpus) as archive, open(text, "wb") as out:
            for info in archive.infolist():
                out.write(archive.read(info))
    if not lines.exists():
        with open(text) as f, open(lines, "w") as out:
            words = f.read().split()
            for start in range(0, len(words), 10_000):
                out.write(" ".join(words[start : start + 10_000]) + "\n")
    return text, lines


def w2v_compiled(path):
    from w2v.corpus import TextCorpus
    from w2v.text_scan import scan_text

    scan = scan_text(TextCorpus(path))
    return scan.total_words


def w2v_python(path):
    from w2v.corpus import TextCorpus
    from w2v.vocab import scan_corpus

    return scan_corpus(iter(TextCorpus(path))).total_words  # an iterator: the Python pass


def gensim_file(lines):
    from gensim.models import Word2Vec

    model = Word2Vec(min_count=5)
    model.build_vocab(corpus_file=str(lines))
    return model.corpus_total_words


def gensim_iterable(text):
    from gensim.models import Word2Vec
    from gensim.models.word2vec import Text8Corpus

    model = Word2Vec(min_count=5)
    model.build_vocab(Text8Corpus(str(text)))
    return model.corpus_total_words


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", help="a .zip of plain text, e.g. ../shared/data/text8e.zip")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args(argv)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="w2v-vocab-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    text, lines = prepare(Path(args.corpus), workdir)
    size_mb = text.stat().st_size / 1e6
    expected = int(subprocess.run(["wc", "-w", str(text)], capture_output=True, text=True).stdout.split()[0])
    systems = {
        "wc -w (plain text)": lambda: subprocess.run(
            ["wc", "-w", str(text)], capture_output=True, check=True
        ),
        "w2v compiled scan (plain text)": lambda: w2v_compiled(text),
        "w2v compiled scan (.zip, decompressing)": lambda: w2v_compiled(args.corpus),
        "w2v Python scan (plain text)": lambda: w2v_python(text),
        "gensim build_vocab(corpus_file=lines)": lambda: gensim_file(lines),
        "gensim build_vocab(Text8Corpus)": lambda: gensim_iterable(text),
    }
    times = {name: [] for name in systems}
    for run in range(args.runs):
        for name, job in systems.items():
            start = time.perf_counter()
            found = job()
            times[name].append(time.perf_counter() - start)
            if isinstance(found, int) and found != expected:
                print(f"  {name}: {found:,} tokens, wc -w says {expected:,}", file=sys.stderr)
            print(f"  run {run + 1}: {name}: {times[name][-1]:.2f} s", file=sys.stderr, flush=True)
    print(f"corpus {args.corpus}: {size_mb:.1f} MB of text, {expected:,} tokens; medians of {args.runs} runs")
    print("| system | seconds | MB/s | against wc -w |")
    print("|---|---:|---:|---:|")
    base = statistics.median(times["wc -w (plain text)"])
    for name, ts in times.items():
        t = statistics.median(ts)
        print(f"| {name} | {t:.2f} | {size_mb / t:,.0f} | {t / base:.2f}x the time |")


if __name__ == "__main__":
    main()
