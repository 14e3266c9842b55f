"""Amendments: the only way to change who and what a granted permit covers.

The permit's principal investigator requests an amendment (persons or datasets to add or remove,
a new access end or retention end); nothing changes until a member of the access committee, who
is not party to the permit, approves it. Approval raises the permit's version and puts it in the
state ``amended``. :func:`add_person` and :func:`add_dataset` refuse to act without such an
approved amendment, so there is no side door. Requests and decisions are audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from kimed.accounts.models import User, utcnow
from kimed.spe.errors import Forbidden, NotFound, SpeError
from kimed.spe.governance_models import Permit, PermitAmendment, PermitDataset, PermitPerson
from kimed.spe.permit_contents import (
    ART_68,
    GRANTING,
    DatasetScope,
    Status,
    check_datasets,
    check_period,
    check_text,
)
from kimed.spe.permits import (
    APPLICANTS,
    CONFLICT_RULE,
    REASONED,
    check_person,
    expire_due,
    get_permit,
    log_event,
    require_committee,
)
from kimed.spe.roles import get_user, require_role

NEEDS_AMENDMENT = "needs an amendment approved by the access committee"


def get_amendment(session: Session, amendment: PermitAmendment | int) -> PermitAmendment:
    if isinstance(amendment, PermitAmendment):
        return amendment
    found = session.get(PermitAmendment, int(amendment))
    if found is None:
        raise NotFound("amendment", f"no amendment with id {amendment!r} "
                       "(`kimed spe permits show PERMIT` lists them)")
    return found


def _granting(session: Session, permit: Permit, at: datetime | None) -> None:
    expire_due(session, at=at, project=permit.project)
    if permit.status not in GRANTING:
        raise SpeError("status", f"permit {permit.id} is {permit.status}; only an active or "
                       "amended permit can be amended (apply for a new permit instead)", ART_68)


def _check_changes(session: Session, permit: Permit, changes: dict) -> dict:
    """Validate ``changes`` against the permit as it is now; returns them in stored form."""
    named = {p.user.username for p in permit.persons}
    covered = {d.dataset_identifier for d in permit.datasets}
    add = [check_person(session, u).username for u in changes.get("add_persons", ())]
    for name in add:
        if name in named:
            raise SpeError("add_persons", f"{name} is named in permit {permit.id} already")
    remove = [get_user(session, u).username for u in changes.get("remove_persons", ())]
    for name in remove:
        if name not in named:
            raise SpeError("remove_persons", f"{name} is not named in permit {permit.id}")
        if name == permit.principal_investigator.username:
            raise SpeError("remove_persons", f"{name} is the principal investigator and stays "
                           "named", ART_68)
    datasets = check_datasets(changes.get("add_datasets", ()), required=False)
    for scope in datasets:
        if scope.identifier in covered:
            raise SpeError("add_datasets", f"{scope.identifier} is covered already")
    dropped = [d if isinstance(d, str) else d["identifier"]
               for d in changes.get("remove_datasets", ())]
    for identifier in dropped:
        if identifier not in covered:
            raise SpeError("remove_datasets", f"{identifier} is not covered by permit "
                           f"{permit.id}")
    if not covered - set(dropped) and not datasets:
        raise SpeError("remove_datasets", "a permit covers at least one dataset", ART_68)
    out = {"add_persons": add, "remove_persons": remove,
           "add_datasets": [s.to_json() for s in datasets], "remove_datasets": dropped}
    end, retention = changes.get("access_end"), changes.get("retention_end")
    if end is not None or retention is not None:
        _, end, retention = check_period(permit.access_start, end or permit.access_end,
                                         retention or permit.retention_end)
        out["access_end"], out["retention_end"] = end.isoformat(), retention.isoformat()
    if not any(out.values()):
        raise SpeError("changes", "an amendment changes at least one thing: persons, datasets, "
                       "access_end or retention_end")
    return out


def request_amendment(session: Session, actor: User | str, permit: Permit | int, *,
                      reason: str, add_persons: Iterable[User | str] = (),
                      remove_persons: Iterable[User | str] = (),
                      add_datasets: Iterable[DatasetScope | str | Mapping] = (),
                      remove_datasets: Iterable[str] = (), access_end: datetime | None = None,
                      retention_end: datetime | None = None,
                      at: datetime | None = None) -> PermitAmendment:
    """The permit's principal investigator asks for a change; it waits for the committee."""
    permit = get_permit(session, permit)
    user = require_role(session, actor, APPLICANTS, "actor", "request amendments", ART_68)
    if user.id not in (permit.principal_investigator_id, permit.applicant_id):
        raise Forbidden("actor", f"{user.username} is not the principal investigator or "
                        f"applicant of permit {permit.id}", ART_68)
    _granting(session, permit, at)
    reason = check_text("reason", reason, 5000, ART_68)
    changes = _check_changes(session, permit, {
        "add_persons": list(add_persons), "remove_persons": list(remove_persons),
        "add_datasets": list(add_datasets), "remove_datasets": list(remove_datasets),
        "access_end": access_end, "retention_end": retention_end})
    amendment = PermitAmendment(permit=permit, requested_by=user, requested_at=at or utcnow(),
                                changes=changes, reason=reason, status="pending")
    session.add(amendment)
    session.flush()
    log_event(session, permit, user, "amendment_request", permit.status,
              {"amendment": amendment.id, "changes": changes, "reason": reason}, at=at)
    return amendment


def decide_amendment(session: Session, actor: User | str, amendment: PermitAmendment | int,
                     approve: bool, note: str = "", at: datetime | None = None) -> PermitAmendment:
    """The committee approves (the changes take effect, version + 1) or rejects an amendment."""
    amendment = get_amendment(session, amendment)
    permit = amendment.permit
    member = require_committee(session, actor, permit, "decide amendments")
    if member.username in amendment.changes.get("add_persons", ()):
        raise Forbidden("actor", f"{member.username} would be added by amendment "
                        f"{amendment.id} and may not decide on it", CONFLICT_RULE)
    if amendment.status != "pending":
        raise SpeError("amendment", f"amendment {amendment.id} was {amendment.status} already")
    _granting(session, permit, at)
    note = check_text("note", note, 5000, REASONED, required=not approve)
    now = at or utcnow()
    if approve:  # the permit may have changed since the request: check again
        changes = _check_changes(session, permit, amendment.changes)
    amendment.status = "approved" if approve else "rejected"
    amendment.decided_by, amendment.decided_at, amendment.note = member, now, note or None
    if not approve:
        session.flush()
        log_event(session, permit, member, "amendment_reject", permit.status,
                  {"amendment": amendment.id, "note": note}, at=now)
        return amendment
    before = permit.status
    permit.version += 1
    for name in changes["add_persons"]:
        add_person(session, permit, name, amendment)
    for name in changes["remove_persons"]:
        permit.persons.remove(next(p for p in permit.persons if p.user.username == name))
    for scope in changes["add_datasets"]:
        add_dataset(session, permit, scope, amendment)
    for identifier in changes["remove_datasets"]:
        permit.datasets.remove(permit.dataset(identifier))
    if "access_end" in changes:
        permit.access_end = datetime.fromisoformat(changes["access_end"])
        permit.retention_end = datetime.fromisoformat(changes["retention_end"])
    permit.status = Status.AMENDED.value
    session.flush()
    log_event(session, permit, member, "amend", before,
              {"amendment": amendment.id, "changes": changes, "note": note}, at=now)
    return amendment


def _approved_for(permit: Permit, amendment: PermitAmendment | None, key: str,
                  value: str) -> None:
    field = key.removeprefix("add_")
    listed = [v if isinstance(v, str) else v["identifier"]
              for v in (amendment.changes.get(key, ()) if amendment else ())]
    if (amendment is None or amendment.status != "approved" or amendment.permit_id != permit.id
            or value not in listed):
        raise SpeError(field, f"adding {value} to permit {permit.id} {NEEDS_AMENDMENT} that "
                       f"lists it", f"{ART_68}; KIM-GOV-PRM-007 (changes only through an "
                       "approved amendment)")


def add_person(session: Session, permit: Permit | int, user: User | str,
               amendment: PermitAmendment | None = None) -> PermitPerson:
    """Name ``user`` in ``permit`` under an approved ``amendment`` that lists them."""
    permit = get_permit(session, permit)
    user = get_user(session, user)
    _approved_for(permit, amendment, "add_persons", user.username)
    person = PermitPerson(user=user, added_version=permit.version)
    permit.persons.append(person)
    session.flush()
    return person


def add_dataset(session: Session, permit: Permit | int, scope: DatasetScope | Mapping | str,
                amendment: PermitAmendment | None = None) -> PermitDataset:
    """Cover a dataset in ``permit`` under an approved ``amendment`` that lists it."""
    permit = get_permit(session, permit)
    (scope,) = check_datasets([scope])
    _approved_for(permit, amendment, "add_datasets", scope.identifier)
    row = PermitDataset(dataset_identifier=scope.identifier, added_version=permit.version,
                        variables=list(scope.variables) if scope.variables else None)
    permit.datasets.append(row)
    session.flush()
    return row
