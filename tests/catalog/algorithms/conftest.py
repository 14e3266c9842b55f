"""Fixtures for algorithm tests: our fixture files, the MLDCAT-AP reference data, snapshots."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from kimed.catalog.algorithms.models import AlgorithmDatasetRow, AlgorithmRow
from kimed.catalog.importer import import_files
from kimed.db import Database

DATA = Path(__file__).parents[2] / "data" / "algorithms"
CATALOGUE = DATA / "catalogue"


@pytest.fixture
def mldcat(shared_data) -> Path:
    """MLDCAT-AP 3.1.0 reference data (read-only)."""
    return shared_data / "mldcat" / "mldcat-ap-3.1.0"


@pytest.fixture
def with_datasets(db: Database) -> Database:
    """A migrated database holding the three test datasets the fixtures link to."""
    with db.session() as session:
        import_files(session, [CATALOGUE])
    return db


def algorithm_snapshot(database: Database) -> list[tuple]:
    """Everything the algorithm catalogue stores, as comparable tuples."""
    with database.session() as session:
        rows = session.execute(sa.select(
            AlgorithmRow.iri, AlgorithmRow.identifier, AlgorithmRow.graph_nt, AlgorithmRow.findings,
        ).order_by(AlgorithmRow.iri)).all()
        links = session.execute(sa.select(
            AlgorithmDatasetRow.algorithm_id, AlgorithmDatasetRow.relation,
            AlgorithmDatasetRow.target_iri).order_by(AlgorithmDatasetRow.target_iri)).all()
    return [tuple(r) for r in rows] + [tuple(r) for r in links]
