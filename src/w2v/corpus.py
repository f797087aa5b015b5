"""Corpora: the tokenizer and the corpora that ship with w2v.

``tokenize`` lower-cases and keeps runs of letters and digits, joined by
apostrophes ("whale's" stays one token; quotes around a word are dropped).
Typographic apostrophes (’ ‘) count as apostrophes.
"""

from __future__ import annotations

import gzip
import re
from importlib import resources
from pathlib import Path

_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})

BUILTIN_CORPORA = {
    "moby-dick": "moby-dick.txt.gz",
}


def tokenize(text):
    """Lower-case ``text`` and split it into words (letters/digits and inner apostrophes)."""
    return _TOKEN.findall(text.lower().translate(_APOSTROPHES))


def builtin_corpus_path(name="moby-dick"):
    """The path of a corpus that ships inside the package."""
    if name not in BUILTIN_CORPORA:
        known = ", ".join(sorted(BUILTIN_CORPORA))
        raise ValueError(f"unknown built-in corpus {name!r}; known corpora: {known}")
    return Path(str(resources.files("w2v") / "data" / BUILTIN_CORPORA[name]))


def paragraphs(path):
    """Yield the token list of each paragraph (blank-line separated) of a text file (.gz ok)."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as f:
        block = []
        for line in f:
            if line.strip():
                block.append(line)
            elif block:
                tokens = tokenize("".join(block))
                block = []
                if tokens:
                    yield tokens
        if block:
            tokens = tokenize("".join(block))
            if tokens:
                yield tokens


def load_builtin(name="moby-dick"):
    """A built-in corpus as a list of token lists (one per paragraph)."""
    return list(paragraphs(builtin_corpus_path(name)))
