"""``w2v train CORPUS --spark MASTER``: the same training, run by Spark (``w2v.spark``).

Spark reads the corpus (a text file or folder, .gz and .bz2 too; one sentence per line), the
executors count the vocabulary and train; the driver (this command) saves the model and the
vectors as ``w2v train`` does. The defaults are ``w2v train``'s; ``--partitions`` sets how many
partitions train in parallel (default: Spark's default parallelism, the cores of ``local[N]``).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys

from .common import UserError

logger = logging.getLogger("w2v")

# The master URLs Spark accepts (checked here: Spark's own refusal is a JVM stack trace).
MASTER = re.compile(
    r"local(\[(\*|[1-9][0-9]*)(,[1-9][0-9]*)?\])?|local-cluster\[[0-9]+, *[0-9]+, *[0-9]+\]|yarn|(spark|k8s|mesos)://\S+"
)
JAVA_HINT = (
    "Spark needs Java 17 or later: install it (Debian/Ubuntu: apt-get install openjdk-17-jre-headless)"
)
# w2v's parameter -> the Spark estimator's Param
PARAM_NAMES = {
    "vector_size": "vectorSize",
    "window": "windowSize",
    "min_count": "minCount",
    "max_final_vocab": "maxFinalVocab",
    "max_vocab_size": "maxVocabSize",
    "sg": "sg",
    "hs": "hs",
    "negative": "negative",
    "ns_exponent": "nsExponent",
    "sample": "sample",
    "alpha": "stepSize",
    "min_alpha": "minStepSize",
    "epochs": "maxIter",
    "seed": "seed",
    "cbow_mean": "cbowMean",
    "max_sentence_length": "maxSentenceLength",
    "shuffle": "shuffle",
    "batched": "batched",
}


def add_flags(parser):
    group = parser.add_argument_group("training on Spark")
    group.add_argument(
        "--spark",
        metavar="MASTER",
        help="train on Spark with this master URL (local[4], spark://host:7077, yarn)",
    )
    group.add_argument(
        "--partitions",
        type=int,
        metavar="N",
        help="partitions trained in parallel (default: Spark's parallelism)",
    )
    group.add_argument(
        "--sync-rounds",
        type=int,
        metavar="R",
        help="synchronisations of the partitions per epoch (default: as many as one machine's quality needs)",
    )


def check_args(args):
    """Flags that do not go with --spark, and the ones that need it: one clear error."""
    if not args.spark:
        for flag, value in (("--partitions", args.partitions), ("--sync-rounds", args.sync_rounds)):
            if value is not None:
                raise UserError(f"{flag} needs --spark MASTER")
        return
    for flag, value in (
        ("--resume", args.resume),
        ("--checkpoint", args.checkpoint),
        ("--checkpoint-every", args.checkpoint_every),
        ("--workers", args.workers),
    ):
        if value is not None:
            raise UserError(
                f"{flag} does not apply with --spark "
                "(a Spark run has no checkpoints; its cores are the master's)"
            )
    if not MASTER.fullmatch(args.spark):
        raise UserError(
            f"--spark {args.spark!r} is not a Spark master URL: use local[N] (N cores, or *), "
            "spark://HOST:PORT, yarn, k8s://URL or mesos://URL"
        )
    for flag, value in (("--partitions", args.partitions), ("--sync-rounds", args.sync_rounds)):
        if value is not None and not 1 <= value <= 100_000:
            raise UserError(f"{flag} {value} is invalid: must be an integer >= 1 and <= 100000")


def corpus_path(spec, reading):
    """The file Spark reads for ``spec``, and the reading options (a built-in corpus is read as
    w2v reads it: lower case, the simple tokenizer)."""
    from ..corpus import BUILTIN_CORPORA, builtin_corpus_path
    from ..datasets import REMOTE, resolve_corpus

    if spec in BUILTIN_CORPORA:
        return str(builtin_corpus_path(spec)), {"lowercase": True, "tokenizer": "simple"}
    if spec in REMOTE and not os.path.exists(spec):
        spec = str(resolve_corpus(spec).path)
    if "://" not in spec and not os.path.exists(spec):
        raise UserError(f"corpus {spec!r} does not exist")
    if spec.endswith(".zip"):
        raise UserError(
            f"{spec}: Spark reads text files (also .gz and .bz2) and folders of them, not .zip; "
            "unzip it first"
        )
    return spec, reading


def train(args, model, spec, reading):
    """Train ``model``'s parameters on ``spec`` with Spark; returns the trained w2v.Word2Vec."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise UserError(JAVA_HINT)
    try:
        from pyspark.sql import SparkSession

        from ..spark import Word2Vec
    except ImportError:
        raise UserError("--spark needs pyspark: pip install 'w2v[spark]'") from None
    path, reading = corpus_path(spec, reading)
    # On a local master the executors' Python is this one (which has w2v), unless the user chose
    # another; a cluster's executors use their own (w2v must be installed there).
    if args.spark.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    try:
        spark = (
            SparkSession.builder.master(args.spark)
            .appName("w2v train")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate()
        )
    except Exception as exc:  # Spark's own errors (a master it cannot parse or reach, no JVM)
        raise UserError(f"Spark did not start with master {args.spark!r}: {_first_line(exc)}") from None
    spark.sparkContext.setLogLevel("ERROR")
    try:
        partitions = args.partitions or spark.sparkContext.defaultParallelism
        params = {PARAM_NAMES[k]: getattr(model, k) for k in PARAM_NAMES}
        params = {k: (int(v) if isinstance(v, bool) else v) for k, v in params.items()}
        params.update(shuffle=bool(model.shuffle), batched=bool(model.batched))
        estimator = Word2Vec(
            inputCol="value",
            numPartitions=partitions,
            lowercase=reading["lowercase"],
            tokenizer=reading["tokenizer"],
            progress=model.progress or "",
            **params,
        )
        if args.sync_rounds:
            estimator.setSyncRounds(args.sync_rounds)
        logger.info("training on Spark (%s), %d partitions", args.spark, partitions)
        fitted = estimator.fit(spark.read.text(path))
    except (ValueError, RuntimeError, KeyboardInterrupt):
        raise  # w2v's own errors (bad input, parameters) and Ctrl-C: already clear
    except Exception as exc:  # a failed Spark job: its first line, not a JVM stack trace
        raise UserError(f"Spark failed: {_first_line(exc)}") from None
    finally:
        spark.stop()
    trained = fitted.to_w2v()
    trained.tokenizer_ = reading
    return trained


def _first_line(exc):
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
