"""The JSON API of the SPE runtime (kimed.web.routes.api.spe_runtime) on both databases: the
whole lifecycle through the API (project, application, decision, upload through the library, a
sandboxed job, an output request, two reviews with self-review refused, a release zip whose
checksums verify), jobs named by a catalogue algorithm, tokens, roles, refusals naming field,
rule and source, and the OpenAPI document."""

from __future__ import annotations

import hashlib
import io
import time
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from kimed.accounts import service
from kimed.accounts.models import utcnow
from kimed.catalog.algorithms.importer import import_algorithms
from kimed.db import Database
from kimed.pipelines.base import registry
from kimed.spe import audit
from kimed.spe.airlock.package import verify_release
from kimed.spe.sandbox import bwrap_problem
from kimed.spe.vault import Vault
from kimed.web.app import create_app
from tests.conftest import need
from tests.spe.job_output_pipelines import TableWriter
from tests.web.test_spe_work import PEOPLE, SLUG, setup_spe

ALGORITHMS = Path(__file__).parents[1] / "data" / "spe_api" / "algorithms.ttl"
TERMINAL = {"succeeded", "failed", "cancelled", "permit_ended"}


@pytest.fixture(scope="module")
def api(portal_url: str, tmp_path_factory) -> Iterator[SimpleNamespace]:
    """The app over project 'deid' (active permit: pia, alice; ds-notes in the vault), the test
    algorithms, and an API token for each person."""
    need(bwrap_problem("bwrap") is None, "bubblewrap (bwrap)")
    settings = setup_spe(portal_url, tmp_path_factory.mktemp("spe-api"))
    database = Database(portal_url)
    tokens = {}
    with database.session() as session:
        for name in PEOPLE:
            tokens[name], _row = service.issue_token(session, name, "tests", timedelta(days=1))
        import_algorithms(session, [ALGORITHMS])
    database.dispose()
    app = create_app(settings)
    name = registry.register(TableWriter)
    with TestClient(app) as client:
        def call(method: str, path: str, user: str | None = None, **kwargs):
            headers = {"Authorization": f"Bearer {tokens[user]}"} if user else {}
            return client.request(method, path, headers=headers, **kwargs)

        yield SimpleNamespace(app=app, settings=settings, url=portal_url, client=client,
                              call=call)
        executor = getattr(app.state, "spe_executor", None)
        if executor is not None:
            executor.shutdown()
        registry.unregister(name)


def wait_job(api, user: str, job_id: str) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        answer = api.call("GET", f"/api/spe/jobs/{job_id}", user)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        if body["status"] in TERMINAL:
            return body
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not end within 60 s")


def refusal(answer) -> dict:
    items = answer.json()["detail"]
    assert isinstance(items, list) and items, answer.text
    return items[0]


def test_without_a_valid_token_the_api_answers_401(api):
    for method, path in [("GET", "/api/spe/projects"), ("POST", "/api/spe/jobs"),
                         ("GET", "/api/spe/audit/verify"), ("GET", "/api/spe/outputs/x")]:
        answer = api.call(method, path)
        assert answer.status_code == 401, (method, path)
        assert answer.headers["www-authenticate"] == "Bearer"
    answer = api.client.get("/api/spe/projects",
                            headers={"Authorization": "Bearer kimed_not-a-token"})
    assert answer.status_code == 401 and "unknown" in answer.text


def test_wrong_roles_are_refused_with_403(api):
    assert api.call("GET", "/api/spe/projects", "eve").status_code == 403
    answer = api.call("POST", "/api/spe/permits", "alice", json={
        "project": SLUG, "holder": "x", "purpose_category": "scientific_research",
        "purpose_description": "y", "data_form": "anonymised",
        "access_start": utcnow().isoformat(),
        "access_end": (utcnow() + timedelta(days=9)).isoformat(),
        "retention_end": (utcnow() + timedelta(days=19)).isoformat(), "datasets": ["ds-x"]})
    assert answer.status_code == 403
    item = refusal(answer)
    assert item["field"] == "actor" and "EHDS" in item["source"]
    assert "principal_investigator" in item["rule"]
    assert api.call("GET", "/api/spe/audit/verify", "alice").status_code == 403
    answer = api.call("GET", "/api/spe/audit/verify", "olga")
    assert answer.status_code == 200 and answer.json()["ok"] is True
    # bob is neither on the permit nor an operator: he may not run jobs in the project
    answer = api.call("POST", "/api/spe/jobs", "bob",
                      json={"project": SLUG, "pipeline": "row-count", "datasets": ["ds-notes"]})
    assert answer.status_code == 403 and "is neither named" in answer.text


def test_missing_objects_are_404(api):
    assert api.call("GET", "/api/spe/projects/no-such", "olga").status_code == 404
    answer = api.call("GET", "/api/spe/permits/99999", "olga")
    assert answer.status_code == 404 and refusal(answer)["field"] == "permit"
    assert api.call("GET", "/api/spe/jobs/nope", "alice").status_code == 404
    assert api.call("GET", "/api/spe/outputs/nope", "bob").status_code == 404


def test_whole_lifecycle_through_the_api(api):
    now = utcnow()
    answer = api.call("POST", "/api/spe/projects", "olga",
                      json={"slug": "api-life", "title": "Lifecycle by API"})
    assert answer.status_code == 201 and answer.json()["permits"] == []
    again = api.call("POST", "/api/spe/projects", "olga",
                     json={"slug": "api-life", "title": "Twice"})
    assert again.status_code == 422 and refusal(again)["field"] == "slug"

    application = {
        "project": "api-life", "holder": "Test hospital",
        "purpose_category": "scientific_research",
        "purpose_description": "Counting rows of notes", "data_form": "pseudonymised",
        "access_start": (now - timedelta(days=1)).isoformat(),
        "access_end": (now + timedelta(days=30)).isoformat(),
        "retention_end": (now + timedelta(days=60)).isoformat(),
        "datasets": ["ds-a", {"identifier": "ds-b", "variables": ["age"]}],
        "persons": ["alice"], "tools": ["python"]}
    answer = api.call("POST", "/api/spe/permits", "pia", json=application)
    assert answer.status_code == 201, answer.text
    permit = answer.json()
    assert permit["status"] == "application" and set(permit["persons"]) == {"pia", "alice"}
    assert permit["datasets"][1] == {"identifier": "ds-b", "variables": ["age"]}
    pid = permit["id"]
    bad = api.call("POST", "/api/spe/permits", "pia",
                   json={**application, "purpose_category": "marketing"})
    assert bad.status_code == 422 and refusal(bad)["field"] == "purpose_category"

    # alice may not decide; carol (access committee) approves
    assert api.call("POST", f"/api/spe/permits/{pid}/decision", "alice",
                    json={"decision": "approve"}).status_code == 403
    answer = api.call("POST", f"/api/spe/permits/{pid}/decision", "carol",
                      json={"decision": "approve", "note": "fine"})
    assert answer.status_code == 200 and answer.json()["status"] == "active"
    twice = api.call("POST", f"/api/spe/permits/{pid}/decision", "carol",
                     json={"decision": "approve"})
    assert twice.status_code == 409 and refusal(twice)["field"] == "status"
    assert api.call("GET", f"/api/spe/permits/{pid}", "eve").status_code == 403

    # olga holds no data_user role, so she cannot be named; an added dataset is decided
    refused = api.call("POST", f"/api/spe/permits/{pid}/amendments", "pia",
                       json={"reason": "an operator helps", "add_persons": ["olga"]})
    assert refused.status_code == 403 and refusal(refused)["field"] == "persons"
    answer = api.call("POST", f"/api/spe/permits/{pid}/amendments", "pia",
                      json={"reason": "more data", "add_datasets": ["ds-c"]})
    assert answer.status_code == 201, answer.text
    aid = answer.json()["id"]
    assert answer.json()["status"] == "pending"
    answer = api.call("POST", f"/api/spe/permits/{pid}/amendments/{aid}/decision", "carol",
                      json={"decision": "approve"})
    assert answer.status_code == 200
    assert "ds-c" in {d["identifier"] for d in answer.json()["datasets"]}
    again = api.call("POST", f"/api/spe/permits/{pid}/amendments/{aid}/decision", "carol",
                     json={"decision": "approve"})
    assert again.status_code == 409

    source = api.settings.data_dir / "ds-a.csv"
    source.write_text("id,text\n1,a\n2,b\n")
    Vault.from_settings(api.settings).put("api-life", "ds-a", [source], uploader="holly")
    project = api.call("GET", "/api/spe/projects/api-life", "pia").json()
    assert project["permits"] == [{"id": pid, "status": "amended"}]

    answer = api.call("POST", "/api/spe/jobs", "alice",
                      json={"project": "api-life", "pipeline": "row-count", "datasets": ["ds-a"]})
    assert answer.status_code == 201, answer.text
    job_id = answer.json()["id"]
    job = wait_job(api, "alice", job_id)
    assert job["status"] == "succeeded" and job["sandboxed"] is True
    assert job["progress"] == 1.0 and "summary.json" in job["outputs"]
    logs = api.call("GET", f"/api/spe/jobs/{job_id}/logs", "alice")
    assert logs.status_code == 200 and logs.json()["status"] == "succeeded"
    ended = api.call("POST", f"/api/spe/jobs/{job_id}/cancel", "alice")
    assert ended.status_code == 409 and refusal(ended)["field"] == "job"
    assert api.call("GET", f"/api/spe/jobs/{job_id}", "bob").status_code == 403

    answer = api.call("POST", "/api/spe/outputs", "alice",
                      json={"job": job_id, "files": ["summary.json"], "purpose": "paper"})
    assert answer.status_code == 201, answer.text
    out = answer.json()
    rid = out["id"]
    assert out["status"] == "in_review" and out["files"][0]["name"] == "summary.json"
    assert all(c["verdict"] == "pass" for c in out["checks"]["summary.json"])

    self_review = api.call("POST", f"/api/spe/outputs/{rid}/reviews", "alice",
                           json={"outcome": "approve", "justification": "mine"})
    assert self_review.status_code == 422
    assert "no self-review" in refusal(self_review)["msg"]
    assert api.call("POST", f"/api/spe/outputs/{rid}/reviews", "carol",
                    json={"outcome": "approve"}).status_code == 403
    answer = api.call("POST", f"/api/spe/outputs/{rid}/reviews", "bob",
                      json={"outcome": "approve"})
    assert answer.status_code == 200 and len(answer.json()["decisions"]) == 1
    early = api.call("GET", f"/api/spe/outputs/{rid}/release", "alice")
    assert early.status_code == 409 and refusal(early)["field"] == "request"
    answer = api.call("POST", f"/api/spe/outputs/{rid}/reviews", "olga",
                      json={"outcome": "approve"})
    assert answer.status_code == 200 and answer.json()["status"] == "approved"

    assert api.call("GET", f"/api/spe/outputs/{rid}/release", "bob").status_code == 403
    answer = api.call("GET", f"/api/spe/outputs/{rid}/release", "alice")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.content)) as zf:
        contents = {name: zf.read(name) for name in zf.namelist()}
    sums = dict(reversed(line.split("  ", 1))
                for line in contents["SHA256SUMS"].decode().splitlines())
    assert "files/summary.json" in sums
    for name, digest in sums.items():
        assert hashlib.sha256(contents[name]).hexdigest() == digest, name
    path = api.settings.data_dir / "api-release.zip"
    path.write_bytes(answer.content)
    assert verify_release(path) == []

    answer = api.call("POST", f"/api/spe/permits/{pid}/revoke", "carol",
                      json={"reason": "study ended"})
    assert answer.status_code == 200 and answer.json()["status"] == "revoked"
    answer = api.call("POST", "/api/spe/jobs", "alice",
                      json={"project": "api-life", "pipeline": "row-count", "datasets": ["ds-a"]})
    assert answer.status_code == 422 and "ds-a" in refusal(answer)["msg"]

    database = Database(api.url)
    with database.session() as session:
        actions = {e.action for e in audit.entries(session)}
        assert {"job.start", "job.end", "output.request", "output.decide", "output.release",
                "output.download"} <= actions
        assert audit.verify(session)
    database.dispose()


def test_a_runnable_catalogue_algorithm_runs_its_pipeline(api):
    answer = api.call("POST", "/api/spe/jobs", "alice", json={
        "project": SLUG, "algorithm": "test-spe-row-counter", "datasets": ["ds-notes"]})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["pipeline"] == "row-count" and body["algorithm"] == "test-spe-row-counter"
    assert wait_job(api, "alice", body["id"])["status"] == "succeeded"


@pytest.mark.parametrize(("algorithm", "words"), [
    ("test-spe-outside", "not runnable in the SPE"),
    ("test-spe-unregistered", "not registered"),
    ("no-such-algorithm", "no catalogue algorithm"),
])
def test_algorithms_that_cannot_run_are_refused_with_422(api, algorithm, words):
    answer = api.call("POST", "/api/spe/jobs", "alice", json={
        "project": SLUG, "algorithm": algorithm, "datasets": ["ds-notes"]})
    assert answer.status_code == 422
    item = refusal(answer)
    assert item["field"] == "algorithm" and words in item["msg"]
    assert "runnableInSPE" in item["source"]


def test_a_job_names_either_a_pipeline_or_an_algorithm(api):
    for extra in ({}, {"pipeline": "row-count", "algorithm": "test-spe-row-counter"}):
        answer = api.call("POST", "/api/spe/jobs", "alice",
                          json={"project": SLUG, "datasets": ["ds-notes"], **extra})
        assert answer.status_code == 422 and refusal(answer)["field"] == "pipeline"


def test_output_checks_name_cells_by_label_never_by_value(api):
    rows = [["group", "yes", "no"], ["a", "3", "25"], ["b", "30", "40"]]
    answer = api.call("POST", "/api/spe/jobs", "alice", json={
        "project": SLUG, "pipeline": "test-table", "datasets": ["ds-notes"],
        "params": {"rows": rows}})
    assert answer.status_code == 201, answer.text
    assert wait_job(api, "alice", answer.json()["id"])["status"] == "succeeded"
    answer = api.call("POST", "/api/spe/outputs", "alice", json={
        "job": answer.json()["id"], "files": ["table.csv"], "kinds": {"table.csv": "frequency"}})
    assert answer.status_code == 201, answer.text
    body = api.call("GET", f"/api/spe/outputs/{answer.json()['id']}", "bob").json()
    threshold = next(c for c in body["checks"]["table.csv"] if c["check"] == "threshold")
    assert threshold["verdict"] == "fail" and threshold["source"]
    assert [c["where"] for c in threshold["cells"]] == ["a / yes"]
    assert all(set(c) == {"where", "reason"} for c in threshold["cells"])
    refused = api.call("POST", f"/api/spe/outputs/{body['id']}/reviews", "bob",
                       json={"outcome": "approve"})
    assert refused.status_code == 422 and "justification" in refusal(refused)["msg"]


def test_openapi_lists_the_runtime_routes(api):
    spec = api.client.get("/api/openapi.json").json()
    paths = spec["paths"]
    expected = {
        "/api/spe/projects": {"get", "post"}, "/api/spe/projects/{slug}": {"get"},
        "/api/spe/permits": {"post"}, "/api/spe/permits/{permit_id}": {"get"},
        "/api/spe/permits/{permit_id}/decision": {"post"},
        "/api/spe/permits/{permit_id}/amendments": {"post"},
        "/api/spe/permits/{permit_id}/amendments/{amendment_id}/decision": {"post"},
        "/api/spe/permits/{permit_id}/revoke": {"post"},
        "/api/spe/jobs": {"post"}, "/api/spe/jobs/{job_id}": {"get"},
        "/api/spe/jobs/{job_id}/logs": {"get"}, "/api/spe/jobs/{job_id}/cancel": {"post"},
        "/api/spe/outputs": {"post"}, "/api/spe/outputs/{request_id}": {"get"},
        "/api/spe/outputs/{request_id}/reviews": {"post"},
        "/api/spe/outputs/{request_id}/release": {"get"}, "/api/spe/audit/verify": {"get"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), path
        for method in methods:
            assert paths[path][method]["tags"] == ["spe runtime"], (path, method)
    assert "JobIn" in spec["components"]["schemas"]
    assert "algorithm" in spec["components"]["schemas"]["JobIn"]["properties"]
