"""Data permits: application, decision, amendment, expiry and revocation, and THE access check.

Lifecycle (EHDS Art. 68; see docs/spe-runtime.md)::

    application --approve--> active --amendment approved--> amended (version + 1, again and again)
         \\--reject--> rejected        active | amended --access_end reached--> expired
                                       active | amended --revoke--> revoked

Only the access committee (the HDAB role) decides applications and amendments, and nobody decides
on a permit they are party to. The named persons and datasets change only through an approved
amendment (kimed.spe.amendments). :func:`is_permitted` is the one access check the vault and jobs
call; it turns every overdue permit of the project into ``expired`` first, so access ends the
moment the access period does, and schedules the data's deletion.

Every change writes a :class:`PermitEvent` (the permit's own history) and an audit entry. The
functions take the caller's session and leave committing to it; a refused change raises
:class:`SpeError` before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kimed.accounts.models import User, utcnow
from kimed.spe import audit
from kimed.spe.errors import Forbidden, NotFound, SpeError
from kimed.spe.governance_models import (
    Permit,
    PermitDataset,
    PermitEvent,
    PermitPerson,
    Project,
)
from kimed.spe.permit_contents import (
    ART_68,
    GRANTING,
    DatasetScope,
    Status,
    check_data_form,
    check_datasets,
    check_period,
    check_purpose,
    check_text,
    check_tools,
)
from kimed.spe.projects import get_project
from kimed.spe.roles import SpeRoleName, get_user, has_role, require_role, resolve_actor

COMMITTEE = (SpeRoleName.ACCESS_COMMITTEE,)
APPLICANTS = (SpeRoleName.PRINCIPAL_INVESTIGATOR,)
PERSON_ROLES = (SpeRoleName.DATA_USER, SpeRoleName.PRINCIPAL_INVESTIGATOR)
REASONED = "KIM-GOV-PRM-009 (reasoned decisions)"
CONFLICT_RULE = "our rule: nobody decides on a permit they applied for, lead or are named in"


def get_permit(session: Session, permit: Permit | int) -> Permit:
    if isinstance(permit, Permit):
        return permit
    found = session.get(Permit, int(permit))
    if found is None:
        raise NotFound("permit", f"no permit with id {permit!r} (see `kimed spe permits list`)")
    return found


def list_permits(session: Session, project: Project | str | None = None,
                 status: str | None = None) -> list[Permit]:
    query = sa.select(Permit).order_by(Permit.id)
    if project is not None:
        query = query.where(Permit.project_id == get_project(session, project).id)
    if status is not None:
        query = query.where(Permit.status == Status(status).value)
    return list(session.scalars(query))


def log_event(session: Session, permit: Permit, actor: User | str, event: str,
              from_status: str | None, details: dict | None = None,
              at: datetime | None = None) -> None:
    """One history step of ``permit`` plus its audit entry ``permit.<event>``."""
    details = details or {}
    session.add(PermitEvent(permit=permit, at=at or utcnow(), actor=audit.actor_name(actor),
                            event=event, from_status=from_status, to_status=permit.status,
                            version=permit.version, details=audit.jsonable(details)))
    session.flush()
    audit.record(session, actor, f"permit.{event}", f"permit:{permit.id}",
                 {"project": permit.project.slug, "status": permit.status,
                  "version": permit.version, **details,
                  **({"effective_at": at.isoformat()} if at else {})})


def check_person(session: Session, user: User | str) -> User:
    return require_role(session, user, PERSON_ROLES, "persons", "be named in a data permit",
                        ART_68)


def apply(session: Session, actor: User | str, project: Project | str, *, holder: str,
          purpose_category: str, purpose_description: str, data_form: str,
          access_start: datetime, access_end: datetime, retention_end: datetime,
          datasets: Iterable[DatasetScope | str | Mapping], persons: Iterable[User | str] = (),
          spe: str = "KIMed SPE", tools: Iterable[str] = (), conditions: str = "",
          principal_investigator: User | str | None = None) -> Permit:
    """A permit application by a principal investigator; the PI is always a named person."""
    applicant = require_role(session, actor, APPLICANTS, "actor", "apply for a data permit",
                             ART_68)
    project = get_project(session, project)
    pi = require_role(session, principal_investigator or applicant, APPLICANTS,
                      "principal_investigator", "be principal investigator of a permit",
                      f"{ART_68}; KIM-ORG-ROL-010")
    category, description = check_purpose(purpose_category, purpose_description)
    form = check_data_form(data_form)
    start, end, retention = check_period(access_start, access_end, retention_end)
    scopes = check_datasets(datasets)
    named = {pi.id: pi}
    for person in persons:
        user = check_person(session, person)
        named[user.id] = user
    permit = Permit(
        project=project, holder=check_text("holder", holder, 300),
        principal_investigator=pi, applicant=applicant, purpose_category=category.value,
        purpose_description=description, data_form=form.value, access_start=start,
        access_end=end, retention_end=retention, spe=check_text("spe", spe, 200),
        tools=check_tools(tools), conditions=check_text("conditions", conditions, 20000,
                                                        required=False),
        status=Status.APPLICATION.value, version=1)
    permit.persons = [PermitPerson(user=u, added_version=1) for u in named.values()]
    permit.datasets = [PermitDataset(dataset_identifier=s.identifier, added_version=1,
                                     variables=list(s.variables) if s.variables else None)
                       for s in scopes]
    session.add(permit)
    session.flush()
    log_event(session, permit, applicant, "apply", None, {
        "persons": permit.person_names, "datasets": [s.to_json() for s in scopes],
        "purpose_category": category.value, "access_end": end.isoformat()})
    return permit


def require_committee(session: Session, actor: User | str, permit: Permit, purpose: str) -> User:
    """The deciding committee member, who must not be party to ``permit``."""
    member = require_role(session, actor, COMMITTEE, "actor", purpose,
                          f"{ART_68} (permits are issued by the health data access body); "
                          "KIM-GOV-PRM-001")
    party = {permit.applicant_id, permit.principal_investigator_id,
             *(p.user_id for p in permit.persons)}
    if member.id in party:
        raise Forbidden("actor", f"{member.username} is party to permit {permit.id} and may "
                        "not decide on it", CONFLICT_RULE)
    return member


def decide(session: Session, actor: User | str, permit: Permit | int, approve: bool,
           note: str = "", at: datetime | None = None) -> Permit:
    """The committee's decision on an application: ``active`` or ``rejected``."""
    permit = get_permit(session, permit)
    member = require_committee(session, actor, permit, "decide permit applications")
    if permit.status != Status.APPLICATION:
        raise SpeError("status", f"permit {permit.id} is {permit.status}; only an application "
                       "is decided (use an amendment to change a granted permit)", ART_68)
    note = check_text("note", note, 5000, REASONED, required=not approve)
    now = at or utcnow()
    if approve and permit.access_end <= now:
        raise SpeError("access_end", f"the access period ended on {permit.access_end.date()}; "
                       "a permit cannot be granted for the past", ART_68)
    permit.status = (Status.ACTIVE if approve else Status.REJECTED).value
    permit.decided_by, permit.decided_at, permit.decision_note = member, now, note or None
    log_event(session, permit, member, "approve" if approve else "reject",
              Status.APPLICATION.value, {"note": note}, at=now)
    return permit


def revoke(session: Session, actor: User | str, permit: Permit | int, reason: str,
           at: datetime | None = None) -> Permit:
    """The committee ends a granted permit at once; its data are due for deletion now."""
    permit = get_permit(session, permit)
    member = require_committee(session, actor, permit, "revoke permits")
    now = at or utcnow()
    expire_due(session, at=now, project=permit.project)
    if permit.status not in GRANTING:
        raise SpeError("status", f"permit {permit.id} is {permit.status}; only an active or "
                       "amended permit can be revoked", f"{ART_68}; KIM-GOV-RET-002")
    reason = check_text("reason", reason, 5000, REASONED)
    before = permit.status
    permit.status, permit.ended_at, permit.deletion_due_at = Status.REVOKED.value, now, now
    log_event(session, permit, member, "revoke", before,
              {"reason": reason, "deletion_due": now.isoformat()}, at=now)
    return permit


def expire_due(session: Session, at: datetime | None = None,
               project: Project | None = None) -> list[Permit]:
    """Mark every granted permit whose access period has ended as expired (actor ``system``).

    Deletion of the permit's data becomes due at the end of the retention period
    (``deletion_due_at``); kimed.spe.permits.pending_deletions lists what is due.
    """
    now = at or utcnow()
    query = sa.select(Permit).where(Permit.status.in_([s.value for s in GRANTING]),
                                    Permit.access_end <= now)
    if project is not None:
        query = query.where(Permit.project_id == project.id)
    expired = list(session.scalars(query.with_for_update(of=Permit)))
    for permit in expired:
        before = permit.status
        permit.status, permit.ended_at = Status.EXPIRED.value, permit.access_end
        permit.deletion_due_at = permit.retention_end
        log_event(session, permit, "system", "expire", before,
                  {"access_end": permit.access_end.isoformat(),
                   "deletion_due": permit.retention_end.isoformat()}, at=now)
    return expired


def pending_deletions(session: Session, at: datetime | None = None) -> list[Permit]:
    """Ended permits whose data still await deletion, soonest due first (for the vault)."""
    expire_due(session, at)
    query = (sa.select(Permit).where(Permit.deletion_due_at.is_not(None),
                                     Permit.deletion_done_at.is_(None))
             .order_by(Permit.deletion_due_at))
    return list(session.scalars(query))


def record_deletion(session: Session, actor: User | str, permit: Permit | int,
                    details: dict | None = None, at: datetime | None = None) -> Permit:
    """The vault (actor ``system``), a data holder or an operator reports the data deleted."""
    permit = get_permit(session, permit)
    actor = resolve_actor(session, actor)
    if isinstance(actor, User):
        require_role(session, actor, (SpeRoleName.DATA_HOLDER, SpeRoleName.SPE_OPERATOR),
                     "actor", "record the deletion of permit data", ART_68)
    if permit.deletion_due_at is None:
        raise SpeError("permit", f"permit {permit.id} is {permit.status}; its data are not due "
                       "for deletion", ART_68)
    if permit.deletion_done_at is not None:
        raise SpeError("permit", f"deletion of permit {permit.id}'s data was recorded already")
    permit.deletion_done_at = at or utcnow()
    log_event(session, permit, actor, "data_deleted", permit.status, details, at=at)
    return permit


@dataclass(frozen=True)
class Access:
    """The answer of :func:`is_permitted`: truthy when allowed; ``reason`` says why (not)."""

    allowed: bool
    reason: str
    permit_id: int | None = None

    def __bool__(self) -> bool:
        return self.allowed


def _refuse(session: Session, user: str, project: str, dataset: str, reason: str) -> Access:
    audit.record(session, "system", "access.refused", f"project:{project}",
                 {"user": user, "dataset": dataset, "reason": reason})
    return Access(False, reason)


def is_permitted(session: Session, user: User | str, project: Project | str,
                 dataset_identifier: str, at: datetime | None = None,
                 variables: Iterable[str] | None = None) -> Access:
    """May ``user`` process ``dataset_identifier`` (and ``variables``) in ``project`` now?

    Yes only for a named person, holding the data_user or principal_investigator role on an
    active account, of an active or amended permit of the project whose access period includes
    ``at`` (default: now; ``at`` is the clock, not a what-if) and which covers the dataset and
    every variable asked for. Overdue permits are expired first. Refusals are audited.
    """
    now = at or utcnow()
    name = user.username if isinstance(user, User) else str(user)
    slug = project.slug if isinstance(project, Project) else str(project)
    try:
        user, project = get_user(session, user), get_project(session, project)
    except NotFound as exc:
        return _refuse(session, name, slug, dataset_identifier, str(exc))
    expire_due(session, at=now, project=project)
    if not has_role(session, user, *PERSON_ROLES):
        return _refuse(session, name, slug, dataset_identifier,
                       f"{name} holds neither data_user nor principal_investigator "
                       "(or the account is deactivated)")
    wanted = set(variables or ())
    reasons = []
    for permit in list_permits(session, project):
        label = f"permit {permit.id} ({permit.status})"
        if permit.status not in GRANTING:
            reasons.append(f"{label} grants no access")
        elif now < permit.access_start:
            reasons.append(f"{label}: access starts {permit.access_start.isoformat()}")
        elif user.id not in {p.user_id for p in permit.persons}:
            reasons.append(f"{label}: {name} is not a named person")
        elif (scope := permit.dataset(dataset_identifier)) is None:
            reasons.append(f"{label} does not cover dataset {dataset_identifier}")
        elif scope.variables is not None and not wanted <= set(scope.variables):
            reasons.append(f"{label} does not cover variables "
                           f"{', '.join(sorted(wanted - set(scope.variables)))}")
        else:
            return Access(True, f"{label} names {name} and covers {dataset_identifier}",
                          permit.id)
    return _refuse(session, name, slug, dataset_identifier,
                   "; ".join(reasons) or f"project {slug} has no permit")


def describe(permit: Permit) -> dict:
    """The permit as plain JSON-ready data: its Art. 68 contents, state, amendments, history."""
    iso = lambda moment: moment.isoformat() if moment else None  # noqa: E731
    return {
        "id": permit.id, "project": permit.project.slug, "status": permit.status,
        "version": permit.version, "holder": permit.holder,
        "principal_investigator": permit.principal_investigator.username,
        "applicant": permit.applicant.username,
        "purpose": {"category": permit.purpose_category,
                    "description": permit.purpose_description},
        "data_form": permit.data_form, "persons": permit.person_names,
        "datasets": [{"identifier": d.dataset_identifier, "variables": d.variables}
                     for d in permit.datasets],
        "access_start": iso(permit.access_start), "access_end": iso(permit.access_end),
        "retention_end": iso(permit.retention_end), "spe": permit.spe, "tools": permit.tools,
        "conditions": permit.conditions,
        "decided_by": permit.decided_by.username if permit.decided_by else None,
        "decided_at": iso(permit.decided_at), "decision_note": permit.decision_note,
        "ended_at": iso(permit.ended_at), "deletion_due_at": iso(permit.deletion_due_at),
        "deletion_done_at": iso(permit.deletion_done_at),
        "amendments": [{"id": a.id, "status": a.status, "requested_by": a.requested_by.username,
                        "requested_at": iso(a.requested_at), "reason": a.reason,
                        "changes": a.changes, "note": a.note,
                        "decided_by": a.decided_by.username if a.decided_by else None}
                       for a in permit.amendments],
        "events": [{"at": iso(e.at), "actor": e.actor, "event": e.event,
                    "from": e.from_status, "to": e.to_status, "version": e.version}
                   for e in permit.events],
    }
