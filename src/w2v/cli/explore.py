"""``w2v explore MODEL [MODEL2]``: serve the explorer page (``w2v.explore``) for a model or any
vectors file w2v reads, and for a second one to compare with."""

from __future__ import annotations

import sys

from .common import UserError, add_common_flags, check_input


def add_parser(sub):
    p = sub.add_parser(
        "explore",
        help="look at the vectors in a web page (neighbours, analogies, a map, two models compared)",
        description=(
            "Serve a local web page to explore MODEL (a w2v model, word2vec text/binary, .vec or GloVe "
            "file): search with completion, neighbours over the whole vocabulary, analogies, a 2-D map, "
            "axes of your own, the model's card; with MODEL2, the two compared. Ctrl-C stops it."
        ),
    )
    p.add_argument("model", help="the model or vectors file")
    p.add_argument("model2", nargs="?", help="a second model or vectors file, to compare with")
    p.add_argument("--port", type=int, default=8000, help="the port (default 8000; 0: any free port)")
    p.add_argument(
        "--host", default="127.0.0.1", help="the address to serve on (default 127.0.0.1: this machine only)"
    )
    p.add_argument("--open", action="store_true", help="open the page in the web browser")
    add_common_flags(p)
    p.set_defaults(func=run)


def run(args):
    from .. import explorer as explore_package

    if not 0 <= args.port <= 65535:
        raise UserError(f"--port {args.port} is invalid: must be from 0 to 65535")
    paths = [check_input(args.model)] + ([check_input(args.model2)] if args.model2 else [])
    spaces = [explore_package.space_of(p) for p in paths]
    if len(spaces) == 2 and spaces[0].name == spaces[1].name:
        spaces[1].name += " (2)"
    try:
        server = explore_package.Server(explore_package.Explorer(spaces), args.host, args.port)
    except OSError as e:
        raise UserError(f"cannot serve on {args.host}:{args.port}: {e.strerror or e}") from None
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"w2v: WARNING: serving on {args.host}: anyone who can reach this address can query "
            "the model. Use --host 127.0.0.1 to keep it to this machine.",
            file=sys.stderr,
        )
    print(f"w2v explore: {server.url}  (Ctrl-C stops it)", flush=True)
    if args.open:
        import webbrowser

        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("w2v explore: stopped", file=sys.stderr)
        return 0
    finally:
        server.httpd.server_close()
    return 0
