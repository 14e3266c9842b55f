"""Keeping the search index in step with the catalogue.

:func:`index_dataset` is what the importer calls for each stored record; :func:`index_datasets` does
the same for many rows at once with few statements (reindexing, bulk loads, the benchmark). Both
delete a record's old index rows first, so indexing twice gives the same index.

``search_values.total`` holds each facet value's count over the whole catalogue, kept up to date here,
so the facet counts of an unfiltered search need no scan; :func:`reindex_all` recomputes it. Every
change also sets a new random ``search_meta`` generation, which tells each process that its
in-memory facet index is stale.

Statements go to the driver in batches (:mod:`kimed.catalog.search.raw`), and projections are read as
the stored JSON, not validated again with pydantic.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kimed.catalog.models import DatasetRow
from kimed.catalog.projection import DatasetRecord
from kimed.catalog.search import raw
from kimed.catalog.search.facets import facet_rows
from kimed.catalog.search.text import analyse, fold

CHUNK = 500
_TABLES = ("dataset_facets", "search_periods", "dataset_search")
_PG_TABLES = ("dataset_head",)  # PostgreSQL only: title and keywords, for ranking


def _day(value: str | date | None) -> str | None:
    """Dates as ISO text: what SQLite's DATE columns hold, and what PostgreSQL casts to date."""
    if value is None:
        return None
    return value[:10] if isinstance(value, str) else value.isoformat()


def _chunks(items: Sequence, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _in(name: str, values: Sequence) -> tuple[str, dict]:
    """``:name0, :name1, ...`` and its parameters, for an IN list."""
    params = {f"{name}{i}": v for i, v in enumerate(values)}
    return ", ".join(f":{p}" for p in params), params


def document(p: dict | DatasetRecord) -> dict[str, str]:
    """The analysed text of each indexed field of a projection (JSON dict) or record.

    Only the record's own words (``extra``: the identifier and the names, titles and codes of
    its variables, kimed.catalog.variables); the labels of its vocabulary concepts and its publisher's names
    are matched through the facet values (kimed.catalog.search.labels)."""
    if isinstance(p, DatasetRecord):
        p = p.model_dump(mode="json")
    return {
        "title": analyse((p.get("title") or {}).values()),
        "keywords": analyse(k for words in (p.get("keywords") or {}).values() for k in words),
        "description": analyse((p.get("description") or {}).values()),
        "extra": analyse([p.get("identifier") or "", *(p.get("variable_terms") or ())]),
    }


def _sort_key(p: dict, lang: str) -> str:
    title = p.get("title") or {}
    return fold(title.get(lang) or title.get("en") or next(iter(title.values()), "")
                or p.get("identifier") or "")[:200]


def bump_generation(session: Session) -> None:
    """Tell every process that the index changed (see kimed.catalog.search.memory)."""
    raw.execute(session, "UPDATE search_meta SET value = :g WHERE name = 'generation'",
                {"g": secrets.randbits(62)})


def _delete(session: Session, ids: Sequence[int]) -> Counter:
    """Remove the index rows of ``ids``; return the facet value counts to take off."""
    removed: Counter = Counter()
    pg = raw.is_pg(session)
    for chunk in _chunks(ids):
        marks, params = _in("d", chunk)
        present = raw.column(session, "SELECT dataset_id FROM dataset_search "
                             f"WHERE dataset_id IN ({marks})", params)
        if not present:
            continue
        marks, params = _in("d", present)
        for value_id in raw.column(session, "SELECT value_id FROM dataset_facets "
                                   f"WHERE dataset_id IN ({marks})", params):
            removed[value_id] -= 1
        for table in (*_TABLES, *(_PG_TABLES if pg else ())):
            raw.execute(session, f"DELETE FROM {table} WHERE dataset_id IN ({marks})", params)
        if not pg:
            raw.execute(session, f"DELETE FROM dataset_fts WHERE rowid IN ({marks})", params)
    return removed


def _apply_totals(session: Session, delta: Counter) -> None:
    changes = [{"id": k, "d": v} for k, v in sorted(delta.items()) if v]
    raw.execute_many(session, "UPDATE search_values SET total = total + :d WHERE id = :id",
                     changes)


def _value_ids(session: Session, rows: set[tuple[str, str, str | None]]) -> dict[tuple, int]:
    """Ids of (facet, value) pairs, creating missing ones and refreshing stored labels."""
    ids: dict[tuple, int] = {}
    labels: dict[tuple, str | None] = {}
    by_facet: dict[str, list[str]] = {}
    for f, v, label in rows:
        by_facet.setdefault(f, []).append(v)
        labels[(f, v)] = label
    known: dict[tuple, str | None] = {}
    for f, values in by_facet.items():
        for chunk in _chunks(sorted(set(values))):
            marks, params = _in("v", chunk)
            for vid, value, label in raw.fetch(session, "SELECT id, value, label FROM "
                                               f"search_values WHERE facet = :f AND value IN "
                                               f"({marks})", {"f": f, **params}):
                ids[(f, value)] = vid
                known[(f, value)] = label
    missing = [{"f": f, "v": v, "l": labels[(f, v)]} for f, v in sorted(labels)
               if (f, v) not in ids]
    stale = [{"id": ids[k], "l": label} for k, label in sorted(labels.items(), key=str)
             if k in ids and label is not None and known[k] != label]
    raw.execute_many(session, "INSERT INTO search_values (facet, value, label, total) "
                     "VALUES (:f, :v, :l, 0) ON CONFLICT (facet, value) DO NOTHING", missing)
    raw.execute_many(session, "UPDATE search_values SET label = :l WHERE id = :id", stale)
    if missing:
        for f in sorted({m["f"] for m in missing}):
            values = sorted({m["v"] for m in missing if m["f"] == f})
            for chunk in _chunks(values):
                marks, params = _in("v", chunk)
                for vid, value in raw.fetch(session, "SELECT id, value FROM search_values "
                                            f"WHERE facet = :f AND value IN ({marks})",
                                            {"f": f, **params}):
                    ids[(f, value)] = vid
    return ids


_PG_DOCUMENT = ("setweight(to_tsvector('simple', u.title), 'A') || "
                "setweight(to_tsvector('simple', u.keywords), 'B') || "
                "setweight(to_tsvector('simple', u.description), 'C') || "
                "setweight(to_tsvector('simple', u.extra), 'D')")
_PG_HEAD = ("setweight(to_tsvector('simple', u.title), 'A') || "
            "setweight(to_tsvector('simple', u.keywords), 'B')")


@dataclass
class Entry:
    """What the index holds of one record: its search id, the columns of ``dataset_search`` and
    the text fields (see :func:`document`), its facet values and its periods."""

    id: int
    fields: dict
    facets: list[tuple[str, str, str | None]]
    periods: list[tuple[str | None, str | None]] = field(default_factory=list)


def projection_of(row) -> dict:
    return row.projection if isinstance(row.projection, dict) else json.loads(row.projection)


def dataset_entry(rid: int, p: dict) -> Entry:
    return Entry(rid, {
        "sort_en": _sort_key(p, "en"), "sort_de": _sort_key(p, "de"),
        "modified": _day(p.get("modified")), "population": p.get("number_of_unique_individuals"),
        "min_age": p.get("min_typical_age"), "max_age": p.get("max_typical_age"), **document(p),
    }, facet_rows(p), [(_day(t.get("start")), _day(t.get("end"))) for t in p.get("temporal") or ()])


def index_entries(session: Session, entries: list[Entry], created_sql: str) -> int:
    """(Re)build the index rows of ``entries``; ``created_sql`` reads a record's creation time
    for search id ``u.id``."""
    if not entries:
        return 0
    session.flush()
    pg = raw.is_pg(session)
    delta = _delete(session, [e.id for e in entries])
    ids = _value_ids(session, {fv for e in entries for fv in e.facets})
    search_rows, facet_rows_, periods = [], [], []
    for e in entries:
        search_rows.append({"id": e.id, **e.fields})
        for f, v, _label in e.facets:
            vid = ids[(f, v)]
            facet_rows_.append({"d": e.id, "v": vid})
            delta[vid] += 1
        periods += [{"d": e.id, "s": start, "e": end} for start, end in e.periods]
    types = {"id": "int", "sort_en": "text", "sort_de": "text", "modified": "date",
             "population": "bigint", "min_age": "int", "max_age": "int"}
    targets = {**{("dataset_id" if k == "id" else k): f"u.{k}" for k in types},
               "created": created_sql}
    if pg:
        types |= {k: "text" for k in ("title", "keywords", "description", "extra")}
        targets["document"] = _PG_DOCUMENT
    raw.insert_many(session, "dataset_search", search_rows, types, targets)
    if pg:
        raw.insert_many(session, "dataset_head", search_rows,
                        {"id": "int", "title": "text", "keywords": "text"},
                        {"dataset_id": "u.id", "head": _PG_HEAD})
    else:
        raw.execute_many(session, "INSERT INTO dataset_fts (rowid, title, keywords, description, "
                         "extra) VALUES (:id, :title, :keywords, :description, :extra)",
                         search_rows)
    raw.insert_many(session, "dataset_facets", facet_rows_,
                    {"d": "int", "v": "int"}, {"dataset_id": "u.d", "value_id": "u.v"})
    raw.insert_many(session, "search_periods", periods, {"d": "int", "s": "date", "e": "date"},
                    {"dataset_id": "u.d", "start_date": "u.s", "end_date": "u.e"})
    _apply_totals(session, delta)
    bump_generation(session)
    return len(entries)


def index_datasets(session: Session, rows: Iterable) -> int:
    """(Re)build the index rows of ``rows`` and return how many were indexed.

    A row is anything with ``id`` and ``projection`` (a flushed DatasetRow, or a result row); the
    projection is read as stored JSON, without validating it again.
    """
    entries = [dataset_entry(row.id, projection_of(row)) for row in rows]
    return index_entries(session, entries, "(SELECT created_at FROM datasets WHERE id = u.id)")


def unindex(session: Session, search_ids: Sequence[int]) -> None:
    """Remove records from the index by search id (kimed.catalog.search.ids)."""
    session.flush()
    _apply_totals(session, _delete(session, list(search_ids)))
    bump_generation(session)


def index_dataset(session: Session, row: DatasetRow) -> None:
    """(Re)build the index rows of one dataset (idempotent). ``row`` must have been flushed."""
    if row.id is None:
        session.flush()
    index_datasets(session, [row])


def unindex_dataset(session: Session, dataset_id: int) -> None:
    """Remove one dataset from the index (call before deleting its row)."""
    unindex(session, [dataset_id])


def reindex_all(session: Session, batch: int = CHUNK) -> int:
    """Rebuild the whole index (datasets and algorithms) from the stored projections; return
    the number of records."""
    session.flush()
    pg = raw.is_pg(session)
    for table in (*_TABLES, *(_PG_TABLES if pg else ()), "search_values"):
        raw.execute(session, f"DELETE FROM {table}")
    if not pg:
        raw.execute(session, "DELETE FROM dataset_fts")
    ids = list(session.scalars(sa.select(DatasetRow.id).order_by(DatasetRow.id)))
    done = 0
    for chunk in _chunks(ids, batch):
        rows = session.execute(sa.select(DatasetRow.id, DatasetRow.projection)
                               .where(DatasetRow.id.in_(chunk))).all()
        done += index_datasets(session, rows)
    from kimed.catalog.search.algorithm_index import index_algorithms

    rows = raw.fetch(session, "SELECT id, projection FROM algorithms ORDER BY id")
    for chunk in _chunks(rows, batch):
        done += index_algorithms(session, [_Row(i, p) for i, p in chunk])
    raw.execute(session, "UPDATE search_values SET total = (SELECT count(*) FROM dataset_facets f "
                "WHERE f.value_id = search_values.id)")
    bump_generation(session)
    return done


@dataclass
class _Row:
    id: int
    projection: dict | str


def rebuild_pending(session: Session) -> bool:
    """Rebuild the whole index if a migration left it to be rebuilt (``search_meta``
    generation -1, see migration 0005); return whether it did."""
    from kimed.catalog.search.memory import PENDING, generation

    if generation(session) != PENDING:
        return False
    reindex_all(session)
    return True
