# ruff: noqa: F811  (fixtures imported from tests.spe.jobflow/jobkit are redefined as arguments)
"""The whole path through the CLI: roles -> project -> permit -> vault upload -> job -> output
request -> reviews -> release whose checksums verify; the audit log verifies at the end."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from typer.testing import CliRunner

from kimed.accounts.models import User
from kimed.cli.main import app
from kimed.db import Database
from kimed.spe import audit
from kimed.spe.airlock.package import verify_release
from tests.spe.jobflow import master_key, work_dirs  # noqa: F401 (fixtures)
from tests.spe.jobkit import bwrap  # noqa: F401

TODAY = date.today()


@pytest.fixture
def run(kimed_env, master_key, bwrap):
    db = Database(kimed_env)
    db.migrate()
    with db.session() as session:
        for name in ("pia", "alice", "bob", "olga", "carol", "eve"):
            session.add(User(username=name, email=f"{name}@example.org", password_hash="!",
                             role="reader"))
    db.dispose()
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["spe", *args], catch_exceptions=False)


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def test_whole_path_through_the_cli(run, kimed_env, tmp_path):
    for user, role in [("pia", "principal_investigator"), ("alice", "data_user"),
                       ("carol", "access_committee"), ("bob", "output_checker"),
                       ("olga", "output_checker"), ("alice", "output_checker")]:
        ok(run("roles", "grant", user, role))
    ok(run("projects", "create", "deid", "--title", "De-identification"))
    ok(run("permits", "apply", "deid", "--as", "pia", "--holder", "Charité",
           "--purpose", "scientific_research", "--description", "Counting notes for a study",
           "--form", "pseudonymised", "--start", (TODAY - timedelta(days=5)).isoformat(),
           "--end", (TODAY + timedelta(days=300)).isoformat(),
           "--retention-end", (TODAY + timedelta(days=330)).isoformat(),
           "--dataset", "ds-notes", "--person", "alice", "--tool", "python"))
    ok(run("permits", "decide", "1", "--as", "carol", "--approve"))
    notes = tmp_path / "notes.csv"
    notes.write_text("id,text\n1,fever\n2,cough\n")
    ok(run("vault", "put", "deid", "ds-notes", str(notes), "--actor", "olga"))

    refused = run("jobs", "submit", "deid", "row-count", "--as", "eve", "-d", "ds-notes")
    assert refused.exit_code == 1 and "datasets[0]" in refused.output
    out = ok(run("jobs", "submit", "deid", "row-count", "--as", "alice", "-d", "ds-notes",
                 "--json"))
    job = json.loads(out[out.index("{"):])
    assert job["status"] == "succeeded" and len(job["input_digest"]) == 64
    assert work_dirs() == []
    assert [j["id"] for j in json.loads(ok(run("jobs", "list", "--json")))] == [job["id"]]
    assert json.loads(ok(run("jobs", "show", job["id"])))["code_version"] == job["code_version"]
    assert ok(run("jobs", "logs", job["id"])).strip()

    out = ok(run("outputs", "request", job["id"], "summary.json", "--as", "alice"))
    request = re.search(r"output request ([0-9a-f]{32}): in_review", out).group(1)
    self_review = run("outputs", "review", request, "--as", "alice", "--approve")
    assert self_review.exit_code == 1 and "no self-review" in self_review.output
    assert "in_review" in ok(run("outputs", "review", request, "--as", "bob", "--approve"))
    early = run("outputs", "release", request, str(tmp_path / "early"), "--as", "alice")
    assert early.exit_code == 1 and not (tmp_path / "early").exists()
    assert "approved" in ok(run("outputs", "review", request, "--as", "olga", "--approve"))
    shown = json.loads(ok(run("outputs", "show", request)))
    assert [d["reviewer"] for d in shown["decisions"]] == ["bob", "olga"]
    ok(run("outputs", "release", request, str(tmp_path / "release"), "--as", "alice"))
    assert verify_release(tmp_path / "release") == []
    assert json.loads(ok(run("outputs", "list", "--json")))[0]["release_path"]
    assert "no deletion is due" in ok(run("purge"))
    assert "audit log intact" in ok(run("audit", "verify"))

    db = Database(kimed_env)
    try:
        with db.session() as session:
            actions = {e.action for e in audit.entries(session)}
            assert audit.verify(session)
    finally:
        db.dispose()
    assert {"role.grant", "project.create", "permit.apply", "permit.approve", "vault.put",
            "job.refused", "job.start", "job.end", "output.request", "output.refused",
            "output.decide", "output.release"} <= actions


def test_a_halted_project_refuses_jobs_through_the_cli(run):
    ok(run("roles", "grant", "pia", "principal_investigator"))
    ok(run("projects", "create", "deid", "--title", "De-identification"))
    ok(run("halt", "deid"))
    refused = run("jobs", "submit", "deid", "row-count", "--as", "pia", "-d", "ds-notes")
    assert refused.exit_code == 1 and "halted" in refused.output
    assert work_dirs() == []
