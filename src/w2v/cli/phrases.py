"""``w2v phrases``: write a corpus with its phrases joined (``new york`` -> ``new_york``).

Two models: gensim's ``Phrases`` (scoring ``default`` or ``npmi``; w2v.phrases) reading the
corpus as ``w2v train`` does, and word2vec.c's ``word2phrase`` (``--scoring word2phrase``)
reproduced byte for byte, reading the bytes as word2phrase does. ``--passes 2`` runs the model
again on its own output, joining phrases into longer ones (trigrams), as the classic recipe
does; ``--save-model`` keeps the (last pass's) gensim-style model for ``w2v.Phrases.load``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

from .common import UserError, add_common_flags, add_reading_flags, check_outputs, spooled_stdin

DEFAULT_THRESHOLD = {"default": 10.0, "npmi": 0.5, "word2phrase": 100.0}


def add_parser(sub):
    p = sub.add_parser(
        "phrases",
        help="join frequent word pairs into phrases (new_york), as gensim's Phrases or word2phrase",
        description=(
            "Write CORPUS (a text file, .gz, .bz2, .zip or a folder of them) with its phrases joined by "
            "the delimiter, one sentence a line. --scoring default or npmi: gensim's Phrases "
            "(threshold defaults 10 and 0.5); --scoring word2phrase: word2vec.c's word2phrase, byte for "
            "byte (threshold 100)."
        ),
    )
    p.add_argument("corpus", help="the text to read (- for standard input)")
    p.add_argument("-o", "--output", required=True, help="the text file to write")
    p.add_argument("--scoring", choices=sorted(DEFAULT_THRESHOLD), default="default")
    p.add_argument(
        "--min-count", type=int, default=5, help="ignore words and pairs rarer than this (default 5)"
    )
    p.add_argument("--threshold", type=float, default=None, help="join pairs scoring above this")
    p.add_argument("--passes", type=int, default=1, help="2: join again on the output (trigrams) (default 1)")
    p.add_argument("--delimiter", default="_", help="joins a phrase's words (default _)")
    p.add_argument(
        "--connector-words",
        choices=["none", "english"],
        default="none",
        help="english: words such as 'of' and 'the' may sit inside a phrase, never at its ends (gensim's "
        "ENGLISH_CONNECTOR_WORDS)",
    )
    p.add_argument("--max-vocab-size", type=int, default=40_000_000, help="most keys held while counting")
    p.add_argument("--save-model", help="also save the last pass's model here (w2v.Phrases.load reads it)")
    add_reading_flags(p)
    add_common_flags(p)
    p.set_defaults(func=run)


def _say(args, text):
    if not args.quiet:
        print(text, file=sys.stderr, flush=True)


class _Progress:
    """What a pass has read so far: a live line on a terminal (every 0.5 s), a line every 10 s
    otherwise; nothing with --quiet."""

    def __init__(self, args, label, unit):
        self.quiet, self.label, self.unit = args.quiet, label, unit
        self.live = sys.stderr.isatty()
        self.every = 0.5 if self.live else 10.0
        self.start = self.last = time.perf_counter()
        self.done = 0

    def add(self, n):
        self.done += n
        now = time.perf_counter()
        if not self.quiet and now - self.last >= self.every:
            self.last = now
            text = f"{self.label}: {self.done:,} {self.unit} ({self.done / (now - self.start) / 1e3:,.0f}k/s)"
            print(
                ("\r" + text) if self.live else text,
                end="" if self.live else "\n",
                file=sys.stderr,
                flush=True,
            )

    def close(self):
        if not self.quiet and self.live and self.done:
            print(file=sys.stderr, flush=True)

    def sentences(self, sentences):
        for sentence in sentences:
            self.add(len(sentence))
            yield sentence
        self.close()

    def chunks(self, chunks):
        for data in chunks:
            self.add(len(data))
            yield data
        self.close()


def run(args):
    from ..corpus import TextCorpus

    if args.passes not in (1, 2):
        raise UserError(f"--passes must be 1 or 2, got {args.passes}")
    if args.min_count < 1:
        raise UserError(f"--min-count must be >= 1, got {args.min_count}")
    if args.scoring == "word2phrase" and (args.delimiter != "_" or args.connector_words != "none"):
        raise UserError("--scoring word2phrase joins with '_' and has no connector words")
    if args.scoring == "word2phrase" and (args.lowercase or args.tokenizer != "whitespace"):
        raise UserError(
            "--scoring word2phrase reads the text as word2phrase does: no --lowercase or --tokenizer"
        )
    if args.scoring == "word2phrase" and args.save_model:
        raise UserError("--save-model keeps gensim-style models; word2phrase has none to keep")
    threshold = DEFAULT_THRESHOLD[args.scoring] if args.threshold is None else args.threshold
    outputs = [("output", args.output)] + ([("model", args.save_model)] if args.save_model else [])
    check_outputs(outputs, inputs=[("corpus", None if args.corpus == "-" else args.corpus)])
    with spooled_stdin(args.corpus) as path:
        corpus = TextCorpus(path, lowercase=args.lowercase, tokenizer=args.tokenizer)
        _run(args, corpus, threshold)
    return 0


def _run(args, corpus, threshold):
    started = time.perf_counter()
    if args.scoring == "word2phrase":
        _word2phrase(args, corpus, threshold)
    else:
        _gensim_style(args, corpus, threshold)
    _say(args, f"wrote {args.output} in {time.perf_counter() - started:.1f} s")


def _gensim_style(args, corpus, threshold):
    from ..io.atomic import atomic_write
    from ..phrases import ENGLISH_CONNECTOR_WORDS, Phrases, apply_corpus

    connectors = ENGLISH_CONNECTOR_WORDS if args.connector_words == "english" else frozenset()
    models, source = [], corpus
    for n in range(args.passes):
        counting = _Progress(args, f"pass {n + 1}: counting", "words")
        model = Phrases(
            counting.sentences(source),
            min_count=args.min_count,
            threshold=threshold,
            max_vocab_size=args.max_vocab_size,
            delimiter=args.delimiter,
            scoring=args.scoring,
            connector_words=connectors,
        )
        _say(
            args,
            f"pass {n + 1}: {model.corpus_word_count:,} words, {len(model._table):,} words and pairs counted",
        )
        models.append(model)
        source = model[source]
    with atomic_write(args.output, "wb") as out:
        sentences = _Progress(args, f"writing {args.output}", "words").sentences(corpus)
        for model in models:
            sentences = apply_corpus(model, sentences)
        for sentence in sentences:
            out.write((" ".join(sentence) + "\n").encode("utf-8", "surrogateescape"))
    if args.save_model:
        models[-1].save(args.save_model)


def _chunks(corpus):
    for _name, chunks in corpus.documents():  # the documents one after another, as `cat` joins them
        yield from (data for data in chunks if data)


def _word2phrase(args, corpus, threshold):
    from ..engine.phrase_tables import Word2Phrase
    from ..io.atomic import atomic_write

    source, temporary = corpus, None
    try:
        for n in range(args.passes):
            w2p = Word2Phrase(args.min_count, threshold)
            for data in _Progress(args, f"pass {n + 1}: counting", "bytes").chunks(_chunks(source)):
                w2p.count(data)
            last = n == args.passes - 1
            if last:
                target = atomic_write(args.output, "wb")
            else:
                fd, temporary = tempfile.mkstemp(prefix="w2v-phrases-", suffix=".txt")
                target = os.fdopen(fd, "wb")
            with target as out:
                for data in _Progress(args, f"pass {n + 1}: writing", "bytes").chunks(_chunks(source)):
                    out.write(w2p.write(data))
            words, keys, written, joined = w2p.stats()
            _say(args, f"pass {n + 1}: {words:,} words, {keys:,} words and pairs counted, {joined:,} joined")
            w2p.close()
            if not last:
                from ..corpus import TextCorpus

                source = TextCorpus(temporary)
    finally:
        if temporary:
            os.unlink(temporary)
