import io
import logging

from w2v.engine.driver import EpochStats
from w2v.progress import Progress


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_terminal_gets_a_live_line_with_rate_loss_lr_and_eta():
    stream = FakeTerminal()
    progress = Progress(epochs=5, stream=stream)
    assert progress.mode == "bar"
    stats = EpochStats(loss=250.0, predictions=100.0)
    progress(0, 1000, 0.025, stats, 0)
    progress(500, 1000, 0.0125, stats, 2)
    progress.close()
    text = stream.getvalue()
    assert text.count("\r") == 2 and text.endswith("\n")
    last = text.split("\r")[-1]
    assert "epoch 3/5" in last and "50.0%" in last and "words/s" in last
    assert "loss 2.5000" in last and "lr 0.01250" in last and "ETA" in last


def test_a_pipe_gets_periodic_log_lines(caplog):
    stream = io.StringIO()  # not a terminal
    progress = Progress(epochs=1, stream=stream, every=0.0)
    assert progress.mode == "log"
    with caplog.at_level(logging.INFO, logger="w2v"):
        progress(10, 100, 0.02, EpochStats(loss=3.0, predictions=2.0), 0)
        progress.close()
    assert stream.getvalue() == ""
    assert any("10.0%" in r.getMessage() and "loss 1.5000" in r.getMessage() for r in caplog.records)
