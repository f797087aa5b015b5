"""The standard benchmarks: word analogies and word-pair similarity.

It uses only KeyedVectors' public queries (``most_similar``,
``most_similar_cosmul``, ``similarity``), so it works on any object that has
them. The protocol, the arguments, their defaults and the return values are
gensim 4's, so scores compare across tools (the tests check equality with
gensim on the same vectors):

- only the first ``restrict_vocab`` words (the most frequent) take part
  (gensim's default is 300,000; the usual analogy protocol, and ``w2v eval``'s,
  is 30,000);
- with ``case_insensitive`` every word is upper-cased, and a folded word
  stands for its most frequent spelling among those words;
- a question with a word outside them is skipped and counted as skipped,
  or with ``dummy4unknown`` scored as wrong (analogies) or as similarity 0
  (word pairs);
- 3CosAdd ranks words by cosine to b - a + c (unit vectors), leaving the
  question's words out; of the top 5, the first that is not a question word
  (after folding) is the answer. ``similarity_function="most_similar_cosmul"``
  uses 3CosMul instead (gensim 4.4 accepts the argument but always uses 3CosAdd).

``evaluate_word_pairs`` returns gensim's ``(pearson, spearman, oov_ratio)``:
``pearson`` is ``(statistic, pvalue)``, ``spearman`` is ``(correlation,
pvalue)`` (both also readable by those names), the p-values two-sided as
SciPy computes them (``w2v.stats``; SciPy is not needed).

Shipped datasets, by name: ``google`` (the Google analogy set),
``wordsim353`` and ``simlex999`` (see ``w2v/data/README.md`` for sources,
licenses and citations). Any file in the same format works too, e.g.
gensim's ``datapath("questions-words.txt")``.
"""

from __future__ import annotations

import logging
import os
from importlib import resources

from .stats import PearsonResult, SpearmanResult, pearsonr, spearmanr

logger = logging.getLogger("w2v")

DATASETS = {
    "google": "questions-words.txt",
    "wordsim353": "wordsim353.tsv",
    "simlex999": "simlex999.txt",
}
METHODS = ("3cosadd", "3cosmul")
SIMILARITY_FUNCTIONS = {"most_similar": "3cosadd", "most_similar_cosmul": "3cosmul"}


class DatasetError(ValueError):
    """A benchmark file that cannot be used (unknown name, missing file, bad content)."""


class WordPairsResult(tuple):
    """gensim's ``(pearson, spearman, oov_ratio)``, also by name, with w2v's counts as attributes.

    ``pearson`` is a PearsonResult ``(statistic, pvalue)``, ``spearman`` a
    SpearmanResult ``(correlation, pvalue)``, ``oov_ratio`` the percentage of
    pairs with an unknown word; ``pairs`` (pairs scored) and ``oov`` (pairs
    with an unknown word) are attributes, not items, so the tuple unpacks
    into gensim's three values.
    """

    def __new__(cls, pearson, spearman, oov_ratio, pairs=0, oov=0):
        self = super().__new__(cls, (PearsonResult(*pearson), SpearmanResult(*spearman), oov_ratio))
        self.pairs, self.oov = pairs, oov
        return self

    def __getnewargs__(self):
        return (*self, self.pairs, self.oov)

    @property
    def pearson(self):
        return self[0]

    @property
    def spearman(self):
        return self[1]

    @property
    def oov_ratio(self):
        return self[2]

    def __repr__(self):
        return (
            f"WordPairsResult(pearson={self.pearson}, spearman={self.spearman}, "
            f"oov_ratio={self.oov_ratio}, pairs={self.pairs}, oov={self.oov})"
        )


def dataset_path(name_or_path):
    """The file behind a shipped dataset's name, or the path itself if it is a file."""
    if isinstance(name_or_path, str) and name_or_path in DATASETS:
        return str(resources.files("w2v") / "data" / "eval" / DATASETS[name_or_path])
    path = os.fspath(name_or_path)
    if not os.path.isfile(path):
        raise DatasetError(f"{path!r} is neither a file nor a shipped dataset (known: {', '.join(DATASETS)})")
    return path


def _read_lines(path, encoding="utf-8"):
    try:
        with open(path, encoding=encoding) as f:
            return f.readlines()
    except UnicodeDecodeError as e:
        raise DatasetError(f"{path}: not {encoding} text ({e.reason} at byte {e.start})") from None


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


def _method(similarity_function, method):
    """'3cosadd' or '3cosmul', from gensim's ``similarity_function`` or w2v's ``method``."""
    if method is None:
        if similarity_function not in SIMILARITY_FUNCTIONS:
            raise ValueError(
                f"similarity_function={similarity_function!r} is invalid: "
                f"must be one of {', '.join(SIMILARITY_FUNCTIONS)}"
            )
        return SIMILARITY_FUNCTIONS[similarity_function]
    if method not in METHODS:
        raise ValueError(f"method={method!r} is invalid: must be one of {', '.join(METHODS)}")
    if similarity_function != "most_similar" and SIMILARITY_FUNCTIONS.get(similarity_function) != method:
        raise ValueError(f"method={method!r} and similarity_function={similarity_function!r} disagree")
    return method


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


def log_section(section, level=None):
    """Log a section's accuracy: the total at INFO, the others at DEBUG (or at ``level``)."""
    correct, incorrect = len(section["correct"]), len(section["incorrect"])
    if level is None:
        level = logging.INFO if section["section"] == "Total accuracy" else logging.DEBUG
    if correct + incorrect:
        logger.log(
            level,
            "%s: %.1f%% (%d/%d)",
            section["section"],
            100 * accuracy(section),
            correct,
            correct + incorrect,
        )


def evaluate_word_analogies(
    kv,
    analogies="google",
    restrict_vocab=300000,
    case_insensitive=True,
    dummy4unknown=False,
    similarity_function="most_similar",
    *,
    method=None,
):
    """Analogy accuracy of ``kv`` on ``analogies`` (a shipped name or a file).

    The file has ``: section`` header lines and ``a b c d`` questions (a is
    to b as c is to d). Returns ``(accuracy, sections)`` like gensim: each
    section is a dict with ``section`` (name), ``correct`` and ``incorrect``
    (lists of question tuples, folded) and ``skipped`` (w2v's addition:
    questions left out for a word outside the first ``restrict_vocab``
    words; with ``dummy4unknown`` they count as incorrect instead); the last
    one is the total, named ``Total accuracy``. ``similarity_function`` is
    ``"most_similar"`` (3CosAdd) or ``"most_similar_cosmul"`` (3CosMul);
    ``method="3cosadd"``/``"3cosmul"`` is w2v's older way to say the same.
    """
    if isinstance(dummy4unknown, str):  # w2v's old positional order was (analogies, restrict, case, method)
        raise TypeError(f"dummy4unknown is a bool, not {dummy4unknown!r}: pass the method as method=...")
    method = _method(similarity_function, method)
    path = dataset_path(analogies)
    ok_vocab = _ok_vocab(kv, restrict_vocab, case_insensitive)
    sections, section = [], None
    invalid = _SkippedLines(path, "four words")
    for line_no, line in enumerate(_read_lines(path), start=1):
        if line.startswith(": "):
            if section:
                sections.append(section)
                log_section(section)
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
            if dummy4unknown:
                section["incorrect"].append(question)
            else:
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
        log_section(section)
    invalid.log()
    total = {
        "section": "Total accuracy",
        "correct": [q for s in sections for q in s["correct"]],
        "incorrect": [q for s in sections for q in s["incorrect"]],
        "skipped": sum(s["skipped"] for s in sections),
    }
    log_section(total)
    asked = len(total["correct"]) + len(total["incorrect"]) + total["skipped"]
    if asked:
        logger.info("skipped %d of %d questions (a word outside the vocabulary)", total["skipped"], asked)
    sections.append(total)
    return accuracy(total), sections


def evaluate_word_pairs(
    kv,
    pairs="wordsim353",
    delimiter="\t",
    encoding="utf8",
    restrict_vocab=300000,
    case_insensitive=True,
    dummy4unknown=False,
):
    """Pearson and Spearman correlation between human and cosine similarities.

    The file has ``word1<TAB>word2<TAB>score`` lines; ``#`` starts a comment.
    Pairs with a word outside the first ``restrict_vocab`` words are skipped
    and counted (with ``dummy4unknown`` they are scored with similarity 0).
    Returns gensim's ``(pearson, spearman, oov_ratio)`` as a WordPairsResult:
    ``result[0][0]`` / ``result.pearson.statistic`` is Pearson's r,
    ``result[1].correlation`` Spearman's rho, each with its ``pvalue``;
    ``result.pairs`` and ``result.oov`` count the pairs scored and skipped.
    """
    if not isinstance(
        encoding, str
    ):  # w2v's old positional order was (pairs, delimiter, restrict_vocab, ...)
        raise TypeError(f"encoding must be a str, not {encoding!r}: pass restrict_vocab=... by name")
    path = dataset_path(pairs)
    ok_vocab = _ok_vocab(kv, restrict_vocab, case_insensitive)
    gold, model, oov = [], [], 0
    invalid = _SkippedLines(path, f"word, word and score separated by {delimiter!r}")
    for line_no, line in enumerate(_read_lines(path, encoding), start=1):
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
            if dummy4unknown:
                gold.append(score)
                model.append(0.0)
            continue
        gold.append(score)
        model.append(kv.similarity(kv.index_to_key[ok_vocab[a]], kv.index_to_key[ok_vocab[b]]))
    invalid.log()
    if not gold:
        raise DatasetError(f"{path}: no pair has both words in the vocabulary ({oov} pairs skipped)")
    pearson = pearsonr(gold, model)
    spearman = spearmanr(gold, model)
    # gensim's formulas and order of operations, to the last bit
    oov_ratio = float(oov) / len(gold) * 100 if dummy4unknown else float(oov) / (len(gold) + oov) * 100
    logger.info(
        "%s: Pearson %.4f, Spearman %.4f, %.1f%% of pairs with an unknown word",
        path,
        pearson.statistic,
        spearman.correlation,
        oov_ratio,
    )
    scored = len(gold) - (oov if dummy4unknown else 0)
    return WordPairsResult(pearson, spearman, oov_ratio, scored, oov)
