"""Known corpora: the shipped ones, and downloads (against a local HTTP server, never the internet)."""

import hashlib
import http.server
import io
import threading
import zipfile

import pytest

from w2v.datasets import DownloadError, Remote, fetch, resolve_corpus


def small_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("text8", " ".join(["anarchism originated as a term of abuse"] * 200))
    return buffer.getvalue()


@pytest.fixture
def server():
    """A local HTTP server: ``files`` maps a path to bytes; ``hits`` counts the requests."""
    files, hits = {}, []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = files.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", files, hits
    httpd.shutdown()
    httpd.server_close()


def test_download_verifies_caches_and_reads(server, tmp_path):
    base, files, hits = server
    body = small_zip()
    files["/t8.zip"] = body
    remote = Remote(
        "t8",
        base + "/t8.zip",
        "t8.zip",
        size=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
        zip_member=("text8", 7999),  # 200 copies of a 39-character sentence, 199 spaces
    )
    path = fetch(remote, folder=tmp_path, progress=False)
    assert path.read_bytes() == body
    assert (tmp_path / "t8.zip.sha256").read_text().strip() == hashlib.sha256(body).hexdigest()
    assert fetch(remote, folder=tmp_path, progress=False) == path and len(hits) == 1  # from the cache
    from w2v.corpus import TextCorpus

    words = [w for sentence in TextCorpus(path) for w in sentence]
    assert len(words) == 1400 and words[:2] == ["anarchism", "originated"]


def test_a_download_that_fails_verification_is_not_kept(server, tmp_path):
    base, files, _ = server
    files["/t8.zip"] = small_zip()
    bad_hash = Remote("t8", base + "/t8.zip", "t8.zip", sha256="0" * 64)
    with pytest.raises(DownloadError, match="failed verification"):
        fetch(bad_hash, folder=tmp_path, progress=False)
    bad_size = Remote("t8", base + "/t8.zip", "t8.zip", size=123)
    with pytest.raises(DownloadError, match="expected 123"):
        fetch(bad_size, folder=tmp_path, progress=False)
    wrong_member = Remote("t8", base + "/t8.zip", "t8.zip", zip_member=("text8", 5))
    with pytest.raises(DownloadError, match="not a zip holding 'text8' of 5 bytes"):
        fetch(wrong_member, folder=tmp_path, progress=False)
    assert list(tmp_path.iterdir()) == []  # no partial or unverified file left behind


def test_unreachable_or_missing_remote_is_a_clear_error(server, tmp_path):
    base, _, _ = server
    with pytest.raises(DownloadError, match="cannot download t8 .*Not Found.*network connection"):
        fetch(Remote("t8", base + "/missing.zip", "t8.zip"), folder=tmp_path, progress=False)
    with pytest.raises(DownloadError, match="Connection refused"):
        fetch(Remote("t8", "http://127.0.0.1:9/t8.zip", "t8.zip"), folder=tmp_path, progress=False)


def test_a_damaged_cache_file_is_noticed(server, tmp_path):
    base, files, _ = server
    files["/t8.zip"] = small_zip()
    remote = Remote("t8", base + "/t8.zip", "t8.zip")  # no published hash: recorded at download
    path = fetch(remote, folder=tmp_path, progress=False)
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(DownloadError, match="damaged"):
        fetch(remote, folder=tmp_path, progress=False)


def test_shipped_corpora_by_name():
    moby = resolve_corpus("moby-dick")
    sotu = resolve_corpus("sotu")
    first = next(iter(sotu))
    assert first[:4] == ["fellow", "citizens", "of", "the"]
    assert all(len(s) <= 10_000 for s in sotu)
    assert sum(map(len, sotu)) > 1_500_000 and sum(map(len, moby)) > 200_000
    with pytest.raises(FileNotFoundError, match="known corpus"):
        resolve_corpus("no-such-corpus")
