"""Editing algorithms in the Portal, for their providers: ``/algorithms/{id}/edit`` (a form of
the fields a provider maintains), ``/algorithms/{id}/replace`` and ``/algorithms/new`` (upload a
Turtle, JSON-LD, FAIR4ML or model card file), ``/algorithms/{id}/delete`` (with a confirmation).

Who may: an admin any algorithm, a data holder those with a provider (``mldcat:hasProvider``)
bound to the account (kimed.accounts.permissions.can_edit_algorithm), like the JSON API. Saving
the form checks the record like an import (vocabularies, our MLDCAT-AP shapes, dataset links) and
stores it with the importer's writer, so the search index follows. A violation blocks saving
unless "save with findings" is ticked; nothing of a refused save is written.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from kimed.accounts.models import User
from kimed.accounts.permissions import require_edit_algorithm
from kimed.catalog.algorithms.editform import LIST_FIELDS, AlgorithmForm, parse_algorithm_form
from kimed.catalog.algorithms.editing import (
    fields_of_findings,
    fields_of_problems,
    form_to_graph,
    record_to_form,
)
from kimed.catalog.algorithms.importer import (
    ImportRefused,
    check_models,
    prepare,
    write_prepared,
)
from kimed.catalog.algorithms.models import AlgorithmRow
from kimed.catalog.algorithms.store import delete_algorithm, find_algorithm, graph_of, record_of
from kimed.catalog.editform import FieldError
from kimed.catalog.editing import EditError
from kimed.web.algorithm_writes import MAX_UPLOAD, UploadRefused, format_for_name, store_upload
from kimed.web.algorithms_present import algorithm_path
from kimed.web.deps import CsrfFormDep, CurrentUser, LangDep, RenderDep, SessionDep
from kimed.web.editview import Problems, field_problems, options
from kimed.web.routes.algorithms import not_found
from kimed.web.routes.editing import display, require_creator, submitted

router = APIRouter(tags=["pages"], include_in_schema=False)
NO_STORE = {"Cache-Control": "no-store"}
VOCAB_CHOICES = {"tasks": ("ai-tasks",), "task_types": ("ml-task-types",),
                 "input_modalities": ("dicom-modalities", "ai-modalities"),
                 "health_categories": ("health-categories",),
                 "regulatory_classes": ("regulatory-classes",)}
UPLOAD_FORMATS = ("auto", "ttl", "jsonld", "xml", "nt", "modelcard")


def _place(problems_kw: dict) -> Problems:
    return field_problems(**problems_kw, place_refusals=fields_of_problems,
                          place_findings=fields_of_findings)


def _editable(session: Session, identifier: str, user: User, action: str) -> AlgorithmRow:
    row = find_algorithm(session, identifier)
    if row is None:
        raise not_found(identifier)
    require_edit_algorithm(user, record_of(row), action)
    return row


def _choices(lang: str, values: dict) -> dict:
    out = {}
    for name, keys in VOCAB_CHOICES.items():
        chosen = values.get(name) or []
        items: list = []
        for key in keys:
            items += [o for o in options(key, lang, chosen) if o not in items]
        out[name] = items
    return out


def _licences(session: Session) -> list[str]:
    """Licences the catalogue's algorithms name, offered as suggestions."""
    from kimed.catalog.algorithms.store import list_algorithms

    return sorted({lic for row in list_algorithms(session) for lic in record_of(row).licenses
                   if lic.startswith("http")})


def render_form(render: RenderDep, session: Session, row: AlgorithmRow, lang: str, *,
                values: dict, problems: Problems, status_code: int = 200,
                allow_findings: bool = False) -> Response:
    shown = display(values, LIST_FIELDS)
    path = algorithm_path(row.identifier)
    return render("algorithm_edit.html", {
        "row": row, "values": shown, "problems": problems, "choices": _choices(lang, shown),
        "licences": _licences(session), "action": path + "/edit", "cancel": path,
        "allow_findings": allow_findings,
    }, status_code=status_code, headers=NO_STORE)


@router.get("/algorithms/new", name="new_algorithm")
def new_upload(user: CurrentUser, render: RenderDep) -> Response:
    require_creator(user)
    return _upload_page(render, None)


@router.post("/algorithms/new")
async def create_upload(form: CsrfFormDep, session: SessionDep, user: CurrentUser,
                        render: RenderDep) -> Response:
    require_creator(user)
    return await _upload(form, session, user, render, None)


@router.get("/algorithms/{identifier:path}/edit", name="edit_algorithm")
def edit_form(identifier: str, session: SessionDep, user: CurrentUser, lang: LangDep,
              render: RenderDep) -> Response:
    row = _editable(session, identifier, user, "edit")
    graph = graph_of(row)
    problems = _place({"findings": row.findings or [], "graph": graph})
    return render_form(render, session, row, lang, values=record_to_form(graph),
                       problems=problems)


@router.post("/algorithms/{identifier:path}/edit")
def save_edit(identifier: str, form: CsrfFormDep, session: SessionDep, user: CurrentUser,
              lang: LangDep, render: RenderDep) -> Response:
    row = _editable(session, identifier, user, "edit")
    raw = submitted(form, AlgorithmForm, LIST_FIELDS)

    def again(problems: Problems, allow: bool = False) -> Response:
        session.rollback()  # nothing of a refused save stays in the transaction
        return render_form(render, session, row, lang, values=raw, problems=problems,
                           status_code=422, allow_findings=allow)

    parsed, errors = parse_algorithm_form(raw)
    if parsed is None:
        return again(_place({"errors": errors}))
    try:
        graph = form_to_graph(parsed, graph_of(row))
    except EditError as exc:
        return again(_place({"errors": [FieldError(exc.field, exc.message, exc.rule)]}))
    item, found = check_models(graph, "web")
    if found:
        return again(_place({"refusals": [p.message for p in found]}))
    try:
        prepared = prepare(session, [item])
    except ImportRefused as exc:
        return again(_place({"refusals": [p.message for p in exc.problems]}))
    outcome = prepared.staged[0][0]
    problems = _place({"findings": outcome.findings, "graph": graph})
    if problems.violations and form.get("save_with_findings") != "yes":
        return again(problems, allow=True)
    write_prepared(session, prepared)
    session.commit()  # before the redirect (the request's session commits after the response)
    return RedirectResponse(algorithm_path(outcome.identifier), status_code=303)


def _upload_page(render: RenderDep, row: AlgorithmRow | None, *, problems: list | None = None,
                 chosen: str = "auto", status_code: int = 200) -> Response:
    return render("algorithm_upload.html", {
        "row": row, "problems": problems or [], "formats": UPLOAD_FORMATS, "chosen": chosen,
        "action": algorithm_path(row.identifier) + "/replace" if row else "/algorithms/new",
        "cancel": algorithm_path(row.identifier) if row else "/algorithms",
        "max_mb": MAX_UPLOAD // (1024 * 1024),
    }, status_code=status_code, headers=NO_STORE)


async def _upload(form: FormData, session: Session, user: User, render: RenderDep,
                  row: AlgorithmRow | None) -> Response:
    chosen = str(form.get("format") or "auto")
    upload = form.get("file")

    def refused(messages: list[str], status: int = 422) -> Response:
        session.rollback()
        return _upload_page(render, row, problems=messages, chosen=chosen, status_code=status)

    if chosen not in UPLOAD_FORMATS:
        return refused([f"format: {chosen!r} is not one of {', '.join(UPLOAD_FORMATS)}"])
    if not isinstance(upload, UploadFile) or not upload.filename:
        return refused(["file: choose a file to upload"])
    fmt = format_for_name(upload.filename) if chosen == "auto" else chosen
    if fmt is None:
        return refused([f"file: cannot tell the format of {upload.filename!r} from its name; "
                        "choose the format"])
    data = await upload.read(MAX_UPLOAD + 1)
    try:
        outcome = store_upload(session, user, data, fmt, row)
    except UploadRefused as exc:
        return refused([p.message for p in exc.problems], exc.status)
    session.commit()
    return RedirectResponse(algorithm_path(outcome.identifier), status_code=303)


@router.get("/algorithms/{identifier:path}/replace", name="replace_algorithm")
def replace_upload(identifier: str, session: SessionDep, user: CurrentUser,
                   render: RenderDep) -> Response:
    return _upload_page(render, _editable(session, identifier, user, "change"))


@router.post("/algorithms/{identifier:path}/replace")
async def save_replace(identifier: str, form: CsrfFormDep, session: SessionDep,
                       user: CurrentUser, render: RenderDep) -> Response:
    row = _editable(session, identifier, user, "change")
    return await _upload(form, session, user, render, row)


@router.get("/algorithms/{identifier:path}/delete", name="delete_algorithm")
def confirm_delete(identifier: str, session: SessionDep, user: CurrentUser, lang: LangDep,
                   render: RenderDep) -> Response:
    row = _editable(session, identifier, user, "delete")
    return render("algorithm_delete.html", {
        "row": row, "title": record_of(row).label(lang),
        "action": algorithm_path(row.identifier) + "/delete",
        "cancel": algorithm_path(row.identifier)}, headers=NO_STORE)


@router.post("/algorithms/{identifier:path}/delete")
def delete(identifier: str, form: CsrfFormDep, session: SessionDep,
           user: CurrentUser) -> Response:
    row = _editable(session, identifier, user, "delete")
    delete_algorithm(session, row.iri)
    session.commit()
    return RedirectResponse("/algorithms", status_code=303)
