"""The reference implementation: the whole search in SQL (page, total and every facet count).

This was the engine before the in-memory facet index (kimed.catalog.search.memory); it stays as the
reference that tests compare the engine with, and as a readable statement of what a count means.
It costs time in proportion to the matching records times their facet values.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kimed.catalog.search.expression import to_tsquery
from kimed.catalog.search.facets import FACET_KEYS
from kimed.catalog.search.plan import FTS5_WEIGHTS, TS_WEIGHTS, Plan, fts5_match, plan
from kimed.catalog.search.query import SearchQuery

_ORDER = {
    "title": "s.sort_{lang} ASC, s.dataset_id ASC",
    "modified": "s.modified DESC NULLS LAST, s.dataset_id ASC",
    "size": "s.population DESC NULLS LAST, s.dataset_id ASC",
    "newest": "s.created DESC NULLS LAST, s.dataset_id DESC",
}


def page_ids(session: Session, p: Plan, query: SearchQuery) -> list[tuple[int, float | None]]:
    sort = query.effective_sort()
    if sort == "relevance" and not p.expr.positive:
        sort = "title"
    page = {"limit": query.per_page, "offset": query.offset}
    if sort != "relevance":
        where, params = p.where()
        order = _ORDER[sort].format(lang=query.lang)
        rows = session.execute(sa.text(
            f"SELECT s.dataset_id FROM dataset_search s WHERE {where} ORDER BY {order} "
            "LIMIT :limit OFFSET :offset"), {**params, **page})
        return [(r[0], None) for r in rows]
    where, params = p.where()
    # Records that match some words only through facet labels have no text score: they come
    # last, by id (as in the engine).
    if p.pg:
        rows = session.execute(sa.text(
            "SELECT s.dataset_id, CASE WHEN s.document @@ CAST(:q_rank AS tsquery) THEN "
            f"ts_rank('{TS_WEIGHTS}', s.document, CAST(:q_rank AS tsquery), 1) ELSE 0 END "
            f"AS score FROM dataset_search s WHERE {where} "
            "ORDER BY score DESC, s.dataset_id LIMIT :limit OFFSET :offset"),
            {**params, **page, "q_rank": to_tsquery(p.expr)})
        return [(r[0], float(r[1])) for r in rows]
    # Rank every text match first (a MATERIALIZED CTE), then filter: FTS5 would otherwise run
    # the match once per candidate row of the filters.
    rows = session.execute(sa.text(
        f"WITH m AS MATERIALIZED (SELECT rowid AS id, bm25(dataset_fts, {FTS5_WEIGHTS}) AS rank "
        "FROM dataset_fts WHERE dataset_fts MATCH :q_rank) "
        f"SELECT s.dataset_id, m.rank FROM dataset_search s LEFT JOIN m ON m.id = s.dataset_id "
        f"WHERE {where} ORDER BY (m.rank IS NULL), m.rank, s.dataset_id "
        "LIMIT :limit OFFSET :offset"), {**params, **page, "q_rank": fts5_match(p.expr)})
    return [(r[0], -float(r[1]) if r[1] is not None else 0.0) for r in rows]


def total(session: Session, p: Plan) -> int:
    where, params = p.where()
    return session.execute(sa.text(f"SELECT count(*) FROM dataset_search s WHERE {where}"),
                           params).scalar_one()


def _count(session: Session, p: Plan, facets: list[str], without: str | None) -> dict[int, int]:
    marks = ", ".join(f":fa{i}" for i in range(len(facets)))
    fparams = {f"fa{i}": f for i, f in enumerate(facets)}
    if not any(without is None or c.owner != without for c in p.conditions):
        rows = session.execute(sa.text(
            f"SELECT id, total FROM search_values WHERE facet IN ({marks}) AND total > 0"),
            fparams)
        return {vid: n for vid, n in rows}
    where, params = p.where(without)
    rows = session.execute(sa.text(
        f"SELECT f.value_id, count(*) FROM dataset_facets f WHERE f.value_id IN "
        f"(SELECT id FROM search_values WHERE facet IN ({marks})) "
        f"AND f.dataset_id IN (SELECT s.dataset_id FROM dataset_search s WHERE {where}) "
        "GROUP BY f.value_id"), {**fparams, **params})
    return {vid: n for vid, n in rows}


def sql_counts(session: Session, p: Plan) -> dict[int, int]:
    """Value id -> count, every facet counted over all conditions but its own."""
    counts: dict[int, int] = {}
    shared = [k for k in FACET_KEYS if not p.has(k)]
    if shared:
        counts.update(_count(session, p, shared, None))
    for key in FACET_KEYS:
        if p.has(key):
            counts.update(_count(session, p, [key], key))
    return counts


def reference(session: Session, query: SearchQuery) -> tuple[int, list[int], dict[int, int]]:
    """(total, the page's dataset ids, value id -> count), all computed in SQL."""
    query.validate()
    p = plan(session, query)
    ids = [i for i, _score in page_ids(session, p, query)]
    return total(session, p), ids, sql_counts(session, p)
