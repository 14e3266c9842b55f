# ruff: noqa: F811  (fixtures imported from tests.spe.jobflow/jobkit are redefined as arguments)
"""SPE jobs through the library: permits decide who runs what, inputs are decrypted only for the
job and removed after it, an expired permit stops a running job, a halt refuses new ones."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from kimed.settings import get_settings
from kimed.spe import audit, jobs
from kimed.spe.errors import SpeError
from kimed.spe.executors import HaltStore, LocalExecutor
from tests.spe.governance import T0
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
from tests.spe.jobkit import bwrap, wait_for  # noqa: F401

AFTER_END = T0 + timedelta(days=366)


def _actions(session, prefix: str) -> list[tuple[str, dict]]:
    return [(e.action, e.details) for e in audit.entries(session) if e.action.startswith(prefix)]


def test_a_permitted_job_runs_on_decrypted_inputs_that_are_removed_after(world):
    db, ex = world["db"], world["executor"]
    with db.session() as session:
        job = jobs.submit(session, "alice", "deid", "row-count", ["ds-notes", "ds-labs"],
                          executor=ex, at=NOW)
        job_id = job.id
        assert job.status == "queued" and job.sandboxed is True
        assert len(job.input_digest) == 64 and job.code_version.startswith("kimed ")
        assert "row-count 1.0" in job.code_version
        job = jobs.wait(session, job_id, timeout=60, at=NOW)
        assert job.status == "succeeded", jobs.logs(session, job_id)
        assert job.ended_at is not None and job.exit_code == 0
    summary = json.loads((Path(job.output_dir) / "summary.json").read_text())
    # the job saw both datasets, each in its own read-only directory
    assert set(summary["files"]) == {"ds-notes/notes.csv", "ds-labs/labs.csv"}
    assert summary["totals"]["rows"] == 5
    assert work_dirs() == []  # decrypted inputs are gone
    with db.session() as session:
        start, end = [d for a, d in _actions(session, "job.") if a in ("job.start", "job.end")]
        assert start["input_digest"] == end["input_digest"] == job.input_digest
        assert start["code_version"] == job.code_version and start["sandboxed"] is True
        assert end["status"] == "succeeded" and "summary.json" in end["outputs"]
        assert jobs.logs(session, job_id) == (Path(job.output_dir).parent / "job.log") \
            .read_text().splitlines()
        assert audit.verify(session)


def test_the_same_inputs_give_the_same_digest(world):
    db, ex = world["db"], world["executor"]
    digests = []
    with db.session() as session:
        for order in (["ds-notes", "ds-labs"], ["ds-notes", "ds-labs"], ["ds-notes"]):
            job = jobs.submit(session, "alice", "deid", "row-count", order, executor=ex, at=NOW)
            digests.append(jobs.wait(session, job.id, timeout=60, at=NOW).input_digest)
    assert digests[0] == digests[1] != digests[2]


def test_a_person_not_on_the_permit_is_refused_and_nothing_is_decrypted(world):
    db, ex = world["db"], world["executor"]
    with db.session() as session, pytest.raises(SpeError) as caught:
        jobs.submit(session, "bob", "deid", "row-count", ["ds-notes"], executor=ex, at=NOW)
    err = caught.value
    assert err.field == "datasets[0]" and "bob is not a named person" in err.rule
    assert "EHDS Art. 68" in err.source
    assert work_dirs() == [] and ex.jobs() == []
    with db.session() as session:
        refused = _actions(session, "job.refused")
        assert len(refused) == 1 and refused[0][1]["field"] == "datasets[0]"
        assert jobs.list_jobs(session) == []


def test_a_dataset_outside_the_permit_is_refused(world):
    with world["db"].session() as session, pytest.raises(SpeError, match="does not cover"):
        jobs.submit(session, "alice", "deid", "row-count", ["ds-other"],
                    executor=world["executor"], at=NOW)
    assert work_dirs() == []


def test_an_expired_permit_refuses_jobs_and_stops_a_running_one(world):
    db, ex = world["db"], world["executor"]
    with db.session() as session:
        job = jobs.submit(session, "alice", "deid", "test-sleep", ["ds-notes"],
                          {"seconds": 60.0}, executor=ex, at=NOW)
        job_id = job.id
        session.commit()
        wait_for(lambda: jobs.status(session, job_id, at=NOW).status == "running",
                 what="the job to run")
        assert len(work_dirs()) == 1  # its inputs exist while it runs
        # the clock passes the access end: the next poll stops the job
        job = jobs.wait(session, job_id, timeout=20, at=AFTER_END)
        assert job.status == jobs.PERMIT_ENDED
        assert "not" in job.message and job.ended_at is not None
    assert work_dirs() == []
    assert not (Path(job.output_dir) / "done.txt").exists()  # it never finished
    with db.session() as session, pytest.raises(SpeError) as caught:
        jobs.submit(session, "alice", "deid", "row-count", ["ds-notes"], executor=ex,
                    at=AFTER_END)
    assert "grants no access" in caught.value.rule and "(expired)" in caught.value.rule
    with db.session() as session:
        actions = [a for a, _ in _actions(session, "")]
        assert {"permit.expire", "job.stop", "job.end", "job.refused"} <= set(actions)
        assert audit.verify(session)


def test_a_halted_project_refuses_jobs(world):
    db, ex = world["db"], world["executor"]
    ex.halt("deid", "incident")
    with db.session() as session, pytest.raises(SpeError) as caught:
        jobs.submit(session, "alice", "deid", "row-count", ["ds-notes"], executor=ex, at=NOW)
    assert caught.value.field == "project" and "KIM-ORG-INC-003" in caught.value.source
    assert work_dirs() == []
    ex.resume("deid")
    with db.session() as session:
        job = jobs.submit(session, "alice", "deid", "row-count", ["ds-notes"], executor=ex,
                          at=NOW)
        assert jobs.wait(session, job.id, timeout=60, at=NOW).status == "succeeded"


def test_a_halt_stops_a_running_job_and_removes_its_inputs(world):
    db, ex = world["db"], world["executor"]
    with db.session() as session:
        job = jobs.submit(session, "alice", "deid", "test-sleep", ["ds-notes"],
                          {"seconds": 60.0}, executor=ex, at=NOW)
        wait_for(lambda: jobs.status(session, job.id, at=NOW).status == "running")
        ex.halt("deid")
        assert jobs.wait(session, job.id, timeout=20, at=NOW).status == "halted"
    assert work_dirs() == []


def test_cancel_by_the_submitter_only(world):
    db, ex = world["db"], world["executor"]
    with db.session() as session:
        job = jobs.submit(session, "alice", "deid", "test-sleep", ["ds-notes"],
                          {"seconds": 60.0}, executor=ex, at=NOW)
        with pytest.raises(SpeError, match="only its submitter"):
            jobs.cancel(session, "bob", job.id)
        jobs.cancel(session, "alice", job.id)
        assert jobs.wait(session, job.id, timeout=20, at=NOW).status == "cancelled"
        with pytest.raises(SpeError, match="already ended"):
            jobs.cancel(session, "alice", job.id)
    assert work_dirs() == []


def test_without_bubblewrap_jobs_are_refused(world, monkeypatch):
    monkeypatch.setenv("KIMED_SPE_BWRAP", "/nonexistent/bwrap")
    get_settings.cache_clear()
    with LocalExecutor(workers=1, settings=get_settings(), halts=HaltStore()) as ex, \
            world["db"].session() as session, pytest.raises(SpeError) as caught:
        jobs.submit(session, "alice", "deid", "row-count", ["ds-notes"], executor=ex, at=NOW)
    assert caught.value.field == "sandbox" and "KIMED_SPE_ALLOW_UNSANDBOXED" in caught.value.rule
    assert work_dirs() == []


def test_unknown_pipeline_and_parameters_are_refused(world):
    with world["db"].session() as session:
        with pytest.raises(SpeError, match="no pipeline named 'nope'"):
            jobs.submit(session, "alice", "deid", "nope", ["ds-notes"],
                        executor=world["executor"], at=NOW)
        with pytest.raises(SpeError, match="no parameter"):
            jobs.submit(session, "alice", "deid", "row-count", ["ds-notes"], {"x": 1},
                        executor=world["executor"], at=NOW)
