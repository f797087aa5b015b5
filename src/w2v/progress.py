"""Training progress: a live line on a terminal, periodic log lines otherwise."""

from __future__ import annotations

import logging
import sys
import time

logger = logging.getLogger("w2v")


def _duration(seconds):
    seconds = int(max(seconds, 0))
    return (
        f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        if seconds >= 3600
        else (f"{seconds // 60}:{seconds % 60:02d}")
    )


class Progress:
    """Called by the driver with (done, total, lr, epoch stats, epoch).

    ``mode``: "bar" (a live line on stderr), "log" (a line every ``every``
    seconds through the ``w2v`` logger), or "auto": a bar when stderr is a
    terminal, log lines otherwise.
    """

    def __init__(self, epochs, mode="auto", every=10.0, stream=None):
        self.stream = stream or sys.stderr
        if mode == "auto":
            mode = "bar" if getattr(self.stream, "isatty", lambda: False)() else "log"
        self.mode = mode
        self.epochs = epochs
        self.every = every
        self.start = time.perf_counter()
        self.start_done = None
        self.last_log = self.start

    def __call__(self, done, total, lr, stats, epoch):
        now = time.perf_counter()
        if self.start_done is None:
            self.start_done = done
        elapsed = now - self.start
        rate = (done - self.start_done) / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate > 0 else float("inf")
        loss = stats.mean_loss
        text = (
            f"epoch {epoch + 1}/{self.epochs}  {100.0 * done / max(total, 1):5.1f}%  "
            f"{rate / 1000:,.0f}k words/s  loss {loss:.4f}  lr {lr:.5f}  "
            f"ETA {_duration(eta) if eta != float('inf') else '?'}"
        )
        if self.mode == "bar":
            self.stream.write("\r" + text + " " * 4)
            self.stream.flush()
        elif self.mode == "log" and now - self.last_log >= self.every:
            self.last_log = now
            logger.info(text)

    def close(self):
        if self.mode == "bar":
            self.stream.write("\n")
            self.stream.flush()
