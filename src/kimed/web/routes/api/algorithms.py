"""``/api/algorithms``: list (filters task, modality, runnable_in_spe), one record with its findings
and links, the datasets an algorithm links to or could apply to, the algorithms of a dataset, and
writing (``POST``, ``PUT``, ``DELETE`` with an API token).

A write body is one ``mldcat:MachineLearningModel`` record in Turtle, JSON-LD (MLDCAT-AP or
FAIR4ML), RDF/XML or N-Triples, or a Hugging Face model card (``text/markdown``), chosen by
Content-Type. It goes through the checks of ``kimed algorithms import``
(:func:`kimed.catalog.algorithms.importer.import_algorithms`). Who may write: an admin any record;
a data holder the records whose provider (``mldcat:hasProvider``) is bound to the account; a reader
none (kimed.accounts.permissions).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kimed.accounts.models import User
from kimed.accounts.permissions import require_edit_algorithm
from kimed.catalog.algorithms.links import algorithms_for_dataset, datasets_for_algorithm
from kimed.catalog.algorithms.model import AgentRef, AlgorithmRecord
from kimed.catalog.algorithms.models import AlgorithmRow
from kimed.catalog.algorithms.store import (
    delete_algorithm,
    find_algorithm,
    links_of,
    list_algorithms,
    record_of,
)
from kimed.catalog.store import find_dataset
from kimed.web.algorithm_writes import UploadRefused, store_upload
from kimed.web.algorithms_present import FilterError, Filters, algorithm_path
from kimed.web.deps import CurrentUser, SessionDep
from kimed.web.present import dataset_path
from kimed.web.routes.algorithms import bad_filter, not_found
from kimed.web.routes.api.models import ErrorResponse, Finding
from kimed.web.routes.datasets import not_found as dataset_not_found

router = APIRouter(tags=["algorithms"], responses={
    422: {"model": ErrorResponse, "description": "A bad parameter or a refused record"}})
Many = Annotated[list[str] | None, Query()]
BODY_TYPES = {"text/turtle": ("ttl", ".ttl"), "application/ld+json": ("jsonld", ".jsonld"),
              "application/rdf+xml": ("xml", ".rdf"), "application/n-triples": ("nt", ".nt"),
              "text/markdown": ("modelcard", ".md")}
BODY_DOC = {"requestBody": {"required": True, "content": {
    media: {"schema": {"type": "string", "description": "one mldcat:MachineLearningModel record"
                       if fmt != "modelcard" else "a Hugging Face model card (README.md)"}}
    for media, (fmt, _suffix) in BODY_TYPES.items()}}}
WRITE_ERRORS = {401: {"model": ErrorResponse, "description": "No valid API token"},
                403: {"model": ErrorResponse, "description": "The account may not write it"},
                404: {"description": "No such algorithm"}}
MAX_BODY = 5 * 1024 * 1024


# --- response models, layered per use -------------------------------------------------------

class AlgorithmSummary(BaseModel):
    """One algorithm in a list."""

    identifier: str
    iri: str
    title: str
    short_description: str | None
    tasks: list[str] = Field(description="kimed:task concept URIs (vocabulary ai-tasks)")
    input_modalities: list[str] = Field(description="Concept URIs of the input modalities")
    runnable_in_spe: bool
    pipeline: str | None
    links: dict[str, str]


class AlgorithmList(BaseModel):
    total: int = Field(description="How many algorithms match the filters")
    filters: dict[str, list[str]] = Field(description="The filters as URL parameters")
    algorithms: list[AlgorithmSummary]


class AlgorithmAgent(AgentRef):
    """A provider or creator of an algorithm (named apart from a dataset's AgentRef)."""


class AlgorithmProjection(AlgorithmRecord):
    """The typed projection of an algorithm record (see docs/algorithms.md)."""

    providers: list[AlgorithmAgent] = Field(default_factory=list)
    creators: list[AlgorithmAgent] = Field(default_factory=list)


class DatasetLinkOut(BaseModel):
    """A declared link: relation, the target as written, and the catalogue dataset it names."""

    relation: str
    target: str
    dataset: str | None = Field(description="The catalogue dataset's IRI; null when external")
    external: bool


class AlgorithmPublic(BaseModel):
    """An algorithm's typed projection (MLDCAT-AP field names), findings and dataset links."""

    identifier: str
    iri: str
    record: AlgorithmProjection
    violations: int
    warnings: int
    findings: list[Finding]
    datasets: list[DatasetLinkOut]
    links: dict[str, str]


class MatchOut(BaseModel):
    """A dataset for an algorithm, or an algorithm for a dataset: declared relations and, when it
    could apply, the reasons (data type, modality, health category) and a score."""

    identifier: str
    iri: str
    title: str
    relations: list[str]
    could_apply: bool
    reasons: list[str]
    score: int
    links: dict[str, str]


class AlgorithmSaved(BaseModel):
    identifier: str
    iri: str
    action: str
    violations: int
    warnings: int
    findings: list[Finding]
    links: dict[str, str]


# --- reading --------------------------------------------------------------------------------

def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _links(base: str, identifier: str) -> dict[str, str]:
    path = algorithm_path(identifier)
    return {"self": base + "/api" + path, "html": base + path, "turtle": base + path + ".ttl",
            "jsonld": base + path + ".jsonld", "rdfxml": base + path + ".rdf",
            "datasets": base + "/api" + path + "/datasets"}


def _summary(rec: AlgorithmRecord, base: str, lang: str) -> AlgorithmSummary:
    return AlgorithmSummary(
        identifier=rec.identifier, iri=rec.iri, title=rec.label(lang),
        short_description=rec.short_description, tasks=rec.tasks,
        input_modalities=rec.modality_concepts("input"), runnable_in_spe=rec.runnable_in_spe,
        pipeline=rec.pipeline, links=_links(base, rec.identifier))


def _get(session: Session, identifier: str) -> AlgorithmRow:
    row = find_algorithm(session, identifier)
    if row is None:
        raise not_found(identifier)
    return row


def _match(match: Any, base: str, path: str, api_path: str) -> MatchOut:
    return MatchOut(identifier=match.identifier, iri=match.iri, title=match.title,
                    relations=match.relations, could_apply=match.could_apply,
                    reasons=match.reasons, score=match.score,
                    links={"self": base + api_path, "html": base + path})


@router.get("/algorithms", response_model=AlgorithmList, summary="List the algorithms")
def list_all(request: Request, session: SessionDep,
             task: Annotated[list[str] | None, Query(
                 description="A task code or URI (vocabulary ai-tasks); repeat for several")] = None,
             modality: Annotated[list[str] | None, Query(
                 description="An input or output modality code or URI (ai-modalities, "
                             "dicom-modalities); repeat for several")] = None,
             runnable_in_spe: Annotated[str | None, Query(
                 description="true: only algorithms the KIMed SPE runs; false: the others")] = None,
             lang: Annotated[str | None, Query(description="en or de (titles)")] = None,
             ) -> AlgorithmList:
    """Every algorithm, sorted by title, filtered like the page `/algorithms`: values of one
    filter are OR-ed, filters AND-ed. An unknown code answers 422 naming the parameter."""
    try:
        filters = Filters.parse(task, modality, runnable_in_spe)
    except FilterError as exc:
        raise bad_filter(exc) from None
    base, chosen = _base(request), lang if lang in ("en", "de") else "en"
    records = [record_of(row) for row in list_algorithms(session)]
    kept = [_summary(rec, base, chosen) for rec in records if filters.keep(rec)]
    params: dict[str, list[str]] = {}
    for key, value in filters.params():
        params.setdefault(key, []).append(value)
    return AlgorithmList(total=len(kept), filters=params, algorithms=kept)


@router.get("/datasets/{identifier:path}/algorithms", response_model=list[MatchOut],
            summary="The algorithms of a dataset", responses={404: {"description":
                                                                  "No such dataset"}})
def algorithms_of_dataset(identifier: str, request: Request, session: SessionDep
                          ) -> list[MatchOut]:
    """Algorithms linked to the dataset (trained, tested, validated or evaluated on it) first,
    then those that could apply to it, each with its reasons."""
    row = find_dataset(session, identifier)
    if row is None:
        raise dataset_not_found(identifier)
    base = _base(request)
    return [_match(m, base, algorithm_path(m.identifier), "/api" + algorithm_path(m.identifier))
            for m in algorithms_for_dataset(session, row)]


@router.get("/algorithms/{identifier:path}/datasets", response_model=list[MatchOut],
            summary="The datasets of an algorithm", responses={404: {"description":
                                                                   "No such algorithm"}})
def datasets_of_algorithm(identifier: str, request: Request, session: SessionDep
                          ) -> list[MatchOut]:
    """Catalogue datasets the algorithm links to (with the relations) first, then those it could
    apply to, each with its reasons. External links are in `/api/algorithms/{identifier}`."""
    row = _get(session, identifier)
    base = _base(request)
    return [_match(m, base, dataset_path(m.identifier), "/api" + dataset_path(m.identifier))
            for m in datasets_for_algorithm(session, row)]


@router.get("/algorithms/{identifier:path}", response_model=AlgorithmPublic,
            summary="One algorithm's record, findings and links",
            responses={404: {"description": "No such algorithm"}})
def get_one(identifier: str, request: Request, session: SessionDep) -> AlgorithmPublic:
    """The projection of the record, the SHACL findings of our MLDCAT-AP shapes, and the declared
    dataset links. The canonical RDF is at `/algorithms/{identifier}.ttl` (`.jsonld`, `.rdf`)."""
    row = _get(session, identifier)
    return AlgorithmPublic(
        identifier=row.identifier, iri=row.iri,
        record=AlgorithmProjection.model_validate(row.projection), violations=row.violations,
        warnings=row.warnings, findings=[Finding.model_validate(f) for f in row.findings or []],
        datasets=[DatasetLinkOut(relation=link.relation, target=link.target_iri,
                                 dataset=None if link.external else link.dataset_iri,
                                 external=link.external) for link in links_of(session, row)],
        links=_links(_base(request), row.identifier))


# --- writing --------------------------------------------------------------------------------

def _unprocessable(items: list[tuple[list, str, str]], status: int = 422) -> HTTPException:
    return HTTPException(status, detail=[{"loc": loc, "msg": msg, "rule": rule}
                                         for loc, msg, rule in items])


def read_upload(request: Request, data: bytes) -> tuple[str, bytes]:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in BODY_TYPES:
        raise _unprocessable([(["header", "Content-Type"], f"cannot read {media or 'no'} "
                               "content; send one of " + ", ".join(BODY_TYPES),
                               "supported media type")], status=415)
    if len(data) > MAX_BODY:
        raise _unprocessable([(["body"], f"the body is {len(data)} bytes, over {MAX_BODY}",
                               "size limit")])
    return media, data


async def body_bytes(request: Request) -> bytes:
    return await request.body()


BodyDep = Annotated[bytes, Depends(body_bytes)]


def _store(request: Request, session: Session, user: User, body: bytes,
           existing: AlgorithmRow | None) -> AlgorithmSaved:
    media, data = read_upload(request, body)
    fmt, _suffix = BODY_TYPES[media]
    try:
        outcome = store_upload(session, user, data, fmt, existing)
    except UploadRefused as exc:
        raise _unprocessable([(p.loc, p.message, p.rule) for p in exc.problems],
                             status=exc.status) from None
    return AlgorithmSaved(
        identifier=outcome.identifier, iri=outcome.iri, action=outcome.action,
        violations=outcome.violations, warnings=outcome.warnings,
        findings=[Finding.model_validate(f) for f in outcome.findings],
        links=_links(_base(request), outcome.identifier))


@router.post("/algorithms", status_code=201, response_model=AlgorithmSaved,
             openapi_extra=BODY_DOC, responses=WRITE_ERRORS, summary="Create an algorithm")
def create(request: Request, body: BodyDep, session: SessionDep,
           user: CurrentUser) -> AlgorithmSaved:
    """A new record from MLDCAT-AP RDF, FAIR4ML JSON-LD or a model card (by Content-Type). Its
    dataset links must resolve as in an import; records with SHACL findings are stored with them."""
    return _store(request, session, user, body, None)


@router.put("/algorithms/{identifier:path}", response_model=AlgorithmSaved,
            openapi_extra=BODY_DOC, responses=WRITE_ERRORS, summary="Replace an algorithm")
def replace(identifier: str, request: Request, body: BodyDep, session: SessionDep,
            user: CurrentUser) -> AlgorithmSaved:
    """Replace the whole record; the body must describe the same model IRI."""
    return _store(request, session, user, body, _get(session, identifier))


@router.delete("/algorithms/{identifier:path}", status_code=204, responses=WRITE_ERRORS,
               summary="Delete an algorithm")
def remove(identifier: str, session: SessionDep, user: CurrentUser) -> Response:
    """Delete the record and its dataset links."""
    row = _get(session, identifier)
    require_edit_algorithm(user, record_of(row), "delete")
    delete_algorithm(session, row.iri)
    return Response(status_code=204)
