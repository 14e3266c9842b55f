"""JSON API of SPE jobs and output requests (``/api/spe/jobs``, ``/api/spe/outputs``; tag "spe
runtime"): submit a registered pipeline or a catalogue algorithm runnable in the SPE, follow and
cancel it, request the release of its outputs, review, and download the release package. Same
rules as kimed.web.routes.api.spe_runtime (tokens, refusals, who may look)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse
from sqlalchemy.orm import Session

from kimed.accounts.models import User
from kimed.accounts.permissions import PermissionDenied
from kimed.spe import audit, jobs, outputs, projects
from kimed.spe.errors import SpeError
from kimed.web import spe_work_view as view
from kimed.web.deps import CurrentUser, SessionDep
from kimed.web.routes.api.spe_runtime import CONFLICT, RESPONSES
from kimed.web.routes.api.spe_schemas import (
    JobIn,
    JobLogs,
    JobOut,
    OutputCheck,
    OutputRequestIn,
    OutputRequestOut,
    ReviewIn,
)
from kimed.web.spe_refusals import refusal

ALGORITHM_SOURCE = "KIMed SPE: only catalogue algorithms marked kimed:runnableInSPE whose " \
    "kimed:pipeline is a registered pipeline run in the SPE"
router = APIRouter(prefix="/spe", tags=["spe runtime"], responses=RESPONSES)
NO_STORE = {"Cache-Control": "no-store"}


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
