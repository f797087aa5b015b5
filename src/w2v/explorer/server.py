"""The explorer's web server: the page and its assets from the package, and the JSON API of
``w2v.explore.api`` under ``/api/``. The standard library's threaded HTTP server is enough
for one local user: no web framework is needed.

Safety:

- It binds to 127.0.0.1 unless told otherwise.
- It serves only the files packaged with w2v (a fixed list: no path from a request ever
  reaches the file system).
- Every answer about words is JSON, which the page inserts as text.
- A Content-Security-Policy forbids inline scripts, so even a word that slipped into the page
  as markup could not run.
- Request bodies are bounded, and so is every query (``api.LIMITS``).
"""

from __future__ import annotations

import inspect
import json
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from urllib.parse import parse_qsl, urlsplit

from .api import LIMITS, ApiError

logger = logging.getLogger("w2v")

STATIC = {  # URL path -> (packaged file, content type)
    "/": ("index.html", "text/html; charset=utf-8"),
    "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/static/app.css": ("app.css", "text/css; charset=utf-8"),
    "/static/vendor/d3.min.js": ("vendor/d3.min.js", "text/javascript; charset=utf-8"),  # d3 7.9.0 (ISC)
}
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# endpoint -> (Explorer method, the parameters it takes)
ENDPOINTS = {
    "model": ("models", ()),
    "evaluate": ("evaluate", ("model",)),
    "suggest": ("suggest", ("prefix", "limit", "model")),
    "neighbors": ("neighbors", ("word", "topn", "model")),
    "analogy": ("analogy", ("a", "b", "c", "method", "topn", "model")),
    "map": ("map", ("n", "skip", "stopwords", "method", "model")),
    "axes": ("axes", ("x_plus", "x_minus", "y_plus", "y_minus", "n", "model")),
    "compare": ("compare", ("word", "topn")),
    "changed": ("changed", ("n", "among", "k")),
}
RENAMED = {"model": "which"}  # a query's name -> the method's argument


def _asset(name):
    return resources.files("w2v.explorer").joinpath("static", *name.split("/")).read_bytes()


def answer(explorer, endpoint, params):
    """``(status, JSON-able body)`` for ``/api/ENDPOINT`` with ``params`` (a dict)."""
    if endpoint not in ENDPOINTS:
        return 404, {"error": f"no such endpoint: /api/{endpoint[:50]}", "endpoints": sorted(ENDPOINTS)}
    method, allowed = ENDPOINTS[endpoint]
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        return 400, {
            "error": f"/api/{endpoint} takes {', '.join(allowed) or 'no parameters'}, not {unknown[0][:50]!r}"
        }
    call = getattr(explorer, method)
    arguments = {RENAMED.get(k, k): v for k, v in params.items()}
    try:
        inspect.signature(call).bind(**arguments)
    except TypeError:  # a required parameter is missing
        missing = [p for p in allowed if p not in params]
        return 400, {"error": f"/api/{endpoint} needs {', '.join(missing) or 'other parameters'}"}
    try:
        return 200, call(**arguments)
    except ApiError as e:
        return e.status, e.to_json()


class Handler(BaseHTTPRequestHandler):
    server_version = "w2v-explore"
    explorer = None  # set on the subclass made for each server
    hosts = frozenset()  # the Host headers this server answers (set with the explorer)
    timeout = 30  # seconds a connection may take to send its request

    def log_message(self, format, *args):  # requests go to the w2v log at debug level, not stderr
        logger.debug("explore: " + format, *args)

    def _send(self, status, body, content_type="application/json; charset=utf-8"):
        data = (
            body
            if isinstance(body, bytes)
            else json.dumps(body, allow_nan=False).encode("ascii")  # a lone surrogate is escaped too
        )
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Content-Security-Policy", POLICY)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _dispatch(self, params):
        path = urlsplit(self.path).path
        # Only requests addressed to this server by its own address: a web page elsewhere cannot
        # reach it through a name it made point here (DNS rebinding).
        if self.headers.get("Host", "") not in self.hosts:
            return self._send(421, {"error": "this server answers only requests sent to its own address"})
        try:
            if path.startswith("/api/"):
                status, body = answer(self.explorer, path[5:], params)
                return self._send(status, body)
            if path in STATIC and self.command in ("GET", "HEAD"):
                name, kind = STATIC[path]
                return self._send(200, _asset(name), kind)
            return self._send(404, {"error": "not found"})
        except Exception:  # a bug: a clean 500, never a traceback to the client
            logger.exception("explore: %s failed", path)
            return self._send(500, {"error": "internal error (see the server's log)"})

    def do_GET(self):
        query = urlsplit(self.path).query
        if len(query) > LIMITS["body_bytes"]:
            return self._send(414, {"error": "the query is too long"})
        params = dict(parse_qsl(query, keep_blank_values=True))
        self._dispatch(params)

    do_HEAD = do_GET

    def do_POST(self):
        if self.headers.get("Content-Type", "").split(";")[0].strip().lower() != "application/json":
            # a form or text body needs no preflight, so another page could send one: refused
            return self._send(415, {"error": "POST bodies must be JSON (Content-Type: application/json)"})
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            return self._send(400, {"error": "bad Content-Length"})
        if length > LIMITS["body_bytes"] or length < 0:
            return self._send(413, {"error": f"the body is larger than {LIMITS['body_bytes']} bytes"})
        raw = self.rfile.read(length)
        try:
            params = json.loads(raw.decode("utf-8")) if raw else {}
        except (ValueError, RecursionError) as e:  # bad UTF-8 or JSON, too deep, a number too long
            return self._send(400, {"error": f"the body is not valid JSON: {e}"[:200]})
        if not isinstance(params, dict):
            return self._send(400, {"error": "the body must be a JSON object of parameters"})
        self._dispatch(params)


class Server:
    """A running explorer: ``url``, and ``shutdown()``."""

    def __init__(self, explorer, host="127.0.0.1", port=0):
        handler = type("ExploreHandler", (Handler,), {"explorer": explorer})
        server_class = ThreadingHTTPServer
        if ":" in host:  # an IPv6 address
            server_class = type(
                "ThreadingHTTPServer6", (ThreadingHTTPServer,), {"address_family": socket.AF_INET6}
            )
        self.httpd = server_class((host, port), handler)
        self.httpd.daemon_threads = True
        self.host, self.port = host, self.httpd.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{self.port}/"
        names = {shown}
        if host in ("127.0.0.1", "localhost", "::1"):
            names |= {"127.0.0.1", "localhost", "[::1]"}
        handler.hosts = frozenset(f"{name}:{self.port}" for name in names)
        self.thread = None

    def serve_forever(self):
        self.httpd.serve_forever()

    def start(self):
        """Serve in a background thread (a notebook, a test); returns self."""
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="w2v-explore", daemon=True)
        self.thread.start()
        return self

    def shutdown(self):
        self.httpd.shutdown()
        self.httpd.server_close()
