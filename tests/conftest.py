"""What several test files share: the peer programs w2v is checked against, and model configurations.

Peers: gensim (a Python package) and word2vec.c's command-line tools (``word2vec``,
``distance``; the PyPI package ``word2vec`` builds them). Outside CI a missing peer
skips its tests, saying which peer and how to install it; in CI (``CI=true``, as
``bash .ci/run`` is run) it fails them, so that a broken install cannot pass as green.
"""

from __future__ import annotations

import importlib
import os
import shutil
import signal
import subprocess
import sys

import pytest

# The helpers the w2v.io tests share assert too: give their failures pytest's explanations.
pytest.register_assert_rewrite("_io_helpers")

# How to get each peer, for the messages.
INSTALL = {
    "gensim": "pip install 'gensim>=4.3' (or pip install -e '.[test]')",
    "word2vec.c": "pip install 'word2vec>=0.11' (it builds word2vec.c's tools beside the Python)",
}


def in_ci():
    """True where the environment says CI (CI=true, as CI services and .ci/run set it)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1")


def require_peer(found, what, install):
    """Return ``found``; when it is None, fail the test in CI and skip it elsewhere, naming ``what``."""
    if found is not None:
        return found
    message = f"{what} not found; install it with: {install}"
    if in_ci():
        pytest.fail(f"{message} (CI=true: a missing peer is a failure, not a skip)", pytrace=False)
    pytest.skip(message)


def _import(name):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def find_tool(*names):
    """A word2vec.c program: next to this Python (pip install word2vec puts them there), else on PATH."""
    for name in names:
        beside = os.path.join(os.path.dirname(sys.executable), name)
        if os.access(beside, os.X_OK):
            return beside
        found = shutil.which(name)
        if found:
            return found
    return None


def require_gensim():
    """``gensim.models``, or a skip (outside CI) / failure (in CI) naming gensim."""
    return require_peer(_import("gensim.models"), "gensim (the Python package)", INSTALL["gensim"])


def require_word2vec_tool(*names):
    """The path of the first of word2vec.c's programs ``names`` found, or a skip / failure naming it."""
    what = "word2vec.c's " + " / ".join(f"`{name}`" for name in names) + " program"
    return require_peer(find_tool(*names), what, INSTALL["word2vec.c"])


@pytest.fixture(scope="session")
def gensim_models():
    """``gensim.models``; see require_gensim."""
    return require_gensim()


# Model configurations by name: the architecture (skip-gram / CBOW) and the output layer
# (negative sampling, hierarchical softmax, or both). Tests add their own sizes and seeds.
CONFIGS = {
    "sg-ns": dict(sg=1, hs=0, negative=5, batched=False),  # pair by pair, as gensim and word2vec.c
    "sg-ns-batched": dict(sg=1, hs=0, negative=5, batched=True),  # w2v's default: the window as a minibatch
    "sg-hs": dict(sg=1, hs=1, negative=0),
    "sg-ns+hs": dict(sg=1, hs=1, negative=3),
    "cbow-ns": dict(sg=0, hs=0, negative=5),
    "cbow-hs": dict(sg=0, hs=1, negative=0),
    "cbow-ns+hs": dict(sg=0, hs=1, negative=3),
}


def google_words():
    """The Google analogy set's words (in order of first appearance) and its (a, b) pairs by section."""
    from w2v.evaluate import dataset_path

    pairs, words = {}, []
    section = None
    for line in open(dataset_path("google"), encoding="utf-8"):
        if line.startswith(": "):
            section = line[2:].strip()
            continue
        a, b, c, d = line.split()
        pairs.setdefault(section, set()).update([(a, b), (c, d)])
        words += [a, b, c, d]
    return list(dict.fromkeys(words)), pairs


def gensim_twin(gensim_models, keys, vectors, counts):
    """gensim's KeyedVectors holding the same keys, vectors and counts."""
    g = gensim_models.KeyedVectors(vectors.shape[1])
    g.add_vectors(keys, vectors)
    g.allocate_vecattrs(["count"], [int])
    g.expandos["count"][:] = counts
    return g


def w2v_command(*args, stdin=None, cwd=None, env=None, timeout=300):
    """Run ``python -m w2v ARGS`` to the end (text in ``stdin``, or none; ``env`` added to this
    environment); the finished process."""
    return subprocess.run(
        [sys.executable, "-m", "w2v", *map(str, args)],
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=None if env is None else {**os.environ, **env},
        timeout=timeout,
    )


def w2v_process(*args, python_flags=(), sigint=signal.SIG_DFL):
    """Start ``python -m w2v ARGS`` (its stdout and stderr piped) for a test that signals it.
    SIGINT starts at ``sigint``: by default as a foreground command gets it, whatever the test
    run inherited (a shell's background job inherits it ignored, and Python then never turns it
    into KeyboardInterrupt)."""
    return subprocess.Popen(
        [sys.executable, *python_flags, "-m", "w2v", *map(str, args)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, sigint),
    )
