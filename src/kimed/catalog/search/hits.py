"""The result cards of a page: datasets and algorithms read by search id, with snippets."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kimed.catalog.models import DatasetRow
from kimed.catalog.projection import pick
from kimed.catalog.search.ids import ALGORITHM_BASE, algorithm_id, algorithm_search_id
from kimed.catalog.search.plan import Plan
from kimed.catalog.search.query import Hit, SearchQuery
from kimed.catalog.search.snippet import highlight, snippet


def _json(value) -> dict:
    return value if isinstance(value, dict) else json.loads(value)


def _dataset_hits(session: Session, ids: list[int], words, prefixes, query: SearchQuery,
                  idx) -> dict[int, Hit]:
    from kimed.catalog.search.listing import slug_map

    slugs = slug_map(idx)
    out = {}
    for row in session.execute(sa.select(DatasetRow.id, DatasetRow.identifier, DatasetRow.iri,
                                         DatasetRow.projection).where(DatasetRow.id.in_(ids))):
        proj = _json(row.projection)
        agent = proj.get("publisher") or {}
        names = agent.get("name") or {}
        value = agent.get("iri") or pick(names) or None
        text = snippet(pick(proj.get("description") or {}, query.lang), words, prefixes)
        out[row.id] = Hit(
            identifier=row.identifier, iri=row.iri,
            title=pick(proj.get("title") or {}, query.lang) or row.identifier,
            description_snippet=text, access_rights=proj.get("access_rights"),
            publisher=pick(names, query.lang) if agent else None,
            publisher_iri=agent.get("iri"), publisher_value=value,
            publisher_slug=slugs.get(value) if value else None,
            snippet_parts=highlight(text, words, prefixes), modified=proj.get("modified"),
        )
    return out


def _algorithm_hits(session: Session, ids: list[int], words, prefixes,
                    query: SearchQuery) -> dict[int, Hit]:
    from kimed.catalog.algorithms.models import AlgorithmRow

    out = {}
    rows = session.execute(sa.select(AlgorithmRow.id, AlgorithmRow.identifier, AlgorithmRow.iri,
                                     AlgorithmRow.projection)
                           .where(AlgorithmRow.id.in_([algorithm_id(i) for i in ids])))
    for row in rows:
        proj = _json(row.projection)
        names = next((a.get("name") or {} for a in proj.get("providers") or ()), {})
        text = snippet(pick(proj.get("description") or {}, query.lang)
                       or proj.get("short_description") or "", words, prefixes)
        out[algorithm_search_id(row.id)] = Hit(
            identifier=row.identifier, iri=row.iri, kind="algorithm",
            title=pick(proj.get("title") or {}, query.lang) or row.identifier,
            description_snippet=text, access_rights=None,
            publisher=pick(names, query.lang) if names else None,
            snippet_parts=highlight(text, words, prefixes),
            modified=proj.get("modified") or proj.get("release_date"),
        )
    return out


def hits(session: Session, ranked: list[tuple[int, float | None]], p: Plan, query: SearchQuery,
         idx) -> list[Hit]:
    """The hits of ``ranked`` (search id, score), in that order."""
    if not ranked:
        return []
    words, prefixes = p.expr.match_terms()
    datasets = [i for i, _ in ranked if i < ALGORITHM_BASE]
    algorithms = [i for i, _ in ranked if i >= ALGORITHM_BASE]
    found = _dataset_hits(session, datasets, words, prefixes, query, idx) if datasets else {}
    if algorithms:
        found |= _algorithm_hits(session, algorithms, words, prefixes, query)
    out = []
    for rid, score in ranked:
        hit = found.get(rid)
        if hit is not None:
            hit.score = score
            out.append(hit)
    return out
