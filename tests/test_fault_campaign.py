"""A fault campaign: ``w2v train`` and plain saves killed or interrupted at random moments.

SIGKILL (nothing can be cleaned up): the model or the checkpoint that is left, whichever
exists, always loads, and the next run or save to the same output leaves no temporary file
(``.NAME.PID.XXXXXX.tmp``, see w2v.io.atomic) behind. Repeated SIGINTs (Ctrl-C pressed two or
three times): exit status 130 (0 if the run had already finished), no traceback, and the
checkpoint the run reports loads and resumes to completion.

The moments are random but seeded, so a failure can be replayed; each failure message says
which trial and delay it was.
"""

import os
import random
import re
import signal
import subprocess
import sys
import time

import pytest

from conftest import w2v_command, w2v_process
from w2v import BuiltinCorpus, Word2Vec

PRECIOUS = b"an unrelated file that must survive\n"
SLOW = ["--epochs", "8", "--sg", "1", "--workers", "1", "--vector-size", "24", "--seed", "3"]
TRAIN_KILLS = 20  # + SAVE_KILLS: the campaign's SIGKILLs
SAVE_KILLS = 24
SIGINT_TRIALS = 6
TIMEOUT = 120  # seconds, for any one process: generous, they all take a few


def w2v(*args, timeout=TIMEOUT):
    return w2v_command(*args, timeout=timeout)


def start(*args, python_flags=()):
    return w2v_process(*args, python_flags=python_flags)


def read_until(stream, marker):
    """Read ``stream`` line by line until a line containing ``marker`` (True) or the end (False);
    returns (found, the lines read)."""
    lines = []
    for line in stream:
        lines.append(line)
        if marker in line:
            return True, lines
    return False, lines


def temporaries(folder):
    return sorted(n for n in os.listdir(folder) if n.startswith(".") and n.endswith(".tmp"))


def new_folder(parent, name):
    folder = parent / name
    folder.mkdir()
    (folder / "notes.txt").write_bytes(PRECIOUS)
    return folder


@pytest.fixture(scope="module")
def moby_lines():
    return [" ".join(s) for s in BuiltinCorpus("moby-dick")]


@pytest.fixture(scope="module")
def big(tmp_path_factory, moby_lines):
    """The built-in corpus as a text file: ``w2v train ... SLOW`` on it trains for about a second."""
    path = tmp_path_factory.mktemp("corpus") / "moby.txt"
    path.write_text("\n".join(moby_lines) + "\n")
    return path


# -- SIGKILL ------------------------------------------------------------------------------------


def test_sigkill_campaign_on_train(big, tmp_path):
    """``w2v train --checkpoint-every 0.1`` killed at random moments: before the corpus is read,
    while it trains, while it writes a checkpoint or the model, after it is done. What is left
    loads; the next run to the same output (a resume if a checkpoint was left) finishes and leaves
    the folder clean: the model, the unrelated file, nothing else."""
    rng = random.Random(20240611)
    seen = {"nothing": 0, "checkpoint": 0, "model": 0, "temporary": 0}
    for trial in range(TRAIN_KILLS):
        folder = new_folder(tmp_path, f"kill{trial}")
        out, checkpoint = folder / "m.w2v", folder / "m.w2v.ckpt"
        proc = start("train", big, "-o", out, *SLOW, "--checkpoint-every", "0.1")
        if trial % 3 == 0:  # from the start: start-up, reading the corpus, early training
            delay = rng.uniform(0.0, 0.6)
        else:  # from the line printed just before training starts
            read_until(proc.stderr, "vocabulary:")
            delay = rng.uniform(0.0, 1.4)
        time.sleep(delay)
        proc.kill()
        _, err = proc.communicate(timeout=TIMEOUT)
        where = f"trial {trial}, SIGKILL after {delay:.3f} s; stderr:\n{err}"
        assert proc.returncode in (-signal.SIGKILL, 0), where
        assert "Traceback" not in err, where

        left = set(os.listdir(folder))
        stale = temporaries(folder)
        assert left - set(stale) <= {"notes.txt", "m.w2v", "m.w2v.ckpt"}, (left, where)
        assert all(re.fullmatch(rf"\.m\.w2v(\.ckpt)?\.{proc.pid}\..+\.tmp", n) for n in stale), (stale, where)
        if out.exists():
            model = Word2Vec.load(out)
            assert not model.interrupted and model.epochs_trained_ == 8, where
        if checkpoint.exists():
            assert Word2Vec.load(checkpoint).interrupted, where
        seen["temporary"] += bool(stale)
        seen["checkpoint" if checkpoint.exists() else "model" if out.exists() else "nothing"] += 1

        if checkpoint.exists():
            result = w2v("train", "--resume", checkpoint, "-o", out, "--checkpoint-every", "0.1", "--quiet")
            epochs = 8
        else:
            result = w2v(
                "train", big, "-o", out, *SLOW, "--epochs", "1", "--checkpoint-every", "0.1", "--quiet"
            )
            epochs = 1
        where += f"\nthe next run: status {result.returncode}, stderr:\n{result.stderr}"
        assert result.returncode == 0, where
        assert Word2Vec.load(out).epochs_trained_ == epochs, where
        assert temporaries(folder) == [], where
        assert sorted(os.listdir(folder)) == ["m.w2v", "notes.txt"], where
        assert (folder / "notes.txt").read_bytes() == PRECIOUS, where
    print(f"SIGKILLs of w2v train: {seen}")
    assert seen["checkpoint"] >= 1, seen  # the campaign did reach the checkpoints


SAVER = """
import sys
from w2v import Word2Vec

model = Word2Vec.load(sys.argv[1], mmap=False)
version = 0
while True:
    model.wv.vectors[0] = version  # every save a new version; a torn file would mix two
    model.save(sys.argv[2])
    if version == 0:
        print("saved", flush=True)
    version += 1
"""


@pytest.fixture(scope="module")
def small_model(tmp_path_factory, moby_lines):
    """A model of a few MB (a save takes milliseconds: a kill often lands inside one)."""
    model = Word2Vec(vector_size=100, min_count=1, epochs=1, workers=1, seed=1, progress=None)
    model.fit([line.split() for line in moby_lines[:600]])
    path = tmp_path_factory.mktemp("model") / "source.w2v"
    model.save(path)
    return path


def test_sigkill_campaign_on_plain_saves(small_model, tmp_path):
    """A process saving a model to the same path again and again, killed at random moments: the
    file always loads whole (one version, never a mix), and the next save removes the temporary
    file the killed one left."""
    rng = random.Random(7)
    folder = new_folder(tmp_path, "saves")
    target = folder / "m.w2v"
    killed_mid_save = 0
    for trial in range(SAVE_KILLS):
        proc = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(small_model), str(target)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout.readline() == "saved\n", proc.communicate(timeout=TIMEOUT)
        delay = rng.uniform(0.0, 0.1)
        time.sleep(delay)
        proc.kill()
        _, err = proc.communicate(timeout=TIMEOUT)
        where = f"trial {trial}, SIGKILL {delay:.3f} s after the first save; stderr:\n{err}"
        assert proc.returncode == -signal.SIGKILL and "Traceback" not in err, where

        stale = temporaries(folder)
        assert all(n.startswith(f".m.w2v.{proc.pid}.") for n in stale), (stale, where)
        killed_mid_save += bool(stale)
        model = Word2Vec.load(target, mmap=False)
        row = model.wv.vectors[0]
        assert (row == row[0]).all() and row[0] >= 0 and row[0] == int(row[0]), (row[:5], where)

        model.wv.vectors[0] = -1  # the next save, from another process (this one)
        model.save(target)
        del model
        assert temporaries(folder) == [], where
        assert sorted(os.listdir(folder)) == ["m.w2v", "notes.txt"], where
        assert (Word2Vec.load(target).wv.vectors[0] == -1).all(), where
    assert (folder / "notes.txt").read_bytes() == PRECIOUS
    print(f"SIGKILLs of saves: {SAVE_KILLS}, {killed_mid_save} of them inside a save")
    assert killed_mid_save >= 1  # the campaign did hit saves in progress


KILLED_CHECKPOINT_SAVE = """
import os, signal, sys
from w2v import Word2Vec

model = Word2Vec.load(sys.argv[1], mmap=False)

def killed(fd):  # SIGKILL while the checkpoint is being written, just before the rename
    os.kill(os.getpid(), signal.SIGKILL)

os.fsync = killed
model.save(sys.argv[2])
"""


def sigint_once_training(big, out):
    """A stopped run: ``w2v train`` interrupted (SIGINT) half a second into training."""
    proc = start("train", big, "-o", out, *SLOW)
    read_until(proc.stderr, "vocabulary:")
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 130 and "checkpoint saved" in err, err


@pytest.mark.parametrize("next_run", ["resume", "new run"])
def test_the_next_run_removes_what_a_killed_checkpoint_save_left(big, small_model, tmp_path, next_run):
    """``w2v train`` killed while it writes a checkpoint leaves ``.m.w2v.ckpt.PID.XXXXXX.tmp``
    (the campaign above hits this window only now and then: here it is hit on purpose). The next
    run to the same output, which resumes (and then removes) that checkpoint or starts anew,
    must not leave it in the folder."""
    folder = new_folder(tmp_path, "f")
    out, checkpoint = folder / "m.w2v", folder / "m.w2v.ckpt"
    if next_run == "resume":
        sigint_once_training(big, out)
        before = checkpoint.read_bytes()
        source = checkpoint
    else:
        source = small_model  # the first checkpoint of a run, killed before it was complete
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_CHECKPOINT_SAVE, str(source), str(checkpoint)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert len(temporaries(folder)) == 1, os.listdir(folder)
    if next_run == "resume":
        assert checkpoint.read_bytes() == before  # the atomic save left the checkpoint as it was
        result = w2v("train", "--resume", checkpoint, "-o", out, "--quiet")
        epochs = 8
    else:
        assert not checkpoint.exists()
        result = w2v("train", big, "-o", out, *SLOW, "--epochs", "1", "--quiet")
        epochs = 1
    assert result.returncode == 0, result.stderr
    assert Word2Vec.load(out).epochs_trained_ == epochs
    assert temporaries(folder) == [], f"left behind by the {next_run}: {temporaries(folder)}"
    assert sorted(os.listdir(folder)) == ["m.w2v", "notes.txt"]


# -- SIGINT -------------------------------------------------------------------------------------


def test_repeated_sigints_campaign(big, tmp_path):
    """Two or three SIGINTs in quick succession at random moments of ``w2v train`` (half the
    runs also write periodic checkpoints): 130, or 0 if it had already finished; no traceback;
    nothing half-written; a reported checkpoint loads and ``--resume`` finishes it."""
    rng = random.Random(1130)
    seen = {"resumed": 0, "before training": 0, "after training": 0, "finished": 0}
    for trial in range(SIGINT_TRIALS):
        folder = new_folder(tmp_path, f"int{trial}")
        out, checkpoint = folder / "m.w2v", folder / "m.w2v.ckpt"
        periodic = ["--checkpoint-every", "0.1"] if trial % 2 else []
        proc = start("train", big, "-o", out, *SLOW, *periodic)
        _, early = read_until(proc.stderr, "vocabulary:")  # training starts right after this line
        delay = rng.uniform(0.0, 0.02) if trial % 3 == 0 else rng.uniform(0.0, 1.4)
        gaps = [rng.uniform(0.0, 0.03) for _ in range(rng.choice([1, 2]))]
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        for gap in gaps:
            time.sleep(gap)
            proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=TIMEOUT)
        err = "".join(early) + err
        where = (
            f"trial {trial}: {1 + len(gaps)} SIGINTs, {delay:.3f} s after the vocabulary line, "
            f"then after {', '.join(f'{g:.3f}' for g in gaps)} s; status {proc.returncode}; stderr:\n{err}"
        )
        # -SIGINT (a shell shows 130 too): a signal after the command had finished, while Python
        # shut down; accepted only with the whole model saved and the checkpoint removed.
        assert proc.returncode in (130, 0, -signal.SIGINT), where
        assert "Traceback" not in err and "internal error" not in err, where
        assert temporaries(folder) == [], where
        assert (folder / "notes.txt").read_bytes() == PRECIOUS, where
        if proc.returncode in (0, -signal.SIGINT):
            seen["finished"] += 1
            assert Word2Vec.load(out).epochs_trained_ == 8, where
            assert sorted(os.listdir(folder)) == ["m.w2v", "notes.txt"], where
            continue
        assert [line for line in err.splitlines() if line.startswith("w2v:")], where
        reported = re.search(r"checkpoint saved to (\S+)\n", err)
        if "before training started" in err:
            seen["before training"] += 1
            assert sorted(os.listdir(folder)) == ["notes.txt"], where
        elif "interrupted after training finished" in err:
            seen["after training"] += 1
            assert Word2Vec.load(out).epochs_trained_ == 8, where
            assert sorted(os.listdir(folder)) == ["m.w2v", "notes.txt"], where
        else:
            assert reported and reported.group(1) == str(checkpoint), where
            assert not out.exists(), where
            assert Word2Vec.load(checkpoint).interrupted, where
            result = w2v("train", "--resume", checkpoint, "-o", out, "--quiet")
            where += f"\nresume: status {result.returncode}, stderr:\n{result.stderr}"
            assert result.returncode == 0 and "Traceback" not in result.stderr, where
            model = Word2Vec.load(out)
            assert not model.interrupted and model.epochs_trained_ == 8, where
            assert not checkpoint.exists() and temporaries(folder) == [], where
            seen["resumed"] += 1
    print(f"SIGINT trials: {seen}")
    assert seen["resumed"] >= 1, seen


def test_ctrl_c_while_w2v_is_starting(tmp_path):
    """Ctrl-C (twice) while ``w2v`` is still importing its modules (NumPy, the engine: the
    first ~0.15 s), once its main() has begun (``-X importtime`` reports ``w2v.cli.common``,
    the first module main() imports): still exit status 130 and one ``w2v:`` line, not a
    KeyboardInterrupt traceback. (Before main() runs, only the standard library and w2v's
    version module are loaded: a few milliseconds in which Python's own handling applies.)"""
    folder = new_folder(tmp_path, "early")
    proc = start("train", "-o", folder / "m.w2v", *SLOW, python_flags=["-X", "importtime"])
    found, lines = read_until(proc.stderr, " w2v.cli.common")  # main() is running
    assert found, "".join(lines)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.002)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=TIMEOUT)
    err = "\n".join(line for line in err.splitlines() if not line.startswith("import time:"))
    assert proc.returncode == 130, (proc.returncode, err)
    assert "Traceback" not in err, err
    assert len([line for line in err.splitlines() if line.startswith("w2v:")]) == 1, err
    assert sorted(os.listdir(folder)) == ["notes.txt"]


def test_a_background_job_that_ignores_ctrl_c_keeps_ignoring_it(tmp_path):
    """Started with SIGINT ignored (as a shell starts a background job), w2v ignores it during
    training too, as it does while starting: the run finishes and saves; SIGTERM still stops it."""
    folder = new_folder(tmp_path, "background")
    proc = w2v_process("train", "-o", folder / "m.w2v", *SLOW, sigint=signal.SIG_IGN)
    found, lines = read_until(proc.stderr, "vocabulary:")
    assert found, "".join(lines)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 0, err
    assert (folder / "m.w2v").exists() and not (folder / "m.w2v.ckpt").exists()
