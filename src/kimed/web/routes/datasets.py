"""A dataset's page ``/datasets/{identifier}``, its RDF downloads, and content negotiation.

``/datasets/{id}`` answers HTML by default and the record's canonical RDF when the Accept header
asks for Turtle, JSON-LD, RDF/XML or N-Triples; ``/datasets/{id}.ttl`` (``.jsonld``, ``.rdf``,
``.nt``) always gives that format. Identifiers may contain dots, so a suffix counts only when no
dataset has the whole string as its identifier.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from kimed.catalog.algorithms.links import algorithms_for_dataset
from kimed.catalog.models import DatasetRow
from kimed.catalog.quality import checker_for, score_row
from kimed.catalog.rdfio import MEDIA_TYPES, serialize
from kimed.catalog.store import find_dataset, graph_of, record_of
from kimed.spe.feasibility_provider import held
from kimed.web.agents import slug_map
from kimed.web.algorithms_present import algorithm_path, match_view
from kimed.web.deps import LangDep, RenderDep, SessionDep
from kimed.web.negotiation import EXTENSIONS, HTML, SUFFIXES, choose
from kimed.web.present import access_badge, dataset_path, findings, groups
from kimed.web.quality_view import score_view
from kimed.web.schemaorg import dataset_jsonld, script_json
from kimed.web.variables_present import variables_view

router = APIRouter(tags=["pages"], include_in_schema=False)
RDF_OFFERS = ["ttl", "jsonld", "xml", "nt"]


def not_found(identifier: str) -> HTTPException:
    return HTTPException(404, detail=[{
        "loc": ["path", "identifier"], "msg": f"no dataset with identifier or IRI {identifier!r}",
        "rule": "must name a dataset in the catalogue"}])


def resolve(session: Session, key: str) -> tuple[DatasetRow, str | None]:
    """The dataset named by ``key``, and the format its suffix asks for (None: negotiate)."""
    row = find_dataset(session, key)
    if row is not None:
        return row, None
    for suffix, fmt in EXTENSIONS.items():
        if key.endswith(suffix):
            row = find_dataset(session, key[: -len(suffix)])
            if row is not None:
                return row, fmt
    raise not_found(key)


def rdf_response(row: DatasetRow, fmt: str) -> Response:
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", row.identifier) + SUFFIXES[fmt]
    return Response(serialize(graph_of(row), fmt), media_type=MEDIA_TYPES[fmt], headers={
        "Content-Disposition": f'inline; filename="{name}"', "Vary": "Accept",
        "Link": f'<{dataset_path(row.identifier)}>; rel="alternate"; type="text/html"'})


# The vault holds data of this record (kimed.spe.vault.held_datasets). Kept here rather than in
# the locale files, which other pages are changing at the moment; to move there later.
@router.get("/datasets/{identifier:path}", name="dataset")
def dataset_page(identifier: str, request: Request, session: SessionDep, lang: LangDep,
                 render: RenderDep) -> Response:
    row, fmt = resolve(session, identifier)
    if fmt is None:
        fmt = choose(request.headers.get("accept"), [HTML, *RDF_OFFERS], HTML)
        if fmt is None:
            raise HTTPException(406, detail="acceptable: text/html, " + ", ".join(
                MEDIA_TYPES[f] for f in RDF_OFFERS))
    if fmt != HTML:
        return rdf_response(row, fmt)
    rec = record_of(row)
    graph = graph_of(row)
    slugs = slug_map(session)

    def publisher_link(agent) -> str | None:
        slug = slugs.get(agent.iri or "") or slugs.get(next(iter(agent.name.values()), ""))
        return f"/publishers/{slug}" if slug else None

    path = dataset_path(rec.identifier)
    page_url = str(request.base_url).rstrip("/") + path
    downloads = [{"fmt": f, "url": path + SUFFIXES[f], "media": MEDIA_TYPES[f]}
                 for f in ("ttl", "jsonld", "xml", "nt")]
    return render("dataset.html", {
        "rec": rec, "row": row, "title": rec.label(lang),
        "groups": groups(row, rec, graph, lang, publisher_link),
        "findings": findings(row), "access": access_badge(rec.access_rights, lang),
        "downloads": downloads, "schema_json": script_json(dataset_jsonld(rec, page_url, lang)),
        "publisher_url": publisher_link(rec.publisher) if rec.publisher else None,
        "quality": score_view(score_row(row, checker_for(request.app.state.settings,
                                                         fetch=False)), lang),
        "algorithms": [match_view(m, algorithm_path(m.identifier), lang)
                       for m in algorithms_for_dataset(session, row)],
        "variables": variables_view(graph, row.iri, lang), "variables_path": path + "/variables",
        "in_spe": rec.identifier in held(request.app.state.settings.data_dir),
    }, headers={"Vary": "Accept, Accept-Language, Cookie",
                "Link": ", ".join(f'<{d["url"]}>; rel="alternate"; type="{d["media"]}"'
                                  for d in downloads)})
