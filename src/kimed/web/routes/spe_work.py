"""The SPE's working pages: a project's jobs (``/spe/projects/{slug}/jobs``, submit), a job
(``/spe/jobs/{id}``: progress, logs, cancel, outputs, release request), the vault upload
(``/spe/projects/{slug}/upload``) and the airlock (``/spe/airlock``, the review screen
``/spe/airlock/{id}``, the release package ``/spe/airlock/{id}/release.zip``).

Jobs run in this process through :mod:`kimed.spe.jobs` with the app's executor. Every action is
the library's: its refusals are shown on the page (422) or, when they are about the person's
right (``Forbidden``), answered with 403. See docs/spe-runtime.md, "Web pages: jobs and airlock".
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response

from kimed.spe import audit, jobs, outputs
from kimed.spe.errors import Forbidden, NotFound, SpeError
from kimed.spe.projects import get_project
from kimed.spe.roles import SpeRoleName, require_role
from kimed.web import spe_work_view as view
from kimed.web.deps import CsrfFormDep, CurrentUser, RenderDep, SessionDep, is_htmx

router = APIRouter(tags=["pages"], include_in_schema=False)
NO_STORE = {"Cache-Control": "no-store"}


def _project(session, slug: str):
    try:
        return get_project(session, slug)
    except NotFound as exc:
        raise view.http_error(exc) from None


def _job(session, job_id: str):
    try:
        return jobs.get_job(session, job_id)
    except NotFound as exc:
        raise view.http_error(exc) from None


def _request(session, request_id: str):
    try:
        return outputs.get_request(session, request_id)
    except NotFound as exc:
        raise view.http_error(exc) from None


# -- jobs -------------------------------------------------------------------------------------
def _jobs_page(request: Request, render: RenderDep, session, user, project, *,
               error: str | None = None, chosen: dict | None = None, status_code: int = 200):
    executor = view.executor_for(request)
    rows = [jobs.status(session, j) for j in jobs.list_jobs(session, project)]
    return render("spe_work_jobs.html", {
        "project": project, "jobs": list(reversed(rows)),
        "pipelines": view.pipelines(executor),
        "datasets": view.permitted_datasets(project, user),
        "error": error, "chosen": chosen or {},
        "allow_unsandboxed": bool(request.app.state.settings.spe_allow_unsandboxed),
    }, status_code=status_code, headers=NO_STORE)


@router.get("/spe/projects/{slug}/jobs", name="spe_jobs")
def jobs_page(slug: str, request: Request, session: SessionDep, user: CurrentUser,
              render: RenderDep) -> Response:
    project = _project(session, slug)
    view.require_project_view(session, project, user)
    return _jobs_page(request, render, session, user, project)


@router.post("/spe/projects/{slug}/jobs")
def submit_job(slug: str, request: Request, form: CsrfFormDep, session: SessionDep,
               user: CurrentUser, render: RenderDep) -> Response:
    project = _project(session, slug)
    view.require_project_view(session, project, user)
    executor = view.executor_for(request)
    pipeline = str(form.get("pipeline") or "")
    datasets = [str(d) for d in form.getlist("datasets")]
    chosen = {"pipeline": pipeline, "datasets": datasets,
              **{k: str(v) for k, v in form.items() if k.startswith("param.")}}
    try:
        params = view.parse_params(form, pipeline, view.pipelines(executor))
        row = jobs.submit(session, user, project, pipeline, datasets, params, executor=executor,
                          settings=request.app.state.settings, vault=view.vault_for(request))
    except Forbidden as exc:
        raise view.http_error(exc) from None
    except SpeError as exc:
        session.commit()  # the audited refusal stays
        return _jobs_page(request, render, session, user, project, error=str(exc),
                          chosen=chosen, status_code=422)
    session.commit()
    return RedirectResponse(f"/spe/jobs/{row.id}", status_code=303)


def _outputs(row) -> list[str]:
    from pathlib import Path

    from kimed.spe.job_files import output_files

    if row.status != "succeeded":
        return []
    return sorted(output_files(Path(row.output_dir)))


@router.get("/spe/jobs/{job_id}", name="spe_job")
def job_page(job_id: str, request: Request, session: SessionDep, user: CurrentUser,
             render: RenderDep) -> Response:
    row = _job(session, job_id)
    view.require_project_view(session, row.project, user)
    row = jobs.status(session, row)
    session.commit()
    terminal = row.status in jobs.TERMINAL
    context = {"job": row, "logs": jobs.logs(session, row)[-200:], "terminal": terminal,
               "outputs": _outputs(row), "requests": _requests_of(session, row),
               "error": None}
    if is_htmx(request):
        if terminal:  # the whole page changes (outputs, request form): reload it
            return Response(status_code=200, headers={"HX-Refresh": "true", **NO_STORE})
        return render("spe_work_job_progress.html", context, headers=NO_STORE)
    return render("spe_work_job.html", context, headers=NO_STORE)


def _requests_of(session, row) -> list:
    return [r for r in outputs.list_requests(session) if r.job_id == row.id]


@router.post("/spe/jobs/{job_id}/cancel")
def cancel_job(job_id: str, form: CsrfFormDep, session: SessionDep,
               user: CurrentUser) -> Response:
    row = _job(session, job_id)
    view.require_project_view(session, row.project, user)
    try:
        jobs.cancel(session, user, row)
    except Forbidden as exc:
        raise view.http_error(exc) from None
    except SpeError as exc:
        raise HTTPException(409, detail=str(exc)) from None
    session.commit()
    return RedirectResponse(f"/spe/jobs/{job_id}", status_code=303)


@router.post("/spe/jobs/{job_id}/request")
def request_release(job_id: str, form: CsrfFormDep, session: SessionDep, user: CurrentUser,
                    render: RenderDep) -> Response:
    row = _job(session, job_id)
    view.require_project_view(session, row.project, user)
    files = [(str(f), str(form.get(f"kind.{f}") or "") or None) for f in form.getlist("files")]
    try:
        stored = outputs.request_release(session, user, row, files,
                                         purpose=str(form.get("purpose") or "").strip())
    except Forbidden as exc:
        raise view.http_error(exc) from None
    except SpeError as exc:
        session.commit()
        return render("spe_work_job.html", {
            "job": row, "logs": jobs.logs(session, row)[-200:],
            "terminal": row.status in jobs.TERMINAL, "outputs": _outputs(row),
            "requests": _requests_of(session, row), "error": str(exc)},
            status_code=422, headers=NO_STORE)
    session.commit()
    return RedirectResponse(f"/spe/airlock/{stored.id}", status_code=303)


# -- upload -----------------------------------------------------------------------------------
def _require_holder(session, user) -> None:
    try:
        require_role(session, user, (SpeRoleName.DATA_HOLDER,), "user",
                     "upload datasets into the SPE vault", view.VIEW_SOURCE)
    except Forbidden as exc:
        raise view.http_error(exc) from None


def _upload_page(request, render, session, project, *, error=None, stored=None, status_code=200):
    try:
        held = [m for m in view.vault_for(request).datasets(project.slug)]
        vault_error = None
    except Exception as exc:  # noqa: BLE001 - a vault without a master key says so
        held, vault_error = [], str(exc)
    return render("spe_work_upload.html", {
        "project": project, "datasets": view.permit_datasets(project), "held": held,
        "error": error or vault_error, "stored": stored,
        "limit_mib": view.MAX_UPLOAD_BYTES // (1024 * 1024)},
        status_code=status_code, headers=NO_STORE)


@router.get("/spe/projects/{slug}/upload", name="spe_upload")
def upload_page(slug: str, request: Request, session: SessionDep, user: CurrentUser,
                render: RenderDep) -> Response:
    project = _project(session, slug)
    _require_holder(session, user)
    return _upload_page(request, render, session, project)


@router.post("/spe/projects/{slug}/upload")
async def upload(slug: str, request: Request, form: CsrfFormDep, session: SessionDep,
                 user: CurrentUser, render: RenderDep,
                 files: Annotated[list[UploadFile], File()]) -> Response:
    from kimed.spe.vault import VaultError

    project = _project(session, slug)
    _require_holder(session, user)
    dataset = str(form.get("dataset") or "").strip()
    scratch = view.temp_dir(request)
    try:
        if dataset not in view.permit_datasets(project):
            raise SpeError("dataset", f"{dataset or '(none)'} is not named in an active permit "
                           f"of project {slug}; upload only the datasets a permit covers",
                           "EHDS Art. 68 (the permit names the datasets)")
        paths = await view.save_uploads(files, scratch)
        manifest = view.vault_for(request).put(slug, dataset, paths, uploader=user.username)
    except (SpeError, VaultError) as exc:
        audit.record(session, user, "vault.refused", f"project:{slug}",
                     {"dataset": dataset, "reason": str(exc)})
        session.commit()
        return _upload_page(request, render, session, project, error=str(exc), status_code=422)
    finally:
        view.remove(scratch)
    audit.record(session, user, "vault.put", f"project:{slug}",
                 {"dataset": dataset, "files": len(manifest.files), "bytes": manifest.total_size,
                  "sha256": {f.name: f.sha256 for f in manifest.files}, "via": "web"})
    session.commit()
    return _upload_page(request, render, session, project, stored=manifest)


# -- airlock ----------------------------------------------------------------------------------
@router.get("/spe/airlock", name="spe_airlock")
def airlock_queue(session: SessionDep, user: CurrentUser, render: RenderDep,
                  status: str | None = None) -> Response:
    try:
        require_role(session, user, (SpeRoleName.OUTPUT_CHECKER,), "user",
                     "see the airlock queue", outputs.OUT_TWO)
    except Forbidden as exc:
        raise view.http_error(exc) from None
    rows = outputs.list_requests(session, status or None)
    return render("spe_work_airlock.html", {"requests": list(reversed(rows)),
                                            "status": status or ""}, headers=NO_STORE)


def _review_page(request, session, user, render, row, *, error=None, status_code=200):
    from kimed.spe.roles import has_role

    return render("spe_work_review.html", {
        "req": row, "checks": view.check_rows(row.results, [f.name for f in row.files]),
        "is_checker": has_role(session, user, SpeRoleName.OUTPUT_CHECKER),
        "decided": any(d.reviewer_id == user.id for d in row.decisions),
        "may_download": view.may_download(session, row, user), "error": error},
        status_code=status_code, headers=NO_STORE)


def _viewable(session, request_id, user):
    row = _request(session, request_id)
    if not view.may_view_request(session, row, user):
        raise view.http_error(Forbidden(
            "user", f"{user.username} may not see output request {row.id}: that needs the SPE "
            "role output_checker, or being its requester or the project's PI", outputs.OUT_TWO))
    return row


@router.get("/spe/airlock/{request_id}", name="spe_review")
def review_page(request_id: str, request: Request, session: SessionDep, user: CurrentUser,
                render: RenderDep) -> Response:
    row = _viewable(session, request_id, user)
    return _review_page(request, session, user, render, row)


@router.post("/spe/airlock/{request_id}/review")
def review(request_id: str, request: Request, form: CsrfFormDep, session: SessionDep,
           user: CurrentUser, render: RenderDep) -> Response:
    row = _viewable(session, request_id, user)
    outcome = str(form.get("outcome") or "")
    try:
        outputs.review(session, user, row, outcome, str(form.get("justification") or "").strip())
    except Forbidden as exc:
        raise view.http_error(exc) from None
    except SpeError as exc:
        session.commit()
        return _review_page(request, session, user, render, _request(session, request_id),
                            error=str(exc), status_code=422)
    session.commit()
    return RedirectResponse(f"/spe/airlock/{request_id}", status_code=303)


@router.get("/spe/airlock/{request_id}/release.zip", name="spe_release")
def release_zip(request_id: str, request: Request, session: SessionDep, user: CurrentUser,
                render: RenderDep) -> Response:
    row = _viewable(session, request_id, user)
    if not view.may_download(session, row, user):
        raise view.http_error(Forbidden(
            "user", f"{user.username} may not download release {row.id}: only its requester, "
            "the job's submitter and the project's PI may", outputs.OUT_RECORD))
    path = view.release_path(request, row.id)
    if row.released_at is None:
        try:
            outputs.release(session, row, path, actor=user, as_zip=True)
        except SpeError as exc:
            session.commit()
            return _review_page(request, session, user, render, row, error=str(exc),
                                status_code=409)
        session.commit()
    elif not path.is_file():
        raise HTTPException(410, detail=f"release {row.id} was written to {row.release_path}, "
                            "which this server does not serve")
    audit.record(session, user, "output.download", f"output:{row.id}", {"via": "web"})
    session.commit()
    return FileResponse(path, media_type="application/zip",
                        filename=f"kimed-release-{row.id}.zip", headers=NO_STORE)
