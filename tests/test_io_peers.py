"""w2v.io against the other programs that read and write these files: gensim and word2vec.c."""

import random
import subprocess

import numpy as np
import pytest

from conftest import require_word2vec_tool
from w2v.io import load_word2vec_format, save_word2vec_format

KEYS = ["the", "whale", "café", "日本", "naïve", "</s>", "a\u00a0b"] + [f"w{i}" for i in range(50)]


def _vectors(d=16, seed=0):
    return np.random.default_rng(seed).standard_normal((len(KEYS), d)).astype(np.float32)  # (N, d)


def _gensim_kv(gensim_models, keys, vectors):
    kv = gensim_models.KeyedVectors(vectors.shape[1])
    kv.add_vectors(keys, vectors)
    return kv


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "text"])
def test_gensim_reads_what_w2v_writes(gensim_models, tmp_path, binary):
    path = tmp_path / "w2v.vec"
    vectors = _vectors()
    save_word2vec_format(path, KEYS, vectors, binary=binary)
    kv = gensim_models.KeyedVectors.load_word2vec_format(path, binary=binary)
    assert kv.index_to_key == KEYS
    assert np.array_equal(kv.vectors, vectors)  # text too: 9 significant digits are exact


def test_gensim_reads_w2v_glove_text(gensim_models, tmp_path):
    path = tmp_path / "glove.txt"
    save_word2vec_format(path, KEYS, _vectors(), header=False)
    kv = gensim_models.KeyedVectors.load_word2vec_format(path, no_header=True)
    assert kv.index_to_key == KEYS and np.array_equal(kv.vectors, _vectors())


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "text"])
def test_w2v_reads_what_gensim_writes(gensim_models, tmp_path, binary):
    path = tmp_path / "gensim.vec"
    vectors = _vectors(seed=1)
    _gensim_kv(gensim_models, KEYS, vectors).save_word2vec_format(path, binary=binary)
    keys, got = load_word2vec_format(path, binary=binary)
    assert keys == KEYS and np.array_equal(got, vectors)
    keys, got = load_word2vec_format(path, binary=binary, limit=5)
    kv = gensim_models.KeyedVectors.load_word2vec_format(path, binary=binary, limit=5)
    assert keys == kv.index_to_key and np.array_equal(got, kv.vectors)


@pytest.fixture(scope="module")
def word2vec_c_files(tmp_path_factory):
    """Vectors trained by word2vec.c itself on a small corpus, saved in both of its formats."""
    tool = require_word2vec_tool("word2vec")
    folder = tmp_path_factory.mktemp("word2vec_c")
    rng = random.Random(5)
    words = ["whale", "ship", "sea", "captain", "harpoon", "boat", "café", "日本", "storm", "sail"]
    sentences = [" ".join(rng.choice(words) for _ in range(rng.randint(3, 12))) for _ in range(300)]
    corpus = folder / "corpus.txt"
    corpus.write_text("\n".join(sentences * 5) + "\n", encoding="utf-8")
    files = {}
    for binary in (1, 0):
        out = folder / f"vectors.{'bin' if binary else 'txt'}"
        command = [tool, "-train", corpus, "-output", out, "-size", "12", "-window", "3", "-min-count", "1"]
        command += ["-iter", "1", "-threads", "1", "-debug", "0", "-binary", str(binary), "-cbow", "0"]
        subprocess.run([str(c) for c in command], check=True, capture_output=True, timeout=120)
        files[bool(binary)] = out
    return files


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "text"])
def test_w2v_reads_word2vec_c_files_as_gensim_does(gensim_models, word2vec_c_files, binary):
    path = word2vec_c_files[binary]
    keys, vectors = load_word2vec_format(path, binary=binary)
    kv = gensim_models.KeyedVectors.load_word2vec_format(path, binary=binary)
    assert keys == kv.index_to_key and "</s>" in keys and "日本" in keys
    assert np.array_equal(vectors, kv.vectors)


def test_word2vec_c_text_and_binary_agree(word2vec_c_files):
    """One thread makes word2vec.c deterministic: its text file is its binary file rounded to 6 places."""
    keys_b, binary = load_word2vec_format(word2vec_c_files[True], binary=True)
    keys_t, text = load_word2vec_format(word2vec_c_files[False])
    assert keys_b == keys_t
    np.testing.assert_allclose(text, binary, rtol=0, atol=1e-6)


def _distance_table(output):
    """word2vec.c distance's answer -> [(word, cosine)], its empty rows dropped."""
    rows = output.split("-" * 72 + "\n", 1)[1].split("\n")
    table = []
    for row in rows:
        if "\t\t" not in row:
            continue
        word, cosine = row.rsplit("\t\t", 1)
        if word.strip():
            table.append((word.strip(), float(cosine.split()[0])))
    return table


def test_word2vec_c_distance_reads_w2v_binary(tmp_path):
    distance = require_word2vec_tool("word2vec-distance", "distance")
    vectors = _vectors(seed=3)
    path = tmp_path / "w2v.bin"
    save_word2vec_format(path, KEYS, vectors, binary=True)
    query = "café"
    done = subprocess.run(
        [distance, str(path)], input=f"{query}\nEXIT\n".encode(), capture_output=True, timeout=60, check=True
    )
    table = _distance_table(done.stdout.decode("utf-8"))
    assert len(table) == 40  # distance shows its top 40

    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)  # (N, d)
    q = KEYS.index(query)
    cosines = unit @ unit[q]  # (N,)
    cosines[q] = -np.inf  # distance leaves the query word out
    best = np.argsort(-cosines, kind="stable")[:40]
    assert [word for word, _ in table[:5]] == [KEYS[i] for i in best[:5]]
    np.testing.assert_allclose([c for _, c in table], cosines[best], rtol=0, atol=1e-5)
    for word, cosine in table:
        assert abs(cosine - cosines[KEYS.index(word)]) < 1e-5
