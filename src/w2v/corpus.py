"""Corpora: streaming readers, the tokenizer, and the corpora that ship with w2v.

A corpus is any re-iterable of sentences, each a list of string tokens.

* :class:`TextCorpus` reads files as word2vec.c and gensim's ``LineSentence``
  do: one sentence per line, tokens separated by whitespace, no other
  processing. A run of more than ``chunk_bytes`` characters without
  whitespace, or a NUL byte anywhere, is taken for a binary file and
  refused (:class:`CorpusError`, naming the file and, for a NUL, its byte
  offset) while reading, so in the vocabulary pass, before any training. It
  reads plain text, ``.gz``, ``.bz2``, ``.zip`` (every member, in order) and
  folders (every file, sorted by name), in bounded chunks, so a text8-style
  file (one 100 MB line) never becomes one string. Damaged or truncated
  compressed data, a damaged zip, and zip members that are encrypted or use a
  compression method Python cannot read are a :class:`CorpusError` naming the
  file (and the member). A line longer than ``max_sentence_length`` tokens
  is cut into pieces of at most that many tokens; nothing is dropped.
  Invalid UTF-8 is replaced by U+FFFD and counted (``invalid_utf8`` after a
  pass).
* ``tokenize`` lower-cases and keeps runs of letters and digits, joined by
  apostrophes ("whale's" stays one token; quotes around a word are dropped).
  Typographic apostrophes (’ ‘) count as apostrophes. The built-in corpora
  are read with it, a paragraph at a time.
"""

from __future__ import annotations

import codecs
import numbers
import re
import zipfile
from importlib import resources
from pathlib import Path

from .io._files import DAMAGE_ERRORS, is_damage, open_compressed

MAX_SENTENCE_LENGTH = 10_000
CHUNK_BYTES = 1 << 20
MAX_CHUNK_BYTES = 1 << 30  # a chunk is held in memory (a few times over, as text)

_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})

BUILTIN_CORPORA = {  # name: (file in w2v/data, what a sentence is)
    "moby-dick": ("moby-dick.txt.gz", "paragraph"),  # wrapped lines, blank-line paragraphs
    "sotu": ("sotu.txt.gz", "line"),  # one address per line
}


TOKENIZERS = ("whitespace", "simple")  # or a regular expression


def token_pattern(tokenizer):
    """The compiled pattern of a tokenizer: None for "whitespace" (str.split), w2v's word pattern
    for "simple" (letters and digits, inner apostrophes), else ``tokenizer`` as a regular
    expression whose matches are the tokens (ValueError if it is not one)."""
    if tokenizer == "whitespace":
        return None
    if tokenizer == "simple":
        return _TOKEN
    if not isinstance(tokenizer, str) or not tokenizer:
        raise ValueError(
            f"tokenizer must be 'whitespace', 'simple' or a regular expression, not {tokenizer!r}"
        )
    try:
        pattern = re.compile(tokenizer)
    except re.error as exc:
        raise ValueError(f"tokenizer {tokenizer!r} is not a valid regular expression ({exc})") from None
    return pattern


def tokenize(text):
    """Lower-case ``text`` and split it into words (letters/digits and inner apostrophes)."""
    return _TOKEN.findall(text.lower().translate(_APOSTROPHES))


def builtin_corpus_path(name="moby-dick"):
    """The path of a corpus that ships inside the package."""
    if name not in BUILTIN_CORPORA:
        known = ", ".join(sorted(BUILTIN_CORPORA))
        raise ValueError(f"unknown built-in corpus {name!r}; known corpora: {known}")
    return Path(str(resources.files("w2v") / "data" / BUILTIN_CORPORA[name][0]))


def paragraphs(path):
    """Yield the token list of each paragraph (blank-line separated) of a text file (.gz, .bz2 ok)."""
    with open_compressed(path, "rt", encoding="utf-8", errors="replace") as f:
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


def lines(path, limit=MAX_SENTENCE_LENGTH):
    """Yield the tokens of each line of a text file (.gz, .bz2 ok), in pieces of at most ``limit``."""
    with open_compressed(path, "rt", encoding="utf-8", errors="replace") as f:
        for line in f:
            tokens = tokenize(line)
            for start in range(0, len(tokens), limit):
                yield tokens[start : start + limit]


def _builtin_sentences(name):
    path = builtin_corpus_path(name)
    return paragraphs(path) if BUILTIN_CORPORA[name][1] == "paragraph" else lines(path)


def load_builtin(name="moby-dick"):
    """A built-in corpus as a list of token lists (one per paragraph or line)."""
    return list(_builtin_sentences(name))


class CorpusError(Exception):
    """A corpus that cannot be read (missing, unreadable, not text)."""


class _ReplacementCounter:
    """Counts the bytes that the UTF-8 decoder had to replace."""

    def __init__(self):
        self.count = 0

    def __call__(self, exc):
        self.count += exc.end - exc.start
        return "\ufffd", exc.end


def _raw_streams(path):
    """Yield (name, binary file object) for every document at ``path``."""
    path = Path(path)
    if path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        for file in files:
            yield from _raw_streams(file)
        return
    if not path.exists():
        raise CorpusError(f"corpus {str(path)!r} does not exist")
    suffix = path.suffix.lower()
    if suffix == ".zip":
        yield from _zip_members(path)
        return
    with open_compressed(path, "rb") as stream:
        yield str(path), stream


def _zip_members(path):
    """Yield (name, binary file object) for every file in the zip archive ``path``, in order."""
    try:
        archive = zipfile.ZipFile(path)
    except (NotImplementedError, OSError, *DAMAGE_ERRORS) as exc:
        raise _zip_error(f"corpus {str(path)!r}", exc) from None
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = f"{path}:{info.filename}"
            if info.flag_bits & 0x1:
                raise CorpusError(f"{name}: the zip member is encrypted; w2v reads only unencrypted archives")
            try:
                member = archive.open(info)
            except (NotImplementedError, OSError, *DAMAGE_ERRORS) as exc:
                raise _zip_error(name, exc, info.compress_type) from None
            with member:
                yield name, member


def _zip_error(name, exc, method=None):
    """The CorpusError for ``exc`` from the zip module: damage, or a feature it lacks (such as a
    compression method); a real I/O failure (an OSError with an errno) is passed on as it is."""
    if isinstance(exc, NotImplementedError):
        what = "a zip member w2v cannot read" if method is None else f"compression method {method}"
        return CorpusError(f"{name}: {what} is not supported ({exc})")
    if is_damage(exc):
        return CorpusError(f"{name}: not a valid zip file or a damaged one ({exc})")
    return exc


class TextCorpus:
    """Whitespace-tokenised sentences, one per line, from a file or a folder.

    ``lowercase`` folds the text to lower case; ``tokenizer`` is "whitespace" (the default: what
    spaces separate, as word2vec.c and gensim's LineSentence read), "simple" (words of letters
    and digits with inner apostrophes, as the built-in corpora are read) or a regular expression
    whose whole matches are the tokens (a match never spans whitespace where a very long line is
    read in pieces). Re-iterable: each ``iter()`` reads the files again from the start.
    """

    def __init__(
        self,
        path,
        max_sentence_length=MAX_SENTENCE_LENGTH,
        chunk_bytes=CHUNK_BYTES,
        *,
        lowercase=False,
        tokenizer="whitespace",
    ):
        self.path = Path(path)
        self.max_sentence_length = _whole_number("max_sentence_length", max_sentence_length, 1)
        self.chunk_bytes = _whole_number("chunk_bytes", chunk_bytes, 1, MAX_CHUNK_BYTES)
        if not isinstance(lowercase, bool):
            raise ValueError(f"lowercase must be True or False, got {lowercase!r}")
        self.lowercase, self.tokenizer = lowercase, tokenizer
        self._pattern = token_pattern(tokenizer)
        self.invalid_utf8 = 0  # bytes replaced during the last complete pass
        if not self.path.exists():
            raise CorpusError(f"corpus {str(self.path)!r} does not exist")

    def __repr__(self):
        return f"TextCorpus({str(self.path)!r})"

    @property
    def plain(self):
        """True if tokens are the whitespace-separated words as they are (no case folding, no
        tokenizer): what the compiled vocabulary pass reads."""
        return self._pattern is None and not self.lowercase

    def _split(self, text):
        """The tokens of ``text`` (complete tokens only: tokens never span whitespace)."""
        if self.lowercase:
            text = text.lower()
        if self._pattern is None:
            return text.split()
        if self.tokenizer == "simple":
            text = text.translate(_APOSTROPHES)
        return [m.group(0) for m in self._pattern.finditer(text) if m.group(0)]  # whole matches, not groups

    def __iter__(self):
        counter = _ReplacementCounter()
        handler = f"w2v-count-{id(counter)}"
        codecs.register_error(handler, counter)
        for name, stream in _raw_streams(self.path):
            yield from self._sentences(name, stream, handler)
        self.invalid_utf8 = counter.count

    def documents(self):
        """Yield ``(name, chunks)`` for every document (file, or zip member) in order, ``chunks``
        an iterator of its raw bytes, ``chunk_bytes`` at a time, ending with ``b""``. Read errors,
        damaged compressed data and NUL bytes are a CorpusError naming the document."""
        for name, stream in _raw_streams(self.path):
            yield name, self._chunks(name, stream)

    def _chunks(self, name, stream):
        offset = 0  # bytes of the (decompressed) document read so far
        while True:
            try:
                data = stream.read(self.chunk_bytes)
            except (OSError, *DAMAGE_ERRORS) as exc:
                if is_damage(exc):
                    raise CorpusError(f"{name}: damaged or truncated compressed data ({exc})") from None
                raise CorpusError(f"cannot read corpus {name!r}: {exc}") from None
            nul = data.find(b"\x00")
            if nul >= 0:
                raise CorpusError(
                    f"{name}: NUL byte at byte {offset + nul:,}, so it is not UTF-8 text (a binary file?)"
                )
            offset += len(data)
            yield data
            if not data:
                return

    def _sentences(self, name, stream, errors):
        limit = self.max_sentence_length
        decoder = codecs.getincrementaldecoder("utf-8")(errors=errors)
        pending = []  # tokens of the line being read
        carry = ""  # text after the last whitespace: maybe half a token
        for data in self._chunks(name, stream):
            text = carry + decoder.decode(data, final=not data)
            lines = text.split("\n")
            carry = lines.pop()  # the unfinished last line
            for line in lines:
                pending.extend(self._split(line))
                yield from _pieces(pending, limit)
                pending.clear()
            if not data:
                pending.extend(self._split(carry))
                yield from _pieces(pending, limit)
                return
            if carry[-1:].isspace():  # every token of the long line so far is complete
                pending.extend(self._split(carry))
                carry = ""
            else:  # keep the last, maybe unfinished, token (str.split's idea of whitespace)
                parts = carry.rsplit(None, 1)
                if len(parts) == 2:
                    pending.extend(self._split(parts[0]))
                carry = parts[-1] if parts else ""  # the token alone, without the spaces before it
                if len(carry) > self.chunk_bytes:
                    raise CorpusError(
                        f"{name}: more than {self.chunk_bytes:,} characters without a space or line break; "
                        "is this a text file?"
                    )
            if len(pending) >= limit:
                full = len(pending) - len(pending) % limit
                yield from _pieces(pending[:full], limit)
                del pending[:full]


def _whole_number(name, value, low, high=None):
    """``value`` as an int in [low, high]; otherwise a ValueError naming the parameter and the range."""
    wanted = f"a whole number >= {low}" if high is None else f"a whole number from {low} to {high:,}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be {wanted}, got {value!r}")
    value = int(value)
    if value < low or (high is not None and value > high):
        raise ValueError(f"{name} must be {wanted}, got {value}")
    return value


def _pieces(tokens, limit):
    for start in range(0, len(tokens), limit):
        yield tokens[start : start + limit]


class BuiltinCorpus:
    """A corpus shipped with w2v, tokenised with :func:`tokenize`, a paragraph per sentence."""

    def __init__(self, name="moby-dick"):
        self.name = name
        self.path = builtin_corpus_path(name)

    def __repr__(self):
        return f"BuiltinCorpus({self.name!r})"

    def __iter__(self):
        return _builtin_sentences(self.name)
