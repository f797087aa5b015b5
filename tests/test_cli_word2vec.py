"""`w2v word2vec`: word2vec.c's flags and defaults, and files that word2vec.c's tools and gensim read."""

import subprocess

import numpy as np
import pytest

import w2v.model
from conftest import require_gensim, require_word2vec_tool, w2v_command
from w2v.cli import main as cli_main
from w2v.cli.word2vec_c import kmeans_classes
from w2v.corpus import load_builtin


@pytest.fixture(scope="module")
def text(tmp_path_factory):
    """Moby Dick's first 2,000 paragraphs, a line each, ending with a line break."""
    path = tmp_path_factory.mktemp("w2v-c") / "text.txt"
    path.write_text("".join(" ".join(p) + "\n" for p in load_builtin("moby-dick")[:2000]))
    return path


def w2v_c(*args, cwd=None):
    return w2v_command("word2vec", *args, cwd=cwd)


SMALL = ["-size", 16, "-iter", 1, "-threads", 1, "-min-count", 3, "-debug", 0]


def test_binary_vectors_are_read_by_distance_and_gensim(tmp_path, text):
    result = w2v_c("-train", text, "-output", tmp_path / "v.bin", "-binary", 1, "-cbow", 0, *SMALL)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # -debug 0
    gensim = require_gensim()
    kv = gensim.KeyedVectors.load_word2vec_format(str(tmp_path / "v.bin"), binary=True)
    assert kv.index_to_key[0] == "</s>" and kv.vector_size == 16 and "whale" in kv.key_to_index
    distance = require_word2vec_tool("word2vec-distance", "distance")
    shown = subprocess.run(
        [distance, "v.bin"], input="whale\nEXIT\n", capture_output=True, text=True, cwd=tmp_path
    )
    assert "Word: whale  Position in vocabulary:" in shown.stdout
    assert "Cosine distance" in shown.stdout


def test_the_vocabulary_file_is_word2vec_cs_and_read_vocab_reuses_it(tmp_path, text):
    tool = require_word2vec_tool("word2vec")
    args = [tool, "-train", text, "-output", "", "-save-vocab", tmp_path / "c.txt", "-min-count", "3"]
    subprocess.run(args, check=True, capture_output=True)
    assert w2v_c("-train", text, "-save-vocab", tmp_path / "w.txt", "-min-count", 3).returncode == 0
    ours, theirs = (
        (tmp_path / "w.txt").read_text().splitlines(),
        (tmp_path / "c.txt").read_text().splitlines(),
    )
    assert ours[0] == theirs[0] == f"</s> {text.read_text().count(chr(10))}"
    assert sorted(ours) == sorted(theirs)  # the same words and counts (ties may come in another order)
    counts = [int(line.split()[1]) for line in ours[1:]]
    assert counts == sorted(counts, reverse=True) and len(ours) > 500

    reuse = ["-train", text, "-read-vocab", tmp_path / "c.txt", "-output", tmp_path / "v.txt"]
    result = w2v_c(*reuse, *SMALL[:-4], "-min-count", 10, "-debug", 0)
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "v.txt").read_text().splitlines()
    kept = [line.split()[0] for line in theirs[1:] if int(line.split()[1]) >= 10]
    assert lines[0] == f"{len(kept) + 1} 16"
    assert sorted(line.split(" ")[0] for line in lines[2:]) == sorted(kept)
    assert all(line.endswith(" ") and len(line.split()) == 17 for line in lines[1:])  # "%lf " values


def word2vec_c_kmeans(vectors, k):
    """word2vec.c's k-means, its loops written out (TrainModel, classes > 0), in float32."""
    n, d = vectors.shape
    cl = [a % k for a in range(n)]
    with np.errstate(invalid="ignore", divide="ignore"):
        for _ in range(10):
            cent = np.zeros((k, d), np.float32)
            centcn = [1] * k
            for c in range(n):
                cent[cl[c]] += vectors[c]
                centcn[cl[c]] += 1
            for b in range(k):
                cent[b] /= np.float32(centcn[b])
                cent[b] /= np.sqrt(np.float32(np.sum(cent[b] * cent[b])))
            for c in range(n):
                closev, closeid = -10.0, 0
                for j in range(k):
                    x = float(np.dot(cent[j], vectors[c]))
                    if x > closev:
                        closev, closeid = x, j
                cl[c] = closeid
    return cl


def read_binary(path):
    """A word2vec.c binary vectors file, read as word2vec.c's distance reads it."""
    data = path.read_bytes()
    header, rest = data.split(b"\n", 1)
    n, d = map(int, header.split())
    words, rows, at = [], [], 0
    for _ in range(n):
        space = rest.index(b" ", at)
        words.append(rest[at:space].decode())
        rows.append(np.frombuffer(rest[space + 1 : space + 1 + 4 * d], "<f4"))
        at = space + 1 + 4 * d + 1
    return words, np.array(rows)


def test_kmeans_is_word2vec_cs_on_separated_clusters():
    """On vectors without near-ties (five clusters) the classes are exactly word2vec.c's."""
    rng = np.random.default_rng(2)
    centres = rng.normal(size=(5, 12)) * 3
    vectors = (centres[rng.integers(5, size=400)] + rng.normal(size=(400, 12)) * 0.3).astype(np.float32)
    got = kmeans_classes(vectors, 5).tolist()
    assert got == word2vec_c_kmeans(vectors, 5)
    assert len(set(got)) >= 3  # a real partition (word2vec.c's start, i mod k, can empty a class)


def test_classes_are_the_kmeans_of_the_vectors_written(tmp_path, text):
    common = ["-train", text, "-cbow", 0, *SMALL, "-min-count", 20]
    assert w2v_c(*common, "-output", tmp_path / "v.bin", "-binary", 1).returncode == 0
    assert w2v_c(*common, "-output", tmp_path / "c.txt", "-classes", 5).returncode == 0
    words, vectors = read_binary(tmp_path / "v.bin")
    classes = [line.split() for line in (tmp_path / "c.txt").read_text().splitlines()]
    assert [w for w, _ in classes] == words  # "word class" a line, </s> first, as word2vec.c writes
    assert [int(c) for _, c in classes] == kmeans_classes(vectors, 5).tolist()


def test_every_flag_reaches_the_model_and_the_defaults_are_word2vec_cs(tmp_path, text, monkeypatch):
    seen = []
    real_init = w2v.model.Word2Vec.__init__

    def spy(self, *args, **kwargs):
        seen.append(kwargs)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(w2v.model.Word2Vec, "__init__", spy)
    assert cli_main(["word2vec", "-train", str(text), "-save-vocab", str(tmp_path / "a.txt")]) == 0
    defaults = dict(
        vector_size=100, window=5, sample=1e-3, hs=0, negative=5, workers=12, epochs=5, min_count=5
    )
    assert {k: seen[0][k] for k in defaults} == defaults and (seen[0]["sg"], seen[0]["alpha"]) == (0, 0.05)
    flags = ["-size", 12, "-window", 3, "-sample", 1e-4, "-hs", 1, "-negative", 2, "-threads", 1, "-iter", 2,
             "-min-count", 4, "-alpha", 0.03, "-cbow", 0]  # fmt: skip
    assert (
        cli_main(["word2vec", "-train", str(text), "-save-vocab", str(tmp_path / "b.txt"), *map(str, flags)])
        == 0
    )
    wanted = dict(vector_size=12, window=3, sample=1e-4, hs=1, negative=2, workers=1, epochs=2, min_count=4)
    assert {k: seen[1][k] for k in wanted} == wanted
    assert (seen[1]["sg"], seen[1]["alpha"], seen[1]["min_alpha"]) == (1, 0.03, pytest.approx(0.03e-4))
    assert (
        cli_main(["word2vec", "-train", str(text), "-save-vocab", str(tmp_path / "c.txt"), "-cbow", "0"]) == 0
    )
    assert seen[2]["alpha"] == 0.025  # skip-gram's default rate


@pytest.mark.parametrize(
    "args,shown",
    [
        (["-train", "T", "-output", "o.bin", "-foo", "1"], "-foo"),
        (["-train", "T", "-output", "o.bin", "-size", "abc"], "-size"),
        (["-output", "o.bin"], "-train"),
        (["-train", "T"], "-output"),
        (
            ["-train", "T", "-output", "o.bin", "-size", "0"],
            "-size 0 is invalid",
        ),  # its flag, not --vector-size
        (["-train", "T", "-output", "o.bin", "-iter", "0"], "-iter 0 is invalid"),
        (["-train", "T", "-output", "o.bin", "-read-vocab", "V"], "line 2"),  # a count too large
        (["-train", "T", "-output", "o.bin", "-read-vocab", "."], "is a folder"),
    ],
)
def test_mistakes_are_one_clear_line(tmp_path, text, args, shown):
    (tmp_path / "v.txt").write_text("</s> 3\nwhale 99999999999999999999999\nsea 5\n")
    names = {"T": str(text), "V": str(tmp_path / "v.txt")}
    result = w2v_c(*[names.get(a, a) for a in args], cwd=tmp_path)
    assert result.returncode == 2 and shown in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "o.bin").exists()
