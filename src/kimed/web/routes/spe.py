"""The SPE concept pages: ``/spe/requirements`` (browse and filter), ``/spe/requirements/{id}``,
``/spe/crosswalk``, ``/spe/assessment`` (a configured or uploaded self-assessment),
``/spe/operating-models`` and the concept document (``/spe/concept`` in the site layout,
``/spe/concept.html`` standalone as ``kimed spe concept`` writes it, ``/spe/concept.md``).
See docs/spe-requirements.md."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from kimed.web.deps import LangDep, RenderDep
from kimed.web.spe_view import FILTERS, catalogue, check_filters, coverage

router = APIRouter(include_in_schema=False)
MAX_UPLOAD = 1024 * 1024


@router.get("/spe/requirements", response_class=HTMLResponse, name="spe_requirements")
def requirements_page(request: Request, render: RenderDep, q: str | None = None,
                      area: str | None = None, category: str | None = None,
                      level: str | None = None, five_safes: str | None = None,
                      applies_to: str | None = None, status: str | None = None) -> HTMLResponse:
    chosen = check_filters({"area": area, "category": category, "level": level,
                            "five_safes": five_safes, "applies_to": applies_to,
                            "status": status})
    cat = catalogue(request)
    found = cat.filter(**chosen, text=q)
    return render("spe_requirements.html", {"catalogue": cat, "requirements": found,
                                            "filters": FILTERS, "chosen": chosen, "q": q or ""})


@router.get("/spe/requirements/{requirement_id}", response_class=HTMLResponse,
            name="spe_requirement")
def requirement_page(requirement_id: str, request: Request, render: RenderDep) -> HTMLResponse:
    from kimed.spe.requirements.links import source_links

    cat = catalogue(request)
    req = cat.get(requirement_id)
    if req is None:
        raise HTTPException(404, detail=f"no requirement {requirement_id!r}")
    cov = coverage(request)
    texts = {}
    if cov is not None:
        texts = {(r.statement.framework, r.statement.ref): r.statement.text for r in cov.rows}
    return render("spe_requirement.html", {"req": req, "catalogue": cat,
                                           "links": source_links(req, cat), "texts": texts})


@router.get("/spe/crosswalk", response_class=HTMLResponse, name="spe_crosswalk")
def crosswalk_page(request: Request, render: RenderDep, status: str | None = None
                   ) -> HTMLResponse:
    cov = coverage(request)
    rows = [] if cov is None else [r for r in cov.rows if not status or r.status == status]
    return render("spe_crosswalk.html", {"coverage": cov, "rows": rows, "status": status,
                                         "totals": cov.totals() if cov else {}})


def _assessment_context(request: Request, text: str | None, source: str) -> dict:
    from kimed.spe.requirements.assessment import AssessmentError, read_assessment, score
    from kimed.spe.requirements.concept import title_of
    from kimed.spe.requirements.progress import progress_svg

    if text is None:
        return {"result": None, "error": None, "source": source}
    cat = catalogue(request)
    try:
        result = score(read_assessment(text, cat), cat)
    except AssessmentError as exc:
        return {"result": None, "error": str(exc), "source": source}
    return {"result": result, "error": None, "source": source, "chart": progress_svg(result),
            "title_of": title_of}


@router.get("/spe/assessment", response_class=HTMLResponse, name="spe_assessment")
def assessment_page(request: Request, render: RenderDep) -> HTMLResponse:
    path = request.app.state.settings.spe_assessment_file
    text = path.read_text(encoding="utf-8") if path and path.is_file() else None
    return render("spe_assessment.html",
                  _assessment_context(request, text, path.name if text else ""))


@router.post("/spe/assessment", response_class=HTMLResponse)
async def assessment_upload(request: Request, render: RenderDep,
                            file: Annotated[UploadFile, File()]) -> HTMLResponse:
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise HTTPException(413, detail="the assessment file is larger than 1 MiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(422, detail="the assessment file is not UTF-8 text") from None
    return render("spe_assessment.html",
                  _assessment_context(request, text, file.filename or "upload"))


@router.get("/spe/assessment.svg", name="spe_assessment_svg")
def assessment_svg(request: Request) -> Response:
    path = request.app.state.settings.spe_assessment_file
    if not path or not path.is_file():
        raise HTTPException(404, detail="no self-assessment configured (KIMED_SPE_ASSESSMENT_FILE)")
    result = _assessment_context(request, path.read_text(encoding="utf-8"), path.name)
    if result["result"] is None:
        raise HTTPException(422, detail=result["error"])
    return Response(result["chart"], media_type="image/svg+xml")


@router.get("/spe/operating-models", response_class=HTMLResponse, name="spe_operating_models")
def operating_models_page(request: Request, render: RenderDep, lang: LangDep) -> HTMLResponse:
    from kimed.spe.requirements.concept import operating_models

    matrix = getattr(request.app.state, "spe_matrix", None)
    if matrix is None:
        matrix = request.app.state.spe_matrix = operating_models()
    return render("spe_operating_models.html", {"matrix": matrix, "catalogue": catalogue(request)})


def _concept(request: Request):
    """The concept document from the same inputs as ``kimed spe concept``, built once per app."""
    doc = getattr(request.app.state, "spe_concept", None)
    if doc is None:
        from kimed.spe.requirements.concept import build, operating_models

        matrix = getattr(request.app.state, "spe_matrix", None)
        if matrix is None:
            matrix = request.app.state.spe_matrix = operating_models()
        doc = request.app.state.spe_concept = build(catalogue(request), coverage(request), matrix)
    return doc


@router.get("/spe/concept", response_class=HTMLResponse, name="spe_concept")
def concept_page(request: Request, render: RenderDep) -> HTMLResponse:
    from kimed.spe.requirements.document import to_html_body

    doc = _concept(request)
    return render("spe_concept.html", {"doc": doc, "body": to_html_body(doc, "table")})


@router.get("/spe/concept.html", response_class=HTMLResponse, name="spe_concept_html")
def concept_standalone(request: Request) -> HTMLResponse:
    from kimed.spe.requirements.document import to_html

    return HTMLResponse(to_html(_concept(request)))


@router.get("/spe/concept.md", name="spe_concept_md")
def concept_markdown(request: Request) -> Response:
    from kimed.spe.requirements.document import to_markdown

    return Response(to_markdown(_concept(request)), media_type="text/markdown; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="kimed-spe-concept.md"'})
