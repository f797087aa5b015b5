"""atomic_write: a file is either the old one or the complete new one, never half of each."""

import os

import numpy as np
import pytest

from w2v.io import atomic_write, save_word2vec_format


def test_atomic_write_replaces_the_file(tmp_path):
    path = tmp_path / "out.bin"
    path.write_bytes(b"old")
    old_umask = os.umask(0o027)
    try:
        with atomic_write(path) as f:
            temp = f.name
            assert os.path.dirname(temp) == str(tmp_path)
            assert os.path.basename(temp).startswith(".out.bin.") and temp.endswith(".tmp")
            f.write(b"new contents")
            assert path.read_bytes() == b"old"  # nothing visible until the end
    finally:
        os.umask(old_umask)
    assert path.read_bytes() == b"new contents"
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["out.bin"]


def test_atomic_write_text_mode(tmp_path):
    path = tmp_path / "out.txt"
    with atomic_write(path, "w") as f:
        f.write("café\n")
    assert path.read_bytes() == "café\n".encode()
    with pytest.raises(ValueError):
        with atomic_write(path, "a"):
            pass


def test_atomic_write_exception_keeps_the_old_file(tmp_path):
    path = tmp_path / "out.bin"
    path.write_bytes(b"precious old bytes")
    with pytest.raises(RuntimeError, match="disk on fire"):
        with atomic_write(path) as f:
            f.write(b"half of the new")
            raise RuntimeError("disk on fire")
    assert path.read_bytes() == b"precious old bytes"
    assert os.listdir(tmp_path) == ["out.bin"]
    with pytest.raises(KeyboardInterrupt):
        with atomic_write(tmp_path / "fresh.bin") as f:
            f.write(b"x")
            raise KeyboardInterrupt
    assert os.listdir(tmp_path) == ["out.bin"]


def test_failed_save_keeps_the_old_vectors(tmp_path, monkeypatch):
    path = tmp_path / "v.bin"
    save_word2vec_format(path, ["a"], np.ones((1, 3)), binary=True)
    before = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError, match="No space"):
        save_word2vec_format(path, ["b"], np.zeros((1, 3)), binary=True)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["v.bin"]
