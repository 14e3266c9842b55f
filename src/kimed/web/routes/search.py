"""The results page ``/search``: hits, facets with counts, sorting and pages, all in the URL.

With the ``HX-Request`` header (htmx) only the results region is sent back, so facets and hits
update in place; without JavaScript the same links and the form load the whole page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kimed.catalog.search import FACETS, SearchQuery, SearchResult, search
from kimed.catalog.search.facets import AGE_BANDS, TEMPORAL_BANDS
from kimed.catalog.search.query import SORTS
from kimed.web.deps import RenderDep, SearchQueryDep, SessionDep, is_htmx
from kimed.web.present import hit_view

router = APIRouter(tags=["pages"], include_in_schema=False)
RANGE_PARAMS = {"age": ("age_min", "age_max"), "temporal": ("from", "to")}
BANDS = {"age": AGE_BANDS, "temporal": TEMPORAL_BANDS}


def search_url(params: list[tuple[str, str]], path: str = "/search") -> str:
    return path + ("?" + urlencode(params) if params else "")


def _without_page(query: SearchQuery) -> list[tuple[str, str]]:
    return [(k, v) for k, v in query.to_params() if k != "page"]


def _toggle(query: SearchQuery, key: str, value: str, selected: bool) -> list[tuple[str, str]]:
    params = _without_page(query)
    if key not in RANGE_PARAMS:
        if selected:
            return [(k, v) for k, v in params if (k, v) != (key, value)]
        return [*params, (key, value)]
    names = RANGE_PARAMS[key]
    params = [(k, v) for k, v in params if k not in names]
    if selected:
        return params
    band = next(b for b in BANDS[key] if b[0] == value)
    return params + [(n, str(v)) for n, v in zip(names, band[1:3], strict=True) if v is not None]


def facet_view(result: SearchResult) -> list[dict]:
    query = result.query
    out = []
    for facet in FACETS:
        values = [{"value": fv.value, "label": fv.label, "count": fv.count,
                   "selected": fv.selected,
                   "url": search_url(_toggle(query, facet.key, fv.value, fv.selected))}
                  for fv in result.facets.get(facet.key, [])]
        if values:
            out.append({"key": facet.key, "title": facet.title(query.lang), "kind": facet.kind,
                        "values": values, "active": any(v["selected"] for v in values)})
    return out


def page_links(query: SearchQuery, pages: int, path: str = "/search") -> dict:
    """Links to the first, previous, next and last pages, and to a window of page numbers."""
    base = _without_page(query)

    def url(n: int) -> str:
        return search_url(base + ([("page", str(n))] if n != 1 else []), path)

    window = range(max(1, query.page - 2), min(pages, query.page + 2) + 1)
    return {
        "page": query.page, "pages": pages,
        "prev": url(query.page - 1) if query.page > 1 else None,
        "next": url(query.page + 1) if query.page < pages else None,
        "numbers": [{"n": n, "url": url(n), "current": n == query.page} for n in window],
        "first": url(1), "last": url(max(pages, 1)), "self": url(query.page),
    }


def hidden_fields(query: SearchQuery) -> list[tuple[str, str]]:
    """The parameters the search form carries besides the words and the sort order."""
    return [(k, v) for k, v in query.to_params() if k not in ("q", "sort", "page")]


def count_noun(result: SearchResult) -> str:
    """The message key for what the results are: datasets, algorithms, or both ("results")."""
    kinds = result.query.filters.get("type") or []
    if not kinds:
        kinds = [fv.value for fv in result.facets.get("type", []) if fv.count]
    if kinds == ["dataset"]:
        return "common.datasets"
    if kinds == ["algorithm"]:
        return "common.algorithms"
    return "common.results"


def results_context(result: SearchResult) -> dict:
    query = result.query
    hits = [hit_view(h, query.lang) for h in result.hits]
    first = query.offset + 1 if result.total else 0
    return {
        "query": query, "result": result, "hits": hits, "facets": facet_view(result),
        "noun": count_noun(result),
        "paging": page_links(query, result.pages), "hidden": hidden_fields(query),
        "sorts": SORTS, "first": first, "last": query.offset + len(result.hits),
        "filtered": bool(query.filters or query.age or query.temporal),
        "clear_url": search_url([(k, v) for k, v in query.to_params()
                                 if k in ("q", "sort", "per_page", "lang")]),
    }


@router.get("/search", response_class=HTMLResponse, name="search")
def search_page(request: Request, session: SessionDep, query: SearchQueryDep,
                render: RenderDep) -> HTMLResponse:
    result = search(session, query)
    context = results_context(result)
    if is_htmx(request):
        return render("_results.html", context)
    return render("search.html", context)
