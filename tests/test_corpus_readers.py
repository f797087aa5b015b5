"""TextCorpus and BuiltinCorpus: what the streaming readers yield, checked against str.split()."""

import bz2
import gzip
import random
import tracemalloc
import zipfile

import pytest

from w2v.corpus import BuiltinCorpus, CorpusError, TextCorpus, load_builtin

# Letters of 1, 2, 3 and 4 bytes in UTF-8, so chunk boundaries fall inside characters.
ALPHABET = ["a", "b", "z", "é", "ß", "€", "中", "𝄞"]
MAX_WORD = 8  # characters; chunk_bytes must exceed the longest token (see the no-whitespace test)


def _words(rng, n):
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, MAX_WORD))) for _ in range(n)]


def _pieces(tokens, limit):
    """A line's tokens cut into consecutive pieces of ``limit`` (written independently of w2v)."""
    return [tokens[i : i + limit] for i in range(0, len(tokens), limit)]


def _expected_sentences(text, limit):
    out = []
    for line in text.split("\n"):
        out.extend(_pieces(line.split(), limit))
    return out


@pytest.fixture(scope="module")
def text8_file(tmp_path_factory):
    """One line, no newline at the end, 25,003 tokens; mostly single spaces like text8."""
    rng = random.Random(8)
    words = _words(rng, 25_003)
    seps = [" "] * 20 + ["  ", "\t", " \t "]
    text = " " + "".join(w + rng.choice(seps) for w in words[:-1]) + words[-1]
    path = tmp_path_factory.mktemp("text8") / "text8"
    path.write_bytes(text.encode("utf-8"))
    assert text.split() == words
    return path, text


def _boundaries_inside_characters(data, chunk):
    """How many chunk boundaries fall on a UTF-8 continuation byte (inside a character)."""
    return sum(1 for pos in range(chunk, len(data), chunk) if data[pos] & 0xC0 == 0x80)


@pytest.mark.parametrize("chunk_bytes", [13, 97, 1000, 4096, 1 << 20])
@pytest.mark.parametrize("limit", [10_000, 7])
def test_text8_style_file_is_cut_into_full_pieces_and_loses_nothing(text8_file, chunk_bytes, limit):
    path, text = text8_file
    data = path.read_bytes()
    if chunk_bytes < len(data):  # the test is only worth something if chunks cut characters
        assert _boundaries_inside_characters(data, chunk_bytes) > 0
    tokens = text.split()
    sentences = list(TextCorpus(path, max_sentence_length=limit, chunk_bytes=chunk_bytes))
    assert [len(s) for s in sentences[:-1]] == [limit] * (len(sentences) - 1)
    assert 1 <= len(sentences[-1]) <= limit
    assert len(sentences) == -(-len(tokens) // limit)
    assert [t for s in sentences for t in s] == tokens
    assert sentences == _pieces(tokens, limit)


@pytest.mark.parametrize("sep", ["\u3000", "\u2028"])
def test_text8_style_file_with_unicode_whitespace_separators(tmp_path, sep):
    rng = random.Random(3)
    words = _words(rng, 3_000)
    text = sep.join(words)
    path = tmp_path / "cjk.txt"
    path.write_bytes(text.encode("utf-8"))
    sentences = list(TextCorpus(path, max_sentence_length=10_000, chunk_bytes=4096))
    assert [t for s in sentences for t in s] == text.split() == words


MULTI = (
    "the quick  brown\tfox\n"
    "\n"
    "   \t  \n"
    "jumps\t\tover\n"
    + " ".join(f"w{i}" for i in range(23))  # longer than the limit of 10: pieces of 10, 10, 3
    + "\n\n"
    "crlf line\r\n"
    "\r\n"
    "last\tline  without newline"
)


@pytest.mark.parametrize("chunk_bytes", [11, 64, 1 << 20])
def test_multi_line_file(tmp_path, chunk_bytes):
    path = tmp_path / "multi.txt"
    path.write_bytes(MULTI.encode("utf-8"))
    sentences = list(TextCorpus(path, max_sentence_length=10, chunk_bytes=chunk_bytes))
    long_line = [f"w{i}" for i in range(23)]
    assert sentences == [
        ["the", "quick", "brown", "fox"],
        ["jumps", "over"],
        long_line[:10],
        long_line[10:20],
        long_line[20:],
        ["crlf", "line"],
        ["last", "line", "without", "newline"],
    ]
    assert sentences == _expected_sentences(MULTI, 10)
    assert not any("\r" in t or not t for s in sentences for t in s)
    assert all(sentences)


CONTENT_1 = "alpha beta gamma\n\ndelta  epsilon\n" + " ".join(f"x{i}" for i in range(12)) + "\n"
CONTENT_2 = "zeta eta\r\ntheta\n\niota kappa lambda mu"
CONTENT_3 = "nested file\nin a folder\n"


def _expected(*contents, limit=5):
    return [s for c in contents for s in _expected_sentences(c, limit)]


def _write_txt(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes((CONTENT_1 + CONTENT_2).encode())
    return path, _expected(CONTENT_1 + CONTENT_2)


def _write_gz(tmp_path):
    path = tmp_path / "c.txt.gz"
    with gzip.open(path, "wb") as f:
        f.write((CONTENT_1 + CONTENT_2).encode())
    return path, _expected(CONTENT_1 + CONTENT_2)


def _write_bz2(tmp_path):
    path = tmp_path / "c.BZ2"  # the suffix is matched case-insensitively
    with bz2.open(path, "wb") as f:
        f.write((CONTENT_1 + CONTENT_2).encode())
    return path, _expected(CONTENT_1 + CONTENT_2)


def _write_zip(tmp_path):
    path = tmp_path / "c.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        # member order in the archive, not name order: "z_first" is member 1
        z.writestr("z_first.txt", CONTENT_1)
        z.writestr("somedir/", "")
        z.writestr("a_second.txt", CONTENT_2)
    return path, _expected(CONTENT_1, CONTENT_2)


def _write_dir(tmp_path):
    root = tmp_path / "folder"
    (root / "c_sub").mkdir(parents=True)
    # created out of order: reading order must come from the names
    (root / "b.txt").write_bytes(CONTENT_2.encode())
    with gzip.open(root / "c_sub" / "d.txt.gz", "wb") as f:
        f.write(CONTENT_3.encode())
    (root / "a.txt").write_bytes(CONTENT_1.encode())
    (root / ".hidden.txt").write_bytes(b"must not be read\n")
    (root / "c_sub" / ".also_hidden").write_bytes(b"nor this\n")
    return root, _expected(CONTENT_1, CONTENT_2, CONTENT_3)


@pytest.mark.parametrize("writer", [_write_txt, _write_gz, _write_bz2, _write_zip, _write_dir])
@pytest.mark.parametrize("chunk_bytes", [7, 1 << 20])
def test_formats_give_the_expected_sentences(tmp_path, writer, chunk_bytes):
    path, expected = writer(tmp_path)
    corpus = TextCorpus(path, max_sentence_length=5, chunk_bytes=chunk_bytes)
    first = list(corpus)
    assert first == expected
    assert list(corpus) == first  # re-iterable: a second pass reads everything again
    assert corpus.invalid_utf8 == 0


def test_zip_members_are_concatenated_member_1_first(tmp_path):
    path, _ = _write_zip(tmp_path)
    sentences = list(TextCorpus(path))
    assert sentences == [
        ["alpha", "beta", "gamma"],
        ["delta", "epsilon"],
        [f"x{i}" for i in range(12)],
        ["zeta", "eta"],
        ["theta"],
        ["iota", "kappa", "lambda", "mu"],
    ]


def test_reiterable_and_iterators_are_independent(text8_file):
    path, text = text8_file
    corpus = TextCorpus(path, max_sentence_length=1000, chunk_bytes=4096)
    a, b = iter(corpus), iter(corpus)
    first_a = next(a)
    assert next(b) == first_a
    rest_a = list(a)
    assert [first_a, *rest_a] == list(corpus) == _pieces(text.split(), 1000)


CHUNK = 16


def _place(buf, pos, raw):
    """Pad ``buf`` with spaces up to byte ``pos`` and put ``raw`` there."""
    assert len(buf) <= pos, (len(buf), pos)
    buf += b" " * (pos - len(buf)) + raw


def _bad_utf8_bytes():
    buf = bytearray(b"alpha be\xfft gamm")  # \xff: 1 invalid byte inside a token
    _place(buf, CHUNK - 1, b"\xc3a delta")  # \xc3 (truncated 2-byte) as the last byte of chunk 0: 1
    _place(buf, 2 * CHUNK, b"\xfend\n")  # \xfe as the first byte of chunk 2: 1
    _place(buf, 3 * CHUNK - 2, b"q\xe2\x82z end")  # truncated 3-byte across the chunk 2/3 boundary: 2
    _place(buf, 4 * CHUNK - 2, b"\xe2\x82\xac\n ok")  # a valid euro sign across the 3/4 boundary
    buf += b" tail\xc3"  # truncated at the end of the file: 1
    return bytes(buf), 1 + 1 + 1 + 2 + 1


@pytest.mark.parametrize("chunk_bytes", [CHUNK, 17, 1 << 20])
def test_invalid_utf8_is_replaced_and_counted(tmp_path, chunk_bytes):
    data, n_invalid = _bad_utf8_bytes()
    assert (
        data[CHUNK - 1] == 0xC3
        and data[2 * CHUNK] == 0xFE
        and data[3 * CHUNK - 1 : 3 * CHUNK + 1] == b"\xe2\x82"
    )
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    corpus = TextCorpus(path, chunk_bytes=chunk_bytes)
    assert corpus.invalid_utf8 == 0  # nothing read yet
    sentences = list(corpus)
    assert sentences == [
        ["alpha", "be\ufffdt", "gamm\ufffda", "delta", "\ufffdnd"],
        ["q\ufffdz", "end", "€"],
        ["ok", "tail\ufffd"],
    ]
    assert sentences == _expected_sentences(data.decode("utf-8", "replace"), 10_000)
    assert corpus.invalid_utf8 == n_invalid == 6
    list(corpus)
    assert corpus.invalid_utf8 == 6  # per pass, not accumulated


def test_invalid_utf8_counts_each_maximal_bad_subsequence_by_its_bytes(tmp_path):
    # \xc3\xc3: two truncated lead bytes (1 + 1); \xf0\x9d\x84: a truncated 4-byte sequence (3);
    # \xc0\xaf: an overlong encoding, both bytes invalid (1 + 1); \xed\xa0\x80: a surrogate (1 + 1 + 1)
    path = tmp_path / "bad2.txt"
    path.write_bytes(b"a\xc3\xc3b c\xf0\x9d\x84d e\xc0\xaff g\xed\xa0\x80h\n")
    corpus = TextCorpus(path, chunk_bytes=5)
    assert list(corpus) == [["a\ufffd\ufffdb", "c\ufffdd", "e\ufffd\ufffdf", "g\ufffd\ufffd\ufffdh"]]
    assert corpus.invalid_utf8 == 2 + 3 + 2 + 3


def test_clean_file_counts_no_invalid_bytes(text8_file):
    path, _ = text8_file
    corpus = TextCorpus(path, chunk_bytes=97)
    assert sum(map(len, corpus)) == 25_003
    assert corpus.invalid_utf8 == 0


def test_missing_path_raises_corpus_error_naming_it(tmp_path):
    missing = tmp_path / "no" / "such-corpus.txt"
    with pytest.raises(CorpusError, match="such-corpus.txt") as info:
        TextCorpus(missing)
    assert str(missing) in str(info.value)


def test_corrupt_zip_raises_corpus_error_when_iterated(tmp_path):
    path = tmp_path / "broken.zip"
    path.write_bytes(random.Random(1).randbytes(5000))
    corpus = TextCorpus(path)  # it exists: the constructor does not read it
    with pytest.raises(CorpusError, match="broken.zip"):
        list(corpus)


def test_zip_member_with_bad_crc_raises_corpus_error(tmp_path):
    path = tmp_path / "crc.zip"
    payload = b"hello world " * 50
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr("m.txt", payload)
    raw = bytearray(path.read_bytes())
    at = raw.index(payload) + 100
    raw[at] ^= 0x01  # the stored data no longer matches its CRC-32
    path.write_bytes(bytes(raw))
    with pytest.raises(CorpusError, match="crc.zip"):
        list(TextCorpus(path))


BLOB_SIZE = 3 * 1024 * 1024


@pytest.fixture(scope="module")
def blob_file(tmp_path_factory):
    """3 MB with no whitespace at all."""
    path = tmp_path_factory.mktemp("blob") / "blob.txt"
    path.write_bytes(b"abcdefghij" * (BLOB_SIZE // 10) + b"k" * (BLOB_SIZE % 10))
    return path


def test_file_without_whitespace_is_refused_with_bounded_memory(blob_file):
    """3 MB without a space or a line break is not text: a clear error, long before the end."""
    tracemalloc.start()
    try:
        with pytest.raises(CorpusError, match="without a space or line break") as info:
            for _ in TextCorpus(blob_file, chunk_bytes=1 << 16):
                pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(blob_file) in str(info.value)
    assert peak < BLOB_SIZE // 4  # bounded by the chunk size, not the file size


def test_nul_bytes_mean_a_binary_file(tmp_path):
    path = tmp_path / "model.bin"
    path.write_bytes(b"12 100\nthe \x00\x00\x80?\x00\x00 of")
    with pytest.raises(CorpusError, match="NUL") as info:
        list(TextCorpus(path))
    assert str(path) in str(info.value)


def test_hidden_folders_are_skipped(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("visible words\n")
    assert list(TextCorpus(tmp_path)) == [["visible", "words"]]


def test_builtin_corpus_is_reiterable_and_matches_load_builtin():
    corpus = BuiltinCorpus("moby-dick")
    first = list(corpus)
    second = list(corpus)
    assert first == second == load_builtin()
    assert len(first) > 100 and all(first)
