"""SPE roles on both databases: grant, revoke, list, who may grant, and the audit trail."""

from __future__ import annotations

import pytest

from kimed.accounts.models import User
from kimed.spe import audit, projects, roles
from kimed.spe.errors import Forbidden, NotFound, SpeError


def test_grant_list_revoke_are_audited(spe_db, people):
    with spe_db.session() as session:
        roles.grant(session, "olga", "bob", "output_checker")
        assert roles.roles_of(session, "bob") == {"data_user", "output_checker"}
        assert [r.user.username for r in roles.list_roles(session, "output_checker")] == ["bob"]
        roles.revoke(session, "olga", "bob", "data_user")
        assert roles.roles_of(session, "bob") == {"output_checker"}
        grants = audit.entries(session, object="user:bob")
    assert [(e.action, e.actor, e.details["role"]) for e in grants] == [
        ("role.grant", "cli", "data_user"),  # from the fixture
        ("role.grant", "olga", "output_checker"),
        ("role.revoke", "olga", "data_user"),
    ]
    with spe_db.session() as session:
        assert audit.verify(session).ok


def test_role_errors_name_the_field_and_the_rule(spe_db, people):
    with spe_db.session() as session:
        with pytest.raises(SpeError, match="role: 'hdab' is not an SPE role; the roles are "
                           "data_user, principal_investigator"):
            roles.grant(session, "cli", "bob", "hdab")
        with pytest.raises(SpeError, match="bob already holds data_user"):
            roles.grant(session, "cli", "bob", "data_user")
        with pytest.raises(SpeError, match="bob does not hold spe_operator"):
            roles.revoke(session, "cli", "bob", "spe_operator")
        with pytest.raises(NotFound, match="user: no account named 'zed'"):
            roles.grant(session, "cli", "zed", "data_user")


def test_only_operators_and_admins_grant(spe_db, people):
    with spe_db.session() as session:
        with pytest.raises(Forbidden, match="alice may not grant or revoke SPE roles"):
            roles.grant(session, "alice", "bob", "access_committee")
        with pytest.raises(Forbidden, match="carol may not grant"):
            roles.revoke(session, "carol", "alice", "data_user")
        admin = User(username="root", email="r@example.org", password_hash="!", role="admin")
        session.add(admin)
        session.flush()
        roles.grant(session, admin, "eve", "data_holder")
        with pytest.raises(Forbidden, match="olga may not grant roles to themselves"):
            roles.grant(session, "olga", "olga", "access_committee")
        assert roles.has_role(session, "eve", "data_holder")
        assert not roles.has_role(session, "eve", "data_user", "access_committee")


def test_deactivated_account_holds_no_role(spe_db, people):
    with spe_db.session() as session:
        user = roles.get_user(session, "alice")
        user.is_active = False
        session.flush()
        assert not roles.has_role(session, "alice", "data_user")
        with pytest.raises(Forbidden, match="deactivated"):
            roles.require_role(session, "alice", ("data_user",), "persons", "be named", "x")


def test_projects_need_an_operator_or_investigator(spe_db, people):
    with spe_db.session() as session:
        with pytest.raises(Forbidden, match="alice may not create SPE projects"):
            projects.create_project(session, "alice", "p-one", "One")
        project = projects.create_project(session, "pia", "p-one", "One", "first")
        assert project.created_by == "pia"
        with pytest.raises(SpeError, match="slug: a project 'p-one' exists already"):
            projects.create_project(session, "olga", "p-one", "Again")
        with pytest.raises(SpeError, match="slug: 'P One' must be"):
            projects.create_project(session, "olga", "P One", "Bad")
        with pytest.raises(NotFound, match="project: no SPE project 'nope'"):
            projects.get_project(session, "nope")
        assert [p.slug for p in projects.list_projects(session)] == ["p-one"]
        assert audit.entries(session, action="project.create")[0].object == "project:p-one"


def test_migration_0007_matches_the_models(spe_db):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    import kimed.spe.audit  # noqa: F401  (registers spe_audit)
    import kimed.spe.governance_models  # noqa: F401
    from kimed.db import Base

    def names(diff) -> set[str]:
        out = set()
        for item in diff if isinstance(diff, list) else [diff]:
            for part in item[1:]:
                table = getattr(part, "table", None)
                for name in (getattr(part, "name", None), getattr(table, "name", None),
                             part if isinstance(part, str) else None):
                    if isinstance(name, str) and name.startswith("spe_"):
                        out.add(name)
        return out

    with spe_db.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    ours = {"spe_roles", "spe_projects", "spe_permits", "spe_permit_persons",
            "spe_permit_datasets", "spe_permit_amendments", "spe_permit_events", "spe_audit"}
    assert ours <= set(Base.metadata.tables)
    assert [d for d in diffs if names(d) & ours] == []
