"""The compiled vocabulary pass (w2v.text_scan, _scan.c) against the Python one (w2v.vocab).

The oracle is the Python reader: ``vocab.scan_corpus`` over the sentences that
``TextCorpus`` yields (str.split's whitespace, U+FFFD for invalid UTF-8, lines cut by the
corpus' and then the model's max_sentence_length). The compiled pass must give the same words
in the same order, the same counts, totals, sentence count, encoded corpus and invalid_utf8.
"""

import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from w2v import text_scan, vocab
from w2v.corpus import CorpusError, TextCorpus

# Pieces of text, as bytes: every kind of whitespace str.split knows, line breaks, plain and
# multi-byte token characters, and bytes that are not UTF-8 (alone, or a character cut short).
SPACES = [b" ", b"\t", b"\r", b"\x0b", b"\x0c", b"\x1c", b"\x1f", "\x85", "\xa0", "\u1680", "\u2000"]
SPACES += ["\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000"]
SPACES = [s.encode() if isinstance(s, str) else s for s in SPACES]
NOT_SPACES = ["\u200b", "\u2030", "\u00c2", "\u1681", "\u3001", "\u2080", "é", "中", "😀"]  # near misses too
LETTERS = [b"a", b"b", b"c", b"x"] + [s.encode() for s in NOT_SPACES]
INVALID = [b"\xff", b"\xc2", b"\xe2\x80", b"\xe2", b"\xed\xa0\x80", b"\xc3"]


@st.composite
def texts(draw):
    """A document: lines of tokens (at most 6 characters, so below any chunk size tested)."""
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        parts = []
        for _ in range(draw(st.integers(0, 12))):
            token = b"".join(draw(st.lists(st.sampled_from(LETTERS + INVALID[:2]), min_size=1, max_size=3)))
            if draw(st.booleans()) and draw(st.booleans()):
                token += draw(st.sampled_from(INVALID))
            parts.append(token)
            parts.append(b"".join(draw(st.lists(st.sampled_from(SPACES), min_size=1, max_size=2))))
        if parts and draw(st.booleans()):
            parts.pop()  # no space before the line break
        lines.append(b"".join(parts))
    end = draw(st.sampled_from([b"", b"\n", b"\r\n"]))
    return b"\n".join(lines) + end


def python_scan(corpus, limit, spill_tokens=None):
    """The oracle: the Python pass over what TextCorpus yields (a generator, so not compiled)."""
    scan = vocab.scan_corpus((s for s in corpus), limit, spill_tokens)
    return scan, corpus.invalid_utf8


def assert_same(a, b):
    assert a.words == b.words
    assert a.counts.tolist() == b.counts.tolist()
    assert (a.total_words, a.n_sentences, a.min_reduce) == (b.total_words, b.n_sentences, b.min_reduce)
    assert a.encoded.offsets.tolist() == b.encoded.offsets.tolist()
    n = a.encoded.n_tokens
    assert n == b.encoded.n_tokens
    ids_a = a.encoded.read(0, n, np.empty(n, np.int32)).tolist()
    ids_b = b.encoded.read(0, n, np.empty(n, np.int32)).tolist()
    assert ids_a == ids_b


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    docs=st.lists(texts(), min_size=1, max_size=3),
    chunk_bytes=st.sampled_from([7, 8, 13, 64, 1 << 20]),
    corpus_limit=st.integers(1, 7),
    model_limit=st.integers(1, 7),
    spill=st.sampled_from([None, 3]),
)
def test_compiled_scan_equals_the_python_scan(
    tmp_path_factory, docs, chunk_bytes, corpus_limit, model_limit, spill
):
    folder = tmp_path_factory.mktemp("docs")
    for i, doc in enumerate(docs):
        (folder / f"{i:02d}.txt").write_bytes(doc)
    corpus = TextCorpus(folder, max_sentence_length=corpus_limit, chunk_bytes=chunk_bytes)
    expected, invalid = python_scan(corpus, model_limit, spill)
    corpus.invalid_utf8 = -1
    got = text_scan.scan_text(corpus, model_limit, spill)
    assert_same(got, expected)
    assert corpus.invalid_utf8 == invalid


def test_the_generated_text_reaches_every_case():
    """The property above is only worth something if its pieces really are what they claim."""
    for space in SPACES:
        assert space.decode().isspace() and not space.decode().split()
    for letter in NOT_SPACES:
        assert not letter.isspace()
    for bad in INVALID:
        with pytest.raises(UnicodeDecodeError):
            bad.decode("utf-8")


def test_tokens_equal_after_replacement_are_one_word(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"a\xff b a\xfe b\nb a\xff\n")  # a\xff and a\xfe both read as 'a\ufffd'
    corpus = TextCorpus(path)
    scan = text_scan.scan_text(corpus)
    assert scan.words == ["a\ufffd", "b"]
    assert scan.counts.tolist() == [3, 3]
    assert scan.encoded.ids.tolist() == [0, 1, 0, 1, 1, 0]
    assert corpus.invalid_utf8 == 3


def test_a_zip_of_several_members_and_a_file_without_a_final_line_break(tmp_path):
    path = tmp_path / "c.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.txt", "the cat sat\non the mat")  # no final \n: the member's end ends the line
        archive.writestr("b.txt", "the end\n\n\nmat\n")
    corpus = TextCorpus(path)
    scan = text_scan.scan_text(corpus)
    assert scan.words == ["the", "cat", "sat", "on", "mat", "end"]
    assert scan.counts.tolist() == [3, 1, 1, 1, 2, 1]
    assert scan.n_sentences == 4 and scan.total_words == 9  # 'mat' alone is counted, not stored
    assert scan.encoded.offsets.tolist() == [0, 3, 6, 8]
    assert_same(scan, python_scan(corpus, 10_000)[0])


def test_an_endless_token_is_refused_as_the_python_reader_refuses_it(tmp_path):
    path = tmp_path / "blob.txt"
    path.write_bytes(b"ok fine\n" + b"x" * 5000)
    corpus = TextCorpus(path, chunk_bytes=1000)
    with pytest.raises(CorpusError, match="more than 1,000 characters without a space") as compiled:
        text_scan.scan_text(corpus)
    with pytest.raises(CorpusError) as python:
        python_scan(corpus, 10_000)
    assert str(compiled.value) == str(python.value)


def test_a_nul_byte_is_refused_naming_its_offset(tmp_path):
    path = tmp_path / "nul.txt"
    path.write_bytes(b"one two\nthree\x00four\n")
    with pytest.raises(CorpusError, match="NUL byte at byte 13"):
        text_scan.scan_text(TextCorpus(path))


def test_what_the_compiled_pass_does_not_cover_goes_to_the_python_pass(tmp_path, monkeypatch):
    path = tmp_path / "c.txt"
    path.write_text("a b a c\nb a\n")

    class Mine(TextCorpus):
        pass

    called = []
    monkeypatch.setattr(text_scan, "scan_text", lambda *a, **k: called.append(a))
    text_scan.scan_corpus(Mine(path))  # a subclass may read differently
    text_scan.scan_corpus(TextCorpus(path), max_vocab_size=10)  # pruning needs counts as it goes
    text_scan.scan_corpus([["a", "b"]])
    assert called == []
    text_scan.scan_corpus(TextCorpus(path))
    assert len(called) == 1
