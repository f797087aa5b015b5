"""``w2v train``: train a model, with checkpoints, safe interruption and resume.

On Ctrl-C (SIGINT) or SIGTERM the workers finish the block they are on (a
safe point), the model is written atomically to the checkpoint file, the
command prints how to resume and exits with 130 (SIGINT) or 143 (SIGTERM).
Before training starts (while the corpus is read) a signal stops at once,
with nothing to save; a second signal during training waits for the
checkpoint (SIGKILL stops at once: the atomic save leaves the files that
were there intact, and the next save removes its temporary file).
``--checkpoint-every SECONDS`` also saves a checkpoint periodically.

Every output (-o, --vectors, the checkpoint) is checked before any work: it
must be writable, not a folder, device or FIFO, not an input (the corpus,
the checkpoint being resumed), and not another output. An existing
checkpoint at the checkpoint path is another run's: it is never
overwritten or removed unless this run resumes it. ``w2v train --resume CHECKPOINT -o MODEL`` then
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

from ..io.atomic import remove_stale_temporaries, resolve_output
from . import spark as spark_cli
from .common import UserError, add_common_flags, add_reading_flags, check_input, check_outputs

logger = logging.getLogger("w2v")

# (flag, estimator parameter, type, help); defaults are the estimator's (gensim's).
PARAMS = [
    ("--vector-size", "vector_size", int, "dimensions of the vectors (default 100)"),
    ("--window", "window", int, "largest distance between the centre and a context word (default 5)"),
    ("--min-count", "min_count", int, "ignore words rarer than this (default 5)"),
    ("--max-final-vocab", "max_final_vocab", int, "keep at most this many words (default: no cap)"),
    (
        "--max-vocab-size",
        "max_vocab_size",
        int,
        "hold at most this many distinct words while counting, forgetting the rarest (default: no cap)",
    ),
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
    (
        "--batched",
        "batched",
        int,
        "1: skip-gram with negative sampling trains each window as one minibatch (faster), "
        "0: pair by pair, as word2vec.c and gensim do (default 1)",
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
    p.add_argument(
        "corpus",
        nargs="?",
        help="a file, a folder, a known corpus name (default: moby-dick), or - for standard input",
    )
    p.add_argument("-o", "--output", required=True, help="the model file to write (native format)")
    p.add_argument(
        "--vectors", help="also write the word vectors here (.bin, .txt or .vec: word2vec formats)"
    )
    group = p.add_argument_group("model and training (names and defaults as in gensim's Word2Vec)")
    for flag, dest, kind, text in PARAMS:
        group.add_argument(flag, dest=dest, type=kind, default=None, help=text, metavar=dest.upper())
    add_reading_flags(p)
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
    spark_cli.add_flags(p)
    add_common_flags(p)
    p.set_defaults(func=run)


def _corpus_label(spec):
    """What to record for resuming: a known name as is, a path made absolute."""
    from ..corpus import BUILTIN_CORPORA
    from ..datasets import REMOTE

    if spec in BUILTIN_CORPORA or (spec in REMOTE and not os.path.exists(spec)):
        return spec
    return os.path.abspath(spec)


MIN_CHECKPOINT_EVERY, MAX_CHECKPOINT_EVERY = 0.1, 1e7  # seconds; each period starts after the last save


class Interrupted(KeyboardInterrupt):
    """A signal arrived before training started: there is nothing to save."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


class Signals:
    """SIGINT/SIGTERM for the whole command, installed before anything is read.

    Before training starts a signal aborts at once (nothing to save). During
    training the first signal asks the workers to stop at a safe point, after
    which the checkpoint is written; later signals are noted and wait for that
    write (SIGKILL remains the way to stop at once: the next save removes the
    temporary file it leaves). After training, a signal waits for the saves.
    """

    def __init__(self):
        self.stop = threading.Event()
        self.received = []
        self.started = False  # training has started: from now on there is something to save
        self.previous = {}

    def __enter__(self):
        for s in (signal.SIGINT, signal.SIGTERM):
            # A signal the command was started ignoring stays ignored (a shell's background job
            # ignores Ctrl-C, and Python honours that before this point too).
            if signal.getsignal(s) is not signal.SIG_IGN:
                self.previous[s] = signal.signal(s, self._on_signal)
        return self

    def __exit__(self, *exc):
        for s, handler in self.previous.items():
            # After a signal the command is about to exit 128 + n: a further signal is moot.
            signal.signal(s, signal.SIG_IGN if self.received else handler)

    def _on_signal(self, signum, _frame):
        self.received.append(signum)
        if not self.started:
            raise Interrupted(signum)
        self.stop.set()
        if len(self.received) == 2:
            print("w2v: already stopping; waiting for the files to be written", file=sys.stderr)

    @property
    def status(self):
        return 128 + self.received[0] if self.received else 0


def _check_checkpoint_every(seconds):
    if seconds is None:
        return
    if not MIN_CHECKPOINT_EVERY <= seconds <= MAX_CHECKPOINT_EVERY:  # also refuses nan and inf
        raise UserError(
            f"--checkpoint-every {seconds:g} is invalid: must be a number of seconds between "
            f"{MIN_CHECKPOINT_EVERY:g} and {MAX_CHECKPOINT_EVERY:g}"
        )


def _identity(path):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


def run(args):
    from .common import spooled_stdin

    if args.corpus == "-" and args.resume:
        raise UserError("a resumed run reads the corpus it was trained on again: give its file, not -")
    args.from_stdin = args.corpus == "-"
    with spooled_stdin(args.corpus) as path, Signals() as signals:
        args.corpus = path
        try:
            return _run(args, signals)
        except Interrupted as e:
            name = signal.Signals(e.signum).name
            when = "while training on Spark" if getattr(args, "spark", None) else "before training started"
            print(f"w2v: {name} {when}; nothing was saved", file=sys.stderr)
            return 128 + e.signum


def _run(args, signals):
    from ..corpus import TextCorpus
    from ..datasets import resolve_corpus
    from ..model import Word2Vec
    from ..storage import check_vectors_output, format_for_output

    _check_checkpoint_every(args.checkpoint_every)
    spark_cli.check_args(args)
    given = {dest: getattr(args, dest) for _, dest, _, _ in PARAMS if getattr(args, dest) is not None}
    progress = None if args.quiet else "auto"
    checkpoint = args.checkpoint or f"{args.output}.ckpt"

    if args.resume:
        model = Word2Vec.load(check_input(args.resume))
        if not model.interrupted:
            raise UserError(
                f"{args.resume} holds a finished model, not a stopped run: nothing to resume "
                "(train a new model, or continue from it in Python: "
                "Word2Vec.load(...).train(corpus, total_examples=..., epochs=...))"
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
    else:
        spec = args.corpus or "moby-dick"
        model = Word2Vec(**given, progress=progress)  # checks every value before reading the corpus

    # Every output is checked before any work: writable, not a device or a folder, not an input.
    inputs = [("corpus", spec if os.path.exists(spec) else None)]
    resumed_here = args.resume and _same(args.resume, checkpoint)
    if args.resume and not resumed_here:
        inputs.append(("checkpoint being resumed", args.resume))
    outputs = [("model", args.output), ("checkpoint", checkpoint)]
    if args.vectors:
        outputs.append(("vectors file", args.vectors))
    if args.resume and _same(args.resume, args.output):
        raise UserError(f"-o {args.output} is the checkpoint being resumed; give the model another name")
    output, checkpoint = check_outputs(outputs, inputs)[:2]
    for _, path in outputs:  # what killed saves of earlier runs left beside these files
        remove_stale_temporaries(resolve_output(path))
    if format_for_output(args.output) != "native":
        raise UserError(
            f"-o {args.output}: the model is written in w2v's native format (.w2v), not as word2vec "
            f"vectors; for those add --vectors {args.output} and give -o a .w2v name"
        )
    if os.path.exists(checkpoint) and not resumed_here:
        raise UserError(
            f"{checkpoint} already holds a checkpoint of a stopped run; resume it "
            f"(w2v train --resume {checkpoint} -o {output}), delete it, or write checkpoints elsewhere "
            "(--checkpoint)"
        )

    reading = {"lowercase": args.lowercase, "tokenizer": args.tokenizer}
    if args.resume and model.tokenizer_ is not None:
        reading = dict(model.tokenizer_)  # the stopped run's reading, whatever the flags say
    if args.spark:
        trained = spark_cli.train(args, model, spec, reading)
        trained.corpus_ = "-" if args.from_stdin else _corpus_label(spec)
        return _save_and_report(trained, output, args, signals, spark=True)
    corpus = resolve_corpus(spec, progress=not args.quiet, **reading)
    if args.resume:
        model.progress = progress
        logger.info(
            "resuming %s: epoch %d of %d", args.resume, model.run_state.epoch + 1, model.run_state.epochs
        )
    else:
        model.build_vocab(corpus)
        model.corpus_ = "-" if args.from_stdin else _corpus_label(spec)
        builtin = not isinstance(corpus, TextCorpus)
        model.tokenizer_ = {"lowercase": True, "tokenizer": "simple"} if builtin else reading
    if args.vectors:  # a word the vectors format cannot hold is refused now, not after training
        check_vectors_output(args.vectors, model.wv.index_to_key)

    written = set()  # identities of the checkpoint files this run wrote
    try:
        _train_with_checkpoints(model, corpus, checkpoint, args, signals, written)
    except BaseException:
        # A run that fails (it diverged, a disk filled) leaves no checkpoint of its own behind:
        # its state is not worth resuming. A checkpoint it was resumed from stays.
        if not resumed_here and _identity(checkpoint) in written:
            os.unlink(checkpoint)
        raise
    if model.interrupted:
        resume = ["w2v", "train", "--resume", str(checkpoint), "-o", str(output)]
        if args.vectors:
            resume += ["--vectors", args.vectors]
        print(
            f"w2v: training stopped at epoch {model.run_state.epoch + 1} of {model.run_state.epochs}; "
            f"checkpoint saved to {checkpoint}\nw2v: resume with: {shlex.join(resume)}",
            file=sys.stderr,
        )
        return signals.status
    if model.training_problem_:  # trained nothing: saving it would only hide the problem
        raise UserError(model.training_problem_)
    model.save(output)
    if args.vectors:
        model.wv.save(args.vectors)
    if (
        not args.checkpoint
        and os.path.exists(checkpoint)
        and (_identity(checkpoint) in written or resumed_here)
    ):
        os.unlink(checkpoint)  # this run's default checkpoint: the model is saved, it is stale now
    return _report(model, output, args, signals)


def _save_and_report(model, output, args, signals, spark=False):
    """Save a model trained on Spark (no checkpoints) and report it."""
    model.save(output)
    if args.vectors:
        model.wv.save(args.vectors)
    return _report(model, output, args, signals)


def _report(model, output, args, signals):
    if signals.received:
        print(f"w2v: interrupted after training finished; saved {output}", file=sys.stderr)
        return signals.status
    if not args.quiet:
        words = getattr(model, "words_trained_", 0)
        seconds = model.train_seconds_
        print(f"vocabulary: {len(model.wv):,} words, {model.vector_size} dimensions")
        for i, (loss, frozen) in enumerate(zip(model.loss_history_, model.eval_loss_history_, strict=True)):
            frozen = f" (frozen-weights loss {frozen:.4f})" if frozen == frozen else ""
            print(f"epoch {i + 1}: loss {loss:.4f}{frozen}")
        print(
            f"trained in {seconds:.1f} s"
            + (f" ({words / seconds:,.0f} words/s)" if seconds > 0 and words else "")
        )
        print(f"saved {output}" + (f" and {args.vectors}" if args.vectors else ""))
    return 0


def _same(a, b):
    return os.path.realpath(a) == os.path.realpath(b)


class PeriodStart:
    """The checkpoint period, started when training starts (after the corpus is read and the
    tables are built, which take time that is not training): a callback of Word2Vec.train."""

    def __init__(self, seconds, stop):
        self.timer = threading.Timer(seconds, stop.set)
        self.timer.daemon = True

    def on_train_begin(self, model):
        self.timer.start()

    def cancel(self):
        self.timer.cancel()


def _train_with_checkpoints(model, corpus, checkpoint, args, signals, written):
    """Train until done or until a signal; a stopped run is saved to ``checkpoint``.

    ``--checkpoint-every`` stops the workers at a safe point that often, saves, and goes on
    (the next period starts once the save is done). Adds the identity of each checkpoint
    file it writes to ``written`` (so only those are removed at the end).
    """
    stop = signals.stop
    first = True
    while True:
        timer = PeriodStart(args.checkpoint_every, stop) if args.checkpoint_every else None
        signals.started = True
        try:
            model.train(
                None if first and not args.resume else corpus, stop=stop, callbacks=[timer] if timer else ()
            )
        finally:
            if timer is not None:
                timer.cancel()
        first = False
        if not model.interrupted:
            return
        started = time.perf_counter()
        model.save(checkpoint)
        written.add(_identity(checkpoint))
        if signals.received:
            return
        logger.info("checkpoint saved to %s in %.1f s", checkpoint, time.perf_counter() - started)
        stop.clear()
        if signals.received:  # a signal between the check above and clear(): stop after all
            stop.set()
