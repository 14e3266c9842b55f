"""Data permits on both databases: lifecycle, amendments, expiry, revocation and the access check."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from kimed.spe import amendments, audit, permits, projects, roles
from kimed.spe.errors import Forbidden, SpeError
from kimed.spe.governance_models import Permit
from tests.spe.governance import T0, governance_snapshot, permit_kwargs

DAY = timedelta(days=1)
DURING = T0 + 10 * DAY


def check(db, user, dataset="ds-notes", at=DURING, variables=None, project="deid"):
    with db.session() as session:
        return permits.is_permitted(session, user, project, dataset, at=at, variables=variables)


def load(db, permit_id) -> Permit:
    with db.session() as session:
        permit = session.get(Permit, permit_id)
        _ = permit.persons, permit.datasets, permit.events  # load before the session closes
        return permit


def test_application_waits_for_the_committee(spe_db, people):
    with spe_db.session() as session:
        projects.create_project(session, "olga", "deid", "De-identification")
        permit = permits.apply(session, "pia", "deid", **permit_kwargs())
        assert permit.status == "application" and permit.version == 1
        assert permit.person_names == ["alice", "pia"]  # the PI is always named
        permit_id = permit.id
    refused = check(spe_db, "alice")
    assert not refused and "application" in refused.reason
    with spe_db.session() as session:
        permits.decide(session, "carol", permit_id, approve=True, at=T0 - DAY)
    granted = check(spe_db, "alice")
    assert granted and granted.permit_id == permit_id
    assert [e.event for e in load(spe_db, permit_id).events] == ["apply", "approve"]


def test_person_not_on_the_permit_is_refused(spe_db, active_permit):
    assert check(spe_db, "alice") and check(spe_db, "pia")
    refused = check(spe_db, "bob")  # a data user, but not named
    assert not refused and "bob is not a named person" in refused.reason
    assert not check(spe_db, "eve")  # no SPE role at all
    assert not check(spe_db, "nobody")  # no account
    assert not check(spe_db, "alice", project="other-project")
    with spe_db.session() as session:
        refusals = audit.entries(session, action="access.refused")
    assert {e.details["user"] for e in refusals} == {"bob", "eve", "nobody", "alice"}


def test_datasets_and_variables_are_the_permit_scope(spe_db, active_permit):
    assert not check(spe_db, "alice", dataset="ds-images")
    assert check(spe_db, "alice", dataset="ds-labs", variables=["hba1c"])
    refused = check(spe_db, "alice", dataset="ds-labs", variables=["hba1c", "diagnosis"])
    assert not refused and "diagnosis" in refused.reason
    assert check(spe_db, "alice", dataset="ds-notes", variables=["anything"])  # all variables


def test_access_starts_with_the_access_period(spe_db, active_permit):
    refused = check(spe_db, "alice", at=T0 - DAY)
    assert not refused and "access starts" in refused.reason
    assert load(spe_db, active_permit).status == "active"


def test_expired_permit_refuses_access_and_schedules_deletion(spe_db, active_permit):
    permit = load(spe_db, active_permit)
    assert check(spe_db, "alice", at=permit.access_end - timedelta(seconds=1))
    after = permit.access_end + timedelta(seconds=1)
    refused = check(spe_db, "alice", at=after)
    assert not refused and "expired" in refused.reason
    permit = load(spe_db, active_permit)
    assert permit.status == "expired" and permit.ended_at == permit.access_end
    assert permit.deletion_due_at == permit.retention_end and permit.deletion_done_at is None
    assert permit.events[-1].event == "expire" and permit.events[-1].actor == "system"
    with spe_db.session() as session:
        assert [p.id for p in permits.pending_deletions(session, at=after)] == [active_permit]
        expiry = audit.entries(session, action="permit.expire")
        assert expiry[0].details["deletion_due"] == permit.retention_end.isoformat()
        with pytest.raises(SpeError, match="amended permit can be amended"):
            amendments.request_amendment(session, "pia", active_permit, reason="more people",
                                         add_persons=["bob"], at=after)
        permits.record_deletion(session, "olga", active_permit, {"files": 2})
        assert permits.pending_deletions(session, at=after) == []
        with pytest.raises(SpeError, match="recorded already"):
            permits.record_deletion(session, "olga", active_permit)


def test_adding_a_person_without_amendment_is_refused(spe_db, active_permit):
    before = governance_snapshot(spe_db)
    with pytest.raises(SpeError) as info, spe_db.session() as session:
        amendments.add_person(session, active_permit, "bob")
    assert info.value.field == "persons"
    assert "amendment approved by the access committee" in str(info.value)
    assert "Art. 68" in str(info.value) and "KIM-GOV-PRM-007" in str(info.value)
    assert governance_snapshot(spe_db) == before
    with spe_db.session() as session:  # a pending amendment is not enough either
        pending = amendments.request_amendment(session, "pia", active_permit,
                                               reason="Bob joins the team", add_persons=["bob"],
                                               at=DURING)
        with pytest.raises(SpeError, match="persons: adding bob"):
            amendments.add_person(session, active_permit, "bob", pending)
    assert not check(spe_db, "bob")


def test_approved_amendment_adds_the_person(spe_db, active_permit):
    with spe_db.session() as session:
        amendment = amendments.request_amendment(
            session, "pia", active_permit, reason="Bob joins; labs need creatinine",
            add_persons=["bob"], add_datasets=[{"identifier": "ds-images"}], at=DURING)
        amendment_id = amendment.id
    assert not check(spe_db, "bob")
    with spe_db.session() as session:
        amendments.decide_amendment(session, "dave", amendment_id, approve=True, at=DURING)
    assert check(spe_db, "bob") and check(spe_db, "bob", dataset="ds-images")
    permit = load(spe_db, active_permit)
    assert permit.status == "amended" and permit.version == 2
    assert permit.person_names == ["alice", "bob", "pia"]
    assert {p.user.username: p.added_version for p in permit.persons}["bob"] == 2
    with spe_db.session() as session:
        amend = audit.entries(session, action="permit.amend")
        assert amend[0].details["changes"]["add_persons"] == ["bob"]
        with pytest.raises(SpeError, match="approved already"):
            amendments.decide_amendment(session, "carol", amendment_id, approve=True)


def test_amendment_removes_a_person_and_rejection_needs_reasons(spe_db, active_permit):
    with spe_db.session() as session:
        removal = amendments.request_amendment(session, "pia", active_permit,
                                               reason="Alice left", remove_persons=["alice"],
                                               at=DURING).id
        with pytest.raises(SpeError, match="note: must be 1"):
            amendments.decide_amendment(session, "carol", removal, approve=False, at=DURING)
    with spe_db.session() as session:
        amendments.decide_amendment(session, "carol", removal, approve=True, at=DURING)
    assert not check(spe_db, "alice")
    with spe_db.session() as session:
        with pytest.raises(SpeError, match="principal investigator and stays named"):
            amendments.request_amendment(session, "pia", active_permit, reason="x",
                                         remove_persons=["pia"], at=DURING)
        with pytest.raises(Forbidden, match="alice may not request amendments"):
            amendments.request_amendment(session, "alice", active_permit, reason="x",
                                         add_persons=["bob"], at=DURING)
        with pytest.raises(SpeError, match="changes: an amendment changes at least one"):
            amendments.request_amendment(session, "pia", active_permit, reason="x", at=DURING)


def test_only_the_committee_decides(spe_db, people):
    with spe_db.session() as session:
        projects.create_project(session, "olga", "deid", "De-identification")
        permit_id = permits.apply(session, "pia", "deid", **permit_kwargs()).id
    before = governance_snapshot(spe_db)
    for outsider in ("alice", "pia", "olga", "eve"):
        with pytest.raises(Forbidden) as info, spe_db.session() as session:
            permits.decide(session, outsider, permit_id, approve=True, at=T0)
        assert info.value.field == "actor" and "access_committee" in str(info.value)
    assert governance_snapshot(spe_db) == before
    with spe_db.session() as session:  # a committee member named in the permit is party to it
        roles.grant(session, "cli", "alice", "access_committee")
    with pytest.raises(Forbidden, match="party to permit"), spe_db.session() as session:
        permits.decide(session, "alice", permit_id, approve=True, at=T0)
    with spe_db.session() as session:
        with pytest.raises(SpeError, match="note: must be 1"):
            permits.decide(session, "carol", permit_id, approve=False, at=T0)
        permits.decide(session, "carol", permit_id, approve=False, note="Purpose too vague",
                       at=T0)
    assert load(spe_db, permit_id).status == "rejected"
    assert not check(spe_db, "pia")
    with pytest.raises(SpeError, match="only an application is decided"), \
            spe_db.session() as session:
        permits.decide(session, "dave", permit_id, approve=True, at=T0)


def test_revoke_ends_access_at_once(spe_db, active_permit):
    assert check(spe_db, "alice")
    with pytest.raises(Forbidden), spe_db.session() as session:
        permits.revoke(session, "olga", active_permit, reason="breach", at=DURING)
    assert check(spe_db, "alice")
    with spe_db.session() as session:
        permits.revoke(session, "dave", active_permit, reason="Condition 2 broken", at=DURING)
    refused = check(spe_db, "alice", at=DURING + timedelta(seconds=1))
    assert not refused and "revoked" in refused.reason
    permit = load(spe_db, active_permit)
    assert permit.status == "revoked" and permit.deletion_due_at == DURING
    with pytest.raises(SpeError, match="only an active or amended permit can be revoked"), \
            spe_db.session() as session:
        permits.revoke(session, "dave", active_permit, reason="again", at=DURING)


def test_taking_the_role_away_ends_access(spe_db, active_permit):
    with spe_db.session() as session:
        roles.revoke(session, "olga", "alice", "data_user")
    refused = check(spe_db, "alice")
    assert not refused and "neither data_user nor principal_investigator" in refused.reason


@pytest.mark.parametrize(("override", "field", "source"), [
    ({"purpose_category": "marketing"}, "purpose_category", "Art. 53(1)"),
    ({"purpose_description": "research"}, "purpose_description", "Art. 68"),
    ({"data_form": "raw"}, "data_form", "Art. 66"),
    ({"retention_end": T0 + 10 * DAY}, "retention_end", "KIM-GOV-RET-003"),
    ({"retention_end": T0 + 365 * DAY + 200 * DAY}, "retention_end", "six months"),
    ({"access_end": T0 - DAY}, "access_end", "Art. 68"),
    ({"access_end": T0 + timedelta(days=365 * 11)}, "access_end", "10 years"),
    ({"datasets": []}, "datasets", "Art. 68"),
    ({"datasets": ["has space"]}, "datasets", "identifier"),
    ({"persons": ["eve"]}, "persons", "Art. 68"),
    ({"holder": " "}, "holder", "Art. 68"),
])
def test_application_errors_name_field_rule_and_source(spe_db, people, override, field, source):
    with spe_db.session() as session:
        projects.create_project(session, "olga", "deid", "De-identification")
    before = governance_snapshot(spe_db)
    with pytest.raises(SpeError) as info, spe_db.session() as session:
        permits.apply(session, "pia", "deid", **permit_kwargs(**override))
    assert info.value.field == field
    assert source in str(info.value)
    assert governance_snapshot(spe_db) == before


def test_only_principal_investigators_apply(spe_db, people):
    with spe_db.session() as session:
        projects.create_project(session, "olga", "deid", "De-identification")
        with pytest.raises(Forbidden, match="alice may not apply"):
            permits.apply(session, "alice", "deid", **permit_kwargs())
        count = session.scalar(sa.select(sa.func.count()).select_from(Permit))
    assert count == 0
