"""``w2v word2vec``: word2vec.c's command line, flags and defaults verbatim.

    w2v word2vec -train text8 -output vec.bin -cbow 1 -size 200 -window 8 -negative 25 -hs 0 \\
        -sample 1e-4 -threads 20 -binary 1 -iter 15

A script that called ``./word2vec`` runs with ``w2v word2vec`` in its place: the same flags
(``-train -output -size -window -sample -hs -negative -threads -iter -min-count -alpha -classes
-debug -binary -save-vocab -read-vocab -cbow``), the same defaults (CBOW, d=100, window 5,
sample 1e-3, 5 negatives, 12 threads, 5 iterations, min-count 5, alpha 0.05 for CBOW and 0.025
for skip-gram), and the same files:

- the vectors as word2vec.c writes them (``V d`` then a line a word, ``-binary 1``: raw
  float32, else ``%lf`` values each followed by a space), the line-break token ``</s>`` first;
- ``-classes K``: instead of vectors, ``word class`` lines from word2vec.c's k-means (10
  rounds, word i starting in class i mod K, centroids normalised, the class of highest dot
  product);
- ``-save-vocab FILE``: ``word count`` lines, ``</s>`` (counting the line breaks) first, then
  the vocabulary most frequent first; ``-read-vocab FILE`` reads such a file instead of
  counting (words below ``-min-count`` dropped).

Differences: an unknown flag or a value that is not a number is an error (word2vec.c ignores
the one and reads 0 from the other); progress goes to standard error; training is w2v's (the
corpus read as ``w2v train`` reads it; ``</s>``'s vector is never trained, as in word2vec.c,
and is drawn like the initial vectors).
"""

from __future__ import annotations

import argparse
import math
import os
import sys

from .common import UserError, as_flags, check_outputs

FLAGS = {  # flag: (type, word2vec.c's default)
    "-train": (str, None),
    "-output": (str, None),
    "-size": (int, 100),
    "-window": (int, 5),
    "-sample": (float, 1e-3),
    "-hs": (int, 0),
    "-negative": (int, 5),
    "-threads": (int, 12),
    "-iter": (int, 5),
    "-min-count": (int, 5),
    "-alpha": (float, None),  # 0.05 for CBOW, 0.025 for skip-gram
    "-classes": (int, 0),
    "-debug": (int, 2),
    "-binary": (int, 0),
    "-save-vocab": (str, None),
    "-read-vocab": (str, None),
    "-cbow": (int, 1),
}
LINE_BREAK = "</s>"
FLAG_OF = {  # Word2Vec's parameter -> word2vec.c's flag
    "vector_size": "-size", "window": "-window", "sample": "-sample", "hs": "-hs", "negative": "-negative",
    "workers": "-threads", "epochs": "-iter", "min_count": "-min-count", "alpha": "-alpha", "sg": "-cbow",
    "min_alpha": "-alpha",
}  # fmt: skip
KMEANS_ROUNDS = 10


def add_parser(sub):
    p = sub.add_parser(
        "word2vec",
        help="word2vec.c's command line: -train FILE -output FILE -size 200 ... (its flags and defaults)",
        description=__doc__.split("\n\n")[2],
        add_help=True,
    )
    for flag, (kind, default) in FLAGS.items():
        # -debug is word2vec.c's verbosity (debug_mode), not w2v's --debug (tracebacks)
        dest = "debug_mode" if flag == "-debug" else flag[1:].replace("-", "_")
        p.add_argument(flag, dest=dest, metavar=kind.__name__.upper(), default=default,
                       type=_typed(flag, kind))  # fmt: skip
    p.set_defaults(func=run, quiet=False)


def _typed(flag, kind):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{flag} needs a {'whole number' if kind is int else kind.__name__}, got {text!r}"
            ) from None
        if kind is float and not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{flag} must be a finite number, got {text!r}")
        return value

    parse.__name__ = kind.__name__
    return parse


def _read_vocab(path, min_count):
    """``({word: count}, line-break count)`` from a word2vec.c vocabulary file."""
    freq, breaks = {}, 0
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            for number, line in enumerate(f, 1):
                parts = line.split()
                if not parts:
                    continue
                if len(parts) != 2 or not (parts[1].isascii() and parts[1].isdigit()) or len(parts[1]) > 18:
                    raise UserError(
                        f"{path}, line {number}: expected 'word count', got {line.strip()[:60]!r}"
                    )
                if parts[0] == LINE_BREAK:
                    breaks = int(parts[1])
                elif int(parts[1]) >= min_count:
                    freq[parts[0]] = freq.get(parts[0], 0) + int(parts[1])
    except OSError as exc:
        raise UserError(f"cannot read the vocabulary file {path}: {exc.strerror}") from None
    if len(freq) < 2:
        raise UserError(f"{path}: fewer than 2 words with a count of at least -min-count {min_count}")
    return freq, breaks


def _line_breaks(corpus):
    return sum(data.count(b"\n") for _name, chunks in corpus.documents() for data in chunks)


def run(args):
    from ..corpus import TextCorpus
    from ..io.atomic import atomic_write
    from ..model import Word2Vec

    if args.train is None:
        raise UserError("-train FILE is required (the text to train on)")
    if args.output is None and args.save_vocab is None:
        raise UserError("nothing to write: give -output FILE and/or -save-vocab FILE")
    outputs = [
        (what, path) for what, path in (("-output", args.output), ("-save-vocab", args.save_vocab)) if path
    ]
    if args.read_vocab is not None and os.path.isdir(args.read_vocab):
        raise UserError(f"-read-vocab {args.read_vocab} is a folder; give a vocabulary file")
    inputs = [("-train file", args.train)] + (
        [("-read-vocab file", args.read_vocab)] if args.read_vocab else []
    )
    check_outputs(outputs, inputs=inputs)
    if args.debug_mode <= 0:
        import logging

        logging.getLogger("w2v").setLevel(logging.WARNING)
    corpus = TextCorpus(args.train)
    sg = 0 if args.cbow else 1
    alpha = args.alpha if args.alpha is not None else (0.05 if args.cbow else 0.025)
    try:
        model = Word2Vec(
            vector_size=args.size, window=args.window, sample=args.sample, hs=args.hs, negative=args.negative,
            workers=args.threads, epochs=args.iter, min_count=args.min_count, alpha=alpha,
            min_alpha=alpha * 1e-4, sg=sg, progress="auto" if args.debug_mode >= 2 else None,
        )  # fmt: skip
    except ValueError as exc:  # name word2vec.c's flag, not Word2Vec's parameter
        raise UserError(as_flags(str(exc), lambda name: FLAG_OF.get(name, name))) from None
    if args.read_vocab:
        freq, breaks = _read_vocab(args.read_vocab, args.min_count)
        model.build_vocab_from_freq(freq)
    else:
        model.build_vocab(corpus)
        breaks = _line_breaks(corpus)
    words = [LINE_BREAK, *model.wv.index_to_key]
    if args.save_vocab:
        counts = [breaks, *(int(model.wv.get_vecattr(w, "count")) for w in model.wv.index_to_key)]
        with atomic_write(args.save_vocab, "wb") as f:
            f.write(
                "".join(f"{w} {c}\n" for w, c in zip(words, counts, strict=True)).encode(
                    "utf-8", "surrogateescape"
                )
            )
    if args.output is None:
        return 0
    model.train(
        corpus,
        total_words=model.corpus_total_words or None,
        total_examples=model.corpus_count or None,
        epochs=model.epochs,
    )
    vectors = _with_line_break(model)
    with atomic_write(args.output, "wb") as f:
        if args.classes > 0:
            classes = kmeans_classes(vectors, args.classes)
            f.write(
                "".join(f"{w} {c}\n" for w, c in zip(words, classes.tolist(), strict=True)).encode(
                    "utf-8", "surrogateescape"
                )
            )
        else:
            write_vectors(f, words, vectors, binary=bool(args.binary))
    if args.debug_mode > 0:
        print(f"wrote {args.output}: {len(words)} words x {args.size}", file=sys.stderr)
    return 0


def _with_line_break(model):
    """The trained vectors with ``</s>``'s first: never trained, drawn as the initial vectors are
    (uniform in [-0.5, 0.5) / d), from the model's seed."""
    import numpy as np

    rng = np.random.default_rng(model.seed)
    d = model.vector_size
    first = ((rng.random(d) - 0.5) / d).astype(np.float32)
    return np.vstack([first[None, :], np.asarray(model.wv.vectors, np.float32)])


def write_vectors(f, words, vectors, binary):
    """word2vec.c's vectors file: ``V d`` then ``word `` and the values (raw float32, or ``%lf``
    each followed by a space), a line break after each word."""
    import numpy as np

    f.write(f"{len(words)} {vectors.shape[1]}\n".encode())
    for word, row in zip(words, vectors, strict=True):
        f.write(word.encode("utf-8", "surrogateescape") + b" ")
        if binary:
            f.write(np.ascontiguousarray(row, "<f4").tobytes())
        else:
            f.write("".join(f"{float(x):f} " for x in row).encode())
        f.write(b"\n")


def kmeans_classes(vectors, k):
    """word2vec.c's k-means: word i starts in class i mod k; 10 rounds of centroids (the sum over
    the class divided by its size plus one, then normalised; an empty class's is NaN) and
    reassignment to the centroid of highest dot product above -10 (the first on ties; class 0 if
    none). Returns each word's class."""
    import numpy as np

    n = len(vectors)
    classes = np.arange(n) % k
    x = np.asarray(vectors, np.float32)
    for _ in range(KMEANS_ROUNDS):
        sums = np.zeros((k, x.shape[1]), np.float32)
        np.add.at(sums, classes, x)
        sizes = np.bincount(classes, minlength=k).astype(np.float32) + 1
        centroids = sums / sizes[:, None]
        norms = np.sqrt((centroids * centroids).sum(axis=1, dtype=np.float32))
        with np.errstate(invalid="ignore", divide="ignore"):
            centroids = centroids / norms[:, None]  # an empty class: 0 / 0, as in word2vec.c
        scores = x @ centroids.T
        scores[np.isnan(scores)] = -np.inf  # an empty class (0/0) never wins, as in C's x > closev
        best = np.argmax(scores, axis=1)
        # word2vec.c starts from closev = -10, closeid = 0: scores of at most -10 leave class 0
        classes = np.where(scores[np.arange(n), best] > -10, best, 0)
    return classes
