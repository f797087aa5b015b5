"""``w2v demo``: train on the built-in corpus in one go, print neighbours, draw a picture."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from .common import UserError, check_output

DEMO_PROBES = ["whale", "ship", "sea", "captain", "harpoon", "white"]
DEMO_PLOT_WORDS = [
    "whale",
    "sperm",
    "ship",
    "boat",
    "sea",
    "ocean",
    "water",
    "wind",
    "captain",
    "ahab",
    "starbuck",
    "stubb",
    "queequeg",
    "harpoon",
    "lance",
    "day",
    "night",
    "man",
    "men",
    "head",
    "eyes",
    "hand",
]


def _train_demo_model(args):
    """Train on the built-in corpus; returns (KeyedVectors, loss history, seconds)."""
    from ..corpus import BuiltinCorpus, load_builtin
    from ..vectors import KeyedVectors

    if args.trainer == "reference":
        from ..reference.trainer import ReferenceTrainer

        print(
            "training: reference trainer (plain NumPy SGD), skip-gram, negative sampling, "
            f"d={args.vector_size}, {args.epochs} epochs, at most {args.seconds:.0f} s"
        )
        trainer = ReferenceTrainer(
            vector_size=args.vector_size, epochs=args.epochs, seed=args.seed, max_seconds=args.seconds
        )
        model = trainer.fit(
            load_builtin("moby-dick"),
            progress=lambda epoch, _f, loss: print(f"  epoch {epoch + 1}: mean loss {loss:.4f}", flush=True),
        )
        return KeyedVectors(model.index_to_key, model.w_in, model.counts), model.loss_history, model.seconds

    from ..model import Word2Vec

    print(
        f"training: w2v engine, skip-gram, negative sampling, d={args.vector_size}, {args.epochs} epochs, "
        f"{args.workers} worker(s)"
    )
    model = Word2Vec(
        vector_size=args.vector_size, sg=1, epochs=args.epochs, workers=args.workers, seed=args.seed
    )
    model.fit(BuiltinCorpus("moby-dick"))
    for epoch, (loss, frozen) in enumerate(zip(model.loss_history_, model.eval_loss_history_, strict=True)):
        print(f"  epoch {epoch + 1}: mean loss {loss:.4f} (frozen-weights loss {frozen:.4f})")
    return model.wv, model.loss_history_, model.train_seconds_


def _demo(args):
    from ..corpus import load_builtin
    from ..plot import plot_words

    out = Path(args.out_dir)
    if not out.exists():
        raise UserError(f"output folder {str(out)!r} does not exist; create it first")
    if not out.is_dir():
        raise UserError(f"output folder {str(out)!r} is not a folder")
    check_output(out / "word_vectors.png", "picture")  # before training, not after it
    sentences = load_builtin("moby-dick")
    n_tokens = sum(map(len, sentences))
    print(f"corpus: moby-dick (built in), {len(sentences):,} paragraphs, {n_tokens:,} words")
    kv, _history, seconds = _train_demo_model(args)
    print(f"trained in {seconds:.1f} s; vocabulary {len(kv):,} words")
    print("\nnearest words (cosine):")
    for word in DEMO_PROBES:
        if word in kv:
            near = ", ".join(w for w, _ in kv.most_similar(word, topn=8))
            print(f"  {word:>9}: {near}")
    words = [w for w in DEMO_PLOT_WORDS if w in kv]
    png = out / "word_vectors.png"
    plot_words(kv, words, png, title="Moby Dick word vectors (PCA)")
    print(f"\nwrote {png}")
    return 0


def _whole_number(low):
    """An argparse type: a whole number >= ``low`` (argparse names the option in its error)."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid whole number: {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
        return value

    parse.__name__ = "whole number"  # argparse's name for the type in its own messages
    return parse


_dimensions = _whole_number(1)


def _seconds(text):
    """A time budget: a finite number of seconds > 0 (not nan, not inf)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number of seconds: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds above 0, got {text}")
    return value


class _VectorSize(argparse.Action):
    """Stores --vector-size; --size, the old spelling, still works but says it is deprecated."""

    def __call__(self, parser, namespace, values, option_string=None):
        if option_string == "--size":
            print("w2v demo: --size is deprecated; use --vector-size", file=sys.stderr)
        setattr(namespace, self.dest, values)


def add_parser(sub):
    demo = sub.add_parser(
        "demo", help="train on the built-in corpus in one go, print neighbours, draw a picture"
    )
    demo.add_argument(
        "--trainer",
        choices=["engine", "reference"],
        default="engine",
        help="the compiled engine (default) or the slow reference trainer (classroom mode)",
    )
    demo.add_argument(
        "--seconds", type=_seconds, default=150.0, help="time budget of the reference trainer (default 150)"
    )
    demo.add_argument("--epochs", type=_whole_number(1), default=10, help="epochs (default 10)")
    demo.add_argument(
        "--vector-size",
        "--size",  # the old spelling, deprecated; kept so that old scripts still run
        dest="vector_size",
        type=_dimensions,
        default=100,
        action=_VectorSize,
        metavar="N",
        help="vector dimensions (default 100; --size is a deprecated alias)",
    )
    demo.add_argument("--workers", type=_whole_number(1), default=2, help="threads of the engine (default 2)")
    demo.add_argument("--seed", type=_whole_number(0), default=1, help="random seed (default 1)")
    demo.add_argument("--out-dir", default=".", help="folder for word_vectors.png (default: current folder)")
    demo.set_defaults(func=_demo)
