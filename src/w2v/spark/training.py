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
from pyspark.sql.types import ArrayType, StringType

from ..corpus import token_pattern
from ..distributed import run, shards
from ..progress import Progress
from ..vocab import _prune

logger = logging.getLogger("w2v")


class SparkInputError(ValueError):
    """The DataFrame cannot be trained on (wrong column type, no words, too few frequent words)."""


def token_rows(df, column, *, lowercase=False, tokenizer="whitespace"):
    """The RDD of token lists of ``df[column]``: an array of strings as it is, or a string
    split by w2v's tokenizer (as ``w2v train`` reads a line)."""
    if column not in df.columns:
        raise SparkInputError(
            f"the DataFrame has no column {column!r} (its columns: {', '.join(df.columns)})"
        )
    kind = df.schema[column].dataType
    if isinstance(kind, ArrayType) and isinstance(kind.elementType, StringType):
        if lowercase:
            return df.select(column).rdd.map(
                lambda r: [w.lower() for w in r[0] if w is not None] if r[0] else []
            )
        return df.select(column).rdd.map(lambda r: [w for w in r[0] if w is not None] if r[0] else [])
    if isinstance(kind, StringType):
        split = Splitter(lowercase, tokenizer)
        return df.select(column).rdd.map(lambda r: split(r[0]))
    raise SparkInputError(
        f"column {column!r} holds {kind.simpleString()}; w2v.spark.Word2Vec needs an array of strings "
        "(tokens) or a string (split by w2v's tokenizer)"
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


def encode_shards(rows, key_to_index, n_shards, max_sentence_length):
    """The cached RDD of one Shard per partition (``n_shards`` of them) and their token counts."""
    sc = rows.context
    index = sc.broadcast(key_to_index)

    def encode(i, part):
        yield shards.encode_shard(i, part, index.value, max_sentence_length)

    spread = rows.repartition(n_shards) if n_shards != rows.getNumPartitions() else rows
    encoded = spread.mapPartitionsWithIndex(encode).persist(StorageLevel.MEMORY_AND_DISK)
    sizes = encoded.map(lambda s: (s.index, s.n_tokens)).collect()
    index.unpersist()
    return encoded, [n for _, n in sorted(sizes)]


def round_runner(encoded, setup, fault=None):
    """``run_round(epoch, rnd, weights)`` for w2v.distributed.run.train: one Spark job per round.

    ``fault`` = (epoch, round, shard) makes that task's first attempt kill its Python worker
    (tests check that Spark's retry leaves the result as it would have been)."""
    sc = encoded.context
    shared = sc.broadcast(setup)

    def run_round(epoch, rnd, weights):
        current = sc.broadcast(weights)

        def task(shard):
            context = TaskContext.get()
            if fault == (epoch, rnd, shard.index) and context is not None and context.attemptNumber() == 0:
                os._exit(17)  # the worker dies mid-task, as a lost executor would
            return shards.train_round(shared.value, current.value, shard, epoch, rnd)

        try:
            return encoded.map(task).collect()
        finally:
            current.destroy()

    run_round.close = shared.destroy
    return run_round


def fit(rows, params, *, n_shards, threads, fault=None, progress="auto"):
    """Train on ``rows`` (an RDD of token lists); returns the w2v Word2Vec on the driver."""
    started = time.perf_counter()
    vocab = count_vocabulary(
        rows,
        min_count=params["min_count"],
        max_final_vocab=params["max_final_vocab"],
        max_vocab_size=params["max_vocab_size"],
    )
    if len(vocab) < 2:
        raise SparkInputError(
            f"only {len(vocab)} word(s) occur at least minCount={params['min_count']} times; "
            "lower minCount or use more data"
        )
    logger.info("vocabulary: %d words from %d tokens", len(vocab), vocab.total_words)
    encoded, sizes = encode_shards(rows, vocab.key_to_index, n_shards, params["max_sentence_length"])
    try:
        setup = shards.Setup(
            vocab.counts,
            total_tokens=sum(sizes),
            n_shards=n_shards,
            threads=threads,
            **{k: params[k] for k in shards.Setup.FIELDS if k != "threads"},
        )
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
