"""The app factory and `kimed serve`: settings from the environment, migrations at startup."""

from __future__ import annotations

import sys

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kimed.cli.main import app as cli
from kimed.web.app import create_app
from tests.web.html import Page, check_accessible


def test_create_app_reads_the_environment_and_migrates_at_startup(kimed_env):
    app = create_app()
    assert not hasattr(app.state, "db")  # nothing opened before startup
    with TestClient(app) as client:
        home = client.get("/")
        assert home.status_code == 200
        check_accessible(Page(home.text))
        assert client.get("/api/datasets").json()["total"] == 0
        results = client.get("/search?q=anything")
        assert results.status_code == 200 and "No dataset matches" in results.text
        assert client.get("/api/publishers").json() == []
        catalog = client.get("/catalog")
        assert catalog.status_code == 200 and "hydra:totalItems" in catalog.text
        assert str(app.state.db.engine.url).split("?")[0] in kimed_env or "sqlite" in kimed_env


def test_importing_the_web_package_does_no_work():
    for name in [m for m in sys.modules if m.startswith("kimed.web")]:
        del sys.modules[name]
    import kimed.web.app  # noqa: F401

    assert "kimed.web.routes.search" not in sys.modules  # routers load inside create_app


def test_serve_command_is_registered():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--reload"):
        assert option in result.output
