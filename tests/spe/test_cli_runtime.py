"""`kimed spe roles|projects|permits|audit` end to end on both databases."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from kimed.accounts.models import User
from kimed.cli.main import app
from kimed.db import Database

TODAY = date.today()
START = (TODAY - timedelta(days=30)).isoformat()
APPLY = ["--holder", "Charité", "--purpose", "scientific_research",
         "--description", "Training a de-identification model on clinical notes",
         "--form", "pseudonymised", "--start", START,
         "--end", (TODAY + timedelta(days=365)).isoformat(),
         "--retention-end", (TODAY + timedelta(days=500)).isoformat(), "--dataset", "ds-notes",
         "--dataset", "ds-labs:hba1c,ldl", "--person", "alice", "--tool", "python"]


@pytest.fixture
def run(kimed_env):
    db = Database(kimed_env)
    db.migrate()
    with db.session() as session:
        for name in ("pia", "alice", "bob", "carol", "eve"):
            session.add(User(username=name, email=f"{name}@example.org", password_hash="!",
                             role="reader"))
    db.dispose()
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, ["spe", *args], catch_exceptions=False)

    return invoke


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def test_whole_lifecycle_through_the_cli(run, tmp_path):
    for user, role in [("pia", "principal_investigator"), ("alice", "data_user"),
                       ("bob", "data_user"), ("carol", "access_committee")]:
        assert f"{user} now holds {role}" in ok(run("roles", "grant", user, role))
    roles = json.loads(ok(run("roles", "list", "--json")))
    assert {(r["username"], r["role"]) for r in roles} >= {("carol", "access_committee")}
    assert "created project deid" in ok(run("projects", "create", "deid", "--title", "De-id"))
    assert "permit 1 applied for" in ok(run("permits", "apply", "deid", "--as", "pia", *APPLY))
    assert "permit 1: active" in ok(run("permits", "decide", "1", "--as", "carol", "--approve"))
    assert ok(run("permits", "check", "alice", "deid", "ds-notes")).startswith("permitted")
    refused = run("permits", "check", "bob", "deid", "ds-notes")
    assert refused.exit_code == 1 and "bob is not a named person" in refused.output

    assert "amendment 1 of permit 1 requested" in ok(run(
        "permits", "amend", "1", "--as", "pia", "--reason", "Bob joins", "--add-person", "bob"))
    assert "approved (amendment 1); permit is amended" in ok(run(
        "permits", "decide", "1", "--as", "carol", "--approve", "--amendment", "1"))
    assert run("permits", "check", "bob", "deid", "ds-notes").exit_code == 0
    shown = json.loads(ok(run("permits", "show", "1", "--json")))
    assert shown["version"] == 2 and shown["persons"] == ["alice", "bob", "pia"]
    assert shown["datasets"][0] == {"identifier": "ds-labs", "variables": ["hba1c", "ldl"]}
    assert "amendment 1 (approved)" in ok(run("permits", "show", "1"))
    assert "deid" in ok(run("permits", "list")) and "deid" in ok(run("projects", "list"))
    assert "permit 1: amended" in ok(run("projects", "show", "deid"))
    listed = json.loads(ok(run("permits", "list", "--status", "amended", "--json")))
    assert [p["id"] for p in listed] == [1]

    assert "revoked; access ended" in ok(run("permits", "revoke", "1", "--as", "carol",
                                             "--reason", "Condition broken"))
    assert run("permits", "check", "alice", "deid", "ds-notes").exit_code == 1
    assert "no longer holds data_user" in ok(run("roles", "revoke", "bob", "data_user"))

    assert "audit log intact" in ok(run("audit", "verify"))
    tail = json.loads(ok(run("audit", "tail", "-n", "3", "--json")))
    assert [e["action"] for e in tail][-1] == "role.revoke"
    assert "permit.revoke" in ok(run("audit", "tail"))
    exported = ok(run("audit", "export", str(tmp_path / "exp")))
    assert "exported" in exported and (tmp_path / "exp" / "manifest.json").is_file()
    assert "intact" in ok(run("audit", "verify", "--export", str(tmp_path / "exp")))
    assert "intact" in ok(run("audit", "verify", "--reference", str(tmp_path / "exp")))


def test_cli_errors_name_the_rule(run, kimed_env):
    result = run("roles", "grant", "bob", "hdab")
    assert result.exit_code == 1 and "role: 'hdab' is not an SPE role" in result.output
    result = run("roles", "grant", "bob", "data_user", "--as", "eve")
    assert result.exit_code == 1 and "eve may not grant or revoke SPE roles" in result.output
    ok(run("roles", "grant", "pia", "principal_investigator"))
    ok(run("projects", "create", "deid", "--title", "De-id"))
    result = run("permits", "apply", "deid", "--as", "pia",
                 *[a if a != "scientific_research" else "marketing" for a in APPLY])
    assert result.exit_code == 1 and "purpose_category: 'marketing'" in result.output
    assert "Art. 53(1)" in result.output
    result = run("permits", "apply", "deid", "--as", "pia",
                 *[a if a != START else "first of may" for a in APPLY])
    assert result.exit_code == 2 and "--start: 'first of may' is not a date" in result.output
    result = run("permits", "apply", "deid", "--as", "pia", *APPLY)
    assert result.exit_code == 1 and "persons: alice may not be named" in result.output
    ok(run("roles", "grant", "alice", "data_user"))
    ok(run("permits", "apply", "deid", "--as", "pia", *APPLY))
    result = run("permits", "decide", "1", "--as", "alice", "--approve")
    assert result.exit_code == 1 and "needs the SPE role access_committee" in result.output
    assert run("permits", "decide", "1", "--as", "alice").exit_code == 2
    result = run("permits", "show", "9")
    assert result.exit_code == 1 and "permit: no permit with id 9" in result.output
    result = run("projects", "show", "nope")
    assert result.exit_code == 1 and "no SPE project 'nope'" in result.output

    db = Database(kimed_env)  # tamper, as someone with database rights would
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(sa.text("DROP TRIGGER spe_audit_append_only ON spe_audit"))
        else:
            conn.execute(sa.text("DROP TRIGGER spe_audit_no_update"))
        conn.execute(sa.text("UPDATE spe_audit SET actor = 'mallory' WHERE seq = 2"))
    db.dispose()
    result = run("audit", "verify")
    assert result.exit_code == 1 and "broken at seq 2" in result.output
