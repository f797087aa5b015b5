"""The driver: runs a :class:`w2v.schedule.Schedule` epoch by epoch through a
:class:`w2v.engine.pool.WorkerPool`.

Epochs run one after another (all threads finish epoch e before any starts
e + 1). After each epoch the objective is measured with the weights frozen
(learning rate 0) on the schedule's evaluation sample, with the same random
draws every epoch (``EpochStats.eval_loss``): that figure compares across
epochs, where the running tally (``EpochStats.mean_loss``, the float64 sum
of each block's objective over the predictions it trained on) is taken while
the weights move and, at a high learning rate, is optimistic (text repeats
itself locally, so a prediction is scored just after updates on very
similar ones).

Several workers update shared weights without locks (Hogwild, as word2vec.c
and gensim do): the races make runs differ slightly, by design. One worker
runs the blocks in order, and a run is bit-for-bit reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..run_state import EpochStats
from .kernel import TrainingDiverged
from .pool import WorkerPool


@dataclass
class RunResult:
    """What a call to train did: the epochs completed and, if it was stopped,
    where (``stopped_at = (epoch, next_block)``) and that epoch's stats so far."""

    epochs: list
    stopped_at: tuple | None
    partial: EpochStats | None


def train(
    kernel,
    corpus,
    schedule,
    *,
    workers,
    start_epoch=0,
    start_block=0,
    partial=None,
    progress=None,
    stop=None,
    on_epoch_begin=None,
    on_epoch_end=None,
):
    """Run epochs ``start_epoch .. schedule.epochs - 1`` of ``schedule`` over ``corpus``
    (a w2v.vocab.EncodedCorpus), the first from its ``start_block``-th block on (in that
    epoch's order); ``partial`` is the EpochStats of the blocks of ``start_epoch`` done before.

    ``progress(done_words, total_words, lr, stats_of_current_epoch, epoch)`` is called
    about twice a second from the calling thread. ``stop`` is a ``threading.Event``; when
    set, workers finish the block they are on (a safe point) and take no more.
    ``on_epoch_begin(epoch)`` and ``on_epoch_end(epoch, stats)`` are called from the calling
    thread around each epoch (the end after its frozen evaluation; not for a stopped epoch).
    Returns a RunResult.
    """
    pool = WorkerPool(
        kernel,
        corpus,
        workers,
        biggest_block=schedule.biggest_block,
        longest_sentence=schedule.longest_sentence,
        stop=stop,
    )
    done = []
    for epoch in range(start_epoch, schedule.epochs):
        first = start_block if epoch == start_epoch else 0
        stats = partial if (epoch == start_epoch and partial is not None) else EpochStats()
        if on_epoch_begin is not None:
            on_epoch_begin(epoch)
        try:
            stopped_at = _epoch(pool, schedule, epoch, first, stats, progress)
        except TrainingDiverged as e:
            raise TrainingDiverged(e.code, f"training diverged in epoch {epoch + 1}") from None
        if stopped_at is not None:
            return RunResult(done, stopped_at, stats)
        done.append(stats)
        if on_epoch_end is not None:
            on_epoch_end(epoch, stats)
    return RunResult(done, None, None)


def _epoch(pool, schedule, epoch, first, stats, progress):
    """Epoch ``epoch`` from its ``first``-th block, then its frozen evaluation, adding to
    ``stats``; returns None, or ``(epoch, next block)`` if stopped."""
    report = None
    if progress is not None:

        def report(position):
            progress(position, schedule.total, schedule.lr_at(position), stats, epoch)

    jobs = schedule.epoch_jobs(epoch, first)
    finished = pool.run(jobs, stats, report)
    if finished < len(jobs):
        return (epoch, first + finished)
    evaluation = schedule.eval_jobs(epoch)
    if evaluation:  # short (at most 20 blocks) and not interrupted: a stop waits for it
        frozen = EpochStats()
        pool.run(evaluation, frozen, interruptible=False)
        stats.eval_loss = frozen.mean_loss
    return None
