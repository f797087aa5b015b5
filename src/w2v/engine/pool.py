"""The worker pool: runs a list of jobs (``w2v.schedule.Job``) through a
kernel on ``workers`` threads that share the weights (Hogwild).

Jobs are handed out in list order and every job handed out is finished, so
the jobs done always form a prefix of the list: a stopped pool reports how
many, and the rest can run later. With one worker the jobs run strictly in
order, so a run is reproducible bit for bit.

Any kernel works that has ``scratch(longest_sentence)`` (per-thread buffers)
and ``train_block(ids, offsets, lr_start, lr_end, seed, scratch)`` returning
``(loss sum, predictions, words, kept)``; the corpus needs ``offsets`` and
``read(lo, hi, buffer)`` (``w2v.vocab.EncodedCorpus``).
"""

from __future__ import annotations

import itertools
import threading

import numpy as np


class WorkerPool:
    def __init__(self, kernel, corpus, workers, *, biggest_block, longest_sentence, stop=None):
        self.kernel = kernel
        self.corpus = corpus
        self.workers = int(workers)
        self.biggest_block = int(biggest_block)
        self.longest_sentence = int(longest_sentence)
        self.stop = stop if stop is not None else threading.Event()

    def run(self, jobs, stats, progress=None, every=0.5, interruptible=True):
        """Run ``jobs``, adding each block's result to ``stats`` (an EpochStats).

        ``progress(position)`` is called about every ``every`` seconds from the
        calling thread with the furthest token position reached (blocks finish
        out of order). Returns the number of jobs done: ``len(jobs)`` unless
        ``stop`` was set (``interruptible=False``: the jobs all run even then).
        A kernel error stops the other workers and is raised here; so is
        KeyboardInterrupt, after the workers have finished their blocks.
        """
        if not jobs:
            return 0
        counter = itertools.count()
        lock = threading.Lock()
        errors = []
        stop = self.stop if interruptible else threading.Event()
        done = [0, jobs[0].start]  # jobs finished, furthest position reached

        def work():
            scratch = self.kernel.scratch(self.longest_sentence)
            ids = np.empty(self.biggest_block, dtype=np.int32)
            offsets = self.corpus.offsets
            try:
                while not stop.is_set():
                    i = next(counter)
                    if i >= len(jobs):
                        return
                    job = jobs[i]
                    result = self.kernel.train_block(
                        self.corpus.read(job.lo, job.hi, ids),
                        offsets[job.s0 : job.s1 + 1],
                        job.lr_start,
                        job.lr_end,
                        job.seed,
                        scratch,
                    )
                    with lock:
                        stats.add(result)
                        done[0] += 1
                        if not job.frozen:
                            done[1] = max(done[1], job.end)
            except BaseException as exc:  # surfaced in the calling thread
                errors.append(exc)
                stop.set()
                self.stop.set()

        threads = [
            threading.Thread(target=work, name=f"w2v-worker-{i}", daemon=True) for i in range(self.workers)
        ]
        for t in threads:
            t.start()
        try:
            while alive := [t for t in threads if t.is_alive()]:
                alive[0].join(timeout=every)
                if progress is not None:
                    with lock:
                        position = done[1]
                    progress(position)
        except KeyboardInterrupt:
            stop.set()
            self.stop.set()
            for t in threads:
                t.join()
            raise
        if errors:
            raise errors[0]
        return done[0]
