# ruff: noqa: F811  (fixtures imported from tests.spe.jobflow/jobkit are redefined as arguments)
"""The whole path through the library: job -> output request -> checks -> two reviews ->
release package; a cell of 3 is blocked; deletion at retention end."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from kimed.spe import audit, jobs, outputs, permits
from kimed.spe.airlock.package import verify_release
from kimed.spe.errors import SpeError
from kimed.spe.retention import purge_due
from kimed.spe.vault import Vault
from tests.spe.jobflow import (  # noqa: F401 (fixtures)
    NOW,
    checkers,
    executor,
    job_pipelines,
    master_key,
    uploaded,
    work_dirs,
    world,
)
from tests.spe.jobkit import bwrap  # noqa: F401

STEPS = {"role.grant", "project.create", "permit.apply", "permit.approve", "job.start",
         "job.end", "output.request", "output.refused", "output.decide", "output.release"}


def _run(session, ex, pipeline="row-count", params=None):
    job = jobs.submit(session, "alice", "deid", pipeline, ["ds-notes"], params, executor=ex,
                      at=NOW)
    job = jobs.wait(session, job.id, timeout=60, at=NOW)
    assert job.status == "succeeded", jobs.logs(session, job.id)
    return job


def test_whole_path_to_a_release_package_that_verifies(world, tmp_path):
    db, ex = world["db"], world["executor"]
    with db.session() as session:
        job = _run(session, ex)
        request = outputs.request_release(session, "alice", job, ["summary.json"],
                                          purpose="counts for the paper")
        request_id = request.id
        assert request.status == "in_review" and request.results
        assert {r["verdict"] for r in request.results} == {"pass"}
    with db.session() as session:
        with pytest.raises(SpeError, match="no self-review"):
            outputs.review(session, "alice", request_id, "approve", "looks fine to me")
        with pytest.raises(SpeError, match="output_checker"):
            outputs.review(session, "carol", request_id, "approve")
        assert outputs.review(session, "bob", request_id, "approve").status == "in_review"
        with pytest.raises(SpeError, match="may not be released: 1 of 2"):
            outputs.release(session, request_id, tmp_path / "too-early")
        assert not (tmp_path / "too-early").exists()
        with pytest.raises(SpeError, match="already decided"):
            outputs.review(session, "bob", request_id, "approve")
        assert outputs.review(session, "olga", request_id, "approve").status == "approved"
        package = outputs.release(session, request_id, tmp_path / "release", actor="alice")
    assert verify_release(package) == []
    assert (package / "files" / "summary.json").read_bytes() == \
        (Path(job.output_dir) / "summary.json").read_bytes()
    sums = (package / "SHA256SUMS").read_text()
    assert "files/summary.json" in sums and "release.json" in sums
    with db.session() as session:
        actions = [e.action for e in audit.entries(session)]
        assert set(actions) >= STEPS
        assert actions.count("output.decide") == 2
        assert audit.verify(session)
        with pytest.raises(SpeError, match="released already"):
            outputs.release(session, request_id, tmp_path / "again")


def test_a_table_with_a_cell_of_3_is_blocked(world, tmp_path):
    db, ex = world["db"], world["executor"]
    rows = [["group", "yes", "no"], ["a", "3", "25"], ["b", "30", "40"]]
    with db.session() as session:
        job = _run(session, ex, "test-table", {"rows": rows})
        request = outputs.request_release(session, "alice", job, ["table.csv:frequency"])
        failed = [r for r in request.results if r["verdict"] == "fail"]
        assert [r["check"] for r in failed] == ["threshold"]
        assert any(c["row"] == "a" and c["column"] == "yes" for c in failed[0]["cells"])
        with pytest.raises(SpeError, match="justification"):
            outputs.review(session, "bob", request.id, "approve")
        outputs.review(session, "bob", request.id, "reject", "cell a/yes stands for 3 people")
        assert outputs.get_request(session, request.id).status == "rejected"
        with pytest.raises(SpeError, match="rejected by bob"):
            outputs.release(session, request.id, tmp_path / "release")
    assert not (tmp_path / "release").exists()


def test_a_file_outside_the_output_directory_cannot_be_requested(world):
    with world["db"].session() as session:
        job = _run(session, world["executor"])
        with pytest.raises(SpeError, match="plain file name"):
            outputs.request_release(session, "alice", job, ["../job.log"])
        with pytest.raises(SpeError, match="neither ran job"):
            outputs.request_release(session, "bob", job, ["summary.json"])


def test_purge_deletes_outputs_and_vault_data_when_deletion_is_due(world):
    db, ex = world["db"], world["executor"]
    with db.session() as session:
        job = _run(session, ex)
        assert purge_due(session, NOW) == []  # nothing due while the permit is active
        permits.revoke(session, "carol", world["permit"], "the project broke its conditions",
                       at=NOW + timedelta(days=1))
    with db.session() as session:
        reports = purge_due(session, NOW + timedelta(days=2))
        assert [r["permit"] for r in reports] == [world["permit"]]
        assert set(reports[0]["datasets_deleted"]) == {"ds-notes", "ds-labs"}
        assert reports[0]["outputs_deleted"] is True
        assert purge_due(session, NOW + timedelta(days=3)) == []  # recorded, done once
        assert [e.action for e in audit.entries(session, action="spe.purge")] == ["spe.purge"]
        assert audit.verify(session)
    assert Vault.from_settings().datasets("deid") == []
    assert not Path(job.output_dir).exists() and work_dirs() == []
