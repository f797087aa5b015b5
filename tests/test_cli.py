"""The ``w2v`` command, run as a user runs it (a subprocess), and its argument parsing."""

import pytest

from conftest import w2v_command
from w2v.cli import build_parser


def run_w2v(*args, cwd=None):
    return w2v_command(*args, cwd=cwd)


def test_demo_trains_prints_neighbours_and_writes_png(tmp_path):
    result = run_w2v("demo", "--epochs", "3", "--out-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "w2v engine" in result.stdout and "nearest words" in result.stdout
    whale = next(line for line in result.stdout.splitlines() if line.strip().startswith("whale:"))
    assert "sperm" in whale  # the engine learns the book's most obvious association
    assert (tmp_path / "word_vectors.png").read_bytes()[:4] == b"\x89PNG"


def test_demo_with_the_reference_trainer(tmp_path):
    result = run_w2v(
        "demo",
        "--trainer",
        "reference",
        "--seconds",
        "3",
        "--epochs",
        "1",
        "--vector-size",
        "20",
        "--out-dir",
        str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "reference trainer" in result.stdout and "whale:" in result.stdout
    assert (tmp_path / "word_vectors.png").read_bytes()[:4] == b"\x89PNG"


def test_demo_vector_size_and_its_deprecated_alias(capsys):
    parse = build_parser().parse_args
    assert parse(["demo"]).vector_size == 100
    assert parse(["demo", "--vector-size", "20"]).vector_size == 20
    assert capsys.readouterr().err == ""
    assert parse(["demo", "--size", "30"]).vector_size == 30  # the old spelling still works ...
    assert "--size is deprecated; use --vector-size" in capsys.readouterr().err  # ... and says so
    for flag, value in [("--size", "x"), ("--vector-size", "0"), ("--size", "-3")]:
        with pytest.raises(SystemExit) as info:
            parse(["demo", flag, value])
        assert info.value.code == 2
        error = capsys.readouterr().err.strip().splitlines()[-1]
        assert error.startswith("w2v demo: error: argument --vector-size/--size: ") and value in error


def test_missing_output_folder_is_one_clear_line(tmp_path):
    result = run_w2v("demo", "--out-dir", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "does not exist" in lines[0]


def test_version_and_help():
    assert run_w2v("--version").stdout.startswith("w2v ")
    assert "demo" in run_w2v("--help").stdout
