"""Shared fixtures: reference data, and a fresh database per test on SQLite and PostgreSQL.

Rules (see ../shared/DESIGN.md): a test that needs ../shared/data or PostgreSQL skips when it is
missing, and fails instead when KIMED_REQUIRE_ALL=1 (CI sets it).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kimed.settings import get_settings

REQUIRE_ALL = os.environ.get("KIMED_REQUIRE_ALL", "") not in ("", "0", "false")
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def need(condition: bool, what: str) -> None:
    """Skip when ``condition`` is false, or fail when KIMED_REQUIRE_ALL=1."""
    if condition:
        return
    if REQUIRE_ALL:
        pytest.fail(f"{what} is required (KIMED_REQUIRE_ALL=1) but missing")
    pytest.skip(f"{what} is missing")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The reference data folder ../shared/data (read-only)."""
    path = Path(os.environ.get("KIMED_SHARED_DATA_DIR", get_settings().shared_data_dir))
    need((path / "README.md").is_file(), f"reference data at {path}")
    return path


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own data directory and a clean settings cache."""
    monkeypatch.setenv("KIMED_DATA_DIR", str(tmp_path / "kimed-data"))
    monkeypatch.delenv("KIMED_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _postgres_admin_url() -> str:
    return os.environ.get("KIMED_TEST_POSTGRES_URL", DEFAULT_PG_URL)


@pytest.fixture(scope="session")
def postgres_available() -> bool:
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(_postgres_admin_url(), connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    need(request.getfixturevalue("postgres_available"), "PostgreSQL (KIMED_TEST_POSTGRES_URL)")
    import sqlalchemy as sa

    admin = sa.create_engine(_postgres_admin_url())
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with admin.begin() as conn:
        conn.execute(sa.text(f'create schema "{schema}"'))
    base = sa.engine.make_url(_postgres_admin_url())
    url = base.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'drop schema "{schema}" cascade'))
        admin.dispose()


@pytest.fixture
def kimed_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the settings (and so the CLI) at the per-test database."""
    monkeypatch.setenv("KIMED_DATABASE_URL", database_url)
    get_settings.cache_clear()
    return database_url
