"""A migrated database per test, on SQLite and PostgreSQL, for the accounts tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kimed.db import Database

PASSWORD = "correct horse battery"


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    database.migrate()
    yield database
    database.dispose()
