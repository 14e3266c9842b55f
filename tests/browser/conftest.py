"""Browser tests: the Portal served by uvicorn, driven by Playwright in Debian's Chromium.

Fixtures (use them from any module under tests/browser):

``live_settings`` (session)
    The :class:`kimed.settings.Settings` of the live server: a fresh data directory (from
    ``tmp_path_factory``) with its SQLite database, already migrated and holding the demo
    catalogue (``import_files(demo_files())``), then the algorithm demo (``import_algorithms``
    of ``kimed.catalog.algorithms.demo.demo_files()``). Open it with ``kimed.db.Database(
    live_settings.effective_database_url)`` to add rows a test needs (users, say); the server
    sees them at once. Tests share this database, so add only what does not disturb others.
``live_server`` (session)
    The base URL, e.g. ``"http://127.0.0.1:43817"`` (no trailing slash), of uvicorn running
    ``create_app(live_settings)`` in a background thread on a free port of 127.0.0.1. The port is
    chosen by the kernel (a socket bound to port 0), so pytest-xdist workers each get their own
    server. Shut down cleanly when the session ends.
``browser`` (session)
    One headless Chromium (``/usr/bin/chromium``, the flags of DESIGN.md). Skips when Chromium is
    missing, and fails instead when KIMED_REQUIRE_ALL=1.
``new_context`` (function)
    A factory ``new_context(**options)`` for a fresh BrowserContext (own cookies and storage),
    with defaults ``base_url=live_server``, ``locale="en-US"``, a 1280x900 viewport; any
    Playwright ``new_context`` option overrides them (``java_script_enabled=False``,
    ``viewport={"width": 375, "height": 800}``, ...). Every context is closed after the test.
``context``, ``page`` (function)
    A default context and a page in it, so ``page.goto("/search")`` works with relative URLs.
``screenshot`` (function)
    ``screenshot(page, "step")`` saves a full-page PNG named ``<test name>-<step>.png`` as a test
    artefact into ``$KIMED_ARTIFACTS_DIR`` or else ``tests/browser/artifacts/`` (git-ignored),
    and returns its path.

Waiting: use Playwright's auto-waiting locators and ``page.wait_for_url``/``expect``; never sleep.
"""

from __future__ import annotations

import os
import re
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kimed.settings import Settings
from tests.conftest import need

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
DEFAULT_VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 15_000


def artifacts_dir() -> Path:
    """Where screenshots go: $KIMED_ARTIFACTS_DIR, or tests/browser/artifacts."""
    path = Path(os.environ.get("KIMED_ARTIFACTS_DIR") or Path(__file__).parent / "artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def live_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A fresh data directory with a SQLite database holding the demo datasets and algorithms."""
    from kimed.catalog.algorithms.demo import demo_files as algorithm_demo_files
    from kimed.catalog.algorithms.importer import import_algorithms
    from kimed.catalog.demo import demo_files
    from kimed.catalog.importer import import_files
    from kimed.db import Database

    data_dir = tmp_path_factory.mktemp("browser-data")
    settings = Settings(data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'kimed.sqlite'}")
    database = Database(settings.effective_database_url)
    try:
        database.migrate()
        with database.session() as session:
            import_files(session, demo_files())
        with database.session() as session:  # after the datasets: its links point to them
            import_algorithms(session, algorithm_demo_files())
    finally:
        database.dispose()
    return settings


@pytest.fixture(scope="session")
def live_server(live_settings: Settings) -> Iterator[str]:
    """The Portal served by uvicorn in a background thread; yields its base URL."""
    import uvicorn

    from kimed.web.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(live_settings), log_level="warning", lifespan="on",
                            access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]},
                              name="kimed-live-server", daemon=True)
    thread.start()
    started = threading.Event()
    # Server.started flips when the lifespan has run and the socket listens; poll it briefly.
    for _ in range(600):
        if server.started or not thread.is_alive():
            break
        started.wait(0.05)
    if not server.started:
        server.should_exit = True
        thread.join(10)
        sock.close()
        pytest.fail("the live server did not start within 30 s")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()


@pytest.fixture(scope="session")
def _playwright() -> Iterator[object]:
    need(CHROMIUM.is_file(), f"Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        need(False, "the Python package playwright (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright) -> Iterator[object]:
    """One headless Chromium for the whole session."""
    browser = _playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                          args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def new_context(browser, live_server: str) -> Iterator[Callable[..., object]]:
    """A factory of fresh browser contexts (closed after the test)."""
    contexts = []

    def make(**options):
        settings = {"base_url": live_server, "locale": "en-US", "viewport": DEFAULT_VIEWPORT}
        settings.update(options)
        ctx = browser.new_context(**settings)
        ctx.set_default_timeout(TIMEOUT_MS)
        contexts.append(ctx)
        return ctx

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[..., Path]:
    """``screenshot(page, step)``: a full-page PNG kept as a test artefact."""
    test = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_")

    def shoot(page, step: str) -> Path:
        path = artifacts_dir() / f"{test}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot
