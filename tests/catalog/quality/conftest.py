"""Fixtures for the quality tests: our own Turtle records, and a local HTTP server for links."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kimed.catalog.projection import DatasetRecord, project

QUALITY_DATA = Path(__file__).parents[2] / "data" / "quality"
PLACEHOLDER = "http://links.quality.test/"


def load(name: str, base: str | None = None) -> tuple[Graph, DatasetRecord]:
    """Parse tests/data/quality/<name>.ttl (links pointed at ``base``) and project its dataset."""
    text = (QUALITY_DATA / f"{name}.ttl").read_text(encoding="utf-8")
    if base:
        text = text.replace(PLACEHOLDER, base)
    graph = Graph().parse(data=text, format="turtle")
    ds = URIRef(f"https://quality.kimed.example/{name}")
    return graph, project(graph, ds)


class _Handler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}

    def _answer(self, body: bool) -> None:
        _Handler.hits[self.path] = _Handler.hits.get(self.path, 0) + 1
        if self.path == "/slow":
            time.sleep(2)
        if self.path == "/no-head" and self.command == "HEAD":
            self.send_response(405)
            self.end_headers()
            return
        code = 404 if self.path == "/missing" else 200
        self.send_response(code)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(False)

    def do_GET(self) -> None:  # noqa: N802
        self._answer(True)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def link_server() -> Iterator[tuple[str, dict[str, int]]]:
    """A local HTTP server on 127.0.0.1: /ok 200, /missing 404, /slow after 2 s, /no-head (GET
    only). Yields its base URL and the number of requests per path."""
    _Handler.hits = {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", _Handler.hits
    finally:
        server.shutdown()
        server.server_close()
