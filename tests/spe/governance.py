"""Governance-core fixtures for the SPE tests (imported by tests/spe/conftest.py): a migrated
database per test on SQLite and PostgreSQL, people with SPE roles, and an approved permit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from kimed.accounts.models import User
from kimed.db import Database

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)

# username -> SPE roles granted by the `people` fixture
PEOPLE = {
    "pia": ["principal_investigator"],
    "alice": ["data_user"],
    "bob": ["data_user"],
    "carol": ["access_committee"],
    "dave": ["access_committee"],
    "olga": ["spe_operator"],
    "eve": [],
}


@pytest.fixture
def spe_db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    database.migrate()
    yield database
    database.dispose()


@pytest.fixture
def people(spe_db: Database) -> dict[str, str]:
    """Accounts (no password: they never log in here) holding the SPE roles of PEOPLE."""
    from kimed.spe import roles

    with spe_db.session() as session:
        for name, granted in PEOPLE.items():
            user = User(username=name, email=f"{name}@example.org", password_hash="!",
                        role="reader", is_active=True)
            session.add(user)
            session.flush()
            for role in granted:
                roles.grant(session, "cli", user, role)
    return {name: name for name in PEOPLE}


def permit_kwargs(**overrides) -> dict:
    values = dict(
        holder="Charité – Universitätsmedizin Berlin",
        purpose_category="scientific_research",
        purpose_description="Training and validating a de-identification model on notes",
        data_form="pseudonymised",
        access_start=T0, access_end=T0 + timedelta(days=365),
        retention_end=T0 + timedelta(days=365 + 90),
        datasets=["ds-notes", {"identifier": "ds-labs", "variables": ["hba1c", "ldl"]}],
        persons=["alice"], tools=["python 3.12", "kimed deid"],
        conditions="No linkage with other sources.")
    values.update(overrides)
    return values


@pytest.fixture
def active_permit(spe_db: Database, people) -> int:
    """Project 'deid' with an approved permit (pia, alice; ds-notes, ds-labs[hba1c, ldl])."""
    from kimed.spe import permits, projects

    with spe_db.session() as session:
        projects.create_project(session, "olga", "deid", "De-identification of notes")
        permit = permits.apply(session, "pia", "deid", **permit_kwargs())
        permits.decide(session, "carol", permit, approve=True, at=T0 - timedelta(days=1))
        return permit.id


def governance_snapshot(database: Database) -> list[tuple]:
    """Every governance row (audit included), to prove a refused change wrote nothing."""
    tables = ["spe_roles", "spe_projects", "spe_permits", "spe_permit_persons",
              "spe_permit_datasets", "spe_permit_amendments", "spe_permit_events", "spe_audit"]
    out = []
    with database.engine.connect() as conn:
        for table in tables:
            rows = conn.execute(sa.text(f"select * from {table} order by 1")).all()
            out += [(table, *map(str, r)) for r in rows]
    return out
