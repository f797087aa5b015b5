"""The ``w2v`` command end to end, run as a user runs it (a subprocess): every command,
every bad input (exit 2, one line, no traceback, nothing damaged), and interrupt-then-resume."""

import json
import os
import signal
import time

import numpy as np
import pytest

from conftest import w2v_command, w2v_process
from w2v import KeyedVectors, Word2Vec


def w2v(*args, env=None, timeout=300):
    return w2v_command(*args, env=env, timeout=timeout)


def assert_one_line_error(result, *pieces):
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for piece in pieces:
        assert piece in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Two families of words that never mix, so neighbours are predictable."""
    rng = np.random.default_rng(0)
    animals = ["cat", "dog", "horse", "cow", "sheep", "goat", "pig", "hen"]
    tools = ["hammer", "saw", "drill", "wrench", "chisel", "pliers", "file", "level"]
    lines = []
    for i in range(1500):
        family = animals if i % 2 else tools
        lines.append(" ".join(family[j] for j in rng.integers(8, size=10)))
    path = tmp_path_factory.mktemp("corpus") / "two_families.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def model(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("model") / "m.w2v"
    result = w2v("train", corpus, "-o", out, "--epochs", 3, "--min-count", 1, "--vector-size", 16, "--sg", 1)
    assert result.returncode == 0, result.stderr
    assert "saved" in result.stdout and "epoch 3" in result.stdout
    return out


def test_train_similar_analogy(model):
    result = w2v("similar", model, "cat", "hammer", "--topn", 5)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    cat_part, hammer_part = text.split("nearest to 'hammer'")
    animals = {"dog", "horse", "cow", "sheep", "goat", "pig", "hen"}
    assert sum(w in cat_part for w in animals) >= 4
    as_json = json.loads(w2v("similar", model, "cat", "--json").stdout)
    assert as_json[0]["query"] == "cat" and len(as_json[0]["neighbours"]) == 10
    assert {n["word"] for n in as_json[0]["neighbours"][:4]} <= animals
    answer = json.loads(w2v("analogy", model, "cat", "dog", "hammer", "--json").stdout)
    assert answer["answers"] and answer["method"] == "3cosadd"
    assert "cat : dog :: hammer : ?" in w2v("analogy", model, "cat", "dog", "hammer").stdout


def test_eval_info_convert_plot(model, tmp_path):
    questions = tmp_path / "q.txt"
    questions.write_text(": family\ncat dog hammer saw\ncat dog unknownword saw\n")
    pairs = tmp_path / "p.tsv"
    pairs.write_text("# comment\ncat\tdog\t9\ncat\thammer\t1\ndog\tsaw\t1.5\nhorse\tcow\t8\nzz\tcat\t3\n")
    result = json.loads(w2v("eval", model, "--dataset", questions, pairs, "google", "--json").stdout)
    assert [r["kind"] for r in result] == ["analogy", "word-pairs", "analogy"]
    assert result[0]["questions"] == 1 and result[0]["skipped"] == 1
    assert result[1]["pairs"] == 4 and result[1]["skipped"] == 1 and result[1]["spearman"] > 0
    table = w2v("eval", model, "--dataset", pairs)
    assert table.returncode == 0 and "Spearman" in table.stdout

    info = json.loads(w2v("info", model, "--json").stdout)
    assert info["kind"] == "model" and info["dimensions"] == 16 and info["epochs_trained"] == 3
    assert len(info["loss_per_epoch"]) == 3 and info["parameters"]["sg"] == 1
    assert "skip-gram" in w2v("info", model).stdout

    for name in ("v.bin", "v.txt", "v.vec", "v.w2v"):
        assert w2v("convert", model, tmp_path / name).returncode == 0
    original = KeyedVectors.load(model)
    for name in ("v.bin", "v.txt", "v.w2v"):
        back = KeyedVectors.load(tmp_path / name)
        assert back.index_to_key == original.index_to_key and np.array_equal(back.vectors, original.vectors)
    assert json.loads(w2v("info", tmp_path / "v.bin", "--json").stdout)["format"] == "word2vec-binary"

    for args in (["--words", "cat", "dog", "hammer", "saw"], ["--top", "10"], ["--loss"]):
        png = tmp_path / "p.png"
        result = w2v("plot", model, "-o", png, *args)
        assert result.returncode == 0, result.stderr
        assert png.read_bytes()[:4] == b"\x89PNG"
        png.unlink()


def test_default_corpus_and_quiet(tmp_path):
    result = w2v("train", "-o", tmp_path / "m.w2v", "--epochs", 1, "--vector-size", 8, "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    assert json.loads(w2v("info", tmp_path / "m.w2v", "--json").stdout)["corpus"] == "moby-dick"


# -- bad input: one line, exit 2, no traceback, nothing damaged ------------------------------------


@pytest.fixture
def precious(tmp_path):
    path = tmp_path / "precious.w2v"
    path.write_bytes(b"an existing file that must survive")
    return path


def unchanged(path):
    return path.read_bytes() == b"an existing file that must survive"


def test_bad_corpora(tmp_path, precious):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    rare = tmp_path / "rare.txt"
    rare.write_text("every word here is different from the others\n")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 50)
    cases = [
        (tmp_path / "missing.txt", ["missing.txt", "neither a file or folder nor a known corpus"]),
        (empty, ["empty"]),
        (rare, ["min_count=5", "lower min_count"]),
        (binary, ["binary"]),
    ]
    for corpus, pieces in cases:
        assert_one_line_error(w2v("train", corpus, "-o", precious), *pieces)
        assert unchanged(precious)


def test_bad_parameters_and_outputs(corpus, tmp_path, precious):
    result = w2v("train", corpus, "-o", precious, "--window", 0)
    assert_one_line_error(result, "--window 0 is invalid", ">= 1")
    assert_one_line_error(w2v("train", corpus, "-o", precious, "--window", "abc"), "invalid int value: 'abc'")
    assert_one_line_error(w2v("train", corpus, "-o", precious, "--alpha", "-1"), "--alpha -1.0 is invalid")
    assert_one_line_error(
        w2v("train", corpus, "-o", precious, "--shuffle", "2"), "--shuffle 2 is invalid", "1 or 0"
    )
    assert_one_line_error(w2v("train", corpus, "-o", precious, "--bogus"), "unrecognized arguments: --bogus")
    assert unchanged(precious)
    assert_one_line_error(w2v("train", corpus, "-o", tmp_path / "no" / "m.w2v"), "folder", "does not exist")
    assert_one_line_error(w2v("train", corpus, "-o", tmp_path), "is a folder")
    assert_one_line_error(w2v("nosuchcommand"), "invalid choice")


def test_bad_models_and_queries(model, tmp_path, precious):
    corrupt = tmp_path / "corrupt.w2v"
    data = model.read_bytes()
    corrupt.write_bytes(data[: len(data) // 2])
    assert_one_line_error(w2v("similar", corrupt, "cat"), "corrupt.w2v")
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"\x00\x01\x02 not vectors at all" * 10)
    assert_one_line_error(w2v("info", garbage), "garbage.bin")
    assert_one_line_error(w2v("similar", tmp_path / "nope.w2v", "cat"), "nope.w2v", "no such file")
    assert_one_line_error(w2v("similar", tmp_path, "cat"), "is a folder")
    assert_one_line_error(w2v("similar", model, "caat"), "'caat' is not in the vocabulary", "'cat'")
    assert_one_line_error(w2v("analogy", model, "cat", "dog", "zzz"), "'zzz'")
    assert_one_line_error(w2v("plot", model, "-o", precious, "--words", "cat", "zzz"), "'zzz'")
    assert_one_line_error(w2v("eval", model, "--dataset", "nosuchset"), "nosuchset", "shipped dataset")
    assert_one_line_error(w2v("convert", corrupt, precious), "corrupt.w2v")
    assert_one_line_error(w2v("similar", model, "cat", "--topn", 0), "--topn 0 is invalid")
    assert_one_line_error(w2v("plot", precious.parent / "v.bin", "--loss", "-o", tmp_path / "x.png"), "v.bin")
    assert unchanged(precious)


def test_text8_without_network_is_one_clear_line(tmp_path, precious):
    env = {"W2V_TEXT8_URL": "http://127.0.0.1:9/text8.zip", "W2V_CACHE_DIR": str(tmp_path / "cache")}
    line = assert_one_line_error(w2v("train", "text8", "-o", precious, env=env), "cannot download text8")
    assert "network" in line
    assert unchanged(precious)


# -- interruption and resume -----------------------------------------------------------------------

SLOW_EPOCHS = 30  # long enough to be interrupted mid-run on a fast machine
SLOW = ["--epochs", SLOW_EPOCHS, "--sg", 1, "--workers", 1, "--vector-size", 24, "--seed", 3]


def start_and_signal(args, signum, tmp_path):
    """Start ``w2v train``, wait until training has begun, send ``signum``; returns the finished process."""
    proc = w2v_process(*args)
    started = time.monotonic()
    for line in proc.stderr:  # the vocabulary line comes just before training starts
        if line.startswith("vocabulary:") or time.monotonic() - started > 60:
            break
    time.sleep(0.8)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


@pytest.mark.parametrize("signum,status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupt_then_resume_equals_an_uninterrupted_run(tmp_path, signum, status):
    whole = tmp_path / "whole.w2v"
    assert w2v("train", "-o", whole, *SLOW, "--quiet").returncode == 0
    out = tmp_path / "resumed.w2v"
    code, _, err = start_and_signal(["train", "-o", out, *SLOW], signum, tmp_path)
    assert code == status, err
    checkpoint = tmp_path / "resumed.w2v.ckpt"
    assert "resume with:" in err and str(checkpoint) in err and "Traceback" not in err
    assert checkpoint.exists() and not out.exists()
    info = json.loads(w2v("info", checkpoint, "--json").stdout)
    assert info["interrupted"] is not None
    result = w2v("train", "--resume", checkpoint, "-o", out, "--quiet")
    assert result.returncode == 0, result.stderr
    a, b = Word2Vec.load(whole), Word2Vec.load(out)
    assert b.epochs_trained_ == SLOW_EPOCHS and a.loss_history_ == b.loss_history_
    assert np.array_equal(a.wv.vectors, b.wv.vectors)
    assert not checkpoint.exists()  # the default checkpoint is removed once the model is saved


def test_periodic_checkpoints_do_not_change_the_result(tmp_path):
    whole = tmp_path / "whole.w2v"
    assert w2v("train", "-o", whole, *SLOW, "--quiet").returncode == 0
    out, checkpoint = tmp_path / "m.w2v", tmp_path / "every.ckpt"
    result = w2v("train", "-o", out, *SLOW, "--checkpoint-every", 0.3, "--checkpoint", checkpoint)
    assert result.returncode == 0, result.stderr
    assert "checkpoint saved" in result.stderr and checkpoint.exists()
    assert np.array_equal(Word2Vec.load(whole).wv.vectors, Word2Vec.load(out).wv.vectors)


def test_resume_refuses_changed_parameters_and_finished_models(tmp_path, model):
    assert_one_line_error(w2v("train", "--resume", model, "-o", tmp_path / "x.w2v"), "nothing to resume")
    code, _, err = start_and_signal(["train", "-o", tmp_path / "r.w2v", *SLOW], signal.SIGINT, tmp_path)
    assert code == 130, err
    result = w2v("train", "--resume", tmp_path / "r.w2v.ckpt", "-o", tmp_path / "r.w2v", "--window", 9)
    assert_one_line_error(result, "--window cannot change when resuming")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_files(corpus, model, tmp_path, precious):
    locked_corpus, locked_model = tmp_path / "locked.txt", tmp_path / "locked.w2v"
    locked_corpus.write_bytes(corpus.read_bytes())
    locked_model.write_bytes(model.read_bytes())
    for path in (locked_corpus, locked_model):
        path.chmod(0)
    assert_one_line_error(w2v("train", locked_corpus, "-o", precious), "locked.txt", "permission denied")
    assert_one_line_error(w2v("similar", locked_model, "cat"), "locked.w2v", "permission denied")
    assert unchanged(precious)
