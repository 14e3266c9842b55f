"""JSON API of the SPE runtime (``/api/spe/...``, tag "spe runtime"): projects, data permits and
their lifecycle, jobs (a registered pipeline, or a catalogue algorithm runnable in the SPE),
output requests with their reviews and the release package, and the audit chain's verification.

Every route needs an API token (``Authorization: Bearer kimed_...``, else 401) and is thin over
kimed.spe: the library decides, and its refusals are answered by
:mod:`kimed.web.spe_refusals` (403, 404, 409, 422 naming the field, the rule and its source).
Who may *look* at a project, permit, job or output request follows the web pages
(kimed.web.spe_gov_view, kimed.web.spe_work_view). See docs/spe-runtime.md, "API".
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kimed.accounts.models import User
from kimed.accounts.permissions import PermissionDenied
from kimed.spe import amendments, audit, jobs, outputs, permits, projects
from kimed.spe.errors import SpeError
from kimed.web import spe_work_view as view
from kimed.web.deps import CurrentUser, SessionDep
from kimed.web.routes.api.models import ErrorResponse
from kimed.web.spe_gov_view import AUDIT_VIEWERS, can_view_permit, require, require_any_role
from kimed.web.spe_refusals import refusal

ALGORITHM_SOURCE = "KIMed SPE: only catalogue algorithms marked kimed:runnableInSPE whose " \
    "kimed:pipeline is a registered pipeline run in the SPE"
router = APIRouter(prefix="/spe", tags=["spe runtime"], responses={
    401: {"model": ErrorResponse, "description": "No valid API token"},
    403: {"model": ErrorResponse, "description": "The account lacks the SPE role or standing"},
    404: {"model": ErrorResponse, "description": "No such object"},
    422: {"model": ErrorResponse, "description": "A refused value: field, rule and source"}})
CONFLICT = {409: {"model": ErrorResponse, "description": "The object's state does not allow it"}}
NO_STORE = {"Cache-Control": "no-store"}


# --- models ---------------------------------------------------------------------------------

class ProjectIn(BaseModel):
    slug: str
    title: str
    description: str = ""


class ProjectOut(BaseModel):
    slug: str
    title: str
    description: str
    created_by: str
    permits: list[dict[str, Any]] = Field(description="id and status of each permit")


class DatasetScopeIn(BaseModel):
    identifier: str
    variables: list[str] | None = Field(None, description="null: the whole dataset")


class PermitApplication(BaseModel):
    """An application with the EHDS Art. 68 contents; the applicant is the principal
    investigator and always a named person."""

    project: str
    holder: str
    purpose_category: str = Field(description="An Art. 53 purpose, e.g. scientific_research")
    purpose_description: str
    data_form: str = Field(description="pseudonymised or anonymised")
    access_start: datetime
    access_end: datetime
    retention_end: datetime
    datasets: list[str | DatasetScopeIn]
    persons: list[str] = Field(default_factory=list, description="usernames")
    spe: str = "KIMed SPE"
    tools: list[str] = Field(default_factory=list)
    conditions: str = ""


class Decision(BaseModel):
    decision: Literal["approve", "reject"]
    note: str = Field("", description="required for a rejection")


class AmendmentIn(BaseModel):
    reason: str
    add_persons: list[str] = Field(default_factory=list)
    remove_persons: list[str] = Field(default_factory=list)
    add_datasets: list[str | DatasetScopeIn] = Field(default_factory=list)
    remove_datasets: list[str] = Field(default_factory=list)
    access_end: datetime | None = None
    retention_end: datetime | None = None


class AmendmentOut(BaseModel):
    id: int
    permit: int
    status: str
    changes: dict[str, Any]


class Revocation(BaseModel):
    reason: str


class JobIn(BaseModel):
    """A job: either ``pipeline`` (a registered pipeline) or ``algorithm`` (a catalogue
    algorithm's identifier or IRI, runnable in the SPE, resolved to its pipeline)."""

    project: str
    pipeline: str | None = None
    algorithm: str | None = None
    datasets: list[str]
    params: dict[str, Any] = Field(default_factory=dict)


class JobOut(BaseModel):
    id: str
    project: str
    submitted_by: str
    pipeline: str
    pipeline_version: str
    algorithm: str | None = None
    params: dict[str, Any]
    datasets: list[str]
    executor: str
    status: str
    sandboxed: bool | None
    progress: float | None = Field(None, description="0 to 1 while it runs here")
    message: str
    submitted_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    exit_code: int | None
    input_digest: str | None
    code_version: str
    outputs: list[str] = Field(description="Output file names, once the job has succeeded")


class JobLogs(BaseModel):
    id: str
    status: str
    lines: list[str]


class OutputRequestIn(BaseModel):
    job: str
    files: list[str]
    kinds: dict[str, str] = Field(default_factory=dict,
                                  description="file name -> output kind (e.g. frequency)")
    purpose: str = ""


class OutputCheck(BaseModel):
    """One automated check of one file: verdict, rule, and flagged cells by label only."""

    check: str
    verdict: str
    message: str
    rule: str
    rule_id: str
    source: str
    cells: list[dict[str, str]]


class OutputRequestOut(BaseModel):
    id: str
    job: str
    project: str
    requester: str
    purpose: str
    status: str
    created_at: datetime | None
    files: list[dict[str, Any]]
    checks: dict[str, list[OutputCheck]] = Field(description="Per file")
    decisions: list[dict[str, Any]]
    released_at: datetime | None


class ReviewIn(BaseModel):
    outcome: Literal["approve", "reject"]
    justification: str = ""


class AuditVerification(BaseModel):
    ok: bool
    message: str


# --- helpers --------------------------------------------------------------------------------

def _project_out(project) -> ProjectOut:
    return ProjectOut(slug=project.slug, title=project.title, description=project.description,
                      created_by=project.created_by,
                      permits=[{"id": p.id, "status": p.status} for p in project.permits])


def _scopes(items: list) -> list:
    return [s if isinstance(s, str) else s.model_dump() for s in items]


def _permit(session: Session, user: User, permit_id: int):
    try:
        permit = permits.get_permit(session, permit_id)
    except SpeError as exc:
        raise refusal(exc, where="path") from None
    if not can_view_permit(session, user, permit):
        raise PermissionDenied(user, f"see permit {permit.id}", "only the permit's parties, the "
                               "access committee, SPE operators and portal admins see a permit")
    return permit


def _governance(session: Session, action, conflicts=("status", "amendment")):
    """Run a governance action; a refusal is rolled back and answered."""
    try:
        return action()
    except SpeError as exc:
        session.rollback()
        raise refusal(exc, conflicts) from None


def _job(session: Session, user: User, job_id: str):
    try:
        row = jobs.get_job(session, job_id)
    except SpeError as exc:
        raise refusal(exc, where="path") from None
    view.require_project_view(session, row.project, user)
    return row


def _job_out(request: Request, row, algorithm: str | None = None) -> JobOut:
    from kimed.spe.job_files import output_files

    progress = None
    if row.status not in jobs.TERMINAL:
        try:
            progress, _message = view.executor_for(request).progress(row.id)
        except KeyError:  # run by another process
            progress = None
    elif row.status == "succeeded":
        progress = 1.0
    described = jobs.describe(row)
    return JobOut(**{k: v for k, v in described.items()
                     if k in JobOut.model_fields and k not in ("datasets", "outputs")},
                  algorithm=algorithm,
                  datasets=row.identifiers, progress=progress,
                  outputs=sorted(output_files(Path(row.output_dir)))
                  if row.status == "succeeded" else [])


def _output(session: Session, user: User, request_id: str):
    try:
        row = outputs.get_request(session, request_id)
    except SpeError as exc:
        raise refusal(exc, where="path") from None
    if not view.may_view_request(session, row, user):
        raise PermissionDenied(user, f"see output request {row.id}", "that needs the SPE role "
                               "output_checker, or being its requester or the project's PI")
    return row


def _output_out(row) -> OutputRequestOut:
    described = outputs.describe(row)
    checks = view.check_rows(row.results, [f.name for f in row.files])
    return OutputRequestOut(
        id=row.id, job=row.job_id, project=row.project.slug, requester=row.requester.username,
        purpose=row.purpose, status=row.status, created_at=row.created_at,
        files=described["files"], decisions=described["decisions"],
        released_at=row.released_at,
        checks={name: [OutputCheck(**c) for c in rows] for name, rows in checks.items()})


def resolve_algorithm(session: Session, identifier: str, names: list[str]) -> str:
    """The pipeline of the catalogue algorithm ``identifier``; SpeError (field ``algorithm``)
    when there is none, it is not runnable in the SPE, or its pipeline is not registered."""
    from kimed.catalog.algorithms.store import find_algorithm, record_of

    row = find_algorithm(session, identifier)
    if row is None:
        raise SpeError("algorithm", f"no catalogue algorithm {identifier!r}", ALGORITHM_SOURCE)
    record = record_of(row)
    if not record.runnable_in_spe or not record.pipeline:
        raise SpeError("algorithm", f"{identifier} is not runnable in the SPE (it is not marked "
                       "kimed:runnableInSPE with a kimed:pipeline)", ALGORITHM_SOURCE)
    if record.pipeline not in names:
        raise SpeError("algorithm", f"{identifier} names pipeline {record.pipeline!r}, which is "
                       "not registered in this SPE (registered: " + ", ".join(names) + ")",
                       ALGORITHM_SOURCE)
    return record.pipeline


# --- projects -------------------------------------------------------------------------------

@router.get("/projects", response_model=list[ProjectOut], summary="SPE projects")
def list_projects(session: SessionDep, user: CurrentUser) -> list[ProjectOut]:
    """Every project, for holders of any SPE role."""
    require_any_role(session, user, "see SPE projects")
    return [_project_out(p) for p in projects.list_projects(session)]


@router.post("/projects", status_code=201, response_model=ProjectOut,
             summary="Create an SPE project")
def create_project(body: ProjectIn, session: SessionDep, user: CurrentUser) -> ProjectOut:
    """For principal investigators, SPE operators and portal admins; audited."""
    project = _governance(session, lambda: projects.create_project(
        session, user, body.slug.strip(), body.title, body.description), conflicts=())
    session.commit()
    return _project_out(project)


@router.get("/projects/{slug}", response_model=ProjectOut, summary="One SPE project")
def get_project(slug: str, session: SessionDep, user: CurrentUser) -> ProjectOut:
    require_any_role(session, user, "see SPE projects")
    try:
        return _project_out(projects.get_project(session, slug))
    except SpeError as exc:
        raise refusal(exc, where="path") from None


# --- permits --------------------------------------------------------------------------------

@router.post("/permits", status_code=201, response_model=None, summary="Apply for a permit")
def apply_permit(body: PermitApplication, session: SessionDep, user: CurrentUser) -> dict:
    """A principal investigator's application (status ``application``); the permit as
    `GET /api/spe/permits/{id}` returns it."""
    permit = _governance(session, lambda: permits.apply(
        session, user, body.project, holder=body.holder,
        purpose_category=body.purpose_category, purpose_description=body.purpose_description,
        data_form=body.data_form, access_start=body.access_start, access_end=body.access_end,
        retention_end=body.retention_end, datasets=_scopes(body.datasets),
        persons=body.persons, spe=body.spe, tools=body.tools, conditions=body.conditions))
    session.commit()
    return permits.describe(permit)


@router.get("/permits/{permit_id}", response_model=None, summary="One permit")
def get_permit(permit_id: int, session: SessionDep, user: CurrentUser) -> dict:
    """The EHDS Art. 68 contents, status, amendments and history; for the permit's parties,
    the access committee, SPE operators and portal admins."""
    return permits.describe(_permit(session, user, permit_id))


@router.post("/permits/{permit_id}/decision", response_model=None, responses=CONFLICT,
             summary="Decide an application")
def decide_permit(permit_id: int, body: Decision, session: SessionDep,
                  user: CurrentUser) -> dict:
    """The access committee approves (``active``) or rejects (with a note); no member decides
    on a permit they are party to."""
    permit = _permit(session, user, permit_id)
    _governance(session, lambda: permits.decide(session, user, permit,
                                                body.decision == "approve", body.note))
    session.commit()
    return permits.describe(permits.get_permit(session, permit_id))


@router.post("/permits/{permit_id}/amendments", status_code=201, response_model=AmendmentOut,
             responses=CONFLICT, summary="Request an amendment")
def request_amendment(permit_id: int, body: AmendmentIn, session: SessionDep,
                      user: CurrentUser) -> AmendmentOut:
    """The principal investigator asks to add or remove persons or datasets, or to change the
    dates; the committee decides."""
    _permit(session, user, permit_id)
    amendment = _governance(session, lambda: amendments.request_amendment(
        session, user, permit_id, reason=body.reason, add_persons=body.add_persons,
        remove_persons=body.remove_persons, add_datasets=_scopes(body.add_datasets),
        remove_datasets=body.remove_datasets, access_end=body.access_end,
        retention_end=body.retention_end))
    session.commit()
    return AmendmentOut(id=amendment.id, permit=permit_id, status=amendment.status,
                        changes=amendment.changes)


@router.post("/permits/{permit_id}/amendments/{amendment_id}/decision", response_model=None,
             responses=CONFLICT, summary="Decide an amendment")
def decide_amendment(permit_id: int, amendment_id: int, body: Decision, session: SessionDep,
                     user: CurrentUser) -> dict:
    _permit(session, user, permit_id)

    def action():
        from kimed.spe.errors import NotFound

        amendment = amendments.get_amendment(session, amendment_id)
        if amendment.permit_id != permit_id:
            raise NotFound("amendment", f"amendment {amendment_id} belongs to another permit")
        return amendments.decide_amendment(session, user, amendment, body.decision == "approve",
                                           body.note)

    _governance(session, action)
    session.commit()
    return permits.describe(permits.get_permit(session, permit_id))


@router.post("/permits/{permit_id}/revoke", response_model=None, responses=CONFLICT,
             summary="Revoke a permit")
def revoke_permit(permit_id: int, body: Revocation, session: SessionDep,
                  user: CurrentUser) -> dict:
    """The access committee ends a permit at once, with a reason; deletion is scheduled."""
    _permit(session, user, permit_id)
    _governance(session, lambda: permits.revoke(session, user, permit_id, body.reason))
    session.commit()
    return permits.describe(permits.get_permit(session, permit_id))


# --- jobs -----------------------------------------------------------------------------------

@router.post("/jobs", status_code=201, response_model=JobOut, summary="Submit a job")
def submit_job(body: JobIn, request: Request, session: SessionDep,
               user: CurrentUser) -> JobOut:
    """Run a registered `pipeline`, or the pipeline of a catalogue `algorithm` runnable in the
    SPE, on datasets the user's permit covers; the job runs sandboxed in this server's executor.
    A refusal is audited."""
    executor = view.executor_for(request)
    try:
        if (body.pipeline is None) == (body.algorithm is None):
            raise SpeError("pipeline", "name either a pipeline or an algorithm, not both or none",
                           "the job contract (kimed.spe.jobs)")
        try:
            project = projects.get_project(session, body.project)
        except SpeError as exc:
            raise SpeError("project", str(exc), exc.source) from None
        view.require_project_view(session, project, user)
        pipeline = body.pipeline or resolve_algorithm(session, body.algorithm or "",
                                                      list(executor.registry.names()))
        row = jobs.submit(session, user, project, pipeline, body.datasets, body.params,
                          executor=executor, settings=request.app.state.settings,
                          vault=view.vault_for(request))
    except SpeError as exc:
        session.commit()  # the audited refusal stays
        raise refusal(exc) from None
    session.commit()
    return _job_out(request, row, body.algorithm)


@router.get("/jobs/{job_id}", response_model=JobOut, summary="A job's status")
def get_job(job_id: str, request: Request, session: SessionDep, user: CurrentUser) -> JobOut:
    """Status, progress, whether it ran sandboxed, and its output files once it succeeded; for
    the project's permit holders and SPE operators."""
    row = jobs.status(session, _job(session, user, job_id))
    session.commit()
    return _job_out(request, row)


@router.get("/jobs/{job_id}/logs", response_model=JobLogs, summary="A job's log lines")
def job_logs(job_id: str, session: SessionDep, user: CurrentUser) -> JobLogs:
    row = _job(session, user, job_id)
    return JobLogs(id=row.id, status=row.status, lines=jobs.logs(session, row))


@router.post("/jobs/{job_id}/cancel", response_model=JobOut, responses=CONFLICT,
             summary="Cancel a job")
def cancel_job(job_id: str, request: Request, session: SessionDep,
               user: CurrentUser) -> JobOut:
    """Its submitter or an SPE operator stops a queued or running job (409 once it ended)."""
    row = _job(session, user, job_id)
    try:
        jobs.cancel(session, user, row)
    except SpeError as exc:
        raise refusal(exc, ("job",)) from None
    session.commit()
    return _job_out(request, row)


# --- outputs --------------------------------------------------------------------------------

@router.post("/outputs", status_code=201, response_model=OutputRequestOut, responses=CONFLICT,
             summary="Request the release of job outputs")
def request_release(body: OutputRequestIn, session: SessionDep,
                    user: CurrentUser) -> OutputRequestOut:
    """Files of a succeeded job are checked automatically and wait for two output checkers."""
    row = _job(session, user, body.job)
    try:
        stored = outputs.request_release(
            session, user, row, [(f, body.kinds.get(f)) for f in body.files],
            purpose=body.purpose.strip())
    except SpeError as exc:
        session.commit()  # the audited refusal stays
        raise refusal(exc, ("job",)) from None
    session.commit()
    return _output_out(stored)


@router.get("/outputs/{request_id}", response_model=OutputRequestOut,
            summary="An output request")
def get_output(request_id: str, session: SessionDep, user: CurrentUser) -> OutputRequestOut:
    """Files with checksums, each check's verdict and rule (flagged cells by label, never their
    values) and the decisions; for output checkers, the requester, and the project's PIs."""
    return _output_out(_output(session, user, request_id))


@router.post("/outputs/{request_id}/reviews", response_model=OutputRequestOut,
             summary="Review an output request")
def review_output(request_id: str, body: ReviewIn, session: SessionDep,
                  user: CurrentUser) -> OutputRequestOut:
    """An output checker approves or rejects; no one reviews their own output, and approving a
    failed check needs a justification."""
    row = _output(session, user, request_id)
    try:
        outputs.review(session, user, row, body.outcome, body.justification.strip())
    except SpeError as exc:
        session.commit()
        raise refusal(exc) from None
    session.commit()
    return _output_out(outputs.get_request(session, request_id))


@router.get("/outputs/{request_id}/release", response_class=FileResponse, responses={
    **CONFLICT, 200: {"content": {"application/zip": {}},
                      "description": "The release package"}}, summary="The release package")
def release_package(request_id: str, request: Request, session: SessionDep,
                    user: CurrentUser) -> FileResponse:
    """The zip of an approved request: the files, SHA256SUMS and release.json (every check and
    decision). For the requester, the job's submitter and the project's PIs; 409 until two
    checkers have approved."""
    row = _output(session, user, request_id)
    if not view.may_download(session, row, user):
        raise PermissionDenied(user, f"download release {row.id}", "only its requester, the "
                               "job's submitter and the project's PI may")
    path = view.release_path(request, row.id)
    if row.released_at is None:
        try:
            outputs.release(session, row, path, actor=user, as_zip=True)
        except SpeError as exc:
            session.commit()
            raise refusal(exc, ("request",)) from None
        session.commit()
    elif not path.is_file():
        raise HTTPException(410, detail=f"release {row.id} was written to {row.release_path}, "
                            "which this server does not serve")
    audit.record(session, user, "output.download", f"output:{row.id}", {"via": "api"})
    session.commit()
    return FileResponse(path, media_type="application/zip",
                        filename=f"kimed-release-{row.id}.zip", headers=NO_STORE)


# --- audit ----------------------------------------------------------------------------------

@router.get("/audit/verify", response_model=AuditVerification, summary="Verify the audit chain")
def verify_audit(session: SessionDep, user: CurrentUser) -> AuditVerification:
    """Re-computes the hash chain; for SPE operators and the access committee."""
    require(session, user, AUDIT_VIEWERS, "verify the SPE audit log", admin_too=False)
    check = audit.verify(session)
    return AuditVerification(ok=bool(check), message=check.describe())
