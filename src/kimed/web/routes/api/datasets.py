"""``/api/datasets``: the search (same parameters as the results page) and single records."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from kimed.catalog.search import SearchQuery, SearchResult, search
from kimed.catalog.store import find_dataset, record_of
from kimed.web.deps import SessionDep, query_mapping
from kimed.web.i18n import negotiate
from kimed.web.present import access_badge, algorithm_path, dataset_path
from kimed.web.routes.api.models import (
    AccessRights,
    DatasetPublic,
    DatasetSummary,
    FacetOut,
    FacetValueOut,
    Finding,
    PageLinks,
    SearchResponse,
)
from kimed.web.routes.datasets import not_found
from kimed.web.routes.search import facet_view, page_links

router = APIRouter(tags=["datasets"])
Many = Annotated[list[str] | None, Query()]


def api_search_query(request: Request) -> SearchQuery:
    """The search in the URL; ``lang`` defaults to the Accept-Language header, then English."""
    params = query_mapping(request)
    if not params.get("lang"):
        params["lang"] = [negotiate(None, None, request.headers.get("accept-language"))]
    return SearchQuery.from_params(params)


ApiSearchDep = Annotated[SearchQuery, Depends(api_search_query)]


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def summary_of(hit, lang: str, base: str) -> DatasetSummary:
    badge = access_badge(hit.access_rights, lang)
    path = algorithm_path(hit.identifier) if hit.kind == "algorithm" else \
        dataset_path(hit.identifier)
    return DatasetSummary(
        identifier=hit.identifier, iri=hit.iri, title=hit.title, snippet=hit.description_snippet,
        publisher=hit.publisher, access_rights=AccessRights(uri=badge["uri"], label=badge["label"]),
        score=hit.score, type=hit.kind,
        links={"self": base + "/api" + path, "html": base + path},
    )


def search_response(result: SearchResult, base: str) -> SearchResponse:
    query = result.query
    paging = page_links(query, result.pages, path="/api/datasets")
    facets = [FacetOut(key=f["key"], title=f["title"], kind=f["kind"],
                       values=[FacetValueOut(value=v["value"], label=v["label"],
                                             count=v["count"], selected=v["selected"])
                               for v in f["values"]])
              for f in facet_view(result)]
    params: dict[str, list[str]] = {}
    for key, value in query.to_params():
        params.setdefault(key, []).append(value)
    return SearchResponse(
        total=result.total, page=query.page, per_page=query.per_page, pages=result.pages,
        query=params, hits=[summary_of(h, query.lang, base) for h in result.hits], facets=facets,
        links=PageLinks(self=base + paging["self"], first=base + paging["first"], last=base + paging["last"],
                        prev=paging["prev"] and base + paging["prev"],
                        next=paging["next"] and base + paging["next"]),
    )


@router.get("/datasets", response_model=SearchResponse, summary="Search the datasets")
def search_datasets(
    request: Request, session: SessionDep, query: ApiSearchDep,
    q: Annotated[str | None, Query(description='Words (all required); "a phrase", -exclude, prefix*')] = None,
    health_category: Many = None, theme: Many = None, access_rights: Many = None,
    publisher: Many = None, coding_system: Many = None, standard: Many = None,
    language: Many = None,
    type: Annotated[list[str] | None, Query(
        description="dataset (the default here) or algorithm; both in one search: "
                    "type=dataset&type=algorithm")] = None,
    population: Annotated[list[str] | None, Query(
        description="Size band: lt1k, 1k-10k, 10k-100k, 100k-1m, ge1m")] = None,
    age_min: Annotated[str | None, Query(description="Whole years, 0-150")] = None,
    age_max: Annotated[str | None, Query(description="Whole years, 0-150")] = None,
    from_: Annotated[str | None, Query(alias="from", description="YYYY or YYYY-MM-DD")] = None,
    to: Annotated[str | None, Query(description="YYYY or YYYY-MM-DD")] = None,
    sort: Annotated[str | None, Query(description="relevance, title, modified, size")] = None,
    page: Annotated[str | None, Query(description="1-based page number")] = None,
    per_page: Annotated[str | None, Query(description="1-100, default 20")] = None,
    lang: Annotated[str | None, Query(description="en or de (labels, titles)")] = None,
) -> SearchResponse:
    """Full-text search with facet filters. Facet parameters may repeat (values of one facet are
    OR-ed, facets are AND-ed); the facet keys are listed at `/api/facets`. Every parameter is
    checked, and a bad one answers 422 naming it and the rule. Without `type`, only datasets are
    listed (the links then leave `type` out too)."""
    if query.filters.get("type"):
        return search_response(search(session, query), base_url(request))
    result = search(session, replace(query, filters={**query.filters, "type": ["dataset"]}))
    result.query = query
    return search_response(result, base_url(request))


@router.get("/datasets/{identifier:path}", response_model=DatasetPublic,
            summary="One dataset's record and findings", responses={404: {"description":
                                                                       "No such dataset"}})
def get_dataset(identifier: str, request: Request, session: SessionDep) -> DatasetPublic:
    """The typed projection of the record (HealthDCAT-AP field names) and its SHACL findings.
    The canonical RDF is at `/datasets/{identifier}.ttl` (`.jsonld`, `.rdf`, `.nt`)."""
    row = find_dataset(session, identifier)
    if row is None:
        raise not_found(identifier)
    base, path = base_url(request), dataset_path(row.identifier)
    return DatasetPublic(
        identifier=row.identifier, iri=row.iri, record=record_of(row), violations=row.violations,
        warnings=row.warnings, findings=[Finding.model_validate(f) for f in row.findings or []],
        links={"self": base + "/api" + path, "html": base + path, "turtle": base + path + ".ttl",
               "jsonld": base + path + ".jsonld", "rdfxml": base + path + ".rdf"},
    )
