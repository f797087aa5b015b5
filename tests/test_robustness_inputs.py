"""Hostile and damaged inputs, through the real ``w2v`` command (a subprocess) and the Python API:
bounded memory on files padded with gigabytes of whitespace, damaged compressed corpora and vector
files, deeply nested native headers, absurd counts, NUL bytes deep in a corpus, a closed output
pipe, long lists of skipped benchmark lines, bad constructor and demo arguments, abbreviated flags.

Every bad input ends as the README promises: one line on stderr, exit status 2, no traceback, and
no existing file touched."""

import bz2
import gzip
import io
import logging
import struct
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from conftest import w2v_command
from w2v import KeyedVectors, TextCorpus
from w2v.corpus import CorpusError
from w2v.evaluate import evaluate_word_analogies, evaluate_word_pairs
from w2v.io import FormatError, load_native, load_word2vec_format, save_native
from w2v.io.native import MAGIC, pack_strings


def w2v(*args, timeout=120, cwd=None):
    return w2v_command(*args, timeout=timeout, cwd=cwd)


def assert_one_line_error(result, *pieces):
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for piece in pieces:
        assert piece in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def precious(tmp_path):
    """An existing output file that a failed command must leave byte for byte as it was."""
    path = tmp_path / "precious.w2v"
    path.write_bytes(b"do not touch\x00" * 100)
    return path


@pytest.fixture(scope="module")
def text_corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "corpus.txt"
    rng = np.random.default_rng(0)
    words = ["whale", "ship", "sea", "captain", "harpoon", "boat", "wind", "white"]
    path.write_text("".join(" ".join(rng.choice(words, 12)) + "\n" for _ in range(300)))
    return path


# -- 1. vector files padded with whitespace: bounded memory ----------------------------------------

WHITESPACE_MB = 256  # decompressed; each MiB is a separate gzip member of about 1 KB

# Runs the real command in-process after a baseline, and reports how much the peak RSS grew.
MEASURE = """
import resource, sys
import numpy, w2v.cli, w2v.storage, w2v.vectors
from w2v.cli import main
scale = 1 if sys.platform != "darwin" else 1024  # ru_maxrss: KiB on Linux, bytes on macOS
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
status = main(sys.argv[1:])
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // scale
print(f"GROWN_KIB {grown}", file=sys.stderr)
sys.exit(status)
"""


def _padded_gz(path, head, pattern):
    """``head`` then WHITESPACE_MB MiB of ``pattern`` repeated, as a small multi-member .gz file."""
    block = (pattern * ((1 << 20) // len(pattern) + 1))[: 1 << 20]
    member = gzip.compress(block, compresslevel=9, mtime=0)
    with open(path, "wb") as f:
        f.write(gzip.compress(head, mtime=0))
        for _ in range(WHITESPACE_MB):
            f.write(member)
    return path


ROW = b"a 1 2 3\n"
BINARY_ROW = b"a " + struct.pack("<3f", 1, 2, 3)
PADDED = {  # name: (file name, head, whitespace pattern)
    "text, spaces": ("v.txt.gz", b"1 3\n" + ROW, b" "),
    "text, blank lines": ("v.txt.gz", b"1 3\n" + ROW, b"\n \t\n"),
    "GloVe, spaces": ("v.txt.gz", ROW, b" "),
    "binary, spaces": ("v.bin.gz", b"1 3\n" + BINARY_ROW, b" "),
    "binary, newlines": ("v.bin.gz", b"1 3\n" + BINARY_ROW, b"\n"),
}


@pytest.mark.parametrize("case", PADDED, ids=list(PADDED))
def test_whitespace_padding_keeps_memory_bounded(tmp_path, case):
    name, head, pattern = PADDED[case]
    path = _padded_gz(tmp_path / name, head, pattern)
    assert path.stat().st_size < 4 << 20  # small on disk, WHITESPACE_MB when read
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, "similar", str(path), "a"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "nearest to 'a'" in result.stdout
    grown = int(result.stderr.split("GROWN_KIB ")[1].split()[0])
    assert grown < 100 * 1024, f"peak memory grew by {grown // 1024} MiB reading {WHITESPACE_MB} MiB"


def test_whitespace_padding_loads_the_row(tmp_path):
    path = _padded_gz(tmp_path / "v.txt.gz", b"1 3\n" + ROW, b" \n")
    keys, vectors = load_word2vec_format(path)
    assert keys == ["a"] and vectors.tolist() == [[1, 2, 3]]


@pytest.mark.parametrize(
    ("data", "kwargs", "where"),
    [
        (b"1 3\na 1 2" + b" " * (2 << 20) + b"3\n", {}, "line 2"),  # a row with a 2 MiB gap
        (b"1 3\na " + b"1" * (2 << 20) + b" 2 3\n", {}, "line 2"),  # a 2 MiB value
        (b"b 1 2 3\na " + b"7" * (2 << 20) + b"\n", {"no_header": True}, "line 2"),  # GloVe
        (b"1 3\n" + b"x" * (2 << 20) + b" " + bytes(12), {"binary": True}, "row 0 (byte 4)"),  # word
    ],
    ids=["spaces in a row", "long value", "GloVe", "binary word"],
)
def test_a_run_of_more_than_a_mib_inside_a_row_is_a_format_error(tmp_path, data, kwargs, where):
    path = tmp_path / "v.bin"
    path.write_bytes(data)
    with pytest.raises(FormatError) as info:
        load_word2vec_format(path, **kwargs)
    message = str(info.value)
    assert message.startswith(f"{path}: {where}: ") and "1,048,576 bytes" in message


@pytest.mark.parametrize("binary", [False, True])
def test_blank_tail_is_fine_and_data_after_it_is_not(tmp_path, binary):
    head = b"1 3\n" + (BINARY_ROW if binary else ROW)
    path = tmp_path / "v"
    path.write_bytes(head + b"\n\n  \t\n" * 300_000)  # 1.8 MB of blank lines
    assert load_word2vec_format(path, binary=binary)[0] == ["a"]
    path.write_bytes(head + b"\n" * 300_000 + b"junk\n")
    with pytest.raises(FormatError, match="data after the 1 rows"):
        load_word2vec_format(path, binary=binary)


def test_text_line_numbers_survive_chunked_reading(tmp_path):
    path = tmp_path / "v.txt"
    path.write_bytes(b"1 3\n" + ROW + b"\n" * 3_000_000 + b"junk\n")
    with pytest.raises(FormatError) as info:
        load_word2vec_format(path)
    assert info.value.line == 3_000_003
    path.write_bytes(b"2 3\n" + ROW + b"\n" * 3_000_000 + b"b 4 5 6\n")
    with pytest.raises(FormatError, match="blank line between rows") as info:
        load_word2vec_format(path)
    assert info.value.line == 3


def test_absurd_dimension_in_a_header_is_a_format_error(tmp_path):
    for binary in (False, True):
        path = tmp_path / "v"
        path.write_bytes(b"0 100000000000000000000\n")
        with pytest.raises(FormatError, match="dimension"):
            load_word2vec_format(path, binary=binary)


# -- 2. damaged compressed corpora and vector files ------------------------------------------------

_WORDS = np.array("the whale swims in the sea and ship sails after it white captain".split())
TEXT = "".join(
    " ".join(np.random.default_rng(i).choice(_WORDS, 10)) + "\n" for i in range(3000)
).encode()  # varied enough that its compressed forms are a few KB


def _half(data):
    return data[: len(data) // 2]


def _zip(method=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        archive.writestr("part1.txt", TEXT)
    return bytearray(buffer.getvalue())


def _zip_with(method_field=None, flag_bits=None):
    """A zip whose only member claims another compression method or flags, in both headers."""
    data = _zip()
    central = data.find(b"PK\x01\x02")
    if method_field is not None:
        data[8:10] = data[central + 10 : central + 12] = struct.pack("<H", method_field)
    if flag_bits is not None:
        data[6:8] = data[central + 8 : central + 10] = struct.pack("<H", flag_bits)
    return bytes(data)


def _damaged_deflate_zip():
    data = _zip()
    data[40:80] = bytes(b ^ 0x55 for b in data[40:80])  # inside the member's deflate stream
    return bytes(data)


def _bad_block_gz():
    data = bytearray(gzip.compress(TEXT, mtime=0))
    data[10] = 0xFF  # the first deflate block: final, reserved type 3 -> zlib "Error -3"
    return bytes(data)


DAMAGED_CORPORA = {  # name: (file name, bytes, words in the message)
    "gz Error -3": ("c.txt.gz", _bad_block_gz(), ["Error -3"]),
    "truncated gz": ("c.txt.gz", _half(gzip.compress(TEXT)), ["c.txt.gz"]),
    "truncated bz2": ("c.txt.bz2", _half(bz2.compress(TEXT)), ["c.txt.bz2"]),
    "corrupt bz2": ("c.txt.bz2", b"BZh9" + bytes(range(256)) * 4, ["c.txt.bz2"]),
    "encrypted member": ("c.zip", _zip_with(flag_bits=1), ["c.zip:part1.txt", "encrypted"]),
    "method 99": ("c.zip", _zip_with(method_field=99), ["c.zip:part1.txt", "compression method 99"]),
    "bad zip": ("c.zip", b"PK\x03\x04 this is no zip" * 20, ["c.zip"]),
    "damaged deflate in zip": ("c.zip", _damaged_deflate_zip(), ["c.zip:part1.txt"]),
}


@pytest.mark.parametrize("case", DAMAGED_CORPORA, ids=list(DAMAGED_CORPORA))
def test_damaged_compressed_corpus_is_a_corpus_error(tmp_path, case, precious):
    name, data, pieces = DAMAGED_CORPORA[case]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CorpusError) as info:
        list(TextCorpus(path))
    for piece in pieces:
        assert piece in str(info.value)
    before = precious.read_bytes()
    result = w2v("train", path, "-o", precious, "--min-count", 1, "--epochs", 1, "--vector-size", 8)
    assert_one_line_error(result, name, *pieces)
    assert precious.read_bytes() == before


@pytest.mark.parametrize("name", ["v.txt.gz", "v.bin.gz", "v.txt.bz2"])
@pytest.mark.parametrize("damage", ["truncated", "flipped"])
def test_damaged_compressed_vector_file_is_a_format_error(tmp_path, name, damage, precious):
    path = tmp_path / name
    keys = [f"w{i}" for i in range(2000)]
    vectors = np.random.default_rng(1).standard_normal((2000, 10))
    KeyedVectors(keys, vectors).save(path, fmt="word2vec-binary" if ".bin" in name else "word2vec-text")
    data = bytearray(path.read_bytes())
    if damage == "truncated":
        data = data[: len(data) * 2 // 3]
    else:
        middle = len(data) // 2
        data[middle : middle + 40] = bytes(b ^ 0xA5 for b in data[middle : middle + 40])
    path.write_bytes(bytes(data))
    with pytest.raises(FormatError) as info:
        KeyedVectors.load(path)
    assert str(path) in str(info.value)
    before = precious.read_bytes()
    assert_one_line_error(w2v("convert", path, precious), str(path))
    assert precious.read_bytes() == before


# -- 3. native files: deep JSON, absurd counts -----------------------------------------------------


def _native_with_header(path, header):
    path.write_bytes(struct.pack("<8sII", MAGIC, 1, len(header)) + header)
    return path


@pytest.mark.parametrize("where", ["whole header", "inside meta"])
def test_deeply_nested_native_header_is_a_format_error(tmp_path, where):
    deep = b"[" * 200_000 + b"]" * 200_000
    header = deep if where == "whole header" else b'{"kind": "vectors", "meta": ' + deep + b', "arrays": {}}'
    path = _native_with_header(tmp_path / "deep.w2v", header)
    with pytest.raises(FormatError, match="nested") as info:
        load_native(path)
    assert str(path) in str(info.value)
    for command in (["info", path], ["similar", path, "a"]):
        assert_one_line_error(w2v(*command), str(path), "nested")


def _vectors_file(path, counts):
    keys = ["a", "b", "c"]
    offsets, blob = pack_strings(keys)
    arrays = {
        "vectors": np.eye(3, dtype=np.float32),
        "counts": counts,
        "key_offsets": offsets,
        "key_blob": blob,
    }
    save_native(path, kind="vectors", meta={}, arrays=arrays)
    return path


@pytest.mark.parametrize(
    "counts",
    [
        np.array([5, -1, 2], dtype=np.int64),
        np.array([5, 0, 2], dtype=np.int64),
        np.array([5, 2**63 - 1, 2], dtype=np.int64),
        np.array([5, 2**64 - 1, 2], dtype=np.uint64),
        np.array([5.0, np.nan, 2.0]),
        np.array([5, 3], dtype=np.int64),
        np.array(7, dtype=np.int64),
    ],
    ids=["negative", "zero", "2**63-1", "uint64 max", "float nan", "too few", "0-d"],
)
def test_absurd_counts_in_a_native_vectors_file_are_a_format_error(tmp_path, counts):
    path = _vectors_file(tmp_path / "v.w2v", counts)
    with pytest.raises(FormatError) as info:
        KeyedVectors.load(path)
    assert str(path) in str(info.value)
    result = w2v("info", path)
    assert_one_line_error(result, str(path))
    assert "Warning" not in result.stderr


def test_sensible_counts_still_load(tmp_path):
    path = _vectors_file(tmp_path / "v.w2v", np.array([5, 1, 2**62], dtype=np.int64))
    assert KeyedVectors.load(path).counts.tolist() == [5, 1, 2**62]


# -- 4. NUL bytes deep in a corpus -----------------------------------------------------------------


def _corpus_with_nul(path, at):
    line = b"the whale swims in the sea and the ship sails after it\n"
    data = bytearray(line * ((at + 200_000) // len(line)))
    data[at] = 0
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("chunk_bytes", [1 << 20, 4096, 1000])
def test_nul_byte_anywhere_is_a_corpus_error_naming_the_offset(tmp_path, chunk_bytes):
    at = 1_500_003  # well past the first MiB
    path = _corpus_with_nul(tmp_path / "c.txt", at)
    with pytest.raises(CorpusError, match="NUL") as info:
        list(TextCorpus(path, chunk_bytes=chunk_bytes))
    assert str(path) in str(info.value) and f"{at:,}" in str(info.value)


def test_nul_byte_deep_in_a_corpus_stops_train_before_training(tmp_path, precious):
    at = 1_500_003
    path = _corpus_with_nul(tmp_path / "c.txt", at)
    vectors = tmp_path / "v.bin"
    before = precious.read_bytes()
    result = w2v("train", path, "-o", precious, "--vectors", vectors, "--min-count", 1, "--epochs", 1)
    assert_one_line_error(result, str(path), "NUL", f"{at:,}")
    assert "epoch" not in result.stdout  # stopped in the vocabulary pass
    assert precious.read_bytes() == before and not vectors.exists()


# -- 5. a closed output pipe -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def many_words(tmp_path_factory):
    path = tmp_path_factory.mktemp("vectors") / "many.w2v"
    keys = [f"word{i}" for i in range(20_000)]
    KeyedVectors(keys, np.random.default_rng(0).standard_normal((20_000, 8))).save(path)
    return path


@pytest.mark.parametrize("json_flag", [[], ["--json"]], ids=["table", "json"])
def test_closed_pipe_exits_quietly_with_141(many_words, json_flag):
    """``w2v similar ... | head -1``: more output than a pipe holds, and the reader leaves."""
    process = subprocess.Popen(
        [sys.executable, "-m", "w2v", "similar", str(many_words), "word1", "--topn", "15000", *json_flag],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        first = process.stdout.readline()
        process.stdout.close()  # as head does after its line
        stderr = process.stderr.read().decode()
        status = process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert first.strip()
    assert stderr == "" and status == 141, (status, stderr)


# -- 6. skipped lines of a benchmark file: one log line ----------------------------------------------


@pytest.fixture(scope="module")
def small_vectors(tmp_path_factory):
    path = tmp_path_factory.mktemp("small") / "small.w2v"
    keys = ["the", "of", "and", "to", "a", "in"]
    KeyedVectors(keys, np.random.default_rng(2).standard_normal((6, 5))).save(path)
    return path


def _analogies(path, bad=200):
    lines = [": family", "the of and to"] + [f"bad line {i}" for i in range(bad)] + ["the a and in"]
    path.write_text("\n".join(lines) + "\n")
    return path


def _pairs(path, bad=200):
    path.write_text(
        "the\tof\t1.0\nthe\tand\t2\n" + "".join(f"junk {i}\n" for i in range(bad)) + "of\tin\t3\n"
    )
    return path


@pytest.mark.parametrize("kind", ["analogies", "pairs"])
def test_skipped_benchmark_lines_are_one_log_line(tmp_path, small_vectors, kind):
    dataset = (_analogies if kind == "analogies" else _pairs)(tmp_path / f"{kind}.txt")
    result = w2v("eval", small_vectors, "--dataset", dataset)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) <= 4, result.stderr
    skipped = [line for line in lines if "skipped 200 lines" in line]
    assert len(skipped) == 1 and str(dataset) in skipped[0] and "line 3" in skipped[0]


def test_skipped_lines_summary_leaves_the_results_alone(tmp_path, caplog):
    kv = KeyedVectors(["the", "of", "and", "to", "a", "in"], np.random.default_rng(2).standard_normal((6, 5)))
    clean_analogies = _analogies(tmp_path / "clean.txt", bad=0)
    clean_pairs = _pairs(tmp_path / "clean.tsv", bad=0)
    with caplog.at_level(logging.INFO, logger="w2v"):
        caplog.clear()
        noisy = evaluate_word_analogies(kv, _analogies(tmp_path / "a.txt"))
        assert sum("bad line" in r.getMessage() for r in caplog.records) == 1
        caplog.clear()
        noisy_pairs = evaluate_word_pairs(kv, _pairs(tmp_path / "p.tsv"))
        assert sum("junk" in r.getMessage() for r in caplog.records) == 1
    assert noisy == evaluate_word_analogies(kv, clean_analogies)
    assert noisy_pairs == evaluate_word_pairs(kv, clean_pairs)


# -- 7. TextCorpus's arguments ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "pieces"),
    [
        ({"chunk_bytes": 0}, ["chunk_bytes", "got 0", "from 1"]),
        ({"chunk_bytes": -4096}, ["chunk_bytes", "-4096"]),
        ({"chunk_bytes": 1.5}, ["chunk_bytes", "1.5"]),
        ({"chunk_bytes": True}, ["chunk_bytes", "True"]),
        ({"chunk_bytes": 1 << 40}, ["chunk_bytes", str(1 << 40)]),
        ({"max_sentence_length": 0}, ["max_sentence_length", "0", ">= 1"]),
        ({"max_sentence_length": -1}, ["max_sentence_length", "-1"]),
        ({"max_sentence_length": 2.5}, ["max_sentence_length", "2.5"]),
    ],
)
def test_text_corpus_checks_its_arguments(text_corpus, kwargs, pieces):
    with pytest.raises(ValueError) as info:
        TextCorpus(text_corpus, **kwargs)
    for piece in pieces:
        assert piece in str(info.value)


def test_text_corpus_smallest_arguments_work(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("a b c\nd\n")  # (chunk_bytes also bounds a token's length)
    assert list(TextCorpus(path, chunk_bytes=1, max_sentence_length=1)) == [["a"], ["b"], ["c"], ["d"]]
    assert list(TextCorpus(path, chunk_bytes=np.int64(3))) == [["a", "b", "c"], ["d"]]


# -- 8. demo's arguments ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--seconds", "nan"], "--seconds"),
        (["--seconds", "inf"], "--seconds"),
        (["--seconds", "-1"], "--seconds"),
        (["--seconds", "0"], "--seconds"),
        (["--vector-size", "0"], "--vector-size"),
        (["--epochs", "0"], "--epochs"),
        (["--workers", "0"], "--workers"),
        (["--seed", "-1"], "--seed"),
    ],
)
def test_demo_refuses_bad_numbers(tmp_path, args, flag):
    result = w2v("demo", "--trainer", "reference", *args, "--out-dir", tmp_path)
    assert_one_line_error(result, flag)
    assert list(tmp_path.iterdir()) == []


def test_demo_out_dir_missing_or_a_file_is_one_line(tmp_path):
    missing = tmp_path / "no" / "such" / "folder"
    assert_one_line_error(w2v("demo", "--out-dir", missing), str(missing), "does not exist")
    assert not (tmp_path / "no").exists()
    a_file = tmp_path / "file.txt"
    a_file.write_text("keep me")
    assert_one_line_error(w2v("demo", "--out-dir", a_file), str(a_file), "not a folder")
    assert a_file.read_text() == "keep me"


# -- 9. no abbreviated flags -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["train", "{corpus}", "-o", "{out}", "--cbow", "0"], "--cbow"),  # was --cbow-mean 0
        (["train", "{corpus}", "-o", "{out}", "--vec", "3"], "--vec"),  # was --vector-size 3
        (["train", "{corpus}", "-o", "{out}", "--min", "2"], "--min"),  # was --min-count 2
        (["--deb", "info", "{vectors}"], "--deb"),  # was --debug
        (["similar", "{vectors}", "the", "--top", "3"], "--top"),  # was --topn 3
        (["demo", "--vec", "3", "--out-dir", "{dir}"], "--vec"),  # was --vector-size 3
    ],
    ids=["--cbow", "--vec", "--min", "top-level --deb", "similar --top", "demo --vec"],
)
def test_abbreviated_flags_are_errors(tmp_path, text_corpus, small_vectors, precious, args, flag):
    before = precious.read_bytes()
    filled = [a.format(corpus=text_corpus, out=precious, vectors=small_vectors, dir=tmp_path) for a in args]
    assert_one_line_error(w2v(*filled), "unrecognized arguments", flag)
    assert precious.read_bytes() == before
