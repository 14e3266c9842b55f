"""JSON API of the SPE concept: the requirements catalogue (``/api/spe/requirements``, filterable,
and ``/{id}``), the crosswalk, the operating models with their gaps, and self-assessment scoring."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request

from kimed.web.spe_view import catalogue, check_filters, coverage

router = APIRouter(tags=["spe"])


@router.get("/spe/requirements", summary="SPE requirements, filtered", response_model=None)
def api_requirements(request: Request, q: str | None = None, area: str | None = None,
                     category: str | None = None, level: str | None = None,
                     five_safes: str | None = None, applies_to: str | None = None,
                     status: str | None = None) -> dict:
    """The catalogue's version and the requirements matching every given filter; `q` searches
    id, title and statement."""
    chosen = check_filters({"area": area, "category": category, "level": level,
                            "five_safes": five_safes, "applies_to": applies_to,
                            "status": status})
    cat = catalogue(request)
    found = cat.filter(**chosen, text=q)
    return {"catalogue": cat.info.model_dump(mode="json"), "total": len(found),
            "requirements": [r.to_dict() for r in found]}


@router.get("/spe/requirements/{requirement_id}", summary="One SPE requirement",
            response_model=None, responses={404: {"description": "No such requirement"}})
def api_requirement(requirement_id: str, request: Request) -> dict:
    from kimed.spe.requirements.links import source_links

    cat = catalogue(request)
    req = cat.get(requirement_id)
    if req is None:
        raise HTTPException(404, detail=f"no requirement {requirement_id!r}")
    return req.to_dict() | {"links": source_links(req, cat)}


@router.get("/spe/crosswalk", summary="Coverage of SATRE and TEHDAS2", response_model=None,
            responses={503: {"description": "The external catalogues are not available"}})
def api_crosswalk(request: Request) -> dict:
    """Totals per framework and, for each external statement, the requirements covering it or
    the out-of-scope reason (statement texts are not included)."""
    cov = coverage(request)
    if cov is None:
        raise HTTPException(503, detail="the SATRE and TEHDAS2 files are not available "
                            "(KIMED_SHARED_DATA_DIR)")
    return {"totals": cov.totals(), "complete": cov.complete,
            "statements": [r.to_dict(with_text=False) for r in cov.rows]}


def _matrix(request: Request):
    matrix = getattr(request.app.state, "spe_matrix", None)
    if matrix is None:
        from kimed.spe.requirements.concept import operating_models

        matrix = request.app.state.spe_matrix = operating_models()
    if matrix is None:
        raise HTTPException(503, detail="the operating-model assessment could not be loaded")
    return matrix


@router.get("/spe/operating-models", summary="Operating models rated against every requirement",
            response_model=None, responses={503: {"description": "The assessment is unavailable"}})
def api_operating_models(request: Request) -> dict:
    """Each model with cost, effort, legal risk, scenario fit, coverage and its MUST gaps, and
    every requirement's rating under every model with the justification and its source
    (category default or override)."""
    from kimed.spe.requirements.model_exports import to_dict

    return to_dict(_matrix(request))


@router.get("/spe/operating-models/{model_id}/gaps", summary="One model's gap analysis",
            response_model=None, responses={404: {"description": "No such model"}})
def api_model_gaps(model_id: str, request: Request) -> dict:
    """The MUST requirements the model meets only partly or not, per category, with the why."""
    matrix = _matrix(request)
    try:
        gaps = matrix.gaps(model_id)
    except KeyError:
        raise HTTPException(404, detail=f"no operating model {model_id!r}; known: "
                            + ", ".join(m.id for m in matrix.models)) from None
    return {"model": model_id, "coverage": matrix.coverage[model_id].as_dict(),
            "gaps": {cat: [{"id": req.id, "title": req.title, "rating": cell.rating,
                            "why": cell.why} for req, cell in items]
                     for cat, items in gaps.items()}}


@router.post("/spe/assessment", summary="Score a self-assessment (SATRE-style 0/1/2/n.a.)",
             response_model=None, responses={422: {"description": "The assessment is invalid"}})
async def api_assessment(request: Request) -> dict:
    """The body is the assessment file (YAML or JSON, docs/spe-requirements.md); the answer is
    the score overall, per area and per category."""
    from kimed.spe.requirements.assessment import AssessmentError, read_assessment, score

    body = await request.body()
    if len(body) > 1 << 20:
        raise HTTPException(413, detail="the assessment is larger than 1 MiB")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(422, detail="the assessment is not UTF-8 text") from None
    cat = catalogue(request)
    try:
        return score(read_assessment(text, cat), cat).to_dict()
    except AssessmentError as exc:
        raise HTTPException(422, detail=str(exc)) from None
