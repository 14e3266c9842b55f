"""Metadata quality: the dashboard ``/quality`` (whole catalogue, or ``?publisher=<slug>``) and
``/publishers/{slug}/quality``; the JSON API ``/api/quality`` and ``/api/datasets/{id}/quality``;
and a record's RDF with its DQV measurements, ``/datasets/{id}/quality.ttl`` (.jsonld, .rdf, .nt).

Scores are computed from the stored records on request. Link reachability comes only from the
cache of ``kimed quality report --check-links`` and only when ``KIMED_QUALITY_CHECK_LINKS`` is on:
a page never waits for the network. See docs/quality.md.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from kimed.catalog.quality import (
    UnknownPublisher,
    checker_for,
    rows_for,
    score_row,
    score_rows,
    summarise,
)
from kimed.catalog.quality.dqv import with_measurements
from kimed.catalog.quality.explain import fmt_points
from kimed.catalog.rdfio import MEDIA_TYPES, serialize
from kimed.catalog.store import find_dataset, graph_of
from kimed.web.agents import Publisher, by_slug, publishers
from kimed.web.deps import LangDep, RenderDep, SessionDep
from kimed.web.i18n import translator
from kimed.web.negotiation import EXTENSIONS
from kimed.web.present import dataset_path
from kimed.web.quality_view import bars_svg, histogram_svg
from kimed.web.routes.datasets import not_found

router = APIRouter()
PUBLISHER_RULE = "must be the slug of a publisher (see /publishers), or its IRI or name"


def _links(request: Request):
    return checker_for(request.app.state.settings, fetch=False)


def _unknown_publisher(value: str) -> HTTPException:
    return HTTPException(422, detail=[{
        "loc": ["query", "publisher"], "rule": PUBLISHER_RULE,
        "msg": f"publisher: {value!r} is not a publisher of the catalogue ({PUBLISHER_RULE})"}])


def _select(session: Session, publisher: str | None) -> tuple[Publisher | None, list]:
    """The publisher (by slug, IRI or name) and its datasets, or the whole catalogue."""
    if publisher is None:
        return None, rows_for(session, light=True)
    if publisher.strip() == "":
        raise _unknown_publisher(publisher)
    found = by_slug(session, publisher) or next(
        (p for p in publishers(session) if publisher in (p.value, *p.agent.name.values())), None)
    try:
        return found, rows_for(session, found.value if found else publisher, light=True)
    except UnknownPublisher:
        raise _unknown_publisher(publisher) from None


def _missing_label(entry: dict, t) -> str:
    """``dct:license, vocabulary (Reusability)``: the property, what about it is missing when that
    is more than its presence (several metrics score one property), and the dimension."""
    aspect = entry.get("aspect", "add")
    what = entry["property"] if aspect == "add" else \
        f"{entry['property']}, {t('quality.aspect.' + aspect)}"
    return f"{what} ({t('quality.dimension.' + entry['dimension'])})"


def dashboard_context(session: Session, request: Request, lang: str,
                      publisher: str | None) -> dict:
    t = translator(lang)
    found, rows = _select(session, publisher)
    scores = score_rows(rows, _links(request))
    summary = summarise(scores)
    name = found.name(lang) if found else None
    missing = [(_missing_label(m, t), m["datasets"],
                t("quality.missing_value", n=m["datasets"], points=fmt_points(m["points"])))
               for m in summary["most_missing"]]
    datasets = sorted(({"identifier": s.identifier, "title": r.title, "points": fmt_points(s.points),
                        "value": s.points, "band": s.band,
                        "band_label": t(f"quality.band.{s.band}"),
                        "health": fmt_points(s.health_points), "health_max": s.health_max,
                        "href": dataset_path(s.identifier) + "#group-quality"}
                       for s, r in zip(scores, rows, strict=True)),
                      key=lambda d: (d["value"], d["identifier"]))
    return {
        "title": t("quality.publisher_title", name=name) if name else t("quality.title"),
        "publisher": found, "publisher_name": name, "summary": summary, "datasets": datasets,
        "unchecked": fmt_points(summary["unchecked"]),
        "bands": [{"band": b, "label": t(f"quality.band.{b}"), "count": n}
                  for b, n in summary["bands"].items()],
        "histogram": histogram_svg(summary["histogram"], t("quality.histogram_title"),
                                   t("quality.histogram_desc", n=summary["datasets"])),
        "missing": bars_svg(missing, t("quality.missing_title"), t("quality.missing_desc")),
        "missing_rows": summary["most_missing"],
        "publishers": [{"slug": p.slug, "name": p.name(lang)} for p in publishers(session)],
    }


@router.get("/quality", response_class=HTMLResponse, name="quality", include_in_schema=False)
def quality_dashboard(request: Request, session: SessionDep, lang: LangDep, render: RenderDep,
                      publisher: str | None = None) -> HTMLResponse:
    return render("quality.html", dashboard_context(session, request, lang, publisher))


@router.get("/publishers/{slug}/quality", response_class=HTMLResponse, name="publisher_quality",
            include_in_schema=False)
def publisher_quality(slug: str, request: Request, session: SessionDep, lang: LangDep,
                      render: RenderDep) -> HTMLResponse:
    if by_slug(session, slug) is None:
        raise HTTPException(404, detail=f"no publisher {slug!r}")
    return render("quality.html", dashboard_context(session, request, lang, slug))


@router.get("/api/quality", tags=["quality"], summary="Quality summary of the catalogue",
            response_model=None)
def api_quality(request: Request, session: SessionDep, publisher: str | None = None) -> dict:
    """The MQA score distribution (bands, histogram), the most-missing properties, and each
    dataset's points, band and health points; `publisher` (slug, IRI or name) narrows it."""
    found, rows = _select(session, publisher)
    scores = score_rows(rows, _links(request))
    base = str(request.base_url).rstrip("/")
    return {"publisher": found.value if found else None, "summary": summarise(scores),
            "datasets": [{"identifier": s.identifier, "points": s.points, "band": s.band,
                          "unchecked": s.unchecked, "health": s.health_points,
                          "links": {"quality": f"{base}/api{dataset_path(s.identifier)}/quality",
                                    "html": base + dataset_path(s.identifier)}}
                         for s in scores]}


@router.get("/api/datasets/{identifier:path}/quality", tags=["quality"], response_model=None,
            summary="One dataset's quality score", responses={404: {"description": "No such "
                                                                                  "dataset"}})
def api_dataset_quality(identifier: str, request: Request, session: SessionDep) -> dict:
    """Points per metric and dimension (MQA, 405 points, and the health dimension), the band,
    unchecked points, and an explanation for every metric not fully met."""
    row = find_dataset(session, identifier)
    if row is None:
        raise not_found(identifier)
    return score_row(row, _links(request)).to_dict()


@router.get("/datasets/{identifier:path}/quality.{ext}", include_in_schema=False)
def dataset_quality_rdf(identifier: str, ext: str, request: Request,
                        session: SessionDep) -> Response:
    """The record's canonical RDF plus its DQV quality measurements (the stored graph is left as
    it is; the plain download stays the record alone)."""
    suffix = "." + ext
    fmt = EXTENSIONS.get(suffix)
    row = find_dataset(session, identifier)
    if fmt is None or row is None:
        raise not_found(identifier + "/quality" + suffix)
    graph = with_measurements(graph_of(row), [score_row(row, _links(request))])
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", row.identifier) + "-quality" + suffix
    return Response(serialize(graph, fmt), media_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'inline; filename="{name}"'})
