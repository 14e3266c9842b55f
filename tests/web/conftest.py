"""Fixtures for the web tests: the demo catalogue in a database of each kind, and a client.

Loading the demo with SHACL validation takes seconds, so it is imported once per test session
(``import_files`` into a template SQLite file, then the algorithm demo with ``import_algorithms``)
and each test module gets its own database (SQLite file or PostgreSQL schema) filled by copying
those rows and indexing them; the module drops its database when it ends.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from kimed.catalog.algorithms.demo import demo_files as algorithm_demo_files
from kimed.catalog.algorithms.importer import import_algorithms
from kimed.catalog.algorithms.models import AlgorithmDatasetRow, AlgorithmRow
from kimed.catalog.demo import demo_files
from kimed.catalog.importer import import_files
from kimed.catalog.models import DatasetRow
from kimed.catalog.search import index_datasets
from kimed.catalog.search.algorithm_index import index_algorithms
from kimed.db import Database
from kimed.settings import Settings
from kimed.web.app import create_app
from tests.conftest import _postgres_admin_url, need

COLUMNS = ("iri", "identifier", "catalog_iri", "title", "access_rights", "publisher", "graph_nt",
           "projection", "findings", "violations", "warnings", "source", "created_at",
           "updated_at")
ALGORITHM_COLUMNS = ("id", "iri", "identifier", "title", "graph_nt", "projection", "findings",
                     "violations", "warnings", "source", "created_at", "updated_at")
LINK_COLUMNS = ("algorithm_id", "relation", "target_iri", "dataset_iri", "external")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> dict[str, list[dict]]:
    """The demo catalogue's rows, imported once: datasets with import_files, then algorithms with
    import_algorithms (their links point to the datasets)."""
    path = tmp_path_factory.mktemp("demo-template") / "demo.sqlite"
    database = Database(f"sqlite:///{path}")
    database.migrate()
    with database.session() as session:
        import_files(session, demo_files())
    with database.session() as session:
        import_algorithms(session, algorithm_demo_files())
    with database.session() as session:
        out = {"datasets": [{c: getattr(r, c) for c in COLUMNS} for r in session.scalars(
                   sa.select(DatasetRow).order_by(DatasetRow.id))],
               "algorithms": [{c: getattr(r, c) for c in ALGORITHM_COLUMNS} for r in
                              session.scalars(sa.select(AlgorithmRow).order_by(AlgorithmRow.id))],
               "links": [{c: getattr(r, c) for c in LINK_COLUMNS} for r in
                         session.scalars(sa.select(AlgorithmDatasetRow))]}
    database.dispose()
    return out


@pytest.fixture(scope="session")
def demo_rows(demo_template) -> list[dict]:
    """The demo catalogue's dataset rows."""
    return demo_template["datasets"]


@pytest.fixture(scope="session")
def demo_algorithm_rows(demo_template) -> tuple[list[dict], list[dict]]:
    """The algorithm demo's rows and their dataset links."""
    return demo_template["algorithms"], demo_template["links"]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def portal_url(request, tmp_path_factory) -> Iterator[str]:
    """A fresh database for one test module: a SQLite file, or a PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('portal') / 'portal.sqlite'}"
        return
    need(request.getfixturevalue("postgres_available"), "PostgreSQL (KIMED_TEST_POSTGRES_URL)")
    admin = sa.create_engine(_postgres_admin_url())
    schema = f"w_{uuid.uuid4().hex[:16]}"
    with admin.begin() as conn:
        conn.execute(sa.text(f'create schema "{schema}"'))
    url = sa.engine.make_url(_postgres_admin_url()).update_query_dict(
        {"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'drop schema "{schema}" cascade'))
        admin.dispose()


@pytest.fixture(scope="module")
def portal(portal_url: str, demo_rows: list[dict],
           demo_algorithm_rows: tuple[list[dict], list[dict]]) -> Iterator[TestClient]:
    """A client of the Portal app over the demo catalogue, datasets and algorithms (shared by one
    module's tests)."""
    database = Database(portal_url)
    database.migrate()
    with database.session() as session:
        rows = [DatasetRow(**values) for values in demo_rows]
        session.add_all(rows)
        session.flush()
        index_datasets(session, rows)
    with database.session() as session:  # new ids here; the links follow them
        algorithms, links = demo_algorithm_rows
        new_ids, stored = {}, []
        for values in algorithms:
            row = AlgorithmRow(**{k: v for k, v in values.items() if k != "id"})
            session.add(row)
            session.flush()
            new_ids[values["id"]] = row.id
            stored.append(row)
        index_algorithms(session, stored)
        session.add_all(AlgorithmDatasetRow(**{**link, "algorithm_id": new_ids[link[
            "algorithm_id"]]}) for link in links)
    database.dispose()
    with TestClient(create_app(Settings(database_url=portal_url))) as client:
        yield client


@pytest.fixture
def client(portal: TestClient) -> Iterator[TestClient]:
    """The module's client with no cookies, so a language chosen in one test stays there."""
    portal.cookies.clear()
    yield portal
    portal.cookies.clear()
