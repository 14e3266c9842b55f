"""Reading, listing, exporting and deleting algorithm records."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from rdflib import Graph
from sqlalchemy.orm import Session

from kimed.catalog.algorithms.model import AlgorithmRecord
from kimed.catalog.algorithms.models import AlgorithmDatasetRow, AlgorithmRow
from kimed.catalog.algorithms.rdf import bind_ml_prefixes
from kimed.catalog.rdfio import from_ntriples
from kimed.catalog.store import NotFound

__all__ = ["NotFound", "count_algorithms", "delete_algorithm", "export_graph", "find_algorithm",
           "get_algorithm", "graph_of", "links_of", "list_algorithms", "record_of"]


def find_algorithm(session: Session, key: str) -> AlgorithmRow | None:
    """The algorithm whose identifier, IRI or numeric id is ``key``."""
    clauses = [AlgorithmRow.identifier == key, AlgorithmRow.iri == key]
    if key.isdigit():
        clauses.append(AlgorithmRow.id == int(key))
    return session.scalars(sa.select(AlgorithmRow).where(sa.or_(*clauses))).first()


def get_algorithm(session: Session, key: str) -> AlgorithmRow:
    row = find_algorithm(session, key)
    if row is None:
        raise NotFound(f"no algorithm with identifier or IRI {key!r}")
    return row


def list_algorithms(session: Session, limit: int | None = None,
                    offset: int = 0) -> list[AlgorithmRow]:
    query = sa.select(AlgorithmRow).order_by(AlgorithmRow.title, AlgorithmRow.id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def count_algorithms(session: Session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(AlgorithmRow)) or 0


def links_of(session: Session, row: AlgorithmRow) -> list[AlgorithmDatasetRow]:
    return list(session.scalars(sa.select(AlgorithmDatasetRow).where(
        AlgorithmDatasetRow.algorithm_id == row.id).order_by(
        AlgorithmDatasetRow.relation, AlgorithmDatasetRow.target_iri)))


def delete_algorithm(session: Session, key: str) -> AlgorithmRow:
    row = get_algorithm(session, key)
    from kimed.catalog.search.algorithm_index import unindex_algorithm

    unindex_algorithm(session, row.id)
    session.execute(sa.delete(AlgorithmDatasetRow).where(AlgorithmDatasetRow.algorithm_id == row.id))
    session.delete(row)
    session.flush()
    return row


def record_of(row: AlgorithmRow) -> AlgorithmRecord:
    return AlgorithmRecord.model_validate(row.projection)


def graph_of(row: AlgorithmRow) -> Graph:
    return bind_ml_prefixes(from_ntriples(row.graph_nt))


def export_graph(session: Session, keys: Iterable[str] | None = None) -> Graph:
    """The RDF of the named algorithms, or of every algorithm."""
    graph = bind_ml_prefixes(Graph())
    rows = [get_algorithm(session, key) for key in keys] if keys else \
        session.scalars(sa.select(AlgorithmRow).order_by(AlgorithmRow.iri))
    for row in rows:
        graph += graph_of(row)
    return bind_ml_prefixes(graph)
