"""``w2v train``: train a model, with checkpoints, safe interruption and resume.

On Ctrl-C (SIGINT) or SIGTERM the workers finish the block they are on (a
safe point), the model is written atomically to the checkpoint file, the
command prints how to resume and exits with 130 (SIGINT) or 143 (SIGTERM).
A second signal kills the process at once (the atomic save still protects
the files already there). ``--checkpoint-every SECONDS`` also saves a
checkpoint periodically. ``w2v train --resume CHECKPOINT -o MODEL`` then
continues the learning-rate schedule and the epoch count exactly where the
run stopped; with ``--workers 1`` the final vectors equal those of an
uninterrupted run, bit for bit.
"""

from __future__ import annotations

import logging
import os
import shlex
import signal
import sys
import threading
import time

from .common import UserError, add_common_flags, check_input, check_output

logger = logging.getLogger("w2v")

# (flag, estimator parameter, type, help); defaults are the estimator's (gensim's).
PARAMS = [
    ("--vector-size", "vector_size", int, "dimensions of the vectors (default 100)"),
    ("--window", "window", int, "largest distance between the centre and a context word (default 5)"),
    ("--min-count", "min_count", int, "ignore words rarer than this (default 5)"),
    ("--max-final-vocab", "max_final_vocab", int, "keep at most this many words (default: no cap)"),
    ("--sg", "sg", int, "1: skip-gram, 0: CBOW (default 0)"),
    ("--hs", "hs", int, "1: hierarchical softmax (default 0)"),
    ("--negative", "negative", int, "negative samples per prediction, 0 for none (default 5)"),
    ("--ns-exponent", "ns_exponent", float, "exponent of the negative-sampling distribution (default 0.75)"),
    ("--sample", "sample", float, "subsampling threshold of frequent words, 0 for none (default 1e-3)"),
    ("--alpha", "alpha", float, "initial learning rate (default 0.025)"),
    ("--min-alpha", "min_alpha", float, "final learning rate (default 0.0001)"),
    ("--epochs", "epochs", int, "passes over the corpus (default 5)"),
    ("--workers", "workers", int, "training threads (default: up to 3, as many as there are cores)"),
    ("--seed", "seed", int, "random seed (default 1)"),
    (
        "--cbow-mean",
        "cbow_mean",
        int,
        "CBOW input: 1 the mean of the context vectors, 0 their sum (default 1)",
    ),
    (
        "--max-sentence-length",
        "max_sentence_length",
        int,
        "longer sentences are cut into pieces (default 10000)",
    ),
    (
        "--shuffle",
        "shuffle",
        int,
        "1: visit the corpus's blocks of about 10,000 words in a new random order each epoch, "
        "0: in corpus order, as word2vec.c and gensim do (default 1)",
    ),
]


def add_parser(sub):
    from ..datasets import known_corpora

    p = sub.add_parser(
        "train",
        help="train word vectors on a corpus",
        description=(
            "Train a word2vec model and save it (w2v's native format). CORPUS is a text file (one "
            "sentence per line; .gz, .bz2 and .zip are read too), a folder of them, or a known corpus: "
            f"{', '.join(known_corpora())} (default: moby-dick, which ships with w2v; text8 is "
            "downloaded on first use). Ctrl-C stops at a safe point and saves a checkpoint."
        ),
    )
    p.add_argument("corpus", nargs="?", help="a file, a folder, or a known corpus name (default: moby-dick)")
    p.add_argument("-o", "--output", required=True, help="the model file to write (native format)")
    p.add_argument(
        "--vectors", help="also write the word vectors here (.bin, .txt or .vec: word2vec formats)"
    )
    group = p.add_argument_group("model and training (names and defaults as in gensim's Word2Vec)")
    for flag, dest, kind, text in PARAMS:
        group.add_argument(flag, dest=dest, type=kind, default=None, help=text, metavar=dest.upper())
    ckpt = p.add_argument_group("checkpoints")
    ckpt.add_argument(
        "--checkpoint", help="where checkpoints go (default: OUTPUT.ckpt; removed once the model is saved)"
    )
    ckpt.add_argument(
        "--checkpoint-every", type=float, metavar="SECONDS", help="save a checkpoint this often"
    )
    ckpt.add_argument(
        "--resume", metavar="CHECKPOINT", help="continue the stopped run saved in CHECKPOINT (same corpus)"
    )
    add_common_flags(p)
    p.set_defaults(func=run)


def _corpus_label(spec):
    """What to record for resuming: a known name as is, a path made absolute."""
    from ..corpus import BUILTIN_CORPORA
    from ..datasets import REMOTE

    if spec in BUILTIN_CORPORA or (spec in REMOTE and not os.path.exists(spec)):
        return spec
    return os.path.abspath(spec)


def run(args):
    from ..datasets import resolve_corpus
    from ..model import Word2Vec

    output = check_output(args.output, "model")
    checkpoint = check_output(args.checkpoint or f"{output}.ckpt", "checkpoint")
    if args.vectors:
        check_output(args.vectors, "vectors file")
    if args.checkpoint_every is not None and not args.checkpoint_every > 0:
        raise UserError(
            f"--checkpoint-every {args.checkpoint_every} is invalid: must be a number of seconds > 0"
        )
    given = {dest: getattr(args, dest) for _, dest, _, _ in PARAMS if getattr(args, dest) is not None}
    progress = None if args.quiet else "auto"

    if args.resume:
        model = Word2Vec.load(check_input(args.resume))
        if not model.interrupted:
            raise UserError(
                f"{args.resume} holds a finished model, not a stopped run: nothing to resume "
                "(train a new model, or continue from it in Python with Word2Vec.load(...).train(corpus))"
            )
        changed = sorted(k for k, v in given.items() if k != "workers" and v != getattr(model, k))
        if changed:
            flag = "--" + changed[0].replace("_", "-")
            raise UserError(
                f"{flag} cannot change when resuming: "
                f"the stopped run uses {changed[0]}={getattr(model, changed[0])!r}"
            )
        if "workers" in given:
            model.workers = given["workers"]
        spec = args.corpus or model.corpus_
        if spec is None:
            raise UserError(f"{args.resume} does not say which corpus it was trained on: give CORPUS")
        corpus = resolve_corpus(spec, progress=not args.quiet)
        model.progress = progress
        logger.info(
            "resuming %s: epoch %d of %d", args.resume, model.run_state.epoch + 1, model.run_state.epochs
        )
    else:
        spec = args.corpus or "moby-dick"
        model = Word2Vec(**given, progress=progress)  # checks every value before reading the corpus
        corpus = resolve_corpus(spec, progress=not args.quiet)
        model.build_vocab(corpus)
        model.corpus_ = _corpus_label(spec)

    status = _train_with_checkpoints(model, corpus, checkpoint, args)
    if status:
        resume = ["w2v", "train", "--resume", str(checkpoint), "-o", str(output)]
        if args.vectors:
            resume += ["--vectors", args.vectors]
        print(
            f"w2v: training stopped at epoch {model.run_state.epoch + 1} of {model.run_state.epochs}; "
            f"checkpoint saved to {checkpoint}\nw2v: resume with: {shlex.join(resume)}",
            file=sys.stderr,
        )
        return status
    model.save(output)
    if args.vectors:
        model.wv.save(args.vectors)
    if checkpoint.exists() and not args.checkpoint:
        checkpoint.unlink()  # the run finished: its default checkpoint is stale
    if not args.quiet:
        words = getattr(model, "words_trained_", 0)
        seconds = model.train_seconds_
        print(f"vocabulary: {len(model.wv):,} words, {model.vector_size} dimensions")
        for i, (loss, frozen) in enumerate(zip(model.loss_history_, model.eval_loss_history_, strict=True)):
            print(f"epoch {i + 1}: loss {loss:.4f} (frozen-weights loss {frozen:.4f})")
        print(
            f"trained in {seconds:.1f} s"
            + (f" ({words / seconds:,.0f} words/s)" if seconds > 0 and words else "")
        )
        print(f"saved {output}" + (f" and {args.vectors}" if args.vectors else ""))
    return 0


def _train_with_checkpoints(model, corpus, checkpoint, args):
    """Train until done (returns 0) or until a signal (returns 130/143 after saving a checkpoint)."""
    stop = threading.Event()
    received = []

    def on_signal(signum, _frame):
        received.append(signum)
        stop.set()
        signal.signal(signum, signal.SIG_DFL)  # a second signal ends the process at once

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        first = True
        while True:
            timer = None
            if args.checkpoint_every:
                timer = threading.Timer(args.checkpoint_every, stop.set)
                timer.daemon = True
                timer.start()
            model.train(None if first and not args.resume else corpus, stop=stop)
            first = False
            if timer is not None:
                timer.cancel()
            if not model.interrupted:
                return 0
            started = time.perf_counter()
            model.save(checkpoint)
            if received:
                return 128 + received[0]
            logger.info("checkpoint saved to %s in %.1f s", checkpoint, time.perf_counter() - started)
            stop.clear()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
