"""Keeping the search index in step with the catalogue.

:func:`index_dataset` is what the importer calls for each stored record; :func:`index_datasets` does
the same for many rows at once with few statements (reindexing, bulk loads, the benchmark). Both
delete a record's old index rows first, so indexing twice gives the same index.

``search_values.total`` holds each facet value's count over the whole catalogue, kept up to date here,
so the facet counts of an unfiltered search need no scan; :func:`reindex_all` recomputes it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kimed.catalog.models import DatasetRow
from kimed.catalog.projection import DatasetRecord
from kimed.catalog.search.facets import facet_values
from kimed.catalog.search.text import analyse, fold

CHUNK = 500
_VOCAB_FIELDS = ("health_categories", "health_themes", "coding_systems", "standards", "themes")


def _is_pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _day(pg: bool, value: date | None) -> date | str | None:
    """Dates go to SQLite as ISO text (what its DATE columns hold), to PostgreSQL as dates."""
    return value if pg or value is None else value.isoformat()


def _chunks(items: Sequence, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _in(name: str, values: Sequence) -> tuple[str, dict]:
    """``:name0, :name1, ...`` and its parameters, for an IN list."""
    params = {f"{name}{i}": v for i, v in enumerate(values)}
    return ", ".join(f":{p}" for p in params), params


def _labels_text(record: DatasetRecord) -> list[str]:
    """Vocabulary labels (en and de) and codes of the record's concepts, its publisher and id."""
    out = [record.identifier]
    for name in _VOCAB_FIELDS:
        out += [_concept_text(uri) for uri in getattr(record, name)]
    if record.publisher is not None:
        out += list(record.publisher.name.values())
    return out


@lru_cache(maxsize=4096)
def _concept_text(uri: str) -> str:
    """The code and the English and German labels of a vocabulary concept ("" if unknown)."""
    from kimed.vocab import lookup

    concept = lookup(uri)
    if concept is None:
        return ""
    return " ".join([concept.code, concept.labels.get("en", ""), concept.labels.get("de", "")])


def document(record: DatasetRecord) -> dict[str, str]:
    """The analysed text of each indexed field of a record."""
    return {
        "title": analyse(record.title.values()),
        "keywords": analyse(k for words in record.keywords.values() for k in words),
        "description": analyse(record.description.values()),
        "labels": analyse(_labels_text(record)),
    }


def _sort_key(record: DatasetRecord, lang: str) -> str:
    title = record.title
    return fold(title.get(lang) or title.get("en") or next(iter(title.values()), "")
                or record.identifier)[:200]


def _delete(session: Session, ids: Sequence[int]) -> Counter:
    """Remove the index rows of ``ids``; return the facet value counts to take off."""
    removed: Counter = Counter()
    for chunk in _chunks(ids):
        marks, params = _in("d", chunk)
        for (value_id,) in session.execute(sa.text(
                f"SELECT value_id FROM dataset_facets WHERE dataset_id IN ({marks})"), params):
            removed[value_id] -= 1
        for table in ("dataset_facets", "search_periods", "dataset_search"):
            session.execute(sa.text(f"DELETE FROM {table} WHERE dataset_id IN ({marks})"), params)
        if not _is_pg(session):
            session.execute(sa.text(f"DELETE FROM dataset_fts WHERE rowid IN ({marks})"), params)
    return removed


def _apply_totals(session: Session, delta: Counter) -> None:
    changes = [{"id": k, "d": v} for k, v in sorted(delta.items()) if v]
    if changes:
        session.execute(sa.text("UPDATE search_values SET total = total + :d WHERE id = :id"),
                        changes)


def _value_ids(session: Session, rows: set[tuple[str, str, str | None]]) -> dict[tuple, int]:
    """Ids of (facet, value) pairs, creating missing ones and refreshing stored labels."""
    plain = [{"f": f, "v": v} for f, v, label in sorted(rows, key=str) if label is None]
    labelled = [{"f": f, "v": v, "l": label} for f, v, label in sorted(rows, key=str)
                if label is not None]
    if plain:
        session.execute(sa.text(
            "INSERT INTO search_values (facet, value, total) VALUES (:f, :v, 0) "
            "ON CONFLICT (facet, value) DO NOTHING"), plain)
    if labelled:
        session.execute(sa.text(
            "INSERT INTO search_values (facet, value, label, total) VALUES (:f, :v, :l, 0) "
            "ON CONFLICT (facet, value) DO UPDATE SET label = excluded.label "
            "WHERE search_values.label IS NULL OR search_values.label <> excluded.label"),
            labelled)
    ids: dict[tuple, int] = {}
    by_facet: dict[str, list[str]] = {}
    for f, v, _label in rows:
        by_facet.setdefault(f, []).append(v)
    for f, values in by_facet.items():
        for chunk in _chunks(sorted(set(values))):
            marks, params = _in("v", chunk)
            for vid, value in session.execute(sa.text(
                    f"SELECT id, value FROM search_values WHERE facet = :f AND value IN ({marks})"),
                    {"f": f, **params}):
                ids[(f, value)] = vid
    return ids


def index_datasets(session: Session, rows: Iterable[DatasetRow]) -> int:
    """(Re)build the index rows of ``rows`` and return how many were indexed.

    A row is anything with ``id`` and ``projection`` (a flushed DatasetRow, or a result row).
    """
    rows = list(rows)
    if not rows:
        return 0
    pg = _is_pg(session)
    delta = _delete(session, [r.id for r in rows])
    records = [(row.id, DatasetRecord.model_validate(row.projection)) for row in rows]
    facets = {rid: facet_values(rec) for rid, rec in records}
    ids = _value_ids(session, {fv for values in facets.values() for fv in values})
    search_rows, fts_rows, facet_rows, periods = [], [], [], []
    for rid, rec in records:
        doc = document(rec)
        search_rows.append({
            "id": rid, "sort_en": _sort_key(rec, "en"), "sort_de": _sort_key(rec, "de"),
            "modified": _day(pg, rec.modified), "population": rec.number_of_unique_individuals,
            "min_age": rec.min_typical_age, "max_age": rec.max_typical_age, **doc,
        })
        if not pg:
            fts_rows.append({"id": rid, **doc})
        for f, v, _label in facets[rid]:
            vid = ids[(f, v)]
            facet_rows.append({"d": rid, "f": f, "v": vid})
            delta[vid] += 1
        periods += [{"d": rid, "s": _day(pg, p.start), "e": _day(pg, p.end)} for p in rec.temporal]
    columns = "dataset_id, sort_en, sort_de, modified, population, min_age, max_age"
    values = ":id, :sort_en, :sort_de, :modified, :population, :min_age, :max_age"
    if pg:
        columns += ", document"
        values += (", setweight(to_tsvector('simple', :title), 'A') || "
                   "setweight(to_tsvector('simple', :keywords), 'B') || "
                   "setweight(to_tsvector('simple', :description), 'C') || "
                   "setweight(to_tsvector('simple', :labels), 'D')")
    session.execute(sa.text(f"INSERT INTO dataset_search ({columns}) VALUES ({values})"),
                    search_rows)
    if fts_rows:
        session.execute(sa.text(
            "INSERT INTO dataset_fts (rowid, title, keywords, description, labels) "
            "VALUES (:id, :title, :keywords, :description, :labels)"), fts_rows)
    if facet_rows:
        session.execute(sa.text("INSERT INTO dataset_facets (dataset_id, facet, value_id) "
                                "VALUES (:d, :f, :v)"), facet_rows)
    if periods:
        session.execute(sa.text("INSERT INTO search_periods (dataset_id, start_date, end_date) "
                                "VALUES (:d, :s, :e)"), periods)
    _apply_totals(session, delta)
    return len(rows)


def index_dataset(session: Session, row: DatasetRow) -> None:
    """(Re)build the index rows of one dataset (idempotent). ``row`` must have been flushed."""
    if row.id is None:
        session.flush()
    index_datasets(session, [row])


def unindex_dataset(session: Session, dataset_id: int) -> None:
    """Remove one dataset from the index (call before deleting its row)."""
    _apply_totals(session, _delete(session, [dataset_id]))


def reindex_all(session: Session, batch: int = CHUNK) -> int:
    """Rebuild the whole index from the stored projections; return the number of records."""
    pg = _is_pg(session)
    for table in ("dataset_facets", "search_periods", "dataset_search", "search_values"):
        session.execute(sa.text(f"DELETE FROM {table}"))
    if not pg:
        session.execute(sa.text("DELETE FROM dataset_fts"))
    ids = list(session.scalars(sa.select(DatasetRow.id).order_by(DatasetRow.id)))
    done = 0
    for chunk in _chunks(ids, batch):
        rows = session.execute(sa.select(DatasetRow.id, DatasetRow.projection)
                               .where(DatasetRow.id.in_(chunk))).all()
        done += index_datasets(session, rows)
    session.execute(sa.text(
        "UPDATE search_values SET total = (SELECT count(*) FROM dataset_facets f "
        "WHERE f.value_id = search_values.id)"))
    return done
