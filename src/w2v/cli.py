"""The ``w2v`` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__

DEMO_PROBES = ["whale", "ship", "sea", "captain", "harpoon", "white"]
DEMO_PLOT_WORDS = [
    "whale", "sperm", "ship", "boat", "sea", "ocean", "water", "wind",
    "captain", "ahab", "starbuck", "stubb", "queequeg", "harpoon", "lance",
    "day", "night", "man", "men", "head", "eyes", "hand",
]  # fmt: skip


class UserError(Exception):
    """A mistake the user can fix: reported as one line, exit status 2."""


def _demo(args):
    from .corpus import load_builtin
    from .plot import plot_words
    from .reference.trainer import ReferenceTrainer
    from .vectors import KeyedVectors

    out = Path(args.out_dir)
    if not out.is_dir():
        raise UserError(f"output folder {str(out)!r} does not exist")
    sentences = load_builtin("moby-dick")
    n_tokens = sum(map(len, sentences))
    print(f"corpus: moby-dick (built in), {len(sentences):,} paragraphs, {n_tokens:,} words")
    print(
        f"training: reference trainer (plain NumPy SGD), skip-gram, negative sampling, "
        f"d={args.size}, {args.epochs} epochs, at most {args.seconds:.0f} s"
    )
    trainer = ReferenceTrainer(
        vector_size=args.size, epochs=args.epochs, seed=args.seed, max_seconds=args.seconds
    )

    def progress(epoch, _fraction, loss):
        print(f"  epoch {epoch + 1}: mean loss per pair {loss:.4f}", flush=True)

    model = trainer.fit(sentences, progress=progress)
    kv = KeyedVectors(model.index_to_key, model.w_in, model.counts)
    print(f"trained {model.epochs_done} epoch(s) in {model.seconds:.1f} s; vocabulary {len(kv):,} words")
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


def build_parser():
    parser = argparse.ArgumentParser(
        prog="w2v", description="word2vec: train, query and inspect word vectors."
    )
    parser.add_argument("--version", action="version", version=f"w2v {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser("demo", help="train on the built-in corpus, print neighbours, draw a picture")
    demo.add_argument("--seconds", type=float, default=150.0, help="time budget for training (default 150)")
    demo.add_argument("--epochs", type=int, default=3, help="epochs (default 3)")
    demo.add_argument("--size", type=int, default=50, help="vector dimensions (default 50)")
    demo.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    demo.add_argument("--out-dir", default=".", help="folder for word_vectors.png (default: current folder)")
    demo.set_defaults(func=_demo)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("w2v: interrupted", file=sys.stderr)
        return 130
    except (UserError, OSError, ValueError, KeyError) as exc:
        if args.debug:
            raise
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"w2v: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
