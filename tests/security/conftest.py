"""Fixtures of the security tests: a small store, and a listener that counts every request made to it."""

from __future__ import annotations

import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def small_store(tmp_path_factory):
    """One corpus document built into a store without the model (tests must not change it)."""
    from app.pipeline import build_corpus
    from graph.store import Store

    corpus = tmp_path_factory.mktemp("security-corpus")
    shutil.copy(CORPUS / "004_10e405f53db58f35.txt", corpus)
    shutil.copytree(CORPUS / "reference", corpus / "reference")
    store = Store(tmp_path_factory.mktemp("security-store") / "store")
    report = build_corpus(store, corpus)
    assert report.ok and len(report.added) == 1, report
    return store


class _Listener:
    """An HTTP server on 127.0.0.1 that records the path of every request it gets."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the http.server interface)
                listener.requests.append(self.path)
                body = b"<urn:a> <urn:b> <urn:c> .\n"
                self.send_response(200)
                self.send_header("Content-Type", "text/turtle")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET  # noqa: N815

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener():
    """A local listener; a test asserts that nothing reached it."""
    server = _Listener()
    yield server
    server.close()
