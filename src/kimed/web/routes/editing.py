"""Creating and editing records in a web form: ``/datasets/new`` and ``/datasets/{id}/edit``.

Saving goes through the checks of an import: a field's value that cannot be read, a refusal
(kimed.catalog.checks) and a SHACL violation are shown on the field they concern and block
saving; the user may still store a record with violations by ticking "save with findings" (it
is then stored with its findings, like an imperfect import). Warnings never block. Only the
triples of changed fields are rewritten (kimed.catalog.editing).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
from rdflib import Graph
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from kimed.accounts.models import User
from kimed.accounts.permissions import PermissionDenied, require_edit_dataset, require_write
from kimed.catalog.editform import LIST_FIELDS, DatasetForm, FieldError, parse_form
from kimed.catalog.editing import EditError, form_to_graph, record_to_form
from kimed.catalog.importer import ImportRefused, check_graph, store_graph
from kimed.catalog.models import DatasetRow
from kimed.catalog.store import find_dataset, graph_of
from kimed.web.deps import CsrfFormDep, CurrentUser, LangDep, RenderDep, SessionDep
from kimed.web.editview import Problems, agent_graphs, field_problems, form_choices
from kimed.web.present import dataset_path
from kimed.web.routes.datasets import not_found

router = APIRouter(tags=["pages"], include_in_schema=False)
EHDS = "http://data.europa.eu/eli/reg/2025/327/oj"
HEALTH = "http://publications.europa.eu/resource/authority/data-theme/HEAL"


def require_creator(user: User) -> None:
    if not (user.is_active and (user.role == "admin" or (
            user.role == "data_holder" and user.publisher_iris))):
        raise PermissionDenied(user, "create a record",
                               "only an admin or a data holder bound to a publisher writes records")


def display(values: dict[str, Any], list_fields: Iterable[str] = LIST_FIELDS) -> dict[str, Any]:
    """Form values as the inputs show them: text (keywords one per line), or lists of values
    for checkboxes, multiple selects and repeated inputs (``list_fields``)."""
    lists = set(list_fields)
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name.startswith("keywords_"):
            out[name] = "\n".join(value) if isinstance(value, list) else str(value or "")
        elif name in lists:
            out[name] = list(value or [])
        elif isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif value is None:
            out[name] = ""
        elif hasattr(value, "isoformat"):
            out[name] = value.isoformat()
        else:
            out[name] = str(value)
    return out


def submitted(form: FormData, model: type[BaseModel] = DatasetForm,
              list_fields: Iterable[str] = LIST_FIELDS) -> dict[str, Any]:
    """The raw values of a submitted form of ``model`` (repeated inputs as lists)."""
    lists = set(list_fields)
    out: dict[str, Any] = {}
    for name in model.model_fields:
        if name in lists and not name.startswith("keywords_"):
            out[name] = [str(v) for v in form.getlist(name)]
        elif name in form:
            out[name] = str(form.get(name))
    return out


def render_form(render: RenderDep, session: Session, user: User, lang: str, *, values: dict,
                problems: Problems, row: DatasetRow | None, status_code: int = 200,
                allow_findings: bool = False) -> Response:
    shown = display(values)
    return render("edit.html", {
        "values": shown, "problems": problems, "row": row,
        "choices": form_choices(session, user, lang, shown),
        "action": f"{dataset_path(row.identifier)}/edit" if row else "/datasets/new",
        "cancel": dataset_path(row.identifier) if row else "/",
        "allow_findings": allow_findings,
    }, status_code=status_code, headers={"Cache-Control": "no-store"})


def _save(request: Request, form: FormData, session: Session, user: User, lang: str,
          render: RenderDep, row: DatasetRow | None) -> Response:
    raw = submitted(form)
    parsed, errors = parse_form(raw)
    base: Graph | None = graph_of(row) if row is not None else None

    def again(problems: Problems, allow: bool = False) -> Response:
        session.rollback()  # nothing of a refused save stays in the transaction
        return render_form(render, session, user, lang, values=raw, problems=problems, row=row,
                           status_code=422, allow_findings=allow)

    if parsed is None:
        return again(field_problems(errors))
    require_write(user, parsed.publisher)
    try:
        graph = form_to_graph(parsed, base, agents=agent_graphs(session, [parsed.publisher,
                                                                          parsed.hdab]))
    except EditError as exc:
        return again(field_problems([FieldError(exc.field, exc.message, exc.rule)]))
    try:
        prepared = check_graph(graph, source="web")
    except ImportRefused as exc:
        return again(field_problems(refusals=[p.message for p in exc.problems]))
    if row is None and find_dataset(session, prepared.outcome.iri) is not None:
        return again(field_problems([FieldError(
            "identifier", f"a record with IRI <{prepared.outcome.iri}> exists already; choose "
            "another identifier", "unique IRI")]))
    problems = field_problems(findings=prepared.outcome.findings, graph=graph)
    if problems.violations and form.get("save_with_findings") != "yes":
        return again(problems, allow=True)
    try:
        outcome = store_graph(session, graph, source="web", prepared=prepared)
    except ImportRefused as exc:
        return again(field_problems(refusals=[p.message for p in exc.problems]))
    session.commit()  # before the redirect: the record page must show the saved record
    return RedirectResponse(dataset_path(outcome.identifier), status_code=303)


@router.get("/datasets/new", name="new_dataset")
def new_form(session: SessionDep, user: CurrentUser, lang: LangDep,
             render: RenderDep) -> Response:
    require_creator(user)
    values = DatasetForm(applicable_legislation=[EHDS], themes=[HEALTH]).model_dump()
    if len(user.publisher_iris) == 1:
        values["publisher"] = values["hdab"] = next(iter(user.publisher_iris))
    return render_form(render, session, user, lang, values=values, problems=Problems(), row=None)


@router.post("/datasets/new")
def create(request: Request, form: CsrfFormDep, session: SessionDep, user: CurrentUser,
           lang: LangDep, render: RenderDep) -> Response:
    require_creator(user)
    return _save(request, form, session, user, lang, render, None)


def _editable(session: Session, identifier: str, user: User) -> DatasetRow:
    row = find_dataset(session, identifier)
    if row is None:
        raise not_found(identifier)
    require_edit_dataset(user, row)
    return row


@router.get("/datasets/{identifier:path}/edit", name="edit_dataset")
def edit_form(identifier: str, session: SessionDep, user: CurrentUser, lang: LangDep,
              render: RenderDep) -> Response:
    row = _editable(session, identifier, user)
    graph = graph_of(row)
    problems = field_problems(findings=row.findings or [], graph=graph)
    return render_form(render, session, user, lang, values=record_to_form(graph), row=row,
                       problems=problems)


@router.post("/datasets/{identifier:path}/edit")
def save_edit(identifier: str, request: Request, form: CsrfFormDep, session: SessionDep,
              user: CurrentUser, lang: LangDep, render: RenderDep) -> Response:
    row = _editable(session, identifier, user)
    return _save(request, form, session, user, lang, render, row)
