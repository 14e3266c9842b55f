"""The suitability wizard: ``/suitability`` (form and ranked results), ``/suitability/compare``
(up to four side by side) and ``/suitability/report.md|.json`` (downloads).

Everything is a GET with the profile in the URL, so the pages work without JavaScript and a link
reproduces the assessment. A form submitted with blank fields is redirected to the short URL.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kimed.catalog.suitability import (
    DEFAULT_WEIGHTS,
    MAX_COMPARE,
    CompareError,
    ProfileError,
    ResearchProfile,
    assess,
    compare,
    parse_ids,
    profile_from_params,
    profile_query,
    to_json,
    to_markdown,
)
from kimed.catalog.suitability.purposes import PURPOSES
from kimed.spe.feasibility_provider import provider_for
from kimed.web.deps import LangDep, OptionalUser, RenderDep, SessionDep
from kimed.web.suitability_view import form_values, present_assessment, vocab_options

router = APIRouter(tags=["pages"], include_in_schema=False)
KEEP = ("ids", "lang")


def _params(request: Request) -> dict[str, list[str]]:
    return {key: request.query_params.getlist(key) for key in request.query_params}


def _canonical(request: Request, profile: ResearchProfile) -> str | None:
    """The short URL of this page, when it differs from the one asked for."""
    query = profile_query(profile)
    extra = [(k, v) for k in KEEP for v in request.query_params.getlist(k) if v.strip()]
    if extra:
        query = "&".join(q for q in (query, urlencode(extra, safe=",:")) if q)
    if query == request.url.query:
        return None
    return request.url.path + (f"?{query}" if query else "")


def _context(request: Request, lang: str, profile: ResearchProfile | None, errors: list) -> dict:
    query = profile_query(profile) if profile else ""
    return {"form": form_values(profile, _params(request)), "errors": errors, "query": query,
            "options": vocab_options(lang), "purposes": PURPOSES, "lang_code": lang,
            "default_weights": DEFAULT_WEIGHTS, "max_compare": MAX_COMPARE}


@router.get("/suitability", response_class=HTMLResponse, name="suitability")
def suitability_page(request: Request, session: SessionDep, lang: LangDep,
                     render: RenderDep, user: OptionalUser) -> Response:
    try:
        profile = profile_from_params(_params(request))
    except ProfileError as exc:
        return render("suitability.html", {**_context(request, lang, None, exc.problems),
                                           "assessment": None}, status_code=422)
    if (target := _canonical(request, profile)) is not None:
        return RedirectResponse(target, status_code=303)
    assessment = None if profile.is_empty() else present_assessment(
        assess(session, profile, provider=provider_for(session, user, request.app.state.settings)),
        lang)  # feasibility counts from the SPE only for accounts that may ask for them
    return render("suitability.html", {**_context(request, lang, profile, []),
                                       "assessment": assessment})


@router.get("/suitability/compare", response_class=HTMLResponse, name="suitability_compare")
def compare_page(request: Request, session: SessionDep, lang: LangDep,
                 render: RenderDep) -> Response:
    ids = parse_ids(request.query_params.getlist("ids"))
    try:
        profile = profile_from_params(_params(request))
    except ProfileError as exc:
        return render("suitability_compare.html", {**_context(request, lang, None, exc.problems),
                                                   "assessment": None, "ids": ids},
                      status_code=422)
    if (target := _canonical(request, profile)) is not None:
        return RedirectResponse(target, status_code=303)
    try:
        assessment = compare(session, profile, ids)
    except CompareError as exc:
        error = {"field": exc.field, "message": str(exc), "rule": exc.rule}
        return render("suitability_compare.html", {**_context(request, lang, profile, [error]),
                                                   "assessment": None, "ids": ids},
                      status_code=422)
    return render("suitability_compare.html", {**_context(request, lang, profile, []),
                                               "assessment": present_assessment(assessment, lang),
                                               "ids": ids})


@router.get("/suitability/report.{fmt}", name="suitability_report")
def report(fmt: str, request: Request, session: SessionDep, lang: LangDep) -> Response:
    """The assessment (of all datasets, or of ``ids``) as a Markdown or JSON download."""
    if fmt not in ("md", "json"):
        return Response("unknown format: use report.md or report.json", status_code=404)
    try:
        profile = profile_from_params(_params(request))
        ids = parse_ids(request.query_params.getlist("ids"))
        assessment = compare(session, profile, ids) if ids else assess(session, profile)
    except (ProfileError, CompareError) as exc:
        return Response(str(exc), status_code=422, media_type="text/plain; charset=utf-8")
    base = str(request.base_url).rstrip("/")
    if fmt == "md":
        body, media = to_markdown(assessment, lang, base_url=base), "text/markdown; charset=utf-8"
    else:
        body, media = to_json(assessment), "application/json"
    return Response(body, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="suitability.{fmt}"'})
