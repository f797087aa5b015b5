"""The standard benchmarks: word analogies and word-pair similarity.

It uses only KeyedVectors' public queries (``most_similar``,
``most_similar_cosmul``, ``similarity``), so it works on any object that has
them. The protocol is gensim's, question for question, so scores compare across
tools (the tests check equality with gensim on the same vectors):

- only the first ``restrict_vocab`` words (the most frequent) take part;
- with ``case_insensitive`` every word is upper-cased, and a folded word
  stands for its most frequent spelling among those words;
- a question with a word outside them is skipped and counted as skipped;
- 3CosAdd ranks words by cosine to b - a + c (unit vectors), leaving the
  question's words out; of the top 5, the first that is not a question word
  (after folding) is the answer.

Shipped datasets, by name: ``google`` (the Google analogy set),
``wordsim353`` and ``simlex999`` (see ``w2v/data/README.md`` for sources,
licenses and citations). Any file in the same format works too.
"""

from __future__ import annotations

import logging
import os
from importlib import resources
from typing import NamedTuple

import numpy as np

logger = logging.getLogger("w2v")

DATASETS = {
    "google": "questions-words.txt",
    "wordsim353": "wordsim353.tsv",
    "simlex999": "simlex999.txt",
}
METHODS = ("3cosadd", "3cosmul")


class DatasetError(ValueError):
    """A benchmark file that cannot be used (unknown name, missing file, bad content)."""


class WordPairsResult(NamedTuple):
    pearson: float  # Pearson's r between human and model similarities
    spearman: float  # Spearman's rho (average ranks for ties)
    oov_ratio: float  # percentage of pairs skipped for an unknown word
    pairs: int  # pairs scored
    oov: int  # pairs skipped


def dataset_path(name_or_path):
    """The file behind a shipped dataset's name, or the path itself if it is a file."""
    if isinstance(name_or_path, str) and name_or_path in DATASETS:
        return str(resources.files("w2v") / "data" / "eval" / DATASETS[name_or_path])
    path = os.fspath(name_or_path)
    if not os.path.isfile(path):
        raise DatasetError(f"{path!r} is neither a file nor a shipped dataset (known: {', '.join(DATASETS)})")
    return path


def _read_lines(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.readlines()
    except UnicodeDecodeError as e:
        raise DatasetError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None


class _SkippedLines:
    """Lines of a dataset file that are not in its format: counted, and logged once at the end
    (a file of many bad lines gives one log line, not one per line)."""

    def __init__(self, path, what):
        self.path, self.what = path, what
        self.count, self.first = 0, None

    def add(self, line_no, line):
        self.count += 1
        if self.first is None:
            self.first = (line_no, line.strip()[:60])

    def log(self):
        if self.count:
            line_no, text = self.first
            logger.info(
                "skipped %d line%s of %s: not %s (the first: line %d, %r)",
                self.count,
                "" if self.count == 1 else "s",
                self.path,
                self.what,
                line_no,
                text,
            )


def _ok_vocab(kv, restrict_vocab, case_insensitive):
    """Folded word -> row, for the first ``restrict_vocab`` rows; the most frequent spelling wins."""
    keys = kv.index_to_key[:restrict_vocab]
    ok = {}
    for i in range(len(keys) - 1, -1, -1):
        ok[keys[i].upper() if case_insensitive else keys[i]] = i
    return ok


def _answers(kv, a, b, c, method, restrict_vocab, topn=5):
    """The top ``topn`` words for a is to b as c is to ? (spellings in ``kv``), question words left out."""
    query = kv.most_similar if method == "3cosadd" else kv.most_similar_cosmul
    return [
        word for word, _ in query(positive=[b, c], negative=[a], topn=topn, restrict_vocab=restrict_vocab)
    ]


def accuracy(section):
    """correct / (correct + incorrect) of a section dict; 0.0 for an empty one (gensim's rule)."""
    correct, incorrect = len(section["correct"]), len(section["incorrect"])
    return correct / (correct + incorrect) if correct + incorrect else 0.0


def _log_section(section):
    correct, incorrect = len(section["correct"]), len(section["incorrect"])
    if correct + incorrect:
        (logger.info if section["section"] == "Total accuracy" else logger.debug)(
            "%s: %.1f%% (%d/%d)", section["section"], 100 * accuracy(section), correct, correct + incorrect
        )


def evaluate_word_analogies(
    kv, analogies="google", restrict_vocab=30000, case_insensitive=True, method="3cosadd"
):
    """Analogy accuracy of ``kv`` on ``analogies`` (a shipped name or a file).

    The file has ``: section`` header lines and ``a b c d`` questions (a is
    to b as c is to d). Returns ``(accuracy, sections)`` like gensim: each
    section is a dict with ``section`` (name), ``correct`` and ``incorrect``
    (lists of question tuples, folded) and ``skipped`` (questions with a
    word outside the first ``restrict_vocab`` words); the last one is the
    total, named ``Total accuracy``. ``method`` is ``"3cosadd"`` or
    ``"3cosmul"``.
    """
    if method not in METHODS:
        raise ValueError(f"method={method!r} is invalid: must be one of {', '.join(METHODS)}")
    path = dataset_path(analogies)
    ok_vocab = _ok_vocab(kv, restrict_vocab, case_insensitive)
    sections, section = [], None
    invalid = _SkippedLines(path, "four words")
    for line_no, line in enumerate(_read_lines(path), start=1):
        if line.startswith(": "):
            if section:
                sections.append(section)
                _log_section(section)
            section = {"section": line.lstrip(": ").strip(), "correct": [], "incorrect": [], "skipped": 0}
            continue
        words = line.split()
        if not section:
            if not words:
                continue
            raise DatasetError(f"{path}: line {line_no}: a question before any ': section' line")
        if len(words) != 4:
            invalid.add(line_no, line)
            continue
        question = tuple(w.upper() for w in words) if case_insensitive else tuple(words)
        if any(w not in ok_vocab for w in question):
            section["skipped"] += 1
            continue
        a, b, c, expected = question
        ignore = {a, b, c}
        predicted = None
        spelled = [kv.index_to_key[ok_vocab[w]] for w in (a, b, c)]
        for key in _answers(kv, *spelled, method, restrict_vocab):
            predicted = key.upper() if case_insensitive else key
            if predicted in ok_vocab and predicted not in ignore:
                break
        section["correct" if predicted == expected else "incorrect"].append(question)
    if section:
        sections.append(section)
        _log_section(section)
    invalid.log()
    total = {
        "section": "Total accuracy",
        "correct": [q for s in sections for q in s["correct"]],
        "incorrect": [q for s in sections for q in s["incorrect"]],
        "skipped": sum(s["skipped"] for s in sections),
    }
    _log_section(total)
    asked = len(total["correct"]) + len(total["incorrect"]) + total["skipped"]
    if asked:
        logger.info("skipped %d of %d questions (a word outside the vocabulary)", total["skipped"], asked)
    sections.append(total)
    return accuracy(total), sections


def _average_ranks(x):
    """Ranks 1..n, ties sharing the mean of their ranks."""
    x = np.asarray(x, dtype=np.float64)
    order = np.argsort(x, kind="mergesort")
    xs = x[order]
    new_value = np.concatenate([[True], xs[1:] != xs[:-1]])
    dense = np.empty(len(x), dtype=np.int64)
    dense[order] = np.cumsum(new_value)
    starts = np.concatenate([np.flatnonzero(new_value), [len(x)]])
    return 0.5 * (starts[dense] + starts[dense - 1] + 1)


def _pearson(x, y):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    x, y = x - x.mean(), y - y.mean()
    nx, ny = np.linalg.norm(x), np.linalg.norm(y)
    if nx == 0 or ny == 0:
        return float("nan")  # a constant list has no correlation
    return float(np.clip(np.dot(x / nx, y / ny), -1.0, 1.0))


def evaluate_word_pairs(kv, pairs="wordsim353", delimiter="\t", restrict_vocab=300000, case_insensitive=True):
    """Pearson and Spearman correlation between human and cosine similarities.

    The file has ``word1<TAB>word2<TAB>score`` lines; ``#`` starts a comment.
    Pairs with a word outside the first ``restrict_vocab`` words are skipped
    and counted. Returns ``WordPairsResult(pearson, spearman, oov_ratio,
    pairs, oov)`` (plain floats, where gensim returns scipy result objects).
    """
    path = dataset_path(pairs)
    ok_vocab = _ok_vocab(kv, restrict_vocab, case_insensitive)
    gold, model, oov = [], [], 0
    invalid = _SkippedLines(path, f"word, word and score separated by {delimiter!r}")
    for line_no, line in enumerate(_read_lines(path), start=1):
        if not line or line.startswith("#"):
            continue
        fields = line.split(delimiter)
        try:
            if len(fields) != 3:
                raise ValueError
            a, b = (w.upper() if case_insensitive else w for w in fields[:2])
            score = float(fields[2])
        except ValueError:
            invalid.add(line_no, line)
            continue
        if a not in ok_vocab or b not in ok_vocab:
            oov += 1
            continue
        gold.append(score)
        model.append(kv.similarity(kv.index_to_key[ok_vocab[a]], kv.index_to_key[ok_vocab[b]]))
    invalid.log()
    if not gold:
        raise DatasetError(f"{path}: no pair has both words in the vocabulary ({oov} pairs skipped)")
    pearson = _pearson(gold, model)
    spearman = _pearson(_average_ranks(gold), _average_ranks(model))
    oov_ratio = oov / (len(gold) + oov) * 100  # gensim's order of operations, to the last bit
    logger.info(
        "%s: Pearson %.4f, Spearman %.4f, %.1f%% of pairs skipped", path, pearson, spearman, oov_ratio
    )
    return WordPairsResult(pearson, spearman, oov_ratio, len(gold), oov)
