"""Running a search: the words in the database, filters, counts and sorting in memory.

1. The words are matched by the database's own engine (FTS5 ``MATCH`` on SQLite, ``@@`` on a
   tsvector on PostgreSQL); the matching ids become a bitset.
2. Each filter is a bitset from the in-memory facet index (kimed.catalog.search.memory); the
   matches are the AND of all of them, and the total is its population count. Words found in the
   labels of facet values (vocabulary concepts, publisher names) match through those values'
   bitsets (kimed.catalog.search.labels).
3. Each facet is counted over the records that match the words and every *other* active filter,
   so choosing a value never hides its siblings (disjunctive faceting).
4. The page: by relevance, only the matches are ranked (``bm25()`` or ``ts_rank()``); other
   sorts walk the in-memory sort orders. Only the page's records are read and given snippets.

kimed.catalog.search.reference computes the same in SQL alone; tests compare the two.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from contextlib import contextmanager
from datetime import date
from functools import lru_cache

from sqlalchemy.orm import Session

from kimed.catalog.search import raw
from kimed.catalog.search.expression import (
    Expression,
    head_fts5,
    to_fts5,
    to_fts5_any,
    to_tsquery,
    to_tsquery_any,
)
from kimed.catalog.search.facets import (
    AGE_BANDS,
    BAND_ORDER,
    FACET_KEYS,
    TEMPORAL_BANDS,
    value_label,
)
from kimed.catalog.search.hits import hits
from kimed.catalog.search.ids import ALGORITHM_BASE
from kimed.catalog.search.memory import FacetIndex, facet_index
from kimed.catalog.search.plan import FTS5_WEIGHTS, TS_WEIGHTS, Plan, fts5_match, plan
from kimed.catalog.search.query import FacetValue, SearchQuery, SearchResult

FACET_LIMIT = 50
RANK_ALL = 10_000  # rank every word match up to this many (see _relevance_page)
RANK_IDS = 2_000  # PostgreSQL: rank the matches by id up to this many
TEXT_CACHE = 256  # word matches kept per process (keyed by index generation and query)
_TEXT_LOCK = threading.Lock()


def _text_bits(session: Session, p: Plan, idx: FacetIndex) -> int:
    """The bitset of the records that match the words (kept per index generation: paging and
    choosing facet values repeat the same words)."""
    key = (p.pg, repr(p.expr))
    cache = idx.cache.setdefault("text", OrderedDict())
    with _TEXT_LOCK:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    bits = _match_words(session, p, idx)
    with _TEXT_LOCK:
        cache[key] = bits
        while len(cache) > TEXT_CACHE:
            cache.popitem(last=False)
    return bits


@contextmanager
def _index_scans(session: Session, pg: bool):
    """On PostgreSQL, a common word makes the planner pick a sequential scan, which evaluates the
    query on every tsvector and takes several times longer than the GIN index; so sequential scans
    are switched off for the word-match statements (and back on after them)."""
    if not pg:
        yield
        return
    before = raw.column(session, "SELECT current_setting('enable_seqscan')")[0]
    raw.execute(session, "SELECT set_config('enable_seqscan', 'off', true)")
    try:
        yield
    finally:
        raw.execute(session, "SELECT set_config('enable_seqscan', :v, true)", {"v": before})


def _pg_word_ids(session: Session, tsquery: str) -> list[int]:
    """The ids as one array: a third less time than a row per id for 20,000 matches."""
    with _index_scans(session, True):
        found = raw.column(session, "SELECT array_agg(dataset_id) FROM dataset_search "
                           "WHERE document @@ CAST(:q AS tsquery)", {"q": tsquery})
    return found[0] or []


def _doc_ids(session: Session, pg: bool, clauses: list, any_of: bool = False) -> list[int]:
    """Ids of the records whose own text satisfies every clause (``any_of``: any clause)."""
    if pg:
        q = to_tsquery_any(clauses) if any_of else to_tsquery(Expression(clauses))
        return _pg_word_ids(session, q)
    q = to_fts5_any(clauses) if any_of else to_fts5(clauses)
    return raw.column(session, "SELECT rowid FROM dataset_fts WHERE dataset_fts MATCH :q",
                      {"q": q})


def _match_words(session: Session, p: Plan, idx: FacetIndex) -> int:
    """A record matches a clause by its own text (the database's text index) or by the label of
    one of its facet values (kimed.catalog.search.labels); clauses are ANDed, exclusions removed.
    Without label matches, the whole expression is one statement."""
    expr: Expression = p.expr
    by_label = [idx.label_bits(c) for c in expr.positive]
    excluded = 0  # records excluded through a label
    for clause in expr.negative:
        excluded |= idx.label_bits(clause)
    if not expr.positive:
        return idx.universe & ~excluded & ~idx.to_bits(
            _doc_ids(session, p.pg, expr.negative, any_of=True))
    if not any(by_label):  # one statement for the words and the exclusions in the text
        if p.pg:
            return idx.to_bits(_pg_word_ids(session, to_tsquery(expr))) & ~excluded
        return idx.to_bits(raw.column(session, "SELECT rowid FROM dataset_fts "
                                      "WHERE dataset_fts MATCH :q", {"q": fts5_match(expr)})
                           ) & ~excluded
    plain = [c for c, bits in zip(expr.positive, by_label, strict=True) if not bits]
    match = idx.to_bits(_doc_ids(session, p.pg, plain)) if plain else idx.universe
    for clause, bits in zip(expr.positive, by_label, strict=True):
        if bits and match:
            match &= idx.to_bits(_doc_ids(session, p.pg, [clause])) | bits
    if expr.negative and match:
        match &= ~idx.to_bits(_doc_ids(session, p.pg, expr.negative, any_of=True))
    return match & ~excluded


def _filter_bits(p: Plan, query: SearchQuery, idx: FacetIndex) -> dict[str, int]:
    sets = {}
    for key, values in p.selected.items():
        sets[key] = idx.union(vid for vid, _label in values.values() if vid >= 0)
    if query.age is not None:
        sets["age"] = idx.ages.match(*query.age)
    if query.temporal is not None:
        sets["temporal"] = idx.periods.match(*query.temporal)
    return sets


def _and(sets, start: int | None = None) -> int | None:
    out = start
    for bits in sets:
        out = bits if out is None else out & bits
    return out


def _ranked(session: Session, p: Plan, head: bool) -> tuple[str, dict]:
    """SQL for (id, score) of the records whose own text matches the words, best first: all of
    them, or (``head``) only those whose title or keywords match."""
    if p.pg and head:  # the small title-and-keywords table (migration 0005)
        return (f"SELECT dataset_id, ts_rank('{TS_WEIGHTS}', head, CAST(:q AS tsquery), 1) AS r "
                "FROM dataset_head WHERE head @@ CAST(:q AS tsquery) ORDER BY r DESC, dataset_id"
                ), {"q": to_tsquery(Expression(p.expr.positive))}
    if p.pg:
        return (f"SELECT dataset_id, ts_rank('{TS_WEIGHTS}', document, CAST(:q AS tsquery), 1)"
                " AS r FROM dataset_search WHERE document @@ CAST(:q AS tsquery) "
                "ORDER BY r DESC, dataset_id"), {"q": to_tsquery(p.expr)}
    q = head_fts5(p.expr.positive) if head else fts5_match(p.expr)
    return (f"SELECT rowid, -bm25(dataset_fts, {FTS5_WEIGHTS}) AS r FROM dataset_fts "
            "WHERE dataset_fts MATCH :q ORDER BY r DESC, rowid"), {"q": q}


def _first(session: Session, sql: str, params: dict, idx: FacetIndex, data: bytes, want: int):
    found: list[tuple[int, float]] = []
    for i, r in raw.stream(session, sql, params):
        p = i if i < ALGORITHM_BASE else idx.pos(i)
        if p >= 0 and data[p >> 3] >> (p & 7) & 1:
            found.append((i, float(r)))
            if len(found) == want:
                break
    return found


def _fill(idx: FacetIndex, match: int, found: list[tuple[int, float]], want: int):
    """``found`` and then the other matches by id, with score 0, up to ``want``: records that
    match some words only through their facet values' labels rank after those that match in
    their own text (docs/search.md, Ranking)."""
    if len(found) >= want:
        return found
    rest = match & ~idx.to_bits([i for i, _ in found])
    out = list(found)
    for i in idx.ids_of(rest):
        out.append((i, 0.0))
        if len(out) == want:
            break
    return out


def _relevance_page(session: Session, p: Plan, query: SearchQuery, idx: FacetIndex, match: int,
                    total: int, text: int) -> list[tuple[int, float]]:
    """The page of ``match`` by relevance: bm25 (SQLite) or ts_rank (PostgreSQL).

    Ranking costs time per ranked record, so: a few matches are ranked by id; up to RANK_ALL word
    matches are all ranked; beyond that, only the records whose title or keywords match are
    ranked, as long as they fill the page (else all are ranked). Matches through labels alone
    come last. See docs/search.md.
    """
    want = query.offset + query.per_page
    if p.pg and total <= RANK_IDS:
        rows = raw.fetch(session, "SELECT dataset_id, CASE WHEN document @@ CAST(:q AS tsquery) "
                         f"THEN ts_rank('{TS_WEIGHTS}', document, CAST(:q AS tsquery), 1) "
                         "ELSE 0 END AS r FROM dataset_search "
                         "WHERE dataset_id = ANY(CAST(:ids AS int[])) "
                         "ORDER BY r DESC, dataset_id LIMIT :limit OFFSET :offset",
                         {"q": to_tsquery(p.expr), "ids": idx.ids_of(match),
                          "limit": query.per_page, "offset": query.offset})
        return [(r[0], float(r[1])) for r in rows]
    data = match.to_bytes(idx.width, "little")
    with _index_scans(session, p.pg):
        if text.bit_count() > RANK_ALL:
            found = _first(session, *_ranked(session, p, head=True), idx, data, want)
            if len(found) == want:
                return found[query.offset:]
        found = _first(session, *_ranked(session, p, head=False), idx, data, want)
    return _fill(idx, match, found, want)[query.offset:]


def _sorted_page(session: Session, query: SearchQuery, idx: FacetIndex, match: int,
                 total: int) -> list[int]:
    sort = query.effective_sort()
    order = f"title_{query.lang}" if sort in ("title", "relevance") else sort
    return idx.page(session, order, match, total, query.offset, query.per_page)


def _band_selected(key: str, value: str, query: SearchQuery) -> bool:
    if key == "age" and query.age is not None:
        band = next(b for b in AGE_BANDS if b[0] == value)
        return query.age == (band[1], band[2])
    if key == "temporal" and query.temporal is not None:
        band = next(b for b in TEMPORAL_BANDS if b[0] == value)
        span = (date(band[1], 1, 1) if band[1] else None, date(band[2], 12, 31) if band[2] else None)
        return query.temporal == span
    return False


def memory_counts(idx: FacetIndex, sets: dict[str | None, int]) -> dict[int, int]:
    """Value id -> count, every facet counted over all conditions but its own."""
    shared = _and(sets.values())
    counts: dict[int, int] = {}
    for key in FACET_KEYS:
        base = _and(b for k, b in sets.items() if k != key) if key in sets else shared
        counts.update(idx.count(key, base))
    return counts


@lru_cache(maxsize=20_000)
def _label(facet_key: str, value: str, stored: str | None, lang: str) -> str:
    return value_label(facet_key, value, stored, lang)


def shape_facets(counts: dict[int, int], values: dict[int, tuple[str, str, str | None]],
                 p: Plan, query: SearchQuery) -> dict[str, list[FacetValue]]:
    """Counts by value id -> each facet's values with labels, the top 50, selected ones kept."""
    ranked: dict[str, list[tuple[int, str, str | None]]] = {k: [] for k in FACET_KEYS}
    for vid, n in counts.items():
        facet_key, value, label = values[vid]
        if facet_key in ranked:
            ranked[facet_key].append((n, value, label))
    out: dict[str, list[FacetValue]] = {k: [] for k in FACET_KEYS}
    for facet_key, found in ranked.items():
        chosen = p.selected.get(facet_key, {})
        found.sort(key=lambda v: (-v[0], v[1]))
        if facet_key not in BAND_ORDER:
            found = [v for i, v in enumerate(found) if i < FACET_LIMIT or v[1] in chosen]
        out[facet_key] = [
            FacetValue(value, _label(facet_key, value, label, query.lang), n,
                       value in chosen or _band_selected(facet_key, value, query))
            for n, value, label in found]
    for facet_key, chosen in p.selected.items():
        present = {fv.value for fv in out[facet_key]}
        out[facet_key] += [FacetValue(v, value_label(facet_key, v, label, query.lang), 0, True)
                           for v, (_vid, label) in chosen.items() if v not in present]
    for facet_key, found_values in out.items():
        if facet_key in BAND_ORDER:
            order = BAND_ORDER[facet_key]
            found_values.sort(key=lambda fv: order.index(fv.value))
        else:
            found_values.sort(key=lambda fv: (-fv.count, fv.label.casefold(), fv.value))
    return out


def search(session: Session, query: SearchQuery) -> SearchResult:
    """Run ``query``: one page of hits, the total, and every facet's counts."""
    query.validate()
    idx = facet_index(session)
    p = plan(session, query, idx)
    relevance = query.effective_sort() == "relevance" and bool(p.expr.positive)
    sets: dict[str | None, int] = {}
    if p.expr:
        sets[None] = _text_bits(session, p, idx)
    sets.update(_filter_bits(p, query, idx))
    match = _and(sets.values(), None)
    match = idx.universe if match is None else match
    total = match.bit_count()
    if not total:
        ranked: list[tuple[int, float | None]] = []
    elif relevance:
        ranked = _relevance_page(session, p, query, idx, match, total, sets[None])
    else:
        ranked = [(i, None) for i in _sorted_page(session, query, idx, match, total)]
    counts = memory_counts(idx, sets)
    facets = shape_facets(counts, idx.values, p, query)
    return SearchResult.build(total, hits(session, ranked, p, query, idx), facets, query)
