"""Spark's side of a distributed run: the vocabulary counted by the executors, the shards
encoded once and cached there, and each round's training run as one Spark job.

The driver never reads the data: it receives the words that reach ``min_count`` (with their
counts and first positions), each shard's token count, and each round's updates. Every task
is a pure function of what it is sent, so a task that fails and is run again by Spark
returns the same result, and the driver takes exactly one result per shard and round
(``w2v.distributed.run.train`` checks it).
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter

from pyspark import StorageLevel, TaskContext
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, StringType

from ..corpus import token_pattern
from ..distributed import run, shards, sync
from ..progress import Progress
from ..vocab import _prune

logger = logging.getLogger("w2v")


class SparkInputError(ValueError):
    """The DataFrame cannot be trained on (wrong column type, no words, too few frequent words)."""


def column_kind(df, column):
    """ "tokens" for an array of strings, "text" for a string; SparkInputError otherwise."""
    if column not in df.columns:
        raise SparkInputError(
            f"the DataFrame has no column {column!r} (its columns: {', '.join(df.columns)})"
        )
    kind = df.schema[column].dataType
    if isinstance(kind, ArrayType) and isinstance(kind.elementType, StringType):
        return "tokens"
    if isinstance(kind, StringType):
        return "text"
    raise SparkInputError(
        f"column {column!r} holds {kind.simpleString()}; w2v.spark.Word2Vec needs an array of strings "
        "(tokens) or a string (split by w2v's tokenizer)"
    )


def token_rows(df, column, *, lowercase=False, tokenizer="whitespace"):
    """The RDD of token lists of ``df[column]``: an array of strings as it is (missing tokens
    dropped), or a string split by w2v's tokenizer (as ``w2v train`` reads a line)."""
    if column_kind(df, column) == "tokens":
        if lowercase:
            return df.select(column).rdd.map(
                lambda r: [w.lower() for w in r[0] if w is not None] if r[0] else []
            )
        return df.select(column).rdd.map(lambda r: [w for w in r[0] if w is not None] if r[0] else [])
    split = Splitter(lowercase, tokenizer)
    return df.select(column).rdd.map(lambda r: split(r[0]))


def count_tokens_in_sql(df, column, *, min_count, max_final_vocab):
    """The Vocabulary of an array-of-strings column, counted by Spark SQL in the JVM (no Python on
    the executors): each word's count and first position (partition, row, token), the words
    below ``min_count`` left on the executors. As ``count_vocabulary`` counts, faster."""
    exploded = df.select(
        F.monotonically_increasing_id().alias("row"), F.posexplode(column).alias("pos", "word")
    )
    exploded = exploded.where(F.col("word").isNotNull())
    # A row's id is (partition << 33) + its number in the partition; (row << shift) + pos orders
    # the occurrences as the pair (row, pos) does while pos < 2^shift (checked below), and its
    # minimum is several times faster to take than the pair's.
    shift = 62 - (33 + max(1, df.rdd.getNumPartitions().bit_length()))

    def counted(first):
        return exploded.groupBy("word").agg(
            F.count("*").alias("n"), F.min(first).alias("first"), F.max("pos").alias("far")
        )

    counts = counted(F.col("row") * F.lit(1 << shift) + F.col("pos"))
    counts = counts.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        total = counts.agg(F.sum("n")).first()[0] or 0
        if total == 0:
            raise SparkInputError("the DataFrame holds no words: nothing to train on")
        kept = counts.where(F.col("n") >= min_count).collect()
    finally:
        counts.unpersist()
    if any(r["far"] >= 1 << shift for r in kept):  # a row too long for the packed key: the pair
        kept = counted(F.struct("row", "pos")).where(F.col("n") >= min_count).collect()
        firsts = [(r["first"]["row"], r["first"]["pos"]) for r in kept]
    else:
        firsts = [r["first"] for r in kept]
    return run.vocabulary(
        [r["word"] for r in kept],
        [r["n"] for r in kept],
        firsts,
        int(total),
        min_count=min_count,
        max_final_vocab=max_final_vocab,
    )


class Splitter:
    """A line into tokens, as w2v's TextCorpus splits it (picklable: the pattern is compiled
    where it runs)."""

    def __init__(self, lowercase, tokenizer):
        token_pattern(tokenizer)  # a bad regular expression fails here, on the driver
        self.lowercase, self.tokenizer, self._pattern = lowercase, tokenizer, None

    def __getstate__(self):
        return {"lowercase": self.lowercase, "tokenizer": self.tokenizer, "_pattern": None}

    def __call__(self, text):
        if not text:
            return []
        if self.lowercase:
            text = text.lower()
        if self.tokenizer == "whitespace":
            return text.split()
        if self._pattern is None:
            self._pattern = token_pattern(self.tokenizer)
        return [m.group(0) for m in self._pattern.finditer(text) if m.group(0)]


def _count_partition(max_vocab_size):
    """Per partition: each word's count and first position (partition, row, token), pruned as
    one machine prunes when ``max_vocab_size`` is set; plus the partition's token total."""

    def count(index, rows):
        counts, first, total = Counter(), {}, 0
        min_reduce = 1
        for r, tokens in enumerate(rows):
            for t, word in enumerate(tokens):
                if word not in first:
                    first[word] = (index, r, t)
            counts.update(tokens)
            total += len(tokens)
            if max_vocab_size is not None and len(counts) > max_vocab_size:
                min_reduce = _prune(counts, min_reduce)
                first = {w: first[w] for w in counts}
        yield (None, (total, None))
        for word, c in counts.items():
            yield (word, (c, first[word]))

    return count


def _merge(a, b):
    return (a[0] + b[0], min(a[1], b[1]) if a[1] is not None else None)


def count_vocabulary(rows, *, min_count, max_final_vocab, max_vocab_size):
    """The Vocabulary of ``rows`` (an RDD of token lists), counted by the executors; the driver
    receives only the words seen at least ``min_count`` times."""
    counted = rows.mapPartitionsWithIndex(_count_partition(max_vocab_size)).reduceByKey(_merge)
    kept = counted.filter(lambda kv: kv[0] is None or kv[1][0] >= min_count).collect()
    total = next((v[0] for k, v in kept if k is None), 0)
    if total == 0:
        raise SparkInputError("the DataFrame holds no words: nothing to train on")
    words = [(k, v) for k, v in kept if k is not None]
    for word, _ in words:
        if not isinstance(word, str):
            raise SparkInputError(f"tokens must be strings; the column holds {word!r}")
    return run.vocabulary(
        [w for w, _ in words],
        [v[0] for _, v in words],
        [v[1] for _, v in words],
        total,
        min_count=min_count,
        max_final_vocab=max_final_vocab,
    )


def encode_shards(rows, key_to_index, max_sentence_length):
    """The cached RDD of one Shard per partition of ``rows`` and their token counts."""
    sc = rows.context
    index = sc.broadcast(key_to_index)

    def encode(i, part):
        yield shards.encode_shard(i, part, index.value, max_sentence_length)

    encoded = rows.mapPartitionsWithIndex(encode).persist(StorageLevel.MEMORY_AND_DISK)
    sizes = encoded.map(lambda s: (s.index, s.n_tokens)).collect()
    index.unpersist()
    return encoded, [n for _, n in sorted(sizes)]


def round_runner(encoded, setup, fault=None):
    """``run_round(epoch, rnd, weights)`` for w2v.distributed.run.train: one Spark job per round.

    The shards are trained in as many tasks as Spark runs at once (its default parallelism),
    each training its shards one after another from the round's weights and sending back their
    changes added up (a sync.Partial): fewer, smaller results than one per shard.

    ``fault`` = (epoch, round, shard) makes the first attempt of the task holding that shard
    kill its Python worker (tests check that Spark's retry leaves the result as it would have been)."""
    sc = encoded.context
    shared = sc.broadcast(setup)
    grouped = encoded.coalesce(max(1, min(sc.defaultParallelism, setup.n_shards)))

    def run_round(epoch, rnd, weights):
        current = sc.broadcast(weights)

        def task(part):
            context = TaskContext.get()
            updates = []
            for shard in part:
                if (
                    fault == (epoch, rnd, shard.index)
                    and context is not None
                    and context.attemptNumber() == 0
                ):
                    os._exit(17)  # the worker dies mid-task, as a lost executor would
                updates.append(shards.train_round(shared.value, current.value, shard, epoch, rnd))
            if updates:
                yield sync.accumulate(updates)

        try:
            return grouped.mapPartitions(task).collect()
        finally:
            current.destroy()

    run_round.close = shared.destroy
    return run_round


def _w2v_on_executors(sc):
    """w2v can be imported where Spark runs Python, or one clear error (not a worker traceback)."""

    def probe(_):
        import importlib.util

        yield importlib.util.find_spec("w2v") is not None

    try:
        found = sc.parallelize([0], 1).mapPartitions(probe).collect()
    except Exception as exc:  # the worker could not even start its Python
        first = next((line for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
        raise RuntimeError(f"Spark could not run Python on its executors: {first}") from None
    if not all(found):
        raise RuntimeError(
            "the Spark executors' Python cannot import w2v: install w2v there, or point Spark at a Python "
            "that has it (PYSPARK_PYTHON, or the spark.pyspark.python setting)"
        )


def fit(df, column, params, *, n_shards, threads, fault=None, progress="auto"):
    """Train on ``df[column]`` (token arrays, or text split by w2v's tokenizer); returns the w2v
    Word2Vec on the driver."""
    started = time.perf_counter()
    kind = column_kind(df, column)
    _w2v_on_executors(df.sparkSession.sparkContext)
    reading = dict(lowercase=params["lowercase"], tokenizer=params["tokenizer"])
    # Spark SQL counts token arrays as they are; folding case is left to Python's str.lower, so
    # that counting and encoding fold every word alike (Java's lower-casing differs on some)
    if kind == "tokens" and params["max_vocab_size"] is None and not params["lowercase"]:
        vocab = count_tokens_in_sql(
            df,
            column,
            min_count=params["min_count"],
            max_final_vocab=params["max_final_vocab"],
        )
    else:  # text to split with w2v's tokenizer, or counting bounded by max_vocab_size: in Python
        vocab = count_vocabulary(
            token_rows(df, column, **reading),
            min_count=params["min_count"],
            max_final_vocab=params["max_final_vocab"],
            max_vocab_size=params["max_vocab_size"],
        )
    if len(vocab) < 2:
        raise SparkInputError(
            f"only {len(vocab)} word(s) occur at least minCount={params['min_count']} times; "
            "lower minCount or use more data"
        )
    logger.info(
        "vocabulary: %d words from %d tokens, counted in %.1f s",
        len(vocab),
        vocab.total_words,
        time.perf_counter() - started,
    )
    # rows dealt out to the partitions by Spark SQL (in the JVM), then encoded once, in Python
    spread = token_rows(df.select(column).repartition(n_shards), column, **reading)
    encoded, sizes = encode_shards(spread, vocab.key_to_index, params["max_sentence_length"])
    logger.info("%d partitions encoded and cached at %.1f s", n_shards, time.perf_counter() - started)
    try:
        rounds = params["rounds"] or run.rounds_for(n_shards, sum(sizes))
        setup = shards.Setup(
            vocab.counts,
            total_tokens=sum(sizes),
            n_shards=n_shards,
            threads=threads,
            rounds=rounds,
            **{k: params[k] for k in shards.Setup.FIELDS if k not in ("threads", "rounds")},
        )
        logger.info("%d partitions, %d synchronisation rounds per epoch", n_shards, rounds)
        weights = run.initial(vocab, setup)
        runner = round_runner(encoded, setup, fault)
        bar = Progress(setup.epochs, progress) if progress else None
        try:
            history = run.train(setup, weights, runner, scheme=params["sync"], progress=bar)
        finally:
            runner.close()
            if bar is not None:
                bar.close()
    finally:
        encoded.unpersist()
    model = run.to_model(
        vocab,
        weights,
        setup,
        history,
        min_count=params["min_count"],
        max_final_vocab=params["max_final_vocab"],
    )
    model.train_seconds_ = time.perf_counter() - started
    return model
