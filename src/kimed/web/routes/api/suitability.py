"""``/api/suitability``: rank datasets against a research profile; compare up to four.

The profile comes as JSON (POST) or as the URL parameters of the /suitability page (GET), so a
shared link and an API call give the same assessment. Errors name the field and the rule.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Query, Request
from fastapi.responses import JSONResponse

from kimed.catalog.suitability import (
    CompareError,
    ProfileError,
    ResearchProfile,
    assess,
    compare,
    parse_ids,
    parse_profile,
    profile_from_params,
    to_data,
)
from kimed.catalog.suitability.weights import WeightError, validate_weights
from kimed.web.deps import SessionDep

router = APIRouter(tags=["suitability"])

PROFILE_PARAMS = """Profile parameters (all optional; lists comma-separated): `cond` (ICD-10,
SNOMED CT or EHDS health category codes), `age_min`, `age_max`, `sex` (female|male), `min_n`,
`place`, `from`, `to` (year or date), `type` (ai-modalities codes), `std` (standards or coding
systems), `var` (variable names or codes), `purpose` (Regulation (EU) 2025/327 Art. 53(1): a, b,
c, d, e, e-i, e-ii, f), `commercial`, `cross_border` (1/0), `freq` (EU frequency code),
`w_<criterion>` (weights). See docs/suitability.md."""


def profile_error(exc: ProfileError, where: str) -> HTTPException:
    detail = [{"loc": [where, *p.field.replace("[", ".").replace("]", "").split(".")],
               "msg": p.message, "rule": p.rule} for p in exc.problems]
    return HTTPException(422, detail=detail)


def _params_profile(request: Request) -> ResearchProfile:
    params = {key: request.query_params.getlist(key) for key in request.query_params}
    try:
        return profile_from_params(params)
    except ProfileError as exc:
        raise profile_error(exc, "query") from None


def _top(data: dict, top: int | None) -> dict:
    if top:
        data["datasets"] = data["datasets"][:top]
    return data


Top = Annotated[int | None, Query(ge=1, le=10_000, description="Only the N best")]


@router.post("/suitability", summary="Assess all datasets against a profile (JSON)")
def post_suitability(
    session: SessionDep,
    body: Annotated[dict[str, Any], Body(examples=[{
        "profile": {"conditions": ["I63"], "population": {"age_min": 18, "age_max": 65},
                    "places": ["DEU"], "access": {"purpose": "e"}},
        "weights": {"conditions": 4}}])],
    top: Top = None,
) -> JSONResponse:
    """Body: `{"profile": {...}, "weights": {...}}` (weights optional; they override the
    profile's, which override the defaults). Returns the ranked assessment: for each dataset the
    fit score and, per criterion, the verdict (meets, partly, unknown, fails) with its checks and
    evidence (property IRI and values)."""
    try:
        profile = parse_profile(body.get("profile", {}), source="body.profile")
    except ProfileError as exc:
        raise profile_error(exc, "body") from None
    try:
        weights = validate_weights(body.get("weights") or {}, "weights")
    except WeightError as exc:
        raise HTTPException(422, detail=[{"loc": ["body", *exc.field.split(".")],
                                          "msg": exc.message, "rule": exc.rule}]) from None
    return JSONResponse(_top(to_data(assess(session, profile, weights)), top))


@router.get("/suitability", summary="Assess all datasets against a profile (URL parameters)",
            description="The same as POST, with the profile in the URL. " + PROFILE_PARAMS)
def get_suitability(request: Request, session: SessionDep, top: Top = None,
                    cond: Annotated[str | None, Query(description="conditions")] = None,
                    age_min: str | None = None, age_max: str | None = None,
                    purpose: str | None = None) -> JSONResponse:
    profile = _params_profile(request)
    return JSONResponse(_top(to_data(assess(session, profile)), top))


@router.get("/suitability/compare", summary="Compare up to 4 datasets against a profile",
            description="`ids`: identifiers, comma-separated (at most 4), in the order to show. "
                        + PROFILE_PARAMS)
def get_compare(request: Request, session: SessionDep,
                ids: Annotated[str, Query(description="dataset identifiers, comma-separated, "
                                                      "at most 4")] = "",
                cond: Annotated[str | None, Query(description="conditions")] = None
                ) -> JSONResponse:
    profile = _params_profile(request)
    try:
        assessment = compare(session, profile, parse_ids(request.query_params.getlist("ids")))
    except CompareError as exc:
        raise HTTPException(422, detail=[{"loc": ["query", exc.field], "msg": str(exc),
                                          "rule": exc.rule}]) from None
    return JSONResponse(to_data(assessment))
