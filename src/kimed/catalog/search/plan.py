"""A search as SQL conditions on ``dataset_search s``: the words, each facet filter, the ranges.

Each condition names its owner (the facet whose filter it is; None for the words), so a facet can be
counted over every condition but its own. The SQL reference path (kimed.catalog.search.reference)
runs these conditions as they are; the engine matches the words with the text condition alone and
evaluates the filters in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kimed.catalog.search.expression import (
    Clause,
    Expression,
    parse,
    to_fts5,
    to_fts5_any,
    to_tsquery,
    to_tsquery_any,
)
from kimed.catalog.search.labels import LabelIndex
from kimed.catalog.search.query import SearchQuery

FTS5_WEIGHTS = "10.0, 5.0, 2.0, 1.0"  # bm25() column weights, in the column order of dataset_fts
TS_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"  # ts_rank() weights of D, C, B, A


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


def _doc_sql(pg: bool, clauses: list[Clause], name: str, any_of: bool = False):
    """The condition that a record's own text satisfies every clause (``any_of``: any)."""
    if pg:
        q = to_tsquery_any(clauses) if any_of else to_tsquery(Expression(clauses))
        return f"s.document @@ CAST(:{name} AS tsquery)", {name: q}
    q = to_fts5_any(clauses) if any_of else to_fts5(clauses)
    return (f"s.dataset_id IN (SELECT rowid FROM dataset_fts WHERE dataset_fts MATCH :{name})",
            {name: q})


def _or_labelled(sql: str, value_ids: set[int]) -> str:
    if not value_ids:
        return sql
    ids = ", ".join(str(int(v)) for v in sorted(value_ids))
    return (f"({sql}) OR s.dataset_id IN (SELECT dataset_id FROM dataset_facets "
            f"WHERE value_id IN ({ids}))")


def _text_conditions(pg: bool, expr: Expression, labels: LabelIndex) -> list[Condition]:
    """One condition per clause: the record's own text, or a facet value whose label holds it
    (kimed.catalog.search.labels); one more for the exclusions."""
    conditions = []
    for i, clause in enumerate(expr.positive):
        sql, params = _doc_sql(pg, [clause], f"q_{i}")
        conditions.append(Condition(None, _or_labelled(sql, labels.clause_values(clause)),
                                    params))
    if expr.negative:
        sql, params = _doc_sql(pg, expr.negative, "q_not", any_of=True)
        values: set[int] = set()
        for clause in expr.negative:
            values |= labels.clause_values(clause)
        conditions.append(Condition(None, f"NOT ({_or_labelled(sql, values)})", params))
    return conditions


def _labels(session: Session) -> LabelIndex:
    return LabelIndex.build(session.execute(sa.text(
        "SELECT id, facet, value, label FROM search_values")).all())


def fts5_match(expr: Expression) -> str:
    match = to_fts5(expr.positive)
    if expr.negative:
        match = f"({match}) NOT ({to_fts5_any(expr.negative)})"
    return match


def _resolve(session: Session, filters: dict[str, list[str]], index=None):
    selected: dict[str, dict[str, tuple[int, str | None]]] = {}
    for key, values in filters.items():
        if not values:
            continue
        if index is not None:
            ids = {v: index.by_value.get((key, v), -1) for v in values}
            selected[key] = {v: (i, index.values[i][2] if i >= 0 else None)
                             for v, i in ids.items()}
            continue
        marks = ", ".join(f":v{i}" for i in range(len(values)))
        params = {"f": key, **{f"v{i}": v for i, v in enumerate(values)}}
        found = {value: (vid, label) for vid, value, label in session.execute(sa.text(
            f"SELECT id, value, label FROM search_values WHERE facet = :f AND value IN ({marks})"),
            params)}
        selected[key] = {v: found.get(v, (-1, None)) for v in values}
    return selected


def plan(session: Session, query: SearchQuery, index=None) -> Plan:
    """The conditions of ``query`` in SQL; facet values are looked up in ``index`` if given."""
    pg = session.get_bind().dialect.name == "postgresql"
    expr = parse(query.text, query.typing)
    labels = index.labels if index is not None else (_labels(session) if expr else LabelIndex())
    conditions = _text_conditions(pg, expr, labels)
    selected = _resolve(session, query.filters, index)
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
