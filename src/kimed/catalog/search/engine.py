"""Running a search: matching, filtering, ranking, paging and facet counts, all in SQL.

The same plan runs on both databases; only the word match differs (FTS5 ``MATCH`` with ``bm25()`` on
SQLite, ``@@`` with ``ts_rank_cd()`` on PostgreSQL). Each facet is counted over the records that
match the words and every *other* active filter, so choosing a value never hides its siblings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kimed.catalog.models import DatasetRow
from kimed.catalog.projection import DatasetRecord, pick
from kimed.catalog.search.expression import Expression, parse, to_fts5, to_fts5_any, to_tsquery
from kimed.catalog.search.facets import (
    AGE_BANDS,
    BAND_ORDER,
    FACET_KEYS,
    TEMPORAL_BANDS,
    value_label,
)
from kimed.catalog.search.query import FacetValue, Hit, SearchQuery, SearchResult
from kimed.catalog.search.snippet import snippet

FACET_LIMIT = 50
# Field boosts: title > keywords > description > vocabulary labels.
FTS5_WEIGHTS = "10.0, 5.0, 2.0, 1.0"  # bm25() column weights, in the column order of dataset_fts
TS_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"  # ts_rank_cd() weights of D, C, B, A
_ORDER = {
    "title": "s.sort_{lang} ASC, s.dataset_id ASC",
    "modified": "s.modified DESC NULLS LAST, s.dataset_id ASC",
    "size": "s.population DESC NULLS LAST, s.dataset_id ASC",
}


@dataclass
class Condition:
    owner: str | None  # the facet whose own filter this is (None: the words)
    sql: str
    params: dict = field(default_factory=dict)


@dataclass
class Plan:
    pg: bool
    expr: Expression
    conditions: list[Condition]
    selected: dict[str, dict[str, tuple[int, str | None]]]  # facet -> value -> (id, label)

    def where(self, without: str | None = None) -> tuple[str, dict]:
        """The SQL condition on ``s`` (dataset_search), leaving out facet ``without``'s filter."""
        parts = [c for c in self.conditions if without is None or c.owner != without]
        params: dict = {}
        for c in parts:
            params.update(c.params)
        return (" AND ".join(f"({c.sql})" for c in parts) or "1 = 1"), params

    def has(self, owner: str) -> bool:
        return any(c.owner == owner for c in self.conditions)


def _dparam(pg: bool, value: date) -> date | str:
    return value if pg else value.isoformat()


def _text_condition(pg: bool, expr: Expression) -> Condition | None:
    if not expr:
        return None
    if pg:
        return Condition(None, "s.document @@ CAST(:q_ts AS tsquery)", {"q_ts": to_tsquery(expr)})
    if not expr.positive:
        return Condition(None, "s.dataset_id NOT IN (SELECT rowid FROM dataset_fts "
                         "WHERE dataset_fts MATCH :q_not)", {"q_not": to_fts5_any(expr.negative)})
    return Condition(None, "s.dataset_id IN (SELECT rowid FROM dataset_fts "
                     "WHERE dataset_fts MATCH :q_match)", {"q_match": _fts5_match(expr)})


def _fts5_match(expr: Expression) -> str:
    match = to_fts5(expr.positive)
    if expr.negative:
        match = f"({match}) NOT ({to_fts5_any(expr.negative)})"
    return match


def _resolve(session: Session, filters: dict[str, list[str]]):
    selected: dict[str, dict[str, tuple[int, str | None]]] = {}
    for key, values in filters.items():
        if not values:
            continue
        marks = ", ".join(f":v{i}" for i in range(len(values)))
        params = {"f": key, **{f"v{i}": v for i, v in enumerate(values)}}
        found = {value: (vid, label) for vid, value, label in session.execute(sa.text(
            f"SELECT id, value, label FROM search_values WHERE facet = :f AND value IN ({marks})"),
            params)}
        selected[key] = {v: found.get(v, (-1, None)) for v in values}
    return selected


def plan(session: Session, query: SearchQuery) -> Plan:
    pg = session.get_bind().dialect.name == "postgresql"
    expr = parse(query.text, query.typing)
    conditions = [c for c in [_text_condition(pg, expr)] if c]
    selected = _resolve(session, query.filters)
    for key, values in selected.items():
        ids = sorted({vid for vid, _ in values.values() if vid >= 0})
        if not ids:
            conditions.append(Condition(key, "1 = 0"))
            continue
        names = {f"{key}_{i}": vid for i, vid in enumerate(ids)}
        marks = ", ".join(f":{n}" for n in names)
        conditions.append(Condition(key, "s.dataset_id IN (SELECT dataset_id FROM dataset_facets "
                                    f"WHERE value_id IN ({marks}))", names))
    if query.age is not None:
        lo, hi = query.age
        sql = ["s.min_age IS NOT NULL OR s.max_age IS NOT NULL"]
        params = {}
        if hi is not None:
            sql.append("s.min_age IS NULL OR s.min_age <= :age_hi")
            params["age_hi"] = hi
        if lo is not None:
            sql.append("s.max_age IS NULL OR s.max_age >= :age_lo")
            params["age_lo"] = lo
        conditions.append(Condition("age", " AND ".join(f"({s})" for s in sql), params))
    if query.temporal is not None:
        start, end = query.temporal
        sql = ["p.dataset_id = s.dataset_id"]
        params = {}
        if end is not None:
            sql.append("(p.start_date IS NULL OR p.start_date <= :t_end)")
            params["t_end"] = _dparam(pg, end)
        if start is not None:
            sql.append("(p.end_date IS NULL OR p.end_date >= :t_start)")
            params["t_start"] = _dparam(pg, start)
        conditions.append(Condition("temporal", "EXISTS (SELECT 1 FROM search_periods p WHERE "
                                    + " AND ".join(sql) + ")", params))
    return Plan(pg, expr, conditions, selected)


def _page_ids(session: Session, p: Plan, query: SearchQuery) -> list[tuple[int, float | None]]:
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
    if p.pg:
        where, params = p.where()
        rows = session.execute(sa.text(
            f"SELECT s.dataset_id, ts_rank_cd('{TS_WEIGHTS}', s.document, "
            f"CAST(:q_ts AS tsquery), 1) AS score FROM dataset_search s WHERE {where} "
            "ORDER BY score DESC, s.dataset_id LIMIT :limit OFFSET :offset"), {**params, **page})
        return [(r[0], float(r[1])) for r in rows]
    others = [c for c in p.conditions if c.owner is not None]
    params = {"q_match": _fts5_match(p.expr), **page}
    restrict = ""
    if others:
        inner = Plan(p.pg, p.expr, others, p.selected)
        where, extra = inner.where()
        params.update(extra)
        restrict = f"AND m.id IN (SELECT s.dataset_id FROM dataset_search s WHERE {where})"
    # Rank every match first (a MATERIALIZED CTE), then filter: FTS5 would otherwise run the
    # match once per candidate row of the filters.
    rows = session.execute(sa.text(
        f"WITH m AS MATERIALIZED (SELECT rowid AS id, bm25(dataset_fts, {FTS5_WEIGHTS}) AS rank "
        "FROM dataset_fts WHERE dataset_fts MATCH :q_match) "
        f"SELECT m.id, m.rank FROM m WHERE 1 = 1 {restrict} ORDER BY m.rank, m.id "
        "LIMIT :limit OFFSET :offset"), params)
    return [(r[0], -float(r[1])) for r in rows]


def _total(session: Session, p: Plan) -> int:
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
        f"SELECT f.value_id, count(*) FROM dataset_facets f WHERE f.facet IN ({marks}) "
        f"AND f.dataset_id IN (SELECT s.dataset_id FROM dataset_search s WHERE {where}) "
        "GROUP BY f.value_id"), {**fparams, **params})
    return {vid: n for vid, n in rows}


def _band_selected(key: str, value: str, query: SearchQuery) -> bool:
    if key == "age" and query.age is not None:
        band = next(b for b in AGE_BANDS if b[0] == value)
        return query.age == (band[1], band[2])
    if key == "temporal" and query.temporal is not None:
        band = next(b for b in TEMPORAL_BANDS if b[0] == value)
        span = (date(band[1], 1, 1) if band[1] else None, date(band[2], 12, 31) if band[2] else None)
        return query.temporal == span
    return False


def facet_counts(session: Session, p: Plan, query: SearchQuery) -> dict[str, list[FacetValue]]:
    counts: dict[int, int] = {}
    shared = [k for k in FACET_KEYS if not p.has(k)]
    if shared:
        counts.update(_count(session, p, shared, None))
    for key in FACET_KEYS:
        if p.has(key):
            counts.update(_count(session, p, [key], key))
    info: dict[int, tuple[str, str, str | None]] = {}
    marks = ", ".join(f":k{i}" for i in range(len(FACET_KEYS)))
    for vid, facet_key, value, label in session.execute(sa.text(
            f"SELECT id, facet, value, label FROM search_values WHERE facet IN ({marks})"),
            {f"k{i}": k for i, k in enumerate(FACET_KEYS)}):
        if vid in counts:
            info[vid] = (facet_key, value, label)
    ranked: dict[str, list[tuple[int, str, str | None]]] = {k: [] for k in FACET_KEYS}
    for vid, (facet_key, value, label) in info.items():
        ranked[facet_key].append((counts[vid], value, label))
    out: dict[str, list[FacetValue]] = {k: [] for k in FACET_KEYS}
    for facet_key, values in ranked.items():
        chosen = p.selected.get(facet_key, {})
        values.sort(key=lambda v: (-v[0], v[1]))
        if facet_key not in BAND_ORDER:
            values = [v for i, v in enumerate(values) if i < FACET_LIMIT or v[1] in chosen]
        out[facet_key] = [
            FacetValue(value, value_label(facet_key, value, label, query.lang), n,
                       value in chosen or _band_selected(facet_key, value, query))
            for n, value, label in values]
    for facet_key, values in p.selected.items():
        present = {fv.value for fv in out[facet_key]}
        out[facet_key] += [FacetValue(v, value_label(facet_key, v, label, query.lang), 0, True)
                           for v, (_vid, label) in values.items() if v not in present]
    for facet_key, values in out.items():
        if facet_key in BAND_ORDER:
            order = BAND_ORDER[facet_key]
            values.sort(key=lambda fv: order.index(fv.value))
        else:
            values.sort(key=lambda fv: (-fv.count, fv.label.casefold(), fv.value))
    return out


def _hits(session: Session, ranked: list[tuple[int, float | None]], p: Plan,
          query: SearchQuery) -> list[Hit]:
    if not ranked:
        return []
    rows = {r.id: r for r in session.execute(
        sa.select(DatasetRow.id, DatasetRow.identifier, DatasetRow.iri, DatasetRow.projection)
        .where(DatasetRow.id.in_([i for i, _ in ranked])))}
    words, prefixes = p.expr.match_terms()
    hits = []
    for rid, score in ranked:
        row = rows.get(rid)
        if row is None:
            continue
        rec = DatasetRecord.model_validate(row.projection)
        hits.append(Hit(
            identifier=row.identifier, iri=row.iri, title=rec.label(query.lang),
            description_snippet=snippet(pick(rec.description, query.lang), words, prefixes),
            access_rights=rec.access_rights,
            publisher=pick(rec.publisher.name, query.lang) if rec.publisher else None,
            score=score,
        ))
    return hits


def search(session: Session, query: SearchQuery) -> SearchResult:
    """Run ``query``: one page of hits, the total, and every facet's counts."""
    query.validate()
    p = plan(session, query)
    ranked = _page_ids(session, p, query)
    total = _total(session, p)
    facets = facet_counts(session, p, query)
    return SearchResult.build(total, _hits(session, ranked, p, query), facets, query)
