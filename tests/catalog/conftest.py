"""Fixtures for catalogue tests: a migrated database per test, and a snapshot of its content."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from kimed.catalog.models import CatalogRow, DatasetRow
from kimed.db import Database

TEST_RDF = Path(__file__).parents[1] / "data" / "rdf"


@pytest.fixture
def db(database_url):
    database = Database(database_url)
    database.migrate()
    yield database
    database.dispose()


@pytest.fixture
def official_example(shared_data) -> Path:
    return shared_data / "healthdcat" / "release-8-cd7841f" / "example-healthdcat-dataset.ttl"


def snapshot(database: Database) -> list[tuple]:
    """Everything stored, as comparable tuples (to prove that a refused import changed nothing)."""
    with database.session() as session:
        datasets = session.execute(sa.select(
            DatasetRow.iri, DatasetRow.identifier, DatasetRow.graph_nt, DatasetRow.findings,
        ).order_by(DatasetRow.iri)).all()
        catalogs = session.execute(sa.select(CatalogRow.iri, CatalogRow.graph_nt)).all()
    return [tuple(r) for r in datasets] + [tuple(r) for r in catalogs]
