"""Output requests: the airlock wired to jobs, roles, storage and the audit log.

``request_release`` runs the airlock's automated checks (risk appetite from the settings) on files a
job wrote and stores the request; ``review`` adds one output checker's decision under the
airlock's rules (kimed.spe.airlock.review: checks first, no self-review, two independent
checkers, a failed check overridden only with both checkers' written justification);
``release`` writes the release package of an approved request. Every step is audited:
``output.request``, ``output.decide``, ``output.release``, and each refusal as
``output.refused`` (committed before the error is raised, so it stays on record).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kimed.accounts.models import User, utcnow
from kimed.spe import audit
from kimed.spe.airlock import review as rules
from kimed.spe.airlock.errors import AirlockError
from kimed.spe.airlock.outputs import OutputFile
from kimed.spe.airlock.request import Decision, Outcome, OutputRequest, RequestFile
from kimed.spe.airlock.verdict import CheckResult
from kimed.spe.errors import Forbidden, NotFound, SpeError
from kimed.spe.job_models import SpeJob, SpeOutputDecision, SpeOutputFile, SpeOutputRequest
from kimed.spe.jobs import get_job
from kimed.spe.roles import SpeRoleName, get_user, has_role, list_roles, resolve_actor

OUT_AIRLOCK = "KIM-GOV-OUT-002 (every output passes the airlock)"
OUT_TWO = "KIM-GOV-OUT-003 (two independent reviewers); SATRE 3.3.05"
OUT_RECORD = "KIM-GOV-OUT-008 (output decisions on record); SATRE 3.3.09"


def _refuse(session: Session, actor: User | str, obj: str, error: SpeError) -> SpeError:
    audit.record(session, actor, "output.refused", obj,
                 {"field": error.field, "reason": error.rule, "source": error.source})
    session.commit()
    return error


def _file_specs(files: Iterable[str | tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """``name``, ``name:kind`` or ``(name, kind)`` -> (name, kind or None)."""
    out = []
    for item in files:
        if isinstance(item, str):
            name, _, kind = item.partition(":")
            out.append((name, kind or None))
        else:
            out.append((item[0], item[1]))
    return out


def get_request(session: Session, request: SpeOutputRequest | str) -> SpeOutputRequest:
    request_id = request.id if isinstance(request, SpeOutputRequest) else str(request)
    found = session.scalar(sa.select(SpeOutputRequest).where(SpeOutputRequest.id == request_id)
                           .execution_options(populate_existing=True))
    if found is None:
        raise NotFound("request", f"no output request {request_id!r} "
                       "(see `kimed spe outputs list`)")
    return found


def list_requests(session: Session, status: str | None = None) -> list[SpeOutputRequest]:
    query = sa.select(SpeOutputRequest).order_by(SpeOutputRequest.created_at)
    if status:
        query = query.where(SpeOutputRequest.status == status)
    return list(session.scalars(query))


def to_request(row: SpeOutputRequest) -> OutputRequest:
    """The airlock's view of a stored request; the job's submitter counts as an author."""
    submitter = row.job.submitted_by.username
    requester = row.requester.username
    return OutputRequest(
        id=row.id, project=row.project.slug, requester=requester,
        authors=() if submitter == requester else (submitter,), purpose=row.purpose,
        created_at=row.created_at,
        files=tuple(RequestFile(name=f.name, sha256=f.sha256, kind=f.kind, size=f.size)
                    for f in row.files),
        results=tuple(CheckResult.model_validate(r) for r in row.results),
        decisions=tuple(Decision(reviewer=d.reviewer.username, outcome=Outcome(d.outcome),
                                 justification=d.justification, decided_at=d.decided_at)
                        for d in row.decisions))


def request_release(session: Session, user: User | str, job: SpeJob | str,
                    files: Iterable[str | tuple[str, str | None]], purpose: str = "",
                    *, appetite: Any = None) -> SpeOutputRequest:
    """Check ``files`` of ``job``'s output directory and store the request (never releases)."""
    from kimed.spe.airlock.runner import check_output, make_context

    row = get_job(session, job)
    obj = f"job:{row.id}"
    user = get_user(session, user)
    named = {p.user_id for permit in row.project.permits for p in permit.persons}
    if user.id != row.submitted_by_id and user.id not in named:
        raise _refuse(session, user, obj, Forbidden(
            "user", f"{user.username} neither ran job {row.id} nor is named in a permit of "
            f"project {row.project.slug}", OUT_AIRLOCK))
    if row.status != "succeeded":
        raise _refuse(session, user, obj, SpeError(
            "job", f"job {row.id} is {row.status}; only a succeeded job's outputs can be "
            "requested", OUT_AIRLOCK))
    specs = _file_specs(files)
    output_dir = Path(row.output_dir)
    try:
        if not specs:
            raise SpeError("files", "a request names at least one output file", OUT_AIRLOCK)
        outputs = []
        for name, kind in specs:
            if not name or "/" in name or name.startswith("."):
                raise SpeError("files", f"{name!r} is not a plain file name of the job's "
                               "output directory", OUT_AIRLOCK)
            outputs.append(OutputFile.of(output_dir / name, kind))
        submitter = row.submitted_by.username
        request = OutputRequest.from_outputs(
            row.project.slug, user.username, outputs, purpose=purpose,
            authors=() if submitter == user.username else (submitter,))
        ctx = make_context(appetite)
        results = [r for o in outputs for r in check_output(o, ctx)]
    except AirlockError as exc:
        raise _refuse(session, user, obj, SpeError("files", str(exc), OUT_AIRLOCK)) from None
    except SpeError as exc:
        raise _refuse(session, user, obj, exc) from None
    request = request.with_results(results)
    stored = SpeOutputRequest(
        id=request.id, job_id=row.id, project_id=row.project_id, requester_id=user.id,
        purpose=purpose, created_at=request.created_at, status=rules.status(request).value,
        results=[r.model_dump(mode="json") for r in results], released_at=None,
        release_path=None,
        files=[SpeOutputFile(name=f.name, sha256=f.sha256, kind=f.kind.value, size=f.size)
               for f in request.files])
    session.add(stored)
    session.flush()
    audit.record(session, user, "output.request", f"output:{request.id}",
                 {"job": row.id, "project": row.project.slug, "purpose": purpose,
                  "files": {f.name: {"sha256": f.sha256, "kind": f.kind.value}
                            for f in request.files},
                  "verdicts": {r.file + ":" + r.check: r.verdict.value for r in results},
                  "status": stored.status})
    return stored


def _checkers(session: Session) -> set[str]:
    return {r.user.username for r in list_roles(session, SpeRoleName.OUTPUT_CHECKER)
            if r.user.is_active}


def review(session: Session, checker: User | str, request: SpeOutputRequest | str,
           outcome: str | Outcome | bool, justification: str = "") -> SpeOutputRequest:
    """One output checker's decision (``approve`` or ``reject``) under the airlock's rules."""
    row = get_request(session, request)
    obj = f"output:{row.id}"
    user = get_user(session, checker)
    if isinstance(outcome, bool):
        outcome = Outcome.APPROVE if outcome else Outcome.REJECT
    try:
        outcome = Outcome(str(outcome).lower())
    except ValueError:
        raise SpeError("outcome", f"{outcome!r}: a decision is approve or reject") from None
    if not has_role(session, user, SpeRoleName.OUTPUT_CHECKER):
        raise _refuse(session, user, obj, Forbidden(
            "checker", f"{user.username} may not review output requests: that needs the SPE "
            "role output_checker", OUT_TWO))
    decision = Decision(reviewer=user.username, outcome=outcome,
                        justification=justification or "", decided_at=utcnow())
    try:
        decided = rules.decide(to_request(row), decision, _checkers(session))
    except AirlockError as exc:
        raise _refuse(session, user, obj, SpeError("checker", str(exc), OUT_TWO)) from None
    row.decisions.append(SpeOutputDecision(reviewer_id=user.id, outcome=outcome.value,
                                           justification=decision.justification,
                                           decided_at=decision.decided_at))
    row.status = rules.status(decided).value
    session.flush()
    audit.record(session, user, "output.decide", obj,
                 {"outcome": outcome.value, "justification": decision.justification,
                  "status": row.status, "overrides_failed_checks": bool(decided.failed())})
    return row


def release(session: Session, request: SpeOutputRequest | str, dest: Path | str, *,
            actor: User | str = "system", as_zip: bool = False, appetite: Any = None) -> Path:
    """Write the release package of an approved request to ``dest`` (a new directory or zip)."""
    from kimed.spe.airlock.appetite import risk_appetite_from_settings
    from kimed.spe.airlock.package import SUMS, build_release

    row = get_request(session, request)
    obj = f"output:{row.id}"
    actor = resolve_actor(session, actor)
    if row.released_at is not None:
        raise _refuse(session, actor, obj, SpeError(
            "request", f"request {row.id} was released already, to {row.release_path}",
            OUT_RECORD))
    airlock_request = to_request(row)
    blockers = rules.release_blockers(airlock_request)
    if blockers:
        raise _refuse(session, actor, obj, SpeError(
            "request", f"request {row.id} may not be released: {'; '.join(blockers)}", OUT_TWO))
    try:
        path = build_release(airlock_request, Path(row.job.output_dir), Path(dest),
                             appetite or risk_appetite_from_settings(), as_zip=as_zip)
    except AirlockError as exc:
        raise _refuse(session, actor, obj, SpeError("request", str(exc), OUT_RECORD)) from None
    row.released_at, row.release_path = utcnow(), str(path)
    sums = None if as_zip else (path / SUMS).read_text(encoding="ascii")
    audit.record(session, actor, "output.release", obj,
                 {"project": row.project.slug, "destination": str(path), "zip": as_zip,
                  "files": {f.name: f.sha256 for f in row.files}, "sha256sums": sums})
    return path


def describe(row: SpeOutputRequest) -> dict[str, Any]:
    iso = lambda moment: moment.isoformat() if moment else None  # noqa: E731
    return {"id": row.id, "job": row.job_id, "project": row.project.slug,
            "requester": row.requester.username, "purpose": row.purpose,
            "created_at": iso(row.created_at), "status": row.status,
            "files": [{"name": f.name, "sha256": f.sha256, "kind": f.kind, "size": f.size}
                      for f in row.files],
            "checks": [{"file": r["file"], "check": r["check"], "verdict": r["verdict"],
                        "message": r["message"]} for r in row.results],
            "decisions": [{"reviewer": d.reviewer.username, "outcome": d.outcome,
                           "justification": d.justification, "decided_at": iso(d.decided_at)}
                          for d in row.decisions],
            "released_at": iso(row.released_at), "release_path": row.release_path}
