import numpy as np
import pytest

from w2v.plot import plot_words, project_2d
from w2v.vectors import KeyedVectors


@pytest.fixture
def kv():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(40)]
    return KeyedVectors(words, rng.normal(size=(40, 6)))


def test_most_similar_matches_brute_force_cosine(kv):
    x = kv.vectors.astype(np.float64)
    q = x[3] / np.linalg.norm(x[3]) + x[5] / np.linalg.norm(x[5]) - x[7] / np.linalg.norm(x[7])
    cos = [float(np.dot(v, q) / (np.linalg.norm(v) * np.linalg.norm(q))) for v in x]
    expected = sorted((i for i in range(40) if i not in (3, 5, 7)), key=lambda i: -cos[i])[:5]
    got = kv.most_similar(positive=["w3", "w5"], negative=["w7"], topn=5)
    assert [w for w, _ in got] == [f"w{i}" for i in expected]
    np.testing.assert_allclose([s for _, s in got], [cos[i] for i in expected], atol=1e-5)


def test_unknown_word_error_names_the_word(kv):
    with pytest.raises(KeyError, match="'nope'"):
        kv.most_similar("nope")
    assert "w1" in kv and "nope" not in kv
    np.testing.assert_array_equal(kv["w2"], kv.vectors[2])


def test_projection_is_pca(kv):
    x = kv.vectors.astype(np.float64)[:12]
    coords = project_2d(x)
    centred = x - x.mean(axis=0)
    eigvals, eigvecs = np.linalg.eigh(centred.T @ centred)  # ascending
    top = eigvecs[:, ::-1][:, :2]
    expected = centred @ top
    for k in range(2):  # each axis is defined up to its sign
        sign = np.sign(np.dot(coords[:, k], expected[:, k]))
        np.testing.assert_allclose(coords[:, k], sign * expected[:, k], atol=1e-10)


def test_plot_writes_a_png_and_refuses_unknown_words(kv, tmp_path):
    out = tmp_path / "p.png"
    plot_words(kv, ["w1", "w2", "w3", "w4"], out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    before = out.read_bytes()
    with pytest.raises(KeyError, match="zzz"):
        plot_words(kv, ["w1", "zzz"], out)
    assert out.read_bytes() == before  # the good picture is untouched
    assert [p.name for p in tmp_path.iterdir()] == ["p.png"]  # no temporary left behind
