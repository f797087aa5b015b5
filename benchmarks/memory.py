"""Peak memory of training and loading on inputs shaped to blow it up.

    python benchmarks/memory.py ../shared/data/text8e.zip [--cases text8e lines ...]

Each case runs in its own process and reports that process's peak resident
set (VmHWM) and its wall time:

- ``text8e``: one epoch on text8e (the reference figure);
- ``lines``: the same words, one word a line (17M lines: nothing to train,
  since a one-word line has no window, so this is the vocabulary pass and
  the warning that says so; ``w2v train`` refuses to save such a model);
- ``pairs``: the same words, two words a line (8.5M sentences, trained);
- ``distinct``: text8e interleaved with 10M distinct tokens (each seen
  once), ``max_vocab_size=1_000_000``;
- ``whitespace``: loading a word2vec text ``.gz`` holding one vector and
  2 GB of whitespace.

The inputs are written to a temporary folder and removed afterwards.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile

CASES = ("text8e", "lines", "pairs", "distinct", "whitespace")

TRAIN = """
import json, sys, time
from w2v import TextCorpus, Word2Vec
started = time.perf_counter()
args = json.loads(sys.argv[1])
status = "trained"
try:
    model = Word2Vec(epochs=1, workers=2, progress=None, **args["params"]).fit(TextCorpus(args["path"]))
    if model.training_problem_:  # (w2v train refuses to save such a model)
        status = f"trained nothing: {model.training_problem_}"
except ValueError as e:
    status = f"refused: {e}"
"""

LOAD = """
import json, sys, time
from w2v import KeyedVectors
started = time.perf_counter()
args = json.loads(sys.argv[1])
kv = KeyedVectors.load(args["path"])
status = f"loaded {len(kv)} vector(s)"
"""

REPORT = """
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"status": status[:120], "seconds": time.perf_counter() - started, "peak_mb": hwm / 1024}))
"""


def text8e_words(path):
    with zipfile.ZipFile(path) as z:
        return z.read(z.namelist()[0]).decode("utf-8").split()


def write_inputs(case, words, folder, text8e):
    """The input file of ``case`` (and the parameters to train it with)."""
    if case == "text8e":
        return text8e, {}
    out = os.path.join(folder, f"{case}.txt")
    if case == "lines":
        with open(out, "w") as f:
            f.write("\n".join(words) + "\n")
    elif case == "pairs":
        with open(out, "w") as f:
            f.writelines(f"{a} {b}\n" for a, b in zip(words[0::2], words[1::2], strict=False))
    elif case == "distinct":
        n = 10_000_000
        with open(out, "w") as f:
            for start in range(0, len(words), 1000):
                # every 1,000 text8e words, about 590 tokens seen nowhere else
                noise = range(start * n // len(words), (start + 1000) * n // len(words))
                f.write(" ".join(words[start : start + 1000]) + " " + " ".join(f"x{i}" for i in noise) + "\n")
        return out, {"max_vocab_size": 1_000_000}
    elif case == "whitespace":
        out = os.path.join(folder, "vectors.txt.gz")
        with gzip.open(out, "wb", compresslevel=9) as f:
            f.write(b"1 3\nword 0.1 0.2 0.3\n")
            chunk = (b" " * 1023 + b"\n") * 1024  # 1 MiB
            for _ in range(2048):  # 2 GiB
                f.write(chunk)
    return out, {}


def run(case, path, params):
    script = (LOAD if case == "whitespace" else TRAIN) + REPORT
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps({"path": path, "params": params})],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        return {"status": f"failed: {done.stderr.strip().splitlines()[-1:]}", "seconds": wall, "peak_mb": 0}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("text8e")
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    args = parser.parse_args(argv)
    words = text8e_words(args.text8e)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for case in args.cases:
            path, params = write_inputs(case, words, folder, args.text8e)
            size = os.path.getsize(path)
            result = run(case, path, params)
            rows.append((case, size, result))
            print(
                f"{case:<11} {size / 1e6:8.1f} MB file  peak {result['peak_mb']:7.1f} MB  "
                f"{result.get('wall', result['seconds']):6.1f} s  {result['status']}",
                flush=True,
            )
            if path != args.text8e:
                os.unlink(path)
    base = next((r for c, _, r in rows if c == "text8e"), None)
    if base:
        print("\nrelative to text8e:")
        for case, _, r in rows:
            memory, seconds = r["peak_mb"] / base["peak_mb"], r.get("wall", 0) / base["wall"]
            print(f"  {case:<11} {memory:.2f}x memory, {seconds:.2f}x time")


if __name__ == "__main__":
    main()
