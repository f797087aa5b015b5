"""``w2v explore`` and ``w2v.explore()``: a local web page to look at word vectors: search,
neighbours, analogies, a 2-D map, axes, the model's card, and two models compared.

``api`` answers the questions (pure), ``server`` serves them and the page (standard library),
``static/`` is the page itself (shipped in the package: no network needed)."""

from __future__ import annotations

import logging
import os

from ..io import load_native, sniff_format
from ..model import Word2Vec
from ..vectors import KeyedVectors
from .api import Explorer, Space
from .server import Server

logger = logging.getLogger("w2v")

__all__ = ["explore", "Explorer", "Server", "space_of"]


def space_of(thing, name=None):
    """A Space from a w2v.Word2Vec, KeyedVectors, or the path of any file w2v reads."""
    if isinstance(thing, (str, os.PathLike)):
        path = os.fspath(thing)
        model = None
        if sniff_format(path) == "native" and load_native(path, verify=False)[0] == "model":
            model = Word2Vec.load(path)
        kv = model.wv if model is not None else KeyedVectors.load(path)
        return Space(kv, name or os.path.basename(path), model)
    if isinstance(thing, Word2Vec):
        return Space(thing.wv, name or "model", thing)
    if isinstance(thing, KeyedVectors):
        return Space(thing, name or "vectors")
    raise TypeError(f"explore takes a w2v Word2Vec, KeyedVectors or a file path, not {type(thing).__name__}")


def explore(model, other=None, *, host="127.0.0.1", port=8000, open_browser=False, block=True):
    """Serve the explorer for ``model`` (and ``other``, to compare) on http://host:port/.

    ``block=True`` serves until Ctrl-C; ``block=False`` serves from a background thread and
    returns the Server (its ``url``; ``shutdown()`` stops it), as a notebook wants."""
    spaces = [space_of(model, None if other is None else "first")]
    if other is not None:
        spaces.append(space_of(other, "second"))
    server = Server(Explorer(spaces), host, port)
    if host not in ("127.0.0.1", "localhost", "::1"):
        logger.warning(
            "w2v explore: serving on %s: anyone who can reach this address can query the model", host
        )
    if open_browser:
        import webbrowser

        webbrowser.open(server.url)
    if not block:
        return server.start()
    try:
        server.serve_forever()
    finally:
        server.httpd.server_close()
    return server
