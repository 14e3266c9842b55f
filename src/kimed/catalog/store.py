"""Reading and writing catalogue records in the database."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from rdflib import Graph, URIRef
from sqlalchemy.orm import Session

from kimed.catalog.models import CatalogRow, DatasetRow
from kimed.catalog.namespaces import DCAT, bind_prefixes
from kimed.catalog.projection import DatasetRecord
from kimed.catalog.rdfio import from_ntriples, to_ntriples
from kimed.catalog.search import unindex_dataset


class NotFound(LookupError):
    """No record has this identifier or IRI."""


def find_dataset(session: Session, key: str) -> DatasetRow | None:
    """The dataset whose identifier, IRI or numeric id is ``key``."""
    clauses = [DatasetRow.identifier == key, DatasetRow.iri == key]
    if key.isdigit():
        clauses.append(DatasetRow.id == int(key))
    return session.scalars(sa.select(DatasetRow).where(sa.or_(*clauses))).first()


def get_dataset(session: Session, key: str) -> DatasetRow:
    row = find_dataset(session, key)
    if row is None:
        raise NotFound(f"no dataset with identifier or IRI {key!r}")
    return row


def list_datasets(session: Session, limit: int | None = None, offset: int = 0) -> list[DatasetRow]:
    query = sa.select(DatasetRow).order_by(DatasetRow.title, DatasetRow.id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def count_datasets(session: Session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(DatasetRow)) or 0


def delete_dataset(session: Session, key: str) -> DatasetRow:
    row = get_dataset(session, key)
    unlink_from_catalogs(session, row.iri)
    unindex_dataset(session, row.id)
    session.delete(row)
    session.flush()
    return row


def record_of(row: DatasetRow) -> DatasetRecord:
    return DatasetRecord.model_validate(row.projection)


def graph_of(row: DatasetRow | CatalogRow) -> Graph:
    return from_ntriples(row.graph_nt)


def export_graph(session: Session, keys: Iterable[str] | None = None) -> Graph:
    """The RDF of the named datasets, or of the whole catalogue (catalogues and datasets)."""
    graph = bind_prefixes(Graph())
    if keys:
        for key in keys:
            graph += graph_of(get_dataset(session, key))
        return graph
    for catalog in session.scalars(sa.select(CatalogRow).order_by(CatalogRow.iri)):
        graph += graph_of(catalog)
    for row in session.scalars(sa.select(DatasetRow).order_by(DatasetRow.iri)):
        graph += graph_of(row)
    return graph


def upsert_catalog(session: Session, iri: str, title: str | None, graph_nt: str) -> CatalogRow:
    row = session.scalars(sa.select(CatalogRow).where(CatalogRow.iri == iri)).first()
    if row is None:
        row = CatalogRow(iri=iri, title=title, graph_nt=graph_nt)
        session.add(row)
    else:
        # Keep dcat:dataset links to datasets imported earlier from other files.
        merged = graph_of(row)
        merged += from_ntriples(graph_nt)
        row.title, row.graph_nt = title or row.title, to_ntriples(merged)
    return row


def unlink_from_catalogs(session: Session, dataset_iri: str) -> None:
    """Drop dcat:dataset links to ``dataset_iri`` from every stored catalogue."""
    target = URIRef(dataset_iri)
    for row in session.scalars(sa.select(CatalogRow)):
        graph = graph_of(row)
        if (None, DCAT.dataset, target) in graph:
            graph.remove((None, DCAT.dataset, target))
            row.graph_nt = to_ntriples(graph)
