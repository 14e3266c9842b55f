"""The accounts migration reaches head on both databases and matches the ORM tables."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kimed.accounts import models
from kimed.db import Base, alembic_config, current_revision, head_revision

TABLES = {"users", "user_publishers", "api_tokens", "web_sessions"}


def test_migrates_to_head_with_account_tables(db):
    assert current_revision(db.engine) == head_revision()
    assert set(sa.inspect(db.engine).get_table_names()) >= TABLES
    db.migrate()  # again: nothing to do
    assert current_revision(db.engine) == head_revision()


def test_migration_matches_models(db):
    assert models.User.__tablename__ in Base.metadata.tables
    with db.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)

    def table_of(diff) -> str | None:
        for item in diff if isinstance(diff, list) else [diff]:
            for part in item[1:]:
                name = getattr(part, "name", None)
                table = getattr(part, "table", None)
                if name in TABLES:
                    return name
                if table is not None and table.name in TABLES:
                    return table.name
                if isinstance(part, str) and part in TABLES:
                    return part
        return None

    assert [d for d in diffs if table_of(d)] == []


def test_downgrade_removes_account_tables(db):
    config = alembic_config(db.engine.url.render_as_string(hide_password=False))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    assert not TABLES & set(sa.inspect(db.engine).get_table_names())
    db.migrate()
    assert set(sa.inspect(db.engine).get_table_names()) >= TABLES
