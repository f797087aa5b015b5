"""What a careless or hostile user can do to ``w2v train`` and to saves, and what happens:
exit status 2 with one line (or a clean stop), no traceback, every file that was there
byte-identical. Each test names the defect it covers (issue "nothing a user does crashes w2v")."""

import os
import random
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from conftest import w2v_command, w2v_process
from w2v import BuiltinCorpus, Word2Vec
from w2v.io import atomic_write
from w2v.io.atomic import NotARegularFile
from w2v.storage import check_vectors_output

PRECIOUS = b"an existing file that must survive"


def w2v(*args, timeout=300, cwd=None):
    return w2v_command(*args, timeout=timeout, cwd=cwd)


def one_line_error(result, *pieces, status=2):
    assert result.returncode == status, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("w2v:")]
    assert len(errors) == 1, result.stderr
    for piece in pieces:
        assert piece in errors[0], errors[0]
    return errors[0]


@pytest.fixture
def corpus(tmp_path):
    rng = np.random.default_rng(1)
    words = [f"w{i}" for i in range(40)]
    lines = [" ".join(rng.choice(words, size=12)) for _ in range(400)]
    path = tmp_path / "c.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def moby_lines():
    """The built-in corpus as text, a paragraph a line: big enough that training takes seconds."""
    return [" ".join(s) for s in BuiltinCorpus("moby-dick")]


@pytest.fixture
def big(tmp_path, moby_lines):
    path = tmp_path / "moby.txt"
    path.write_text("\n".join(moby_lines) + "\n")
    return path


def precious(path):
    path.write_bytes(PRECIOUS)
    return path


def intact(*paths):
    return all(p.read_bytes() == PRECIOUS for p in paths)


# -- 1. diverging runs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "flags",
    [
        ["--alpha", 1, "--epochs", 1, "--workers", 1],
        ["--cbow-mean", 0, "--window", 50, "--alpha", 0.25],
        ["--hs", 1, "--negative", 0, "--alpha", 0.5],
    ],
)
def test_a_diverging_run_stops_with_a_clear_error_and_saves_nothing(tmp_path, flags):
    out = precious(tmp_path / "m.w2v")
    result = w2v("train", "moby-dick", "-o", out, "--quiet", *flags)
    one_line_error(result, "training diverged in epoch", "is too high")
    assert intact(out) and not (tmp_path / "m.w2v.ckpt").exists()
    assert sorted(os.listdir(tmp_path)) == ["m.w2v"]


def test_a_model_file_with_nan_weights_is_refused_when_training(corpus, tmp_path):
    path = tmp_path / "m.w2v"
    model = Word2Vec(vector_size=8, min_count=1, epochs=1, workers=1, progress=None)
    model.fit([line.split() for line in corpus.read_text().splitlines()])
    model.wv.vectors[3] = np.nan
    model.save(path)
    loaded = Word2Vec.load(path)
    with pytest.raises(ValueError, match="diverged"):
        sentences = [line.split() for line in corpus.read_text().splitlines()]
        loaded.train(sentences, total_examples=len(sentences), epochs=1)


# -- 2. an output that is an input, or another output -----------------------------------------


def test_the_output_cannot_be_the_input_or_another_output(corpus, tmp_path):
    before = corpus.read_bytes()
    one_line_error(w2v("train", corpus, "-o", corpus, "--min-count", 1), "is the corpus")
    one_line_error(w2v("train", corpus, "-o", tmp_path / "m.w2v", "--vectors", corpus), "is the corpus")
    one_line_error(w2v("train", corpus, "-o", tmp_path / "m.w2v", "--checkpoint", corpus), "is the corpus")
    link = tmp_path / "link.txt"
    link.symlink_to(corpus)
    one_line_error(w2v("train", corpus, "-o", link), "is the corpus")  # through a symbolic link
    hard = tmp_path / "hard.w2v"
    os.link(corpus, hard)
    one_line_error(w2v("train", corpus, "-o", hard), "is the corpus")  # a hard link
    model = precious(tmp_path / "m.w2v")
    one_line_error(w2v("train", corpus, "-o", model, "--vectors", model), "same file")
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_bytes(before)
    one_line_error(w2v("train", folder, "-o", folder / "m.w2v"), "is inside the corpus")
    assert corpus.read_bytes() == before and intact(model)
    assert sorted(os.listdir(folder)) == ["a.txt"]


def test_resume_cannot_write_the_model_over_its_checkpoint(big, tmp_path):
    code, _, err = start_and_signal(["train", big, "-o", tmp_path / "r.w2v", *SLOW], signal.SIGINT)
    assert code == 130, err
    checkpoint = tmp_path / "r.w2v.ckpt"
    before = checkpoint.read_bytes()
    one_line_error(w2v("train", "--resume", checkpoint, "-o", checkpoint), "is the checkpoint being resumed")
    assert checkpoint.read_bytes() == before


# -- 3. saves write through links and refuse what is not a file --------------------------------


def test_saves_refuse_devices_and_fifos_and_write_through_symlinks(corpus, tmp_path):
    one_line_error(w2v("train", corpus, "-o", "/dev/null", "--min-count", 1), "/dev/null is a device")
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    one_line_error(w2v("train", corpus, "-o", tmp_path / "m.w2v", "--vectors", fifo), "is a pipe")
    one_line_error(w2v("train", corpus, "-o", tmp_path / "m.w2v", "--vectors", "/dev/stdout"), "/dev/stdout")
    target = precious(tmp_path / "real.w2v")
    link = tmp_path / "link.w2v"
    link.symlink_to(target)
    result = w2v("train", corpus, "-o", link, "--min-count", 1, "--epochs", 1, "--quiet")
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)  # still a link ...
    assert Word2Vec.load(target).epochs_trained_ == 1  # ... to the new model
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]


def test_atomic_write_errors_name_the_target_not_the_temporary_file(tmp_path, monkeypatch):
    target = precious(tmp_path / "m.bin")

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError) as info, atomic_write(target) as f:
        f.write(b"new")
    assert info.value.filename == str(target) and info.value.errno == 28
    monkeypatch.undo()
    assert intact(target) and os.listdir(tmp_path) == ["m.bin"]
    locked = tmp_path / "locked"
    locked.mkdir()
    with pytest.raises(NotARegularFile, match="is a folder"), atomic_write(locked):
        pass


def test_a_killed_save_leaves_a_temporary_file_that_the_next_save_removes(tmp_path):
    target = precious(tmp_path / "m.w2v")
    code = (
        "import os, sys\n"
        "from w2v.io import atomic_write\n"
        f"with atomic_write({str(target)!r}) as f:\n"
        "    f.write(b'half'); f.flush(); os.kill(os.getpid(), 9)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=False)
    assert intact(target)
    leftovers = [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]
    assert len(leftovers) == 1
    with atomic_write(target) as f:
        f.write(b"whole")
    assert target.read_bytes() == b"whole" and os.listdir(tmp_path) == ["m.w2v"]


# -- 4. resuming on another corpus --------------------------------------------------------------

SLOW = ["--epochs", 8, "--sg", 1, "--workers", 1, "--vector-size", 24, "--seed", 3]


def start_and_signal(args, signum, delay=0.6, extra=(), again_after=None):
    """Start ``w2v train``, wait until training has begun, send ``signum`` (and, after
    ``again_after`` seconds, once more); returns (status, stdout, stderr)."""
    proc = w2v_process(*args, *extra)
    started = time.monotonic()
    for line in proc.stderr:
        if line.startswith("vocabulary:") or time.monotonic() - started > 60:
            break
    time.sleep(delay)
    proc.send_signal(signum)
    if again_after is not None:
        time.sleep(again_after)
        proc.send_signal(signum)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


@pytest.mark.parametrize("change", ["shuffle lines", "reverse words"])
def test_resume_refuses_the_same_counts_of_other_text(big, tmp_path, change):
    code, _, err = start_and_signal(["train", big, "-o", tmp_path / "r.w2v", *SLOW], signal.SIGINT)
    assert code == 130, err
    lines = big.read_text().splitlines()
    if change == "shuffle lines":
        random.Random(0).shuffle(lines)
    else:
        lines = [" ".join(reversed(line.split())) for line in lines]
    big.write_text("\n".join(lines) + "\n")
    result = w2v("train", "--resume", tmp_path / "r.w2v.ckpt", "-o", tmp_path / "r.w2v")
    one_line_error(result, "interrupted on another corpus")
    assert not (tmp_path / "r.w2v").exists()


# -- 7-10. checkpoints and signals ------------------------------------------------------------


@pytest.mark.parametrize("seconds", [0.001, 0.0, -1, "inf", "nan", 1e10])
def test_checkpoint_periods_out_of_range_are_refused(corpus, tmp_path, seconds):
    result = w2v("train", corpus, "-o", tmp_path / "m.w2v", "--checkpoint-every", seconds)
    one_line_error(result, "--checkpoint-every", "between 0.1 and")


def test_the_shortest_checkpoint_period_finishes(big, tmp_path):
    started = time.monotonic()
    result = w2v(
        "train", big, "-o", tmp_path / "m.w2v", "--epochs", 20, "--workers", 1, "--checkpoint-every", 0.1
    )
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 120
    assert "checkpoint saved" in result.stderr
    assert Word2Vec.load(tmp_path / "m.w2v").epochs_trained_ == 20


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.2, 0.5])
def test_ctrl_c_with_quiet_always_stops_cleanly(big, tmp_path, delay):
    """However early the signal comes, the command either says nothing was saved (training
    had not started) or writes a loadable checkpoint; never a silent stop."""
    out = tmp_path / "q.w2v"
    proc = w2v_process("train", big, "-o", out, *SLOW, "--quiet")
    time.sleep(0.3 + delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "Traceback" not in err, err
    checkpoint = tmp_path / "q.w2v.ckpt"
    if "before training started" in err:
        assert not checkpoint.exists()
    else:
        assert "checkpoint saved" in err and Word2Vec.load(checkpoint).interrupted
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]


def test_a_second_signal_waits_for_the_checkpoint(big, tmp_path):
    out = tmp_path / "m.w2v"
    code, _, err = start_and_signal(["train", big, "-o", out, *SLOW], signal.SIGINT, again_after=0.001)
    assert code == 130 and "Traceback" not in err, err
    assert "checkpoint saved" in err  # (and "already stopping" if the save was still running)
    assert Word2Vec.load(tmp_path / "m.w2v.ckpt").interrupted
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]


def test_a_run_never_removes_or_overwrites_another_runs_checkpoint(big, tmp_path):
    out = tmp_path / "m.w2v"
    code, _, err = start_and_signal(["train", big, "-o", out, *SLOW], signal.SIGINT)
    assert code == 130, err
    checkpoint = tmp_path / "m.w2v.ckpt"
    before = checkpoint.read_bytes()
    one_line_error(w2v("train", big, "-o", out, "--epochs", 1), "already holds a checkpoint")
    assert checkpoint.read_bytes() == before
    result = w2v(
        "train", big, "-o", out, "--epochs", 1, "--min-count", 1, "--checkpoint", tmp_path / "other.ckpt"
    )
    assert result.returncode == 0, result.stderr  # elsewhere is fine, and leaves it alone
    assert checkpoint.read_bytes() == before
    result = w2v("train", "--resume", checkpoint, "-o", out, "--quiet")  # resuming it consumes it
    assert result.returncode == 0 and not checkpoint.exists(), result.stderr


# -- 12, 15, 16, 18 -------------------------------------------------------------------------


def test_words_the_vectors_file_cannot_hold_are_refused_before_training():
    """``w2v train --vectors`` runs this check after the vocabulary pass, before training (a text
    corpus's whitespace tokens cannot hold such words; a Python corpus can)."""
    for words, shown in ((["a", "b c"], "'b c'"), (["a", "nul\0"], "nul"), (["a", ""], "empty")):
        with pytest.raises(ValueError, match=shown):
            check_vectors_output("v.bin", words)
        with pytest.raises(ValueError, match=shown):
            check_vectors_output("v.txt", words)
        check_vectors_output("v.w2v", words)  # the native format holds any word


def test_nothing_to_train_is_an_error(tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text("a\nb\nc\n" * 10)  # one word a line: no window
    out = precious(tmp_path / "m.w2v")
    one_line_error(w2v("train", corpus, "-o", out, "--min-count", 1), "nothing to train")
    corpus.write_text("".join(f"{'ab'[i % 2]} x{i}\n" for i in range(300)))  # a, b: never with each other
    one_line_error(w2v("train", corpus, "-o", out, "--min-count", 2), "nothing to train")
    corpus.write_text("a b\nc d\n")  # windows, but subsampling drops nearly everything
    one_line_error(w2v("train", corpus, "-o", out, "--min-count", 1, "--epochs", 1), "nothing was trained")
    assert intact(out)


@pytest.mark.parametrize("name", ["vectors.bin", "vectors.txt", "vectors.vec", "v.txt.gz"])
def test_a_model_named_like_a_vectors_file_is_refused(corpus, tmp_path, name):
    out = precious(tmp_path / name)
    one_line_error(w2v("train", corpus, "-o", out), "--vectors")
    assert intact(out)


def test_max_final_vocab_with_ties_says_so(tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c d\n" * 20)  # four words tied at 20
    one_line_error(
        w2v("train", corpus, "-o", tmp_path / "m.w2v", "--max-final-vocab", 2), "max_final_vocab=2", "tied"
    )


# -- found in review ----------------------------------------------------------------------------


def test_vectors_added_to_wv_are_refused_by_train_not_a_crash():
    sents = [[f"w{i % 30}" for i in range(j, j + 8)] for j in range(60)]
    model = Word2Vec(sents, min_count=1, workers=1, vector_size=10, epochs=1, sg=1)
    model.wv.add_vectors([f"new{i}" for i in range(2000)], np.ones((2000, 10), np.float32))
    with pytest.raises(ValueError, match="not part of the training vocabulary"):
        model.train(sents, total_examples=len(sents), epochs=1)


def test_a_table_of_the_wrong_length_is_refused_by_the_kernel_binding():
    from w2v.engine.kernel import KernelModel
    from w2v.tables import alias_table, keep_table

    counts = np.array([5, 4, 3])
    w_in = np.zeros((3, 4), np.float32)
    points, codes, lens = np.zeros((3, 1), np.int32), np.zeros((3, 1), np.uint8), np.zeros(3, np.int32)
    with pytest.raises(ValueError, match="w_out_ns"):
        KernelModel(w_in, np.zeros((2, 4), np.float32), None, keep_table(counts, 0), alias_table(counts),
                    points, codes, lens, sg=1, window=2, negative=2, hs=0)  # fmt: skip
    with pytest.raises(ValueError, match="keep"):
        KernelModel(w_in, np.zeros((3, 4), np.float32), None, keep_table(counts[:2], 0), alias_table(counts),
                    points, codes, lens, sg=1, window=2, negative=2, hs=0)  # fmt: skip


def test_a_distribution_with_all_its_mass_on_one_word_does_not_hang(tmp_path):
    code = (
        "from w2v import Word2Vec\n"
        "sents = [['a'] * 9 + ['b']] * 3 + [['a'] * 10] * 10\n"
        "m = Word2Vec(sents, min_count=1, ns_exponent=10, workers=1, sg=1, epochs=1)\n"
        "print('trained', m.epochs_trained_)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "trained 1" in done.stdout, done.stderr


def test_an_exception_in_a_resumed_run_neither_repeats_nor_recounts_epochs():
    import threading

    sents = [[f"w{i % 20}" for i in range(j, j + 10)] for j in range(3000)]
    model = Word2Vec(vector_size=8, min_count=1, workers=1, epochs=4, batch_words=2000, progress=None)
    model.build_vocab(sents)
    stop = threading.Event()

    class StopAfterFirstEpoch:
        def on_epoch_end(self, m):
            stop.set()

    model.train(stop=stop, callbacks=[StopAfterFirstEpoch()])
    assert model.interrupted and model.epochs_trained_ == 1

    class Fail:
        def on_epoch_end(self, m):
            if m.epochs_trained_ == 3:
                raise RuntimeError("a callback failed")

    with pytest.raises(RuntimeError, match="a callback failed"):
        model.train(sents, callbacks=[Fail()])
    assert model.epochs_trained_ == 3 and model.run_state.epoch == 3 and model.run_state.partial is None
    model.train(sents)
    assert model.epochs_trained_ == 4 and len(model.loss_history_) == 4 and not model.interrupted


def test_a_generator_with_max_vocab_size_is_refused_as_it_may_need_two_passes():
    with pytest.raises(TypeError, match="2 passes"):
        Word2Vec(min_count=1, max_vocab_size=20).build_vocab(s for s in [["a", "b"]] * 10)


def test_stale_temporary_cleanup_only_touches_its_own_targets_files(tmp_path):
    from w2v.io.atomic import remove_stale_temporaries

    other = tmp_path / f".vectors.2024.{os.getpid()}.abcd1234.tmp"  # vectors.2024's, a live writer
    dead = tmp_path / ".vectors.99999999.abcd1234.tmp"  # vectors', a process that is gone
    other.write_bytes(b"x")
    dead.write_bytes(b"x")
    remove_stale_temporaries(str(tmp_path / "vectors"))
    assert other.exists() and not dead.exists()
