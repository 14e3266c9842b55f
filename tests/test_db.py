"""Storage basics on both databases: migrations, WAL on SQLite, sessions roll back on error."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kimed.catalog.models import DatasetRow
from kimed.db import Database, current_revision, head_revision
from kimed.settings import get_settings


def test_migrate_creates_schema_at_head(database_url):
    db = Database(database_url)
    db.migrate()
    assert current_revision(db.engine) == head_revision()
    tables = set(sa.inspect(db.engine).get_table_names())
    assert {"datasets", "catalogs", "alembic_version"} <= tables
    db.migrate()  # idempotent
    assert current_revision(db.engine) == head_revision()
    db.dispose()


def test_session_rolls_back_on_error(database_url):
    db = Database(database_url)
    db.migrate()
    with pytest.raises(RuntimeError), db.session() as session:
        session.add(DatasetRow(iri="urn:x", identifier="x", title="t", graph_nt="",
                               projection={}, findings=[]))
        session.flush()
        raise RuntimeError("boom")
    with db.session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(DatasetRow)) == 0
    db.dispose()


def test_sqlite_default_uses_wal_in_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("KIMED_DATA_DIR", str(tmp_path / "d"))
    get_settings.cache_clear()
    db = Database()
    db.migrate()
    assert (tmp_path / "d" / "kimed.sqlite").exists()
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    db.dispose()


def test_database_url_setting_selects_backend(monkeypatch):
    monkeypatch.setenv("KIMED_DATABASE_URL", "postgresql+psycopg://u@h/db")
    get_settings.cache_clear()
    assert get_settings().effective_database_url == "postgresql+psycopg://u@h/db"


def test_invalid_setting_names_the_field(monkeypatch):
    from pydantic import ValidationError

    monkeypatch.setenv("KIMED_MAX_IMPORT_BYTES", "-5")
    get_settings.cache_clear()
    with pytest.raises(ValidationError) as info:
        get_settings()
    assert "max_import_bytes" in str(info.value)


def test_migrations_downgrade_to_base_and_back(database_url):
    from alembic import command

    from kimed.db import alembic_config

    db = Database(database_url)
    db.migrate()
    config = alembic_config(database_url)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert current_revision(db.engine) is None
    assert "datasets" not in sa.inspect(db.engine).get_table_names()
    db.migrate()
    assert current_revision(db.engine) == head_revision()
    db.dispose()
