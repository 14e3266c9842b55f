"""JSON API of the SPE requirements catalogue: ``/api/spe/requirements`` (filterable),
``/api/spe/requirements/{id}`` and ``/api/spe/crosswalk``."""

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
