"""Writing records through the JSON API: ``POST /api/datasets``, ``PUT`` and ``DELETE
/api/datasets/{identifier}``, for scripts with an API token (``Authorization: Bearer ...``).

The body is a record in Turtle, JSON-LD, RDF/XML or N-Triples (by Content-Type), or the editing
form's fields as JSON (``application/json``, the DatasetForm model). The permission rules and
checks are those of the web form: refusals and SHACL violations answer 422 naming the field (or
property) and the rule; ``?save_with_findings=true`` stores a record with violations anyway.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel, ValidationError
from rdflib import Graph
from sqlalchemy.orm import Session

from kimed.accounts.models import User
from kimed.accounts.permissions import require_edit_dataset, require_write
from kimed.catalog.editform import DatasetForm, errors_of
from kimed.catalog.editing import (
    EditError,
    dataset_node,
    fields_of_findings,
    fields_of_problems,
    form_to_graph,
    record_to_form,
)
from kimed.catalog.importer import ImportRefused, check_graph, store_graph
from kimed.catalog.models import DatasetRow
from kimed.catalog.namespaces import DCTERMS
from kimed.catalog.rdfio import RdfInputError, parse_text
from kimed.catalog.store import delete_dataset, find_dataset, graph_of
from kimed.web.deps import CurrentUser, SessionDep
from kimed.web.editview import agent_graphs
from kimed.web.present import dataset_path
from kimed.web.routes.api.models import ErrorResponse, Finding
from kimed.web.routes.datasets import not_found

router = APIRouter(tags=["editing"], responses={
    401: {"model": ErrorResponse, "description": "No valid API token"},
    403: {"model": ErrorResponse, "description": "The account may not write this record"},
    422: {"model": ErrorResponse, "description": "The record is refused; names field and rule"},
})
RDF_TYPES = {"text/turtle": "ttl", "application/ld+json": "jsonld",
             "application/rdf+xml": "xml", "application/n-triples": "nt"}
BODY_DOC = {"requestBody": {"required": True, "content": {  # this module loads in create_app
    "application/json": {"schema": DatasetForm.model_json_schema()},
    **{media: {"schema": {"type": "string", "description": "one dcat:Dataset record"}}
       for media in RDF_TYPES}}}}
MAX_BODY = 5 * 1024 * 1024
WithFindings = Annotated[bool, Query(description="Store a record with SHACL violations anyway")]


class DatasetSaved(BaseModel):
    """What a write did: the record's identifier, IRI, action and SHACL findings."""

    identifier: str
    iri: str
    action: str
    tier: str | None
    violations: int
    warnings: int
    findings: list[Finding]
    links: dict[str, str]


class Body(BaseModel):
    media: str
    data: bytes


async def read_body(request: Request) -> Body:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    data = await request.body()
    if len(data) > MAX_BODY:
        raise _unprocessable([(["body"], f"the body is {len(data)} bytes, over {MAX_BODY}",
                               "size limit")])
    return Body(media=media, data=data)


BodyDep = Annotated[Body, Depends(read_body)]


def _unprocessable(items: list[tuple[list, str, str]], status: int = 422) -> HTTPException:
    return HTTPException(status, detail=[{"loc": loc, "msg": msg, "rule": rule}
                                         for loc, msg, rule in items])


def _form_of(body: Body) -> tuple[DatasetForm, set[str]]:
    try:
        payload = json.loads(body.data or b"{}")
        form = DatasetForm.model_validate(payload)
    except json.JSONDecodeError as exc:
        raise _unprocessable([(["body"], f"malformed JSON: {exc.msg}", "JSON")]) from None
    except ValidationError as exc:
        raise _unprocessable([(["body", e.input or e.field], e.message, e.rule)
                              for e in errors_of(exc)]) from None
    return form, set(payload) if isinstance(payload, dict) else set()


def _graph_of(body: Body) -> Graph:
    if body.media not in RDF_TYPES:
        raise _unprocessable([(["header", "Content-Type"], f"cannot read {body.media or 'no'} "
                               "content; send application/json, " + ", ".join(RDF_TYPES),
                               "supported media type")], status=415)
    try:
        return parse_text(body.data.decode("utf-8-sig"), "<body>", RDF_TYPES[body.media])
    except (RdfInputError, UnicodeDecodeError) as exc:
        raise _unprocessable([(["body"], str(exc), "well-formed RDF in UTF-8")]) from None


def _check_and_store(session: Session, graph: Graph, with_findings: bool) -> Any:
    try:
        prepared = check_graph(graph, source="api")
    except ImportRefused as exc:
        by_field = fields_of_problems([p.message for p in exc.problems])
        raise _unprocessable([(["body", field or "record"], message, "import check")
                              for field, messages in by_field.items()
                              for message in messages]) from None
    outcome = prepared.outcome
    if outcome.violations and not with_findings:
        by_field = fields_of_findings([f for f in outcome.findings
                                       if f["severity"] == "violation"], graph)
        raise _unprocessable([(["body", field or f["path"] or "record"], f["message"],
                               f"SHACL, HealthDCAT-AP Release 8, tier {f['tier']}")
                              for field, found in by_field.items() for f in found])
    try:
        return store_graph(session, graph, source="api", prepared=prepared)
    except ImportRefused as exc:
        raise _unprocessable([(["body", "identifier"], p.message, "unique identifier")
                              for p in exc.problems]) from None


def _saved(request: Request, outcome: Any) -> DatasetSaved:
    base, path = str(request.base_url).rstrip("/"), dataset_path(outcome.identifier)
    return DatasetSaved(
        identifier=outcome.identifier, iri=outcome.iri, action=outcome.action, tier=outcome.tier,
        violations=outcome.violations, warnings=outcome.warnings,
        findings=[Finding.model_validate(f) for f in outcome.findings],
        links={"self": base + "/api" + path, "html": base + path, "turtle": base + path + ".ttl"})


def _publisher_of(graph: Graph) -> str | None:
    try:
        value = graph.value(dataset_node(graph), DCTERMS.publisher)
    except EditError as exc:
        raise _unprocessable([(["body"], exc.message, exc.rule)]) from None
    return str(value) if value is not None else None


def _from_form(session: Session, form: DatasetForm, base: Graph | None) -> Graph:
    try:
        return form_to_graph(form, base, agents=agent_graphs(session, [form.publisher, form.hdab]))
    except EditError as exc:
        raise _unprocessable([(["body", exc.field], exc.message, exc.rule)]) from None


@router.post("/datasets", status_code=201, response_model=DatasetSaved, openapi_extra=BODY_DOC,
             summary="Create a record")
def create_dataset(request: Request, body: BodyDep, session: SessionDep, user: CurrentUser,
                   save_with_findings: WithFindings = False) -> DatasetSaved:
    """A new record from RDF (one dcat:Dataset) or from the form's fields as JSON. A data holder
    creates records of the publishers bound to the account, an admin any."""
    if body.media == "application/json":
        form, _given = _form_of(body)
        require_write(user, form.publisher)
        graph = _from_form(session, form, None)
    else:
        graph = _graph_of(body)
        require_write(user, _publisher_of(graph))
    iri = str(dataset_node(graph))
    if find_dataset(session, iri) is not None:
        raise _unprocessable([(["body", "iri"], f"a record with IRI <{iri}> exists already; "
                               "use PUT to change it", "unique IRI")], status=409)
    return _saved(request, _check_and_store(session, graph, save_with_findings))


def _editable(session: Session, identifier: str, user: User) -> DatasetRow:
    row = find_dataset(session, identifier)
    if row is None:
        raise not_found(identifier)
    require_edit_dataset(user, row)
    return row


@router.put("/datasets/{identifier:path}", response_model=DatasetSaved, openapi_extra=BODY_DOC,
            summary="Replace or update a record")
def update_dataset(identifier: str, request: Request, body: BodyDep, session: SessionDep,
                   user: CurrentUser, save_with_findings: WithFindings = False) -> DatasetSaved:
    """RDF replaces the record (its dataset IRI must stay); JSON changes only the form fields it
    names, and every triple the form does not cover stays."""
    row = _editable(session, identifier, user)
    if body.media == "application/json":
        patch, given = _form_of(body)
        current = record_to_form(graph_of(row))
        merged = DatasetForm.model_validate({**current, **patch.model_dump(include=given)})
        require_write(user, merged.publisher)
        graph = _from_form(session, merged, graph_of(row))
    else:
        graph = _graph_of(body)
        require_write(user, _publisher_of(graph))
        if str(dataset_node(graph)) != row.iri:
            raise _unprocessable([(["body", "iri"], f"the body describes <{dataset_node(graph)}>"
                                   f", not <{row.iri}>", "same dataset IRI")])
    return _saved(request, _check_and_store(session, graph, save_with_findings))


@router.delete("/datasets/{identifier:path}", status_code=204, summary="Delete a record")
def remove_dataset(identifier: str, session: SessionDep, user: CurrentUser) -> Response:
    """Delete the record and its search index entries."""
    row = _editable(session, identifier, user)
    delete_dataset(session, row.iri)
    return Response(status_code=204)
