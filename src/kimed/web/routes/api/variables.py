"""``/api/datasets/{identifier}/variables``: a dataset's data dictionary (CSVW variables).

``GET`` lists the variables (JSON, or CSV with ``?format=csv``). ``PUT`` (or ``POST``) sends a
dictionary file, CSV or XLSX, that replaces the dataset's dictionary: as the raw body with its
Content-Type (``text/csv``, ``application/vnd.openxmlformats-officedocument.spreadsheetml.sheet``)
or as a multipart upload in the field ``file``. Writing needs an API token of an admin or of a
data holder bound to the dataset's publisher, like every other record write.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kimed.accounts.permissions import require_edit_dataset
from kimed.catalog.models import DatasetRow
from kimed.catalog.store import find_dataset
from kimed.catalog.variables.codes import compact_code
from kimed.catalog.variables.dictionary import (
    Dictionary,
    DictionaryError,
    DictionaryProblem,
    read_dictionary,
)
from kimed.catalog.variables.export import dictionary_csv
from kimed.catalog.variables.service import import_dictionary, variables_of
from kimed.web.deps import CurrentUser, SessionDep
from kimed.web.present import dataset_path
from kimed.web.routes.api.models import ErrorResponse, Finding
from kimed.web.routes.datasets import not_found

router = APIRouter(tags=["variables"], responses={404: {"description": "No such dataset"}})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUFFIX_OF_MEDIA = {"text/csv": ".csv", "text/tab-separated-values": ".tsv",
                   "text/plain": ".csv", XLSX: ".xlsx"}
WRITE_RESPONSES = {
    401: {"model": ErrorResponse, "description": "No valid API token"},
    403: {"model": ErrorResponse, "description": "The account may not write this record"},
    413: {"model": ErrorResponse, "description": "The file is over KIMED_MAX_IMPORT_BYTES"},
    415: {"model": ErrorResponse, "description": "Neither CSV nor XLSX"},
    422: {"model": ErrorResponse, "description": "Refused; names file, row, column and rule"},
}
BODY_DOC = {"requestBody": {"required": True, "content": {
    "text/csv": {"schema": {"type": "string"}},
    XLSX: {"schema": {"type": "string", "format": "binary"}},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}}}},
}}}


class VariableOut(BaseModel):
    """One variable: the csvw:Column's name, titles and descriptions by language tag, datatype,
    unit, and codes (as stored, and in the short form ``LOINC:8480-6`` where one exists)."""

    name: str
    titles: dict[str, str]
    description: dict[str, str]
    datatype: str | None
    unit: str | None
    codes: list[str]
    short_codes: list[str]
    table: str | None


class VariablesOut(BaseModel):
    identifier: str
    iri: str
    variables: list[VariableOut]
    links: dict[str, str]


class DictionarySaved(BaseModel):
    """What a dictionary import did, and the record's SHACL findings after it."""

    identifier: str
    variables: int
    tables: int
    replaced: int = Field(description="Variables in the dictionary it replaced")
    violations: int
    warnings: int
    findings: list[Finding]
    links: dict[str, str]


def _row(session: Session, identifier: str) -> DatasetRow:
    row = find_dataset(session, identifier)
    if row is None:
        raise not_found(identifier)
    return row


def _links(request: Request, identifier: str) -> dict[str, str]:
    base, path = str(request.base_url).rstrip("/"), dataset_path(identifier)
    return {"self": f"{base}/api{path}/variables", "dataset": f"{base}/api{path}",
            "html": base + path, "csv": f"{base}/api{path}/variables?format=csv"}


@router.get("/datasets/{identifier:path}/variables", response_model=VariablesOut,
            summary="The variables of a dataset", responses={200: {"content": {
                "text/csv": {"schema": {"type": "string"}}}}})
def get_variables(identifier: str, request: Request, session: SessionDep,
                  format: Annotated[str, Query(pattern="^(json|csv)$",  # noqa: A002
                                               description="json or csv")] = "json"):
    """The data dictionary (healthdcatap:hasVariables): every csvw:Column of every table, in
    dictionary order; empty when the dataset describes no variables. ``format=csv`` answers
    a CSV file that the write endpoints accept again."""
    row = _row(session, identifier)
    variables = variables_of(row)
    if format == "csv":
        return Response(dictionary_csv(variables), media_type="text/csv; charset=utf-8")
    return VariablesOut(
        identifier=row.identifier, iri=row.iri, links=_links(request, row.identifier),
        variables=[VariableOut(**v.model_dump(exclude={"codes"}), codes=list(v.codes),
                               short_codes=[compact_code(c) for c in v.codes])
                   for v in variables])


def _error(status: int, problems: list[DictionaryProblem]) -> HTTPException:
    return HTTPException(status, detail=[{
        "loc": ["body", p.file] + ([f"row {p.row}"] if p.row else [])
               + ([p.column] if p.column else []),
        "msg": str(p), "rule": p.rule} for p in problems])


async def _dictionary(request: Request, sheet: str | None) -> Dictionary:
    limit = request.app.state.settings.max_import_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + 64 * 1024:  # room for multipart framing
        raise _error(413, [DictionaryProblem("<body>", f"the body is {declared} bytes, over "
                                             f"the limit of {limit}", "KIMED_MAX_IMPORT_BYTES")])
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise _error(422, [DictionaryProblem("<body>", "the multipart body has no file "
                                                 "field 'file'", "multipart upload")])
        data, filename = await upload.read(), upload.filename or "upload"
    elif media in SUFFIX_OF_MEDIA:
        data, filename = await request.body(), "body" + SUFFIX_OF_MEDIA[media]
    else:
        raise _error(415, [DictionaryProblem(
            "<body>", f"cannot read {media or 'a body without Content-Type'}; send text/csv, "
            f"{XLSX} or a multipart upload", "supported media type")])
    try:
        return read_dictionary(data, filename, sheet=sheet, max_bytes=limit)
    except DictionaryError as exc:
        status = 413 if any(p.rule == "KIMED_MAX_IMPORT_BYTES" for p in exc.problems) else 422
        if any(p.rule == "file type" for p in exc.problems) and media == "multipart/form-data":
            status = 415
        raise _error(status, exc.problems) from None


async def put_variables(identifier: str, request: Request, session: SessionDep,
                        user: CurrentUser,
                        sheet: Annotated[str | None, Query(description="XLSX worksheet")] = None,
                        save_with_findings: Annotated[bool, Query(
                            description="Store even when the columns break SHACL shapes")]
                        = False) -> DictionarySaved:
    """Replace the dataset's data dictionary with the one sent (CSV or XLSX). A refused
    dictionary changes nothing and answers each problem with its file, row, column and rule."""
    row = _row(session, identifier)
    require_edit_dataset(user, row)
    dictionary = await _dictionary(request, sheet)
    try:
        outcome = import_dictionary(session, row.iri, dictionary,
                                    save_with_findings=save_with_findings)
    except DictionaryError as exc:
        raise _error(422, exc.problems) from None
    return DictionarySaved(
        identifier=outcome.identifier, variables=outcome.variables, tables=outcome.tables,
        replaced=outcome.replaced, violations=outcome.violations, warnings=outcome.warnings,
        findings=[Finding.model_validate(f) for f in outcome.findings],
        links=_links(request, outcome.identifier))


for _method in ("PUT", "POST"):
    router.add_api_route(
        "/datasets/{identifier:path}/variables", put_variables, methods=[_method],
        response_model=DictionarySaved, responses=WRITE_RESPONSES, openapi_extra=BODY_DOC,
        summary="Replace the data dictionary", name=f"{_method.lower()}_variables")
