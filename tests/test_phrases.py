"""w2v.Phrases against gensim's Phrases, and --scoring word2phrase against word2vec.c's word2phrase.

The peers are the oracles: the same text through gensim's Phrases (its vocab, export_phrases,
the joined sentences, FrozenPhrases) and through the word2phrase program (its output bytes).
"""

import subprocess

import numpy as np
import pytest

from conftest import require_word2vec_tool
from w2v import ENGLISH_CONNECTOR_WORDS, FrozenPhrases, Phrases
from w2v.cli import main as cli_main

COLLOCATIONS = [["new", "york"], ["san", "francisco"], ["bank", "of", "america"], ["new", "york_city"]]


def corpus(seed=3, n=600):
    """Zipf-distributed words with collocations planted (one holds a connector word, one a token
    that holds the delimiter, so the joined key 'new_york_city' comes from two splits)."""
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(80)] + ["the", "of", "and", "a", "new", "york", "new_york"]
    p = 1.0 / np.arange(1, len(words) + 1)
    p /= p.sum()
    sentences = []
    for _ in range(n):
        sentence = list(rng.choice(words, size=int(rng.integers(1, 14)), p=p))
        for _ in range(int(rng.integers(0, 3))):
            at = int(rng.integers(0, len(sentence) + 1))
            sentence[at:at] = COLLOCATIONS[int(rng.integers(len(COLLOCATIONS)))]
        sentences.append(sentence)
    return sentences


def custom_scorer(worda_count, wordb_count, bigram_count, len_vocab, min_count, corpus_word_count):
    return bigram_count / (worda_count + wordb_count) * 10


SETTINGS = {
    "default": dict(min_count=3, threshold=2.0),
    "connectors": dict(min_count=3, threshold=2.0, connector_words=ENGLISH_CONNECTOR_WORDS),
    "npmi": dict(min_count=3, threshold=0.3, scoring="npmi", connector_words=ENGLISH_CONNECTOR_WORDS),
    "pruned": dict(min_count=2, threshold=1.0, max_vocab_size=120),
    "custom": dict(min_count=3, threshold=1.0, scoring=custom_scorer),
}


def twins(gensim_models, name, sentences):
    from gensim.models.phrases import Phrases as GensimPhrases

    settings = dict(SETTINGS[name])
    theirs_settings = dict(settings)
    return Phrases(sentences, **settings), GensimPhrases(sentences, **theirs_settings)


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_counts_phrases_and_joined_sentences_equal_gensims(gensim_models, name):
    sentences = corpus()
    ours, theirs = twins(gensim_models, name, sentences)
    assert ours.vocab == theirs.vocab
    assert ours.corpus_word_count == theirs.corpus_word_count
    exported = ours.export_phrases()
    assert exported.keys() == theirs.export_phrases().keys()
    for phrase, score in theirs.export_phrases().items():
        assert exported[phrase] == pytest.approx(score, rel=1e-12)
    if name != "pruned":
        assert len(exported) >= 3  # the planted collocations (the test needs phrases to compare)
    assert [ours[s] for s in sentences] == [theirs[s] for s in sentences]
    assert list(ours[sentences]) == list(theirs[sentences])
    assert ours.find_phrases(sentences).keys() == theirs.find_phrases(sentences).keys()


@pytest.mark.parametrize("name", ["default", "connectors", "npmi"])
def test_frozen_phrases_equal_gensims(gensim_models, name):
    sentences = corpus(seed=5)
    ours, theirs = twins(gensim_models, name, sentences)
    frozen_ours, frozen_theirs = ours.freeze(), theirs.freeze()
    assert frozen_ours.phrasegrams.keys() == frozen_theirs.phrasegrams.keys()
    assert [frozen_ours[s] for s in sentences] == [frozen_theirs[s] for s in sentences]
    # Freezing keeps what a model joins, except where a token holds the delimiter: export_phrases
    # scores a key by its first and last parts (gensim does the same).
    plain = [s for s in sentences if not any("_" in w for w in s)]
    assert len(plain) > 100
    assert [frozen_ours[s] for s in plain] == [ours[s] for s in plain]
    # the compiled joining follows a changed threshold and changed phrasegrams, as the dict would
    frozen_ours.threshold = frozen_theirs.threshold = 1e9
    assert [frozen_ours[s] for s in sentences] == [frozen_theirs[s] for s in sentences]
    frozen_ours.threshold = frozen_theirs.threshold = SETTINGS[name]["threshold"]
    for grams in (frozen_ours.phrasegrams, frozen_theirs.phrasegrams):
        grams[next(iter(grams))] = -1e9  # the first phrase no longer scores
    assert [frozen_ours[s] for s in sentences] == [frozen_theirs[s] for s in sentences]


def test_add_vocab_merges_counts_as_gensim_does(gensim_models):
    from gensim.models.phrases import Phrases as GensimPhrases

    first, second = corpus(seed=7, n=300), corpus(seed=8, n=300)
    ours = Phrases(first, min_count=2, threshold=1.0, max_vocab_size=150)
    theirs = GensimPhrases(first, min_count=2, threshold=1.0, max_vocab_size=150)
    ours.add_vocab(second)
    theirs.add_vocab(second)
    assert ours.vocab == theirs.vocab
    assert ours.min_reduce == theirs.min_reduce
    assert ours.export_phrases() == pytest.approx(theirs.export_phrases())


def test_two_passes_join_trigrams_as_gensim_does(gensim_models):
    from gensim.models.phrases import Phrases as GensimPhrases

    sentences = [s[:3] + ["new", "york", "city"] + s[3:] for s in corpus(seed=17, n=300)]
    ours = Phrases(sentences, min_count=3, threshold=2.0)
    theirs = GensimPhrases(sentences, min_count=3, threshold=2.0)
    ours3 = Phrases(ours[sentences], min_count=3, threshold=2.0)
    theirs3 = GensimPhrases(theirs[sentences], min_count=3, threshold=2.0)
    joined = [ours3[ours[s]] for s in sentences]
    assert joined == [theirs3[theirs[s]] for s in sentences]
    assert any(token.count("_") >= 2 for s in joined for token in s)  # three words in one token


def test_save_and_load_keep_every_answer(tmp_path):
    sentences = corpus(seed=11)
    model = Phrases(sentences, min_count=3, threshold=2.0, connector_words=ENGLISH_CONNECTOR_WORDS)
    model.save(tmp_path / "m.phr")
    again = Phrases.load(tmp_path / "m.phr")
    assert again.vocab == model.vocab and again.connector_words == model.connector_words
    assert [again[s] for s in sentences] == [model[s] for s in sentences]
    frozen = model.freeze()
    frozen.save(tmp_path / "f.phr")
    loaded = FrozenPhrases.load(tmp_path / "f.phr")
    assert loaded.phrasegrams == frozen.phrasegrams
    assert [loaded[s] for s in sentences] == [frozen[s] for s in sentences]
    assert isinstance(Phrases.load(tmp_path / "f.phr"), FrozenPhrases)  # whatever the file holds, as gensim


def test_a_custom_scorer_is_passed_again_on_load(tmp_path):
    model = Phrases(corpus(), min_count=3, threshold=1.0, scoring=custom_scorer)
    model.save(tmp_path / "c.phr")
    with pytest.raises(ValueError, match="custom scoring function"):
        Phrases.load(tmp_path / "c.phr")
    again = Phrases.load(tmp_path / "c.phr", scoring=custom_scorer)
    assert again.export_phrases() == model.export_phrases()


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(min_count=0), "min_count"),
        (dict(threshold=0), "threshold"),
        (dict(scoring="npmi", threshold=2), "between -1 and 1"),
        (dict(scoring="bogus"), "unknown scoring"),
        (dict(scoring=lambda a, b: 1), "missing expected parameters"),
        (dict(delimiter=""), "delimiter"),
        (dict(max_vocab_size=0), "max_vocab_size"),
        (dict(progress_per=0), "progress_per"),
    ],
)
def test_bad_settings_are_refused_naming_them(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Phrases(**kwargs)


def test_a_string_is_not_a_corpus():
    with pytest.raises(TypeError, match="got a string"):
        Phrases("new york new york")


# -- word2phrase, byte for byte ---------------------------------------------------------------------

QUIRKS = (
    b"the new york times said new york is big\r\n"  # \r deleted
    b"new\tyork new  york " + b"x" * 70 + b" new york\n"  # tabs, double spaces, a word cut to 58 bytes
    b"\n\nnew york </s> york new york new york\n"  # empty lines; the literal </s> ends a line
    b"new york new york new york new york city new york"  # no final line break: the last word goes
)


def w2v_phrases(*args):
    return cli_main(["phrases", *map(str, args), "--quiet"])


@pytest.mark.parametrize("text", [QUIRKS, QUIRKS + b"\n", b"", b"one", b"a b\n" * 50])
@pytest.mark.parametrize(
    "settings", [("-min-count", 1, "-threshold", 1), ("-min-count", 2, "-threshold", 50)]
)
def test_word2phrase_output_is_byte_identical(tmp_path, text, settings):
    tool = require_word2vec_tool("word2phrase")
    source = tmp_path / "in.txt"
    source.write_bytes(text * 3 if text.count(b"\n") < 10 else text)
    # word2phrase keeps file names in 60-byte buffers: short relative names
    args = [tool, "-train", "in.txt", "-output", "c.txt", *map(str, settings), "-debug", "0"]
    subprocess.run(args, check=True, capture_output=True, cwd=tmp_path)
    min_count, threshold = settings[1], settings[3]
    assert w2v_phrases(source, "-o", tmp_path / "w.txt", "--scoring", "word2phrase",
                       "--min-count", min_count, "--threshold", threshold) == 0  # fmt: skip
    ours, theirs = (tmp_path / "w.txt").read_bytes(), (tmp_path / "c.txt").read_bytes()
    assert ours == theirs


def test_word2phrase_joins_something_on_the_quirky_text(tmp_path):
    """The byte-identity above is only a check if phrases were really formed."""
    source = tmp_path / "in.txt"
    source.write_bytes(QUIRKS * 3)
    assert w2v_phrases(source, "-o", tmp_path / "w.txt", "--scoring", "word2phrase", "--min-count", 1,
                       "--threshold", 1) == 0  # fmt: skip
    assert b"new_york" in (tmp_path / "w.txt").read_bytes()


def test_the_command_writes_what_the_model_joins(tmp_path):
    sentences = corpus(seed=13)
    source = tmp_path / "c.txt"
    source.write_text("".join(" ".join(s) + "\n" for s in sentences))
    assert w2v_phrases(source, "-o", tmp_path / "out.txt", "--min-count", 3, "--threshold", 2,
                       "--save-model", tmp_path / "m.phr") == 0  # fmt: skip
    model = Phrases(sentences, min_count=3, threshold=2.0)
    written = [line.split() for line in (tmp_path / "out.txt").read_text().splitlines()]
    assert written == [model[s] for s in sentences if s]
    assert Phrases.load(tmp_path / "m.phr").vocab == model.vocab


def test_the_command_refuses_to_overwrite_its_input(tmp_path, capsys):
    source = tmp_path / "c.txt"
    source.write_text("a b c\n")
    assert w2v_phrases(source, "-o", source) == 2
    assert "overwritten" in capsys.readouterr().err
    assert source.read_text() == "a b c\n"


def test_a_damaged_phrase_table_is_refused(tmp_path):
    from w2v.io.native import load_native, save_native

    Phrases([["a", "b", "a", "b"]] * 5, min_count=1, threshold=0.1).save(tmp_path / "m.phr")
    kind, meta, arrays = load_native(tmp_path / "m.phr", mmap=False)
    starts = np.array(arrays["key_starts"])
    starts[1] = starts[2]  # an empty key with no separator: offsets that are not increasing
    save_native(tmp_path / "bad.phr", kind=kind, meta=meta, arrays={**arrays, "key_starts": starts})
    with pytest.raises(ValueError, match="damaged"):
        Phrases.load(tmp_path / "bad.phr")


def test_counting_logs_progress_as_gensim_does(caplog):
    import logging

    with caplog.at_level(logging.INFO, logger="w2v"):
        Phrases(corpus(n=600), min_count=3, threshold=2.0, progress_per=100)
    assert any(r.getMessage().startswith("PROGRESS: at sentence #") for r in caplog.records)


def test_a_long_delimiter_that_overlaps_a_word_joins_as_gensim(gensim_models):
    from gensim.models.phrases import Phrases as GensimPhrases

    sentences = [["foo_", "bar", "baz"]] * 20 + [["x", "y"]] * 20
    ours = Phrases(sentences, min_count=1, threshold=0.1, delimiter="__")
    theirs = GensimPhrases(sentences, min_count=1, threshold=0.1, delimiter="__")
    assert ours[["foo_", "bar"]] == theirs[["foo_", "bar"]] == ["foo___bar"]
    assert [ours[s] for s in sentences] == [theirs[s] for s in sentences]


def test_tokens_holding_line_breaks_keep_their_keys(gensim_models):
    from gensim.models.phrases import Phrases as GensimPhrases

    sentences = [["a\nb", "c"]] * 50 + [["x", "y"]] * 50
    ours = Phrases(sentences, min_count=1, threshold=0.1)
    theirs = GensimPhrases(sentences, min_count=1, threshold=0.1)
    assert ours.vocab == theirs.vocab
    assert ours.export_phrases() == pytest.approx(theirs.export_phrases())
    assert ours.freeze()[["a\nb", "c"]] == ours[["a\nb", "c"]] == ["a\nb_c"]


def test_frozen_phrases_follow_any_change_to_phrasegrams():
    frozen = Phrases([["new", "york", "now"]] * 30 + [["x", "y"]] * 30, min_count=1, threshold=0.1).freeze()
    assert frozen[["new", "york"]] == ["new_york"]
    score = frozen.phrasegrams.pop("new_york")
    frozen.phrasegrams["san_francisco2"] = score  # same size, same sum of scores
    assert frozen[["new", "york"]] == ["new", "york"]
    frozen.phrasegrams = {"new_york": score}  # a plain dict assigned
    assert frozen[["new", "york"]] == ["new_york"] and frozen[["x", "y"]] == ["x", "y"]
