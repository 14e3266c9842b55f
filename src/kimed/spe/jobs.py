"""SPE jobs: a permitted person runs a registered pipeline on a project's datasets.

``submit`` checks, in this order, and refuses with an :class:`SpeError` naming the field, the rule
and its source (each refusal is audited as ``job.refused``, and that entry is committed before the
error is raised): the account and project exist, the pipeline and its parameters are valid, at
least one dataset is named, the project is not halted, the user is permitted for every dataset
(``permits.is_permitted``), and the sandbox is available (fail closed). Only then does the vault
decrypt the datasets, each into ``inputs/<dir>`` of a fresh work directory that is then made
read-only, and the permit is checked once more as the job starts. The executor runs the pipeline;
the job's outputs stay in the project's output area (see :mod:`kimed.spe.job_files`).

``status`` is the poll: it re-checks the permit every time and stops a running job whose permit
has expired or been revoked (status ``permit_ended``). When the job has ended it records the end
(audit ``job.end``), keeps the log, and removes the decrypted inputs; a watcher thread removes them
too, as soon as the process ends, even if nobody polls. ``at`` is the clock of the permit checks.
"""

from __future__ import annotations

import functools
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

import kimed
from kimed.accounts.models import User
from kimed.spe import audit
from kimed.spe.errors import Forbidden, NotFound, SpeError
from kimed.spe.governance_models import Project
from kimed.spe.job_files import (
    dataset_dirs,
    input_digest,
    job_area,
    make_read_only,
    output_files,
    remove_tree,
    work_dir,
)
from kimed.spe.job_models import SpeJob
from kimed.spe.permits import is_permitted
from kimed.spe.projects import get_project
from kimed.spe.roles import SpeRoleName, get_user, has_role, resolve_actor

PERMIT_SOURCE = "EHDS Art. 68 (data permit); KIM-GOV-RET-002 (access ends when the permit ends)"
HALT_SOURCE = "KIM-ORG-INC-003 (who may halt access)"
SANDBOX_SOURCE = "EHDS Art. 73 (secure processing environment); fail closed without bubblewrap"
PIPELINE_SOURCE = "the pipeline contract (kimed.pipelines.base)"
PERMIT_ENDED = "permit_ended"
TERMINAL = {"succeeded", "failed", "cancelled", "halted", "timed_out", "cpu_limit",
            "memory_limit", PERMIT_ENDED}
LOG_NAME = "job.log"


@dataclass
class _Live:
    """A job this process runs: its executor's record and its decrypted inputs."""

    executor: Any
    record: Any
    work: Path
    stop_reason: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def remove_inputs(self) -> None:
        with self.lock:
            remove_tree(self.work)


_LIVE: dict[str, _Live] = {}
_DEFAULT: dict[int, Any] = {}


def default_executor() -> Any:
    """The executor the current settings select (created on first use, then shared by this
    process while the settings stay the same)."""
    from kimed.settings import get_settings
    from kimed.spe.executors import get_executor

    settings = get_settings()
    if id(settings) not in _DEFAULT:
        _DEFAULT.clear()
        _DEFAULT[id(settings)] = get_executor(settings)
    return _DEFAULT[id(settings)]


def executor_name(executor: Any) -> str:
    return type(executor).__name__.lower().removesuffix("executor") or "executor"


def code_version(pipeline_cls: Any) -> str:
    return f"kimed {kimed.__version__}; {pipeline_cls.name} {pipeline_cls.version}"


def _moment(ts: float | None) -> datetime | None:
    return datetime.fromtimestamp(ts, UTC) if ts else None


def _refuse(session: Session, actor: str, slug: str, pipeline: str, error: SpeError) -> SpeError:
    audit.record(session, actor or "unknown", "job.refused", f"project:{slug}",
                 {"pipeline": pipeline, "field": error.field, "reason": error.rule,
                  "source": error.source})
    session.commit()  # the refusal stays on record although the caller gets an exception
    return error


def submit(session: Session, user: User | str, project: Project | str, pipeline: str,
           datasets: Iterable[str], params: dict[str, Any] | None = None,
           executor: Any = None, *, at: datetime | None = None, vault: Any = None,
           settings: Any = None) -> SpeJob:
    """Start ``pipeline`` on ``datasets`` of ``project`` for ``user``; the job's row (queued)."""
    from kimed.pipelines.base import PipelineError
    from kimed.spe.executors import Job
    from kimed.spe.sandbox import SandboxUnavailable, sandbox_mode
    from kimed.spe.vault import Vault, VaultError

    name = user.username if isinstance(user, User) else str(user)
    slug = project.slug if isinstance(project, Project) else str(project)

    def refuse(field_: str, rule: str, source: str) -> SpeError:
        return _refuse(session, name, slug, pipeline, SpeError(field_, rule, source))

    try:
        user, project = get_user(session, user), get_project(session, project)
    except NotFound as exc:
        raise _refuse(session, name, slug, pipeline, exc) from None
    executor = executor if executor is not None else default_executor()
    try:
        cls = executor.registry.get(pipeline)
        params = cls.check_params(params)
    except PipelineError as exc:
        raise refuse("pipeline", str(exc), PIPELINE_SOURCE) from None
    datasets = list(dict.fromkeys(datasets))
    if not datasets:
        raise refuse("datasets", "a job reads at least one dataset of its permit", PERMIT_SOURCE)
    if executor.halts.is_halted(slug):
        raise refuse("project", f"project {slug} is halted; jobs are refused until "
                     f"`kimed spe resume {slug}`", HALT_SOURCE)
    for i, dataset in enumerate(datasets):
        access = is_permitted(session, user, project, dataset, at=at)
        if not access:
            raise refuse(f"datasets[{i}]", f"{name} may not process {dataset} in project "
                         f"{slug}: {access.reason}", PERMIT_SOURCE)
    try:
        sandboxed = sandbox_mode(executor.policy)
    except SandboxUnavailable as exc:
        raise refuse("sandbox", f"{exc}; only an operator's KIMED_SPE_ALLOW_UNSANDBOXED=1 lets "
                     "jobs run without it", SANDBOX_SOURCE) from None
    if settings is None:
        settings = executor.settings
    job_id = uuid.uuid4().hex
    work = work_dir(settings.data_dir, job_id)
    inputs, output = work / "inputs", job_area(settings.data_dir, slug, job_id) / "output"
    dirs = dataset_dirs(datasets)
    permission = functools.partial(is_permitted, session)
    try:
        vault = vault if vault is not None else Vault.from_settings(settings)
        for dataset, directory in zip(datasets, dirs, strict=True):
            vault.open_for_job(slug, dataset, inputs / directory, user=user,
                               permission=permission, at=at)
        make_read_only(inputs)
        digest = input_digest(inputs)
        for dataset in datasets:  # the permit once more, as the job starts
            access = is_permitted(session, user, project, dataset, at=at)
            if not access:
                raise SpeError("permit", f"the permit ended as the job started: {access.reason}",
                               PERMIT_SOURCE)
        record = executor.submit(Job(project=slug, pipeline=pipeline, inputs=inputs,
                                     output=output, params=params, id=job_id))
    except (VaultError, SpeError, SandboxUnavailable, PipelineError, OSError) as exc:
        remove_tree(work)
        if isinstance(exc, SpeError):
            raise _refuse(session, name, slug, pipeline, exc) from None
        raise refuse("datasets", f"the inputs could not be prepared: {exc}",
                     PERMIT_SOURCE) from None
    except BaseException:
        remove_tree(work)
        raise
    live = _Live(executor, record, work)
    _LIVE[job_id] = live
    threading.Thread(target=_remove_when_done, args=(live,), daemon=True,
                     name=f"kimed-job-inputs-{job_id[:8]}").start()
    row = SpeJob(id=job_id, project_id=project.id, submitted_by_id=user.id, pipeline=pipeline,
                 pipeline_version=str(cls.version), params=audit.jsonable(params),
                 datasets=[{"identifier": d, "dir": n} for d, n in zip(datasets, dirs, strict=True)],
                 executor=executor_name(executor), sandboxed=sandboxed, status="queued",
                 input_digest=digest, code_version=code_version(cls), output_dir=str(output),
                 message="", cancel_requested=False)
    session.add(row)
    session.flush()
    audit.record(session, user, "job.start", f"job:{job_id}",
                 {"project": slug, "pipeline": pipeline, "code_version": row.code_version,
                  "input_digest": digest, "datasets": datasets, "params": row.params,
                  "executor": row.executor, "sandboxed": sandboxed})
    return row


def _remove_when_done(live: _Live) -> None:
    live.record.wait()
    live.remove_inputs()


def get_job(session: Session, job: SpeJob | str) -> SpeJob:
    job_id = job.id if isinstance(job, SpeJob) else str(job)
    found = session.scalar(sa.select(SpeJob).where(SpeJob.id == job_id)
                           .execution_options(populate_existing=True))
    if found is None:
        raise NotFound("job", f"no SPE job {job_id!r} (see `kimed spe jobs list`)")
    return found


def list_jobs(session: Session, project: Project | str | None = None,
              user: User | str | None = None) -> list[SpeJob]:
    query = sa.select(SpeJob).order_by(SpeJob.submitted_at, SpeJob.id)
    if project is not None:
        query = query.where(SpeJob.project_id == get_project(session, project).id)
    if user is not None:
        query = query.where(SpeJob.submitted_by_id == get_user(session, user).id)
    return list(session.scalars(query))


def status(session: Session, job: SpeJob | str, at: datetime | None = None) -> SpeJob:
    """Poll ``job``: re-check its permit (stopping it when the permit has ended), follow the
    executor, and record the end once it is over. Jobs run by another process are returned as
    stored; that process polls them."""
    row = get_job(session, job)
    live = _LIVE.get(row.id)
    if row.status in TERMINAL or live is None:
        return row
    record = live.record
    if row.cancel_requested:
        live.executor.cancel(row.id)
    elif not live.stop_reason and not record.state.terminal:
        for dataset in row.identifiers:
            access = is_permitted(session, row.submitted_by, row.project, dataset, at=at)
            if not access:
                live.stop_reason = f"stopped: the permit no longer allows {dataset}: " \
                                   f"{access.reason}"
                live.executor.cancel(row.id)
                audit.record(session, "system", "job.stop", f"job:{row.id}",
                             {"project": row.project.slug, "reason": access.reason,
                              "dataset": dataset, "source": PERMIT_SOURCE})
                break
    if record.state.terminal:
        _finish(session, row, live)
    else:
        row.status, row.started_at = record.state.value, _moment(record.started)
        row.message = live.stop_reason or record.message
    return row


def _finish(session: Session, row: SpeJob, live: _Live) -> None:
    record = live.record
    live.remove_inputs()
    row.status = PERMIT_ENDED if live.stop_reason else record.state.value
    row.started_at, row.ended_at = _moment(record.started), _moment(record.ended)
    row.exit_code, row.sandboxed = record.returncode, record.sandboxed
    row.message = live.stop_reason or record.message
    log_path = Path(row.output_dir).parent / LOG_NAME
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.write_text("".join(f"{line}\n" for line in record.logs()), encoding="utf-8")
    audit.record(session, "system", "job.end", f"job:{row.id}",
                 {"project": row.project.slug, "status": row.status,
                  "code_version": row.code_version, "input_digest": row.input_digest,
                  "returncode": row.exit_code, "message": row.message,
                  "outputs": output_files(Path(row.output_dir)), "inputs_removed": True})
    _LIVE.pop(row.id, None)


def wait(session: Session, job: SpeJob | str, timeout: float | None = None,
         poll: float = 0.25, at: datetime | None = None) -> SpeJob:
    """Poll until the job ends (or ``timeout`` seconds pass), committing after each poll so that
    other processes see its state and can ask it to stop."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        row = status(session, job, at=at)
        session.commit()
        if row.status in TERMINAL or (deadline is not None and time.monotonic() > deadline):
            return row
        time.sleep(poll)


def cancel(session: Session, actor: User | str, job: SpeJob | str) -> SpeJob:
    """Ask a queued or running job to stop: its submitter, an SPE operator or the ``cli``."""
    row = get_job(session, job)
    who = resolve_actor(session, actor)
    if isinstance(who, User) and who.id != row.submitted_by_id and not has_role(
            session, who, SpeRoleName.SPE_OPERATOR):
        raise Forbidden("actor", f"{who.username} may not cancel job {row.id}: only its "
                        "submitter or an spe_operator may", "KIM-ORG-INC-003")
    if row.status in TERMINAL:
        raise SpeError("job", f"job {row.id} has already ended ({row.status})")
    row.cancel_requested = True
    audit.record(session, who, "job.cancel", f"job:{row.id}", {"project": row.project.slug})
    live = _LIVE.get(row.id)
    if live is not None:
        live.executor.cancel(row.id)
    return row


def logs(session: Session, job: SpeJob | str) -> list[str]:
    """The job's log lines: live while it runs here, else as kept when it ended."""
    row = get_job(session, job)
    live = _LIVE.get(row.id)
    if live is not None:
        return live.record.logs()
    path = Path(row.output_dir).parent / LOG_NAME
    return path.read_text(encoding="utf-8").splitlines() if path.is_file() else []


def describe(row: SpeJob) -> dict[str, Any]:
    iso = lambda moment: moment.isoformat() if moment else None  # noqa: E731
    return {"id": row.id, "project": row.project.slug, "submitted_by": row.submitted_by.username,
            "pipeline": row.pipeline, "pipeline_version": row.pipeline_version,
            "params": row.params, "datasets": row.datasets, "executor": row.executor,
            "sandboxed": row.sandboxed, "status": row.status,
            "submitted_at": iso(row.submitted_at), "started_at": iso(row.started_at),
            "ended_at": iso(row.ended_at), "input_digest": row.input_digest,
            "code_version": row.code_version, "output_dir": row.output_dir,
            "exit_code": row.exit_code, "message": row.message,
            "cancel_requested": row.cancel_requested}
