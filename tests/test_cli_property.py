"""A property of the real ``w2v train`` command, whatever values its flags are given.

Hypothesis draws several training flags per run, each with a value in range, at an edge of
its range, out of range, or not a number at all ("abc", "", "nan", "1e400", "0x10", huge
integers, floats for integer flags ...), and runs ``w2v train`` as a user does (a
subprocess). Every run must end by itself with status 0 or 2, never by a signal, never with a
traceback or an "internal error"; a refusal (2) is one ``w2v:`` line and leaves the folder as
it was (README: "Bad input ... ends in one line on stderr ..., exit status 2, and no file
touched"); a success (0) writes a model that loads. A file that was already in the output
folder is byte-identical afterwards either way.

Values "in range" are capped for the flags that make training slow (--epochs, --vector-size,
--negative, --workers) so that a run takes well under a second; their largest legal values are
checked one at a time below, and values past the range, however large, must be refused at once.
"""

import os
import re
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import w2v_command
from w2v import BuiltinCorpus, KeyedVectors, Word2Vec
from w2v.cli.train import MAX_CHECKPOINT_EVERY, MIN_CHECKPOINT_EVERY, PARAMS

PRECIOUS = b"an unrelated file that must survive every run\n"
RUN_TIMEOUT = 120  # seconds: generous; a run here takes well under one
BASE = ["--epochs", "1", "--vector-size", "8"]  # drawn flags come after these and override them

# A refusal is one line: "w2v: error: ..." (the command's checks) or "w2v train: error: ..."
# (argparse's, e.g. "invalid int value").
ERROR_LINE = re.compile(r"^w2v( train)?: ")


def run_w2v(*args):
    return w2v_command(*args, timeout=RUN_TIMEOUT)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    rng = np.random.default_rng(7)
    words = [f"w{i}" for i in range(40)]
    lines = [" ".join(rng.choice(words, size=12)) for _ in range(400)]
    path = tmp_path_factory.mktemp("corpus") / "c.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def runs_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("runs")


# -- the values ----------------------------------------------------------------------------------

# Integers that int() and float() take apart; strings that are not numbers, or are numbers
# Python's int()/float() read in surprising ways.
JUNK = [
    "abc",
    "",
    " ",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1e400",
    "-1e400",
    "1e-400",
    "-0",
    "-0.0",
    "+0",
    "0x10",
    "0b1",
    "0o7",
    "1.5",
    "1.0",
    "1e3",
    "1_0",
    "1,000",
    " 3 ",
    "\u0663",  # ARABIC-INDIC DIGIT THREE: int() reads it as 3
    "\uff19",  # FULLWIDTH DIGIT NINE: 9
    "\u00b2",  # SUPERSCRIPT TWO: not a digit for int()
    "None",
    "True",
    "-",
    "--",
    "-x",
    "5e-324",
    "1.7976931348623157e308",
    "9" * 5000,  # int() refuses more than 4300 digits; float() makes it inf
    "-" + "9" * 40,
    str(2**63),
    str(2**64 + 1),
    str(-(2**63) - 1),
]

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=8)

# For the flags that make training slow, the largest value "in range" that is drawn.
CHEAP_MAX = {
    "vector_size": 32,
    "negative": 20,
    "epochs": 3,
    "workers": 4,
    "window": 1_000,  # the corpus's sentences have 12 words: a wider window costs nothing
}


# Each parameter's legal range (README, w2v.params): None for no upper bound.
LIMITS = {
    "vector_size": (1, 10_000),
    "window": (1, 1_000),
    "min_count": (1, None),
    "max_final_vocab": (2, None),
    "max_vocab_size": (2, None),
    "sg": (0, 1),
    "hs": (0, 1),
    "negative": (0, 1_000),
    "ns_exponent": (-10.0, 10.0),
    "sample": (0.0, 1.0),
    "alpha": (0.0, 10.0),  # 0 excluded
    "min_alpha": (0.0, 10.0),
    "epochs": (1, 100_000),
    "workers": (1, 1_024),
    "seed": (0, 2**63 - 1),
    "cbow_mean": (0, 1),
    "max_sentence_length": (1, None),
    "shuffle": (0, 1),
    "batched": (0, 1),
    "checkpoint_every": (MIN_CHECKPOINT_EVERY, MAX_CHECKPOINT_EVERY),
}


def _int_spellings(value):
    """How a user may type an integer that int() reads: "7", " 7 ", "+7", "0007", "-0"."""
    text = str(value)
    spellings = [st.just(text), st.just(f" {text} "), st.just("0" + text if value >= 0 else text)]
    if value >= 0:
        spellings.append(st.just("+" + text))
    if value == 0:
        spellings.append(st.just("-0"))
    return st.one_of(spellings)


def _real_spellings(value):
    value = float(value)
    return st.sampled_from([repr(value), f"{value:e}", f" {value!r} ", f"{value:.17g}"])


def int_values(name):
    """(legal values, illegal values) of an integer flag, as typed."""
    lo, hi = LIMITS[name]
    top = CHEAP_MAX.get(name, hi if hi is not None else lo + 100)
    legal_edges = [lo]
    if hi is not None and hi <= top:
        legal_edges.append(hi)  # the largest legal value only where it is cheap
    if hi is None:
        legal_edges += [2**31, 2**63, 10**30]  # no upper bound: huge but legal (refused later, or not)
    legal = st.one_of(st.integers(lo, top), st.sampled_from(legal_edges)).flatmap(_int_spellings)
    illegal_ints = [st.integers(max_value=lo - 1), st.sampled_from([lo - 1, -1, -(10**30)])]
    if hi is not None:
        illegal_ints += [st.integers(min_value=hi + 1), st.sampled_from([hi + 1, hi * 10, 10**30])]
    illegal = st.one_of(
        st.one_of(illegal_ints).map(str),
        st.floats().map(repr),  # "1.0", "nan", "-inf", "1e+300": not integers
        st.sampled_from(JUNK),
        TEXT,
    )
    return legal, illegal


REAL_LEGAL = {  # where the defaults live, so that a legal value often trains
    "alpha": st.floats(1e-6, 0.1),
    "min_alpha": st.floats(0.0, 0.025),
    "sample": st.floats(1e-5, 1.0),
    "checkpoint_every": st.floats(0.1, 1.0),
}


def real_values(name):
    """(legal values, illegal values) of a real-number flag, as typed."""
    lo, hi = LIMITS[name]
    open_lo = name == "alpha"
    in_range = st.floats(lo, hi, exclude_min=open_lo)
    edges = [v for v in (lo, hi, 5e-324, 1e-300, -0.0) if (lo < v if open_lo else lo <= v) and v <= hi]
    legal = st.one_of(in_range, st.sampled_from(edges), REAL_LEGAL.get(name, in_range))
    legal = legal.flatmap(_real_spellings)
    outside = [float(np.nextafter(lo, -np.inf)), float(np.nextafter(hi, np.inf)), lo - 1, hi * 10]
    if open_lo:
        outside += [lo, -0.0]
    illegal = st.one_of(
        st.one_of(
            st.floats(max_value=lo, exclude_max=not open_lo),
            st.floats(min_value=hi, exclude_min=True),
            st.sampled_from(outside),
            st.sampled_from([float("nan"), float("inf"), float("-inf")]),
        ).map(repr),
        st.integers(min_value=-(10**30), max_value=int(lo) - 1).map(str),
        st.integers(min_value=int(hi) + 1, max_value=10**400).map(str),  # past 1e308: float() gives inf
        st.sampled_from(JUNK),
        TEXT,
    )
    return legal, illegal


def flag_values():
    """{flag: (legal, illegal) strategies of its value as typed}, for every training flag."""
    flags = [(flag, dest, kind) for flag, dest, kind, _ in PARAMS]
    flags.append(("--checkpoint-every", "checkpoint_every", float))
    assert {dest for _, dest, _ in flags} == set(LIMITS), "a training flag this test does not know"
    return {flag: (int_values if kind is int else real_values)(dest) for flag, dest, kind in flags}


FLAG_VALUES = flag_values()
FLAGS = sorted(FLAG_VALUES)


@st.composite
def command_lines(draw):
    """(the drawn flags as argv, {extra: what the output folder will hold}). Several flags a
    run, mostly legal values and none to two illegal ones, in any order, some repeated."""
    legal = draw(st.lists(st.sampled_from(FLAGS), max_size=6))
    how_many = draw(st.sampled_from([0, 0, 1, 2]))  # a third of the runs have no illegal value
    illegal = draw(st.lists(st.sampled_from(FLAGS), min_size=how_many, max_size=how_many))
    if not legal + illegal:
        legal = [draw(st.sampled_from(FLAGS))]
    chosen = [(flag, 0) for flag in legal] + [(flag, 1) for flag in illegal]
    argv = []
    for flag, which in draw(st.permutations(chosen)):
        value = draw(FLAG_VALUES[flag][which])
        if draw(st.booleans()):
            argv.append(f"{flag}={value}")
        else:
            argv += [flag, value]  # "-1", "-inf" or "--" this way: argparse decides what they are
    extras = draw(
        st.fixed_dictionaries(
            {
                "vectors": st.sampled_from([None, None, None, "v.txt", "v.bin", "v.vec"]),
                "checkpoint": st.sampled_from([None, None, None, "explicit.ckpt"]),
                "resume": st.sampled_from([None] * 27 + ["missing", "corpus", "precious"]),
                "quiet": st.booleans(),
            }
        )
    )
    return argv, extras


def _argv(folder, corpus, flags, extras):
    argv = ["train", corpus, "-o", folder / "m.w2v", *BASE, *flags]
    if extras["vectors"]:
        argv += ["--vectors", folder / extras["vectors"]]
    if extras["checkpoint"]:
        argv += ["--checkpoint", folder / extras["checkpoint"]]
    if extras["resume"]:
        target = {"missing": folder / "missing.ckpt", "corpus": corpus, "precious": folder / "notes.txt"}
        argv += ["--resume", target[extras["resume"]]]
    if extras["quiet"]:
        argv.append("--quiet")
    return argv


def check_run(folder, corpus, flags, extras):
    notes = folder / "notes.txt"
    notes.write_bytes(PRECIOUS)
    corpus_before = corpus.read_bytes()
    argv = _argv(folder, corpus, flags, extras)
    result = run_w2v(*argv)
    shown = f"w2v {' '.join(map(str, argv))}\nstatus {result.returncode}\nstderr:\n{result.stderr}"

    assert result.returncode >= 0, f"killed by signal {-result.returncode}\n{shown}"
    assert result.returncode in (0, 2), shown
    assert "Traceback" not in result.stderr, shown
    assert "internal error" not in result.stderr, shown
    assert notes.read_bytes() == PRECIOUS, shown
    assert corpus.read_bytes() == corpus_before, shown
    left = sorted(os.listdir(folder))
    assert not [name for name in left if name.endswith(".tmp")], (left, shown)

    if result.returncode == 2:
        errors = [line for line in result.stderr.splitlines() if ERROR_LINE.match(line)]
        assert len(errors) == 1, shown
        assert left == ["notes.txt"], (left, shown)  # nothing written, nothing left half-written
        return
    model = Word2Vec.load(folder / "m.w2v")
    assert not model.interrupted and model.epochs_trained_ >= 1, shown
    expected = {"notes.txt", "m.w2v"}
    if extras["vectors"]:
        expected.add(extras["vectors"])
        assert KeyedVectors.load(folder / extras["vectors"]).index_to_key == model.wv.index_to_key, shown
    if extras["checkpoint"] and (folder / extras["checkpoint"]).exists():
        expected.add(extras["checkpoint"])  # an explicit checkpoint is kept; it must load
        assert Word2Vec.load(folder / extras["checkpoint"]).interrupted, shown
    assert set(left) == expected, (left, shown)  # in particular no m.w2v.ckpt left behind


@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(drawn=command_lines())
def test_any_flag_values_end_in_a_model_or_one_line(corpus, runs_dir, drawn):
    """See the module's docstring; a failure shows the command line to replay by hand."""
    flags, extras = drawn
    folder = tempfile.mkdtemp(dir=runs_dir)
    check_run(Path(folder), corpus, flags, extras)


@pytest.mark.parametrize(
    "flags",
    [
        ["--vector-size", 10_000],
        ["--negative", 1_000],
        ["--window", 1_000, "--sg", 1],
        ["--workers", 1_024],
        ["--epochs", 100_001],
        ["--epochs", 10**40],
        ["--vector-size", 10**40],
        # about a second: checkpoints are saved, then removed once the model is
        ["--checkpoint-every", MIN_CHECKPOINT_EVERY, "--epochs", 1_000],
        ["--checkpoint-every", MAX_CHECKPOINT_EVERY],
    ],
    ids=lambda flags: " ".join(map(str, flags)),
)
def test_the_largest_legal_values_train_and_larger_ones_are_refused_at_once(corpus, tmp_path, flags):
    """The upper edges the property test does not draw, because they can be slow, one at a time
    (the largest legal --epochs, 100,000, would train for minutes and is not run)."""
    check_run(
        tmp_path,
        corpus,
        [str(f) for f in flags],
        {"vectors": None, "checkpoint": None, "resume": None, "quiet": True},
    )


def test_a_run_refused_after_a_periodic_checkpoint_leaves_no_file(tmp_path):
    """A value that is only found wrong during training (an --alpha that makes this corpus
    diverge after about a tenth of a second, while --checkpoint-every 0.1 has already saved a
    checkpoint): exit 2, one line, and, as for any bad input, no file left behind; in particular
    no checkpoint, which would block the same command next time ("already holds a checkpoint")
    and diverge again if resumed."""
    corpus = tmp_path / "corpus" / "moby.txt"
    corpus.parent.mkdir()
    corpus.write_text("\n".join(" ".join(s) for s in BuiltinCorpus("moby-dick")) + "\n")
    folder = tmp_path / "out"
    folder.mkdir()
    flags = ["--epochs", "8", "--sg", "1", "--workers", "1", "--vector-size", "24", "--seed", "3"]
    flags += ["--alpha", "0.5", "--checkpoint-every", "0.1"]
    extras = {"vectors": None, "checkpoint": None, "resume": None, "quiet": False}
    check_run(folder, corpus, flags, extras)
