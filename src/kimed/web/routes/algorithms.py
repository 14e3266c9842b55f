"""Algorithm pages: the listing ``/algorithms`` (filters by task, modality and SPE) and one
algorithm's page ``/algorithms/{identifier}`` with its RDF downloads and content negotiation.

As for datasets, ``/algorithms/{id}`` answers HTML by default and the record's canonical RDF when
the Accept header asks for it; ``/algorithms/{id}.ttl`` (``.jsonld``, ``.rdf``, ``.nt``) always
gives that format.
"""

from __future__ import annotations

import re
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from kimed.accounts.permissions import can_edit_algorithm
from kimed.catalog.algorithms.links import datasets_for_algorithm
from kimed.catalog.algorithms.models import AlgorithmRow
from kimed.catalog.algorithms.rdf import MLDCAT
from kimed.catalog.algorithms.store import (
    find_algorithm,
    graph_of,
    links_of,
    list_algorithms,
    record_of,
)
from kimed.catalog.models import DatasetRow
from kimed.catalog.rdfio import MEDIA_TYPES, serialize
from kimed.web.algorithms_present import (
    FilterError,
    Filters,
    algorithm_path,
    evaluation_table,
    filter_facets,
    findings,
    groups,
    lang_texts,
    linked_datasets,
    listing_url,
    match_view,
    software_jsonld,
)
from kimed.web.deps import LangDep, RenderDep, SessionDep
from kimed.web.negotiation import EXTENSIONS, HTML, SUFFIXES, choose
from kimed.web.present import concept, dataset_path
from kimed.web.schemaorg import script_json

router = APIRouter(tags=["pages"], include_in_schema=False)
RDF_OFFERS = ["ttl", "jsonld", "xml", "nt"]
Many = Annotated[list[str] | None, Query()]


def not_found(identifier: str) -> HTTPException:
    return HTTPException(404, detail=[{
        "loc": ["path", "identifier"], "msg": f"no algorithm with identifier or IRI {identifier!r}",
        "rule": "must name an algorithm in the catalogue"}])


def bad_filter(exc: FilterError) -> HTTPException:
    return HTTPException(422, detail=[{"loc": ["query", exc.param], "msg": str(exc),
                                       "rule": exc.rule}])


def parse_filters(task: list[str] | None, modality: list[str] | None,
                  runnable_in_spe: str | None) -> Filters:
    try:
        return Filters.parse(task, modality, runnable_in_spe)
    except FilterError as exc:
        raise bad_filter(exc) from None


def resolve(session: Session, key: str) -> tuple[AlgorithmRow, str | None]:
    """The algorithm named by ``key``, and the format its suffix asks for (None: negotiate)."""
    row = find_algorithm(session, key)
    if row is not None:
        return row, None
    for suffix, fmt in EXTENSIONS.items():
        if key.endswith(suffix):
            row = find_algorithm(session, key[: -len(suffix)])
            if row is not None:
                return row, fmt
    raise not_found(key)


def dataset_titles(session: Session, iris: set[str]) -> dict[str, tuple[str, str]]:
    """Catalogue datasets among ``iris``: IRI -> (identifier, title)."""
    if not iris:
        return {}
    rows = session.execute(sa.select(DatasetRow.iri, DatasetRow.identifier, DatasetRow.title)
                           .where(DatasetRow.iri.in_(sorted(iris))))
    return {iri: (ident, title) for iri, ident, title in rows}


def rdf_response(row: AlgorithmRow, fmt: str) -> Response:
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", row.identifier) + SUFFIXES[fmt]
    return Response(serialize(graph_of(row), fmt), media_type=MEDIA_TYPES[fmt], headers={
        "Content-Disposition": f'inline; filename="{name}"', "Vary": "Accept",
        "Link": f'<{algorithm_path(row.identifier)}>; rel="alternate"; type="text/html"'})


def card(row: AlgorithmRow, lang: str) -> dict:
    """What the listing shows of one algorithm."""
    rec = record_of(row)
    return {"identifier": rec.identifier, "title": rec.label(lang), "href": algorithm_path(
        rec.identifier), "summary": rec.short_description or "",
        "tasks": [concept(u, lang) for u in rec.tasks],
        "modalities": [concept(u, lang) for u in rec.modality_concepts("input")],
        "runnable_in_spe": rec.runnable_in_spe, "pipeline": rec.pipeline}


@router.get("/algorithms", response_class=HTMLResponse, name="algorithms")
def algorithm_list(session: SessionDep, lang: LangDep, render: RenderDep,
                   task: Many = None, modality: Many = None,
                   runnable_in_spe: str | None = None) -> HTMLResponse:
    filters = parse_filters(task, modality, runnable_in_spe)
    rows = list_algorithms(session)
    records = [record_of(r) for r in rows]
    kept = [row for row, rec in zip(rows, records, strict=True) if filters.keep(rec)]
    current = filters.params()
    spe_items = [i for i in current if i[0] != "runnable_in_spe"]
    return render("algorithms.html", {
        "algorithms": [card(r, lang) for r in kept], "total": len(rows),
        "facets": filter_facets(records, filters, lang), "filtered": bool(current),
        "clear_url": listing_url([]), "spe_selected": filters.runnable_in_spe is True,
        "spe_url": listing_url(spe_items if filters.runnable_in_spe else
                               spe_items + [("runnable_in_spe", "true")]),
        "spe_count": sum(1 for rec in records if rec.runnable_in_spe
                         and Filters(filters.tasks, filters.modalities).keep(rec)),
    })


@router.get("/algorithms/{identifier:path}", name="algorithm")
def algorithm_page(identifier: str, request: Request, session: SessionDep, lang: LangDep,
                   render: RenderDep) -> Response:
    row, fmt = resolve(session, identifier)
    if fmt is None:
        fmt = choose(request.headers.get("accept"), [HTML, *RDF_OFFERS], HTML)
        if fmt is None:
            raise HTTPException(406, detail="acceptable: text/html, " + ", ".join(
                MEDIA_TYPES[f] for f in RDF_OFFERS))
    if fmt != HTML:
        return rdf_response(row, fmt)
    rec, graph = record_of(row), graph_of(row)
    links = links_of(session, row)
    titles = dataset_titles(session, {link.dataset_iri for link in links}
                            | {e.dataset for e in rec.evaluation if e.dataset})
    matches = datasets_for_algorithm(session, row)
    path = algorithm_path(rec.identifier)
    page_url = str(request.base_url).rstrip("/") + path
    downloads = [{"fmt": f, "url": path + SUFFIXES[f], "media": MEDIA_TYPES[f]}
                 for f in RDF_OFFERS]
    return render("algorithm.html", {
        "rec": rec, "row": row, "title": rec.label(lang),
        "groups": groups(rec, graph, lang, linked_datasets(rec, links, titles, lang)),
        "evaluation": evaluation_table(rec, titles, lang),
        "evaluation_summary": lang_texts(graph, rec.iri, MLDCAT.evaluationResults, lang),
        "use_cases": rec.use_cases,
        "could_apply": [match_view(m, dataset_path(m.identifier), lang) for m in matches
                        if m.reasons and not m.relations],
        "findings": findings(row), "downloads": downloads,
        "tasks": [concept(u, lang) for u in rec.tasks],
        "schema_json": script_json(software_jsonld(rec, page_url, lang)),
        "can_edit": can_edit_algorithm(render.user, row), "record_path": path,
    }, headers={"Vary": "Accept, Accept-Language, Cookie",
                "Link": ", ".join(f'<{d["url"]}>; rel="alternate"; type="{d["media"]}"'
                                  for d in downloads)})
