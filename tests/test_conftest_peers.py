"""conftest's peer helpers: a missing peer fails in CI and skips elsewhere, naming the peer."""

import pytest

import conftest


@pytest.fixture
def nothing_installed(monkeypatch):
    """Every peer lookup comes back empty."""
    monkeypatch.setattr(conftest, "_import", lambda name: None)
    monkeypatch.setattr(conftest, "find_tool", lambda *names: None)


CALLS = [
    (conftest.require_gensim, "gensim", "pip install 'gensim"),
    (lambda: conftest.require_word2vec_tool("word2vec"), "`word2vec`", "pip install 'word2vec"),
    (
        lambda: conftest.require_word2vec_tool("word2vec-distance", "distance"),
        "`word2vec-distance` / `distance`",
        "pip install 'word2vec",
    ),
]
IDS = ["gensim", "word2vec", "distance"]


@pytest.mark.parametrize(("call", "name", "install"), CALLS, ids=IDS)
def test_missing_peer_fails_in_ci(nothing_installed, monkeypatch, call, name, install):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception) as info:
        call()
    assert name in str(info.value) and install in str(info.value)


@pytest.mark.parametrize("ci", [None, "", "false"])
@pytest.mark.parametrize(("call", "name", "install"), CALLS, ids=IDS)
def test_missing_peer_skips_outside_ci(nothing_installed, monkeypatch, call, name, install, ci):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception) as info:
        call()
    assert name in str(info.value) and install in str(info.value)


def test_found_peers_are_returned_whatever_ci_says(monkeypatch):
    monkeypatch.setattr(conftest, "_import", lambda name: f"module {name}")
    monkeypatch.setattr(conftest, "find_tool", lambda *names: f"/bin/{names[-1]}")
    for ci in ("true", "false"):
        monkeypatch.setenv("CI", ci)
        assert conftest.require_gensim() == "module gensim.models"
        assert conftest.require_word2vec_tool("word2vec-distance", "distance") == "/bin/distance"


def test_the_real_lookups(monkeypatch):
    """The lookups themselves: an importable module and a program that exists are found, others not."""
    assert conftest._import("json") is not None and conftest._import("no_such_module_w2v") is None
    assert conftest.find_tool("no-such-program-w2v") is None
    monkeypatch.setenv("PATH", "/bin:/usr/bin")
    assert conftest.find_tool("no-such-program-w2v", "sh") is not None
