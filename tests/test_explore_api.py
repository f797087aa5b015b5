"""The explorer's JSON API (w2v.explorer), through its real HTTP server on 127.0.0.1: every
endpoint, bad input answered as JSON with a 4xx status, the bounds, the safety headers, and
words that look like markup coming back as plain strings."""

from __future__ import annotations

import json
import re
import signal
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest

import w2v
from conftest import w2v_command, w2v_process
from w2v import KeyedVectors, Word2Vec
from w2v.explorer import api

HOSTILE = ["<img src=x onerror=alert(1)>", '"><script>alert(2)</script>']


def corpus(seed=0, n=400):
    rng = np.random.default_rng(seed)
    groups = [[f"cat{i}" for i in range(6)] + ["he", "good"], [f"car{i}" for i in range(6)] + ["she", "bad"]]
    sentences = [list(rng.choice(groups[i % 2], 10)) for i in range(n)]
    sentences += [HOSTILE * 3] * 10
    return sentences


@pytest.fixture(scope="module")
def model():
    return Word2Vec(corpus(), vector_size=16, min_count=1, epochs=5, workers=1, sg=1, progress=False)


@pytest.fixture(scope="module")
def server(model):
    other = Word2Vec(
        corpus(seed=1), vector_size=16, min_count=1, epochs=5, workers=1, sg=1, seed=2, progress=False
    )
    srv = w2v.explore(model, other, port=0, block=False)
    yield srv
    srv.shutdown()


@pytest.fixture(scope="module")
def single(model):
    srv = w2v.explore(model.wv, port=0, block=False)
    yield srv
    srv.shutdown()


def get(srv, path, data=None, method=None, headers=None):
    if data is not None and headers is None:
        headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(
        srv.url + path.lstrip("/"), data=data, method=method, headers=headers or {}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def get_json(srv, path, **kw):
    status, headers, body = get(srv, path, **kw)
    assert headers["Content-Type"].startswith("application/json")
    return status, json.loads(body)


def test_the_server_binds_to_this_machine_only_by_default(server):
    assert server.host == "127.0.0.1" and server.url.startswith("http://127.0.0.1:")


def test_model_cards(server, model):
    status, body = get_json(server, "/api/model")
    assert status == 200 and len(body["models"]) == 2
    card = body["models"][0]
    assert (card["words"], card["dimensions"], card["kind"]) == (len(model.wv), 16, "model")
    assert card["parameters"]["sg"] == 1 and card["epochs_trained"] == 5
    assert len(card["loss_per_epoch"]) == 5
    status, scores = get_json(server, "/api/evaluate?model=1")
    assert status == 200 and scores["name"] == "second" and "analogies" in scores


def test_evaluate_scores_the_google_analogies_by_section():
    """One question made exactly right (iraq = greece - athens + baghdad) among random vectors:
    its section counts it correct."""
    from conftest import google_words

    words, _ = google_words()
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(len(words), 50)).astype(np.float32)
    at = {w: i for i, w in enumerate(words)}
    vectors[at["Iraq"]] = vectors[at["Greece"]] - vectors[at["Athens"]] + vectors[at["Baghdad"]]
    explorer = api.Explorer([api.Space(KeyedVectors(words, vectors), "v")])
    result = explorer.evaluate()["analogies"]
    sections = {s["section"]: s for s in result["sections"]}
    assert sections["capital-common-countries"]["correct"] >= 1
    assert all(0 <= s["correct"] <= s["total"] for s in result["sections"])
    assert 0 < result["overall"] < 1


def test_neighbors_are_most_similars_over_the_whole_vocabulary(server, model):
    status, body = get_json(server, "/api/neighbors?word=cat1&topn=5")
    assert status == 200
    expected = model.wv.most_similar("cat1", topn=5)
    assert [n["word"] for n in body["neighbors"]] == [w for w, _ in expected]
    assert [n["similarity"] for n in body["neighbors"]] == pytest.approx([s for _, s in expected], abs=1e-6)
    assert body["count"] == model.wv.get_count("cat1")
    status, second = get_json(server, "/api/neighbors?word=cat1&topn=5&model=1")
    assert status == 200 and second["model"] == "second"


def test_an_unknown_word_is_a_404_with_suggestions(server):
    status, body = get_json(server, "/api/neighbors?word=Cat1x")
    assert status == 404 and "not in the vocabulary" in body["error"]
    assert "cat1" in body["suggestions"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/neighbors?word=cat1&topn=1000000000",
        "/api/neighbors?word=cat1&topn=0",
        "/api/neighbors?word=cat1&topn=ten",
        "/api/neighbors?word=" + "x" * 201,
        "/api/neighbors?word=",
        "/api/neighbors?topn=3",
        "/api/neighbors?word=cat1&model=2",
        "/api/neighbors?word=cat1&colour=red",
        "/api/analogy?a=cat1&b=cat2&c=car1&method=3cosmax",
        "/api/map?n=1000000",
        "/api/map?n=10&method=tsne",
        "/api/map?n=10&stopwords=maybe",
        "/api/axes?x_plus=he&x_minus=he&y_plus=good&y_minus=bad",
        "/api/changed?n=100000",
    ],
)
def test_bad_input_is_a_400_with_a_message(server, path):
    status, body = get_json(server, path)
    assert status == 400 and isinstance(body["error"], str) and body["error"]


def test_malformed_json_and_oversized_bodies_are_refused(server):
    status, body = get_json(server, "/api/neighbors", data=b"{not json", method="POST")
    assert status == 400 and "not valid JSON" in body["error"]
    status, body = get_json(server, "/api/neighbors", data=b"[1, 2]", method="POST")
    assert status == 400
    status, _, _ = get(server, "/api/neighbors", data=b"x" * (api.LIMITS["body_bytes"] + 1), method="POST")
    assert status == 413
    status, body = get_json(
        server, "/api/neighbors", data=json.dumps({"word": "cat1", "topn": 3}).encode(), method="POST"
    )
    assert status == 200 and len(body["neighbors"]) == 3


def test_bodies_that_break_a_json_parser_and_odd_numbers_are_400s(server):
    for body in (b"[" * 60_000, b'{"topn": ' + b"9" * 5000 + b"}", b"\xff\xfe"):
        status, answer = get_json(server, "/api/neighbors", data=body, method="POST")
        assert status == 400 and "not valid JSON" in answer["error"]
    for value in ("%C2%B2", "--5", "1e3", "5.0", "%EF%BC%95"):  # superscript two, fullwidth five
        status, answer = get_json(server, f"/api/neighbors?word=cat1&topn={value}")
        assert status == 400 and "topn" in answer["error"]
    status, answer = get_json(server, "/api/neighbors", data=json.dumps({"word": 5}).encode(), method="POST")
    assert status == 400
    status, answer = get_json(
        server, "/api/neighbors", data=json.dumps({"word": "cat1", "topn": True}).encode(), method="POST"
    )
    assert status == 400


def test_requests_from_other_pages_are_refused(server):
    """A page elsewhere can make the browser send a form or a text body, or reach the server
    through a name that points at 127.0.0.1 (DNS rebinding): neither is answered."""
    status, answer = get_json(
        server,
        "/api/neighbors",
        data=b'{"word": "cat1"}',
        method="POST",
        headers={"Content-Type": "text/plain"},
    )
    assert status == 415
    status, answer = get_json(
        server, "/api/neighbors?word=cat1", headers={"Host": f"evil.example:{server.port}"}
    )
    assert status == 421
    status, answer = get_json(
        server, "/api/neighbors?word=cat1", headers={"Host": f"localhost:{server.port}"}
    )
    assert status == 200


def test_analogy_by_3cosadd_and_3cosmul(server, model):
    for method, query in (("3cosadd", model.wv.most_similar), ("3cosmul", model.wv.most_similar_cosmul)):
        status, body = get_json(server, f"/api/analogy?a=cat1&b=cat2&c=car1&method={method}&topn=4")
        assert status == 200
        expected = query(positive=["cat2", "car1"], negative=["cat1"], topn=4)
        assert [a["word"] for a in body["answers"]] == [w for w, _ in expected]


def test_the_map_is_pca_of_the_most_frequent_words_and_is_cached(server, model):
    status, body = get_json(server, "/api/map?n=10&skip=2")
    assert status == 200 and body["words"] == model.wv.index_to_key[2:12] and len(body["x"]) == 10
    unit = model.wv.get_normed_vectors()[2:12].astype(np.float64)
    centred = unit - unit.mean(axis=0)
    spread = np.var(np.array([body["x"], body["y"]]), axis=1)
    top = np.sort(np.linalg.svd(centred, compute_uv=False) ** 2 / len(unit))[::-1][:2]
    assert spread == pytest.approx(top, rel=1e-3)  # the two largest variances: principal axes
    assert get_json(server, "/api/map?n=10&skip=2")[1] is not None
    status, stop = get_json(server, "/api/map?n=20&stopwords=true")
    assert status == 200 and not set(stop["words"]) & api.STOPWORDS


def test_axes_project_words_on_two_directions(server, model):
    status, body = get_json(server, "/api/axes?x_plus=he&x_minus=she&y_plus=good&y_minus=bad&n=5")
    assert status == 200 and body["words"] == model.wv.index_to_key[:5]
    unit = model.wv.get_normed_vectors()
    d = unit[model.wv.key_to_index["he"]] - unit[model.wv.key_to_index["she"]]
    assert body["x"] == pytest.approx((unit[:5] @ (d / np.linalg.norm(d))).tolist(), abs=1e-4)


def test_suggest_completes_prefixes_in_frequency_order(server, model):
    status, body = get_json(server, "/api/suggest?prefix=CA&limit=3")
    assert status == 200
    assert body["words"] == [w for w in model.wv.index_to_key if w.startswith("ca")][:3]


def test_compare_and_changed_need_two_models(server, single):
    status, body = get_json(server, "/api/compare?word=cat1&topn=5")
    assert status == 200 and len(body["neighbors"]) == 2 and 0 <= body["overlap"] <= 1
    status, body = get_json(server, "/api/changed?n=5&among=20&k=3")
    assert status == 200 and len(body["words"]) == 5
    overlaps = [w["overlap"] for w in body["words"]]
    assert overlaps == sorted(overlaps)  # the most changed first
    for path in ("/api/compare?word=cat1", "/api/changed"):
        status, body = get_json(single, path)
        assert status == 400 and "two models" in body["error"]


def test_changed_finds_a_word_moved_on_purpose():
    """Two copies of the same space, the second rotated, with one word moved elsewhere: after
    Procrustes alignment that word alone has a different neighbourhood."""
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(200)]
    vectors = rng.normal(size=(200, 8)).astype(np.float32)
    rotation, _ = np.linalg.qr(rng.normal(size=(8, 8)))
    moved = (vectors @ rotation).astype(np.float32)
    moved[7] = -moved[7] + rng.normal(size=8).astype(np.float32)
    explorer = api.Explorer(
        [api.Space(KeyedVectors(words, vectors), "a"), api.Space(KeyedVectors(words, moved), "b")]
    )
    found = explorer.changed(n=1, among=200, k=10)["words"]
    assert found[0]["word"] == "w7"


def test_words_that_look_like_markup_come_back_as_plain_strings(server):
    for word in HOSTILE:
        status, body = get_json(server, "/api/neighbors?" + urllib.parse.urlencode({"word": word, "topn": 3}))
        assert status == 200 and body["word"] == word
    status, body = get_json(server, "/api/suggest?prefix=%3C&limit=5")
    assert HOSTILE[0] in body["words"]


def test_the_page_and_its_assets_with_safety_headers(server):
    status, headers, body = get(server, "/")
    assert status == 200 and b"<title>w2v explore</title>" in body
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    for asset in ("/static/app.js", "/static/app.css"):
        assert get(server, asset)[0] == 200
    for path in ("/static/../api.py", "/static/api.py", "/etc/passwd", "/static/%2e%2e/server.py"):
        assert get(server, path)[0] == 404


def test_the_page_never_inserts_text_as_markup():
    """Words reach the page only as text: no innerHTML, outerHTML, insertAdjacentHTML,
    document.write or inline event handlers in the script."""
    script = (Path(w2v.explorer.__file__).parent / "static" / "app.js").read_text()
    assert not re.search(
        r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function", script
    )
    html = (Path(w2v.explorer.__file__).parent / "static" / "index.html").read_text()
    assert not re.search(r"\son[a-z]+=", html) and "<script>" not in html


def test_the_command_serves_and_stops_on_ctrl_c(tmp_path, model):
    path = tmp_path / "m.w2v"
    model.save(str(path))
    proc = w2v_process("explore", path, "--port", "0")
    try:
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        with urllib.request.urlopen(url + "api/neighbors?word=cat1&topn=2", timeout=30) as r:
            assert json.loads(r.read())["word"] == "cat1"
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "Traceback" not in err


def test_the_command_refuses_a_missing_file_and_a_bad_port(tmp_path):
    proc = w2v_command("explore", tmp_path / "missing.w2v")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "w2v: error:" in proc.stderr
    proc = w2v_command("explore", tmp_path / "missing.w2v", "--port", "70000")
    assert proc.returncode == 2


def test_the_umap_map_separates_what_never_shares_a_sentence(server, model):
    status, body = get_json(server, "/api/map?n=14&method=umap")
    assert status == 200 and body["method"] == "umap"
    xy = {w: np.array([x, y]) for w, x, y in zip(body["words"], body["x"], body["y"], strict=True)}
    cats = [xy[w] for w in xy if w.startswith("cat")]
    cars = [xy[w] for w in xy if w.startswith("car")]
    within = np.mean([np.linalg.norm(a - b) for a in cats for b in cats])
    between = np.mean([np.linalg.norm(a - b) for a in cats for b in cars])
    assert within < between


def test_umap_without_umap_learn_is_a_clear_400(monkeypatch, model):
    import sys

    monkeypatch.setitem(sys.modules, "umap", None)  # as if umap-learn were not installed
    explorer = api.Explorer([api.Space(model.wv, "m")])
    with pytest.raises(api.ApiError) as e:
        explorer.map(n=10, method="umap")
    assert e.value.status == 400 and "pip install 'w2v[explore]'" in e.value.message
