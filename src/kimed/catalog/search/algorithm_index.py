"""Algorithms in the one search: their text, facet values and index rows.

An algorithm record (the JSON form of kimed.catalog.algorithms.model.AlgorithmRecord) is indexed in
the same tables as datasets under its search id (kimed.catalog.search.ids), so one query finds
both, and the ``type`` facet tells them apart. Algorithms have their own facets (task, modality,
regulatory status, licence, runnable in the KIMed SPE) and share the health category with
datasets. Like datasets, the text index holds only the record's own words; the labels of its task,
modality, category and regulatory concepts are matched through the facet values
(kimed.catalog.search.labels).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from kimed.catalog.search.ids import ALGORITHM_BASE, algorithm_search_id
from kimed.catalog.search.indexer import Entry, index_entries, projection_of, unindex
from kimed.catalog.search.text import analyse, fold


def _day(value) -> str | None:
    return str(value)[:10] if value else None


def facet_rows(p: dict) -> list[tuple[str, str, str | None]]:
    """The (facet, value, label) rows of one algorithm projection."""
    rows: list[tuple[str, str, str | None]] = [("type", "algorithm", None)]
    for uri in sorted({*(p.get("tasks") or ()), *(p.get("task_types") or ())}):
        rows.append(("task", uri, None))
    modalities = {c for key in ("input_modalities", "output_modalities")
                  for m in p.get(key) or () for c in m.get("concepts") or ()}
    rows += [("modality", uri, None) for uri in sorted(modalities)]
    rows += [("health_category", uri, None) for uri in p.get("health_categories") or ()]
    regulatory = p.get("regulatory") or {}
    rows += [("regulatory_status", uri, None) for uri in regulatory.get("classes") or ()]
    rows += [("licence", uri, None) for uri in p.get("licenses") or ()]
    rows.append(("runnable_in_spe", "true" if p.get("runnable_in_spe") else "false", None))
    return list(dict.fromkeys(rows))


def document(p: dict) -> dict[str, str]:
    """The analysed text fields of an algorithm (the same fields as a dataset's)."""
    datasets = [d.get("title") or d.get("identifier") or "" for d in p.get("datasets") or ()]
    body = [*(p.get("description") or {}).values(), p.get("short_description") or "",
            *(p.get("intended_use") or ()), p.get("limitations") or "", p.get("bias") or "",
            *(p.get("risks") or ()), *(p.get("architecture") or ()), *datasets,
            p.get("pipeline") or "", *(u.get("institution") or "" for u in p.get("use_cases") or ())]
    providers = [n for a in p.get("providers") or () for n in (a.get("name") or {}).values()]
    return {
        "title": analyse((p.get("title") or {}).values()),
        "keywords": analyse(p.get("keywords") or ()),
        "description": analyse(body),
        "extra": analyse([p.get("identifier") or "", *providers]),
    }


def _sort_key(p: dict, lang: str) -> str:
    title = p.get("title") or {}
    return fold(title.get(lang) or title.get("en") or next(iter(title.values()), "")
                or p.get("identifier") or "")[:200]


def entry(algorithm_id: int, p: dict) -> Entry:
    return Entry(algorithm_search_id(algorithm_id), {
        "sort_en": _sort_key(p, "en"), "sort_de": _sort_key(p, "de"),
        "modified": _day(p.get("modified") or p.get("release_date") or p.get("created")),
        "population": None, "min_age": None, "max_age": None, **document(p),
    }, facet_rows(p))


def index_algorithms(session: Session, rows: Iterable) -> int:
    """(Re)index algorithm rows (anything with ``id`` and ``projection``)."""
    entries = [entry(row.id, projection_of(row)) for row in rows]
    return index_entries(session, entries, "(SELECT created_at FROM algorithms "
                         f"WHERE id = u.id - {ALGORITHM_BASE})")


def unindex_algorithm(session: Session, algorithm_id: int) -> None:
    """Remove one algorithm from the index (call before deleting its row)."""
    unindex(session, [algorithm_search_id(algorithm_id)])
