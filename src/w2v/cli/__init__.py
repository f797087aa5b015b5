"""The ``w2v`` command: train, query, evaluate, convert, plot.

Every mistake a user can make (a missing file, a bad value, an unknown word,
a damaged model) ends in one line on stderr saying what is wrong and what to
do, with exit status 2; ``--debug`` shows the traceback instead.

When the reader of the output goes away (``w2v similar ... | head -1``), w2v
stops as other Unix tools do: no message, exit status 141 (128 + SIGPIPE,
what a shell reports for a tool that SIGPIPE ended).
"""

from __future__ import annotations

import logging
import os
import signal
import sys

from .._version import __version__

# Only the standard library is imported above: until main() runs, Ctrl-C could only end in a
# traceback. The rest of w2v (NumPy, the engine) is imported inside main(), under its handler.


def build_parser():
    from . import demo, explore, phrases, queries, train, word2vec_c
    from .common import Parser

    parser = Parser(
        prog="w2v",
        description="word2vec: train word vectors, query them, evaluate them, draw them.",
        epilog="Run 'w2v COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"w2v {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress display or log lines")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    train.add_parser(sub)
    queries.add_parsers(sub)
    phrases.add_parser(sub)
    word2vec_c.add_parser(sub)
    demo.add_parser(sub)
    explore.add_parser(sub)
    return parser


def _expected_errors():
    from ..corpus import CorpusError
    from ..datasets import DownloadError
    from ..engine.kernel import KernelUnavailable
    from ..evaluate import DatasetError
    from ..io import FormatError
    from .common import UserError

    return (
        UserError,
        CorpusError,
        DownloadError,
        DatasetError,
        FormatError,
        KernelUnavailable,
        OSError,
        ValueError,
        KeyError,
    )


EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE


def main(argv=None):
    try:
        try:
            return _main(argv)
        except KeyboardInterrupt:  # while w2v was still starting (importing), before any work
            print("w2v: interrupted; nothing was saved", file=sys.stderr)
            return 130
        finally:
            sys.stdout.flush()  # here, not at exit, where a broken pipe could only be reported
    except BrokenPipeError:
        # The reader is gone: say nothing (stderr is for errors) and stop. Python would flush
        # stdout again at exit and fail again, so point it at /dev/null (the Python docs' recipe).
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):  # no real file descriptor (stdout replaced in-process)
            pass
        return EXIT_BROKEN_PIPE


def console_main():
    """The ``w2v`` command: main(), then further signals are ignored while the process exits
    (a Ctrl-C after the work is done must not turn a finished run into a traceback)."""
    status = main()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
    return status


def _main(argv):
    from .common import one_line

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    # w2v's own log lines at INFO (or WARNING with --quiet); other libraries' (gensim's) at WARNING.
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    logging.getLogger("w2v").setLevel(logging.WARNING if args.quiet else logging.INFO)
    try:
        return args.func(args) or 0
    except KeyboardInterrupt:
        print("w2v: interrupted; nothing was saved", file=sys.stderr)
        return 130
    except BrokenPipeError:  # not an error to report: see main()
        raise
    except MemoryError:
        if args.debug:
            raise
        print(
            "w2v: error: out of memory; try a smaller vocabulary (--max-final-vocab) or --vector-size",
            file=sys.stderr,
        )
        return 2
    except _expected_errors() as exc:
        if args.debug:
            raise
        print(f"w2v: error: {one_line(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug in w2v: still one line, but say so
        if args.debug:
            raise
        print(
            f"w2v: internal error: {type(exc).__name__}: {one_line(exc)} "
            "(rerun with --debug for the traceback "
            "and please report it)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(console_main())
