"""``w2v train CORPUS --spark MASTER``: the command trains on a local Spark and saves what
``w2v train`` saves; flags that do not go with Spark, a missing Java or pyspark, a .zip corpus
and a master Spark cannot use each give one error line and exit 2."""

from __future__ import annotations

import os
import shutil
import sys

import numpy as np
import pytest

from conftest import in_ci, require_peer, w2v_command

try:
    import pyspark  # noqa: F401
except ImportError:
    MISSING = "pyspark is missing: pip install 'w2v[spark]' (make test installs it)"
    if in_ci():
        pytest.fail(f"{MISSING} (CI=true: a missing peer is a failure, not a skip)", pytrace=False)
    pytest.skip(MISSING, allow_module_level=True)

from w2v import Word2Vec  # noqa: E402
from w2v.vectors import KeyedVectors  # noqa: E402


@pytest.fixture
def corpus(tmp_path):
    rng = np.random.default_rng(0)
    groups = [[f"cat{i}" for i in range(8)], [f"car{i}" for i in range(8)]]
    lines = [" ".join(rng.choice(groups[i % 2], 12)) for i in range(600)]
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


def one_error_line(proc):
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("w2v: error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


def test_train_on_spark_saves_the_model_and_the_vectors(corpus, tmp_path):
    require_peer(shutil.which("java"), "Java (Spark needs it)", "apt-get install openjdk-17-jre-headless")
    model, vectors = tmp_path / "m.w2v", tmp_path / "v.bin"
    proc = w2v_command(
        "train",
        corpus,
        "-o",
        model,
        "--vectors",
        vectors,
        "--spark",
        "local[2]",
        "--partitions",
        "2",
        "--sg",
        "1",
        "--epochs",
        "5",
        "--min-count",
        "1",
        "--vector-size",
        "16",
        "--sample",
        "0",
        env={"PYSPARK_PYTHON": sys.executable},
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "saved" in proc.stdout and "epoch 5: loss" in proc.stdout
    trained = Word2Vec.load(model)
    one = Word2Vec(min_count=1, vector_size=16, progress=False).build_vocab(corpus_file=str(corpus))
    assert trained.wv.index_to_key == one.wv.index_to_key  # the command's vocabulary, on Spark
    assert (trained.sg, trained.epochs, trained.vector_size, trained.epochs_trained_) == (1, 5, 16, 5)
    assert trained.corpus_ == os.path.abspath(corpus)
    near = [w for w, _ in trained.wv.most_similar("cat3", topn=4)]
    assert all(w.startswith("cat") for w in near), near
    assert KeyedVectors.load(vectors).index_to_key == trained.wv.index_to_key


@pytest.mark.parametrize(
    "flags,message",
    [
        (["--partitions", "2"], "--partitions needs --spark"),
        (["--sync-rounds", "3"], "--sync-rounds needs --spark"),
        (["--spark", "local[2]", "--workers", "2"], "--workers does not apply with --spark"),
        (
            ["--spark", "local[2]", "--checkpoint-every", "5"],
            "--checkpoint-every does not apply with --spark",
        ),
        (["--spark", "local[2]", "--partitions", "0"], "--partitions 0 is invalid"),
    ],
)
def test_flags_that_do_not_go_with_spark_give_one_error_line(corpus, tmp_path, flags, message):
    proc = w2v_command("train", corpus, "-o", tmp_path / "m.w2v", *flags)
    assert message in one_error_line(proc)
    assert not (tmp_path / "m.w2v").exists()


def test_a_zip_corpus_and_a_missing_one_are_refused_before_spark_starts(tmp_path):
    (tmp_path / "c.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    line = one_error_line(
        w2v_command("train", tmp_path / "c.zip", "-o", tmp_path / "m.w2v", "--spark", "local[2]")
    )
    assert "not .zip" in line
    line = one_error_line(
        w2v_command("train", tmp_path / "nowhere.txt", "-o", tmp_path / "m.w2v", "--spark", "local[2]")
    )
    assert "does not exist" in line


def test_a_missing_java_is_named_with_how_to_install_it(corpus, tmp_path):
    env = {"PATH": os.path.dirname(sys.executable), "JAVA_HOME": ""}
    proc = w2v_command("train", corpus, "-o", tmp_path / "m.w2v", "--spark", "local[2]", env=env)
    assert "Java 17" in one_error_line(proc) and "apt-get install" in proc.stderr


def test_a_missing_pyspark_says_how_to_get_it(corpus, tmp_path):
    fake = tmp_path / "fake"
    (fake / "pyspark").mkdir(parents=True)
    (fake / "pyspark" / "__init__.py").write_text("raise ImportError('no pyspark here')\n")
    proc = w2v_command(
        "train", corpus, "-o", tmp_path / "m.w2v", "--spark", "local[2]", env={"PYTHONPATH": str(fake)}
    )
    assert "pip install 'w2v[spark]'" in one_error_line(proc)


@pytest.mark.parametrize("master", ["nonsense://x", "local[0]", "local[two]", "yarn-client"])
def test_a_master_url_spark_does_not_know_gives_one_error_line(corpus, tmp_path, master):
    proc = w2v_command("train", corpus, "-o", tmp_path / "m.w2v", "--spark", master)
    assert "is not a Spark master URL" in one_error_line(proc)
    assert not (tmp_path / "m.w2v").exists()
