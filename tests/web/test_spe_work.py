"""The SPE working pages (kimed.web.routes.spe_work) on both databases: who may see what, the
whole path from a job to a release package whose checksums verify, a small cell that fails its
check, and uploads limited to the permit's datasets. Jobs run in the app's own executor,
sandboxed by bubblewrap; the vault's master key is a 0600 file named in the settings."""

from __future__ import annotations

import hashlib
import io
import re
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
from kimed.db import Database
from kimed.pipelines.base import registry
from kimed.settings import Settings
from kimed.spe import audit, permits, projects, roles
from kimed.spe.airlock.package import verify_release
from kimed.spe.sandbox import bwrap_problem
from kimed.spe.vault import Vault
from kimed.web.app import create_app
from tests.conftest import need
from tests.spe.governance import permit_kwargs
from tests.spe.job_output_pipelines import TableWriter
from tests.spe.jobflow import write_key
from tests.web.accounts import PASSWORD, csrf_of, login, new_client

SLUG = "deid"
PEOPLE = {  # username -> SPE roles
    "pia": ["principal_investigator"],
    "alice": ["data_user", "output_checker"],  # runs jobs, and checks others' outputs
    "bob": ["output_checker"],
    "olga": ["spe_operator", "output_checker"],
    "carol": ["access_committee"],
    "holly": ["data_holder"],
    "eve": [],
}


def setup_spe(url: str, data_dir: Path) -> Settings:
    """Accounts, project 'deid' with an active permit (alice; ds-notes, ds-labs), ds-notes in
    the vault; returns the app's settings."""
    key = write_key(data_dir / "master.key")
    settings = Settings(database_url=url, data_dir=data_dir, spe_master_key_file=key)
    database = Database(url)
    database.migrate()
    now = utcnow()
    with database.session() as session:
        for name, granted in PEOPLE.items():
            service.create_user(session, name, f"{name}@example.org", PASSWORD, role="reader")
            for role in granted:
                roles.grant(session, "cli", name, role)
        projects.create_project(session, "olga", SLUG, "De-identification of notes")
        permit = permits.apply(session, "pia", SLUG, **permit_kwargs(
            access_start=now - timedelta(days=1), access_end=now + timedelta(days=30),
            retention_end=now + timedelta(days=60)))
        permits.decide(session, "carol", permit, approve=True, at=now - timedelta(days=2))
    database.dispose()
    source = data_dir / "src-notes.csv"
    source.write_text("id,text\n1,fever\n2,cough\n3,rash\n")
    Vault.from_settings(settings).put(SLUG, "ds-notes", [source], uploader="holly")
    return settings


@pytest.fixture(scope="module")
def spe(portal_url: str, tmp_path_factory) -> Iterator[SimpleNamespace]:
    need(bwrap_problem("bwrap") is None, "bubblewrap (bwrap)")
    settings = setup_spe(portal_url, tmp_path_factory.mktemp("spe-web"))
    name = registry.register(TableWriter)
    app = create_app(settings)
    try:
        with TestClient(app) as anonymous:
            clients = {}
            for user in PEOPLE:
                clients[user] = new_client(anonymous)
                assert login(clients[user], user).status_code == 303
            yield SimpleNamespace(app=app, settings=settings, url=portal_url, anon=anonymous,
                                  **clients)
            executor = getattr(app.state, "spe_executor", None)
            if executor is not None:
                executor.shutdown()
    finally:
        registry.unregister(name)


def post(client: TestClient, page: str, action: str, data: dict, **kwargs):
    """Submit a form of ``page`` (its CSRF token) to ``action``."""
    token = csrf_of(client.get(page).text)
    return client.post(action, data={**data, "csrf_token": token}, follow_redirects=False,
                       **kwargs)


def run_job(client: TestClient, pipeline: str, datasets: list[str], **params: str) -> str:
    jobs_page = f"/spe/projects/{SLUG}/jobs"
    answer = post(client, jobs_page, jobs_page, {"pipeline": pipeline, "datasets": datasets,
                                                 **params})
    assert answer.status_code == 303, answer.text
    job_url = answer.headers["location"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        page = client.get(job_url)
        status = re.search(r"spe-status-(\w+)", page.text).group(1)
        if status not in ("queued", "running"):
            assert status == "succeeded", page.text
            return job_url
        assert 'id="job-refresh"' in page.text  # the way to progress without JavaScript
        time.sleep(0.2)
    raise AssertionError(f"{job_url} did not end within 60 s")


def request_files(client: TestClient, job_url: str, files: list[str], **kinds: str) -> str:
    answer = post(client, job_url, job_url + "/request",
                  {"files": files, **{f"kind.{k}": v for k, v in kinds.items()},
                   "purpose": "counts for the paper"})
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def review(client: TestClient, request_url: str, outcome: str, justification: str = ""):
    return post(client, request_url, request_url + "/review",
                {"outcome": outcome, "justification": justification})


PAGES = ["/spe/projects/deid/jobs", "/spe/projects/deid/upload", "/spe/airlock"]


def test_anonymous_visitors_are_sent_to_login(spe):
    for page in [*PAGES, "/spe/jobs/abc", "/spe/airlock/abc"]:
        answer = spe.anon.get(page, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith(
            "/login?next="), page


@pytest.mark.parametrize(("user", "allowed"), [
    ("alice", {PAGES[0], PAGES[2]}),  # on the permit, and an output checker
    ("pia", {PAGES[0]}),  # the project's PI
    ("olga", {PAGES[0], PAGES[2]}),  # operator and checker
    ("bob", {PAGES[2]}),  # a checker, not on the permit
    ("holly", {PAGES[1]}),  # a data holder
    ("eve", set()),
])
def test_permission_matrix(spe, user, allowed):
    for page in PAGES:
        answer = getattr(spe, user).get(page)
        assert answer.status_code == (200 if page in allowed else 403), (user, page)
        if page not in allowed:
            assert "may not" in answer.text or "is neither" in answer.text


def test_posts_without_a_csrf_token_are_refused(spe):
    answer = spe.alice.post(f"/spe/projects/{SLUG}/jobs",
                            data={"pipeline": "row-count", "datasets": ["ds-notes"]})
    assert answer.status_code == 403 and "csrf_token" in answer.text
    answer = spe.holly.post(f"/spe/projects/{SLUG}/upload", data={"dataset": "ds-labs"},
                            files={"files": ("labs.csv", b"id\n1\n")})
    assert answer.status_code == 403 and "csrf_token" in answer.text


def test_whole_path_from_job_to_a_verified_release(spe):
    page = spe.alice.get(f"/spe/projects/{SLUG}/jobs")
    assert "row-count" in page.text and "ds-notes" in page.text
    job_url = run_job(spe.alice, "row-count", ["ds-notes"])
    job_page = spe.alice.get(job_url).text
    assert "summary.json" in job_page and "UNSANDBOXED" not in job_page
    assert "hx-trigger" not in job_page  # polling stops once the job has ended
    assert job_url.rsplit("/", 1)[1][:12] in spe.alice.get(f"/spe/projects/{SLUG}/jobs").text
    # bob is not on the permit: he may neither see the job nor request its outputs
    assert spe.bob.get(job_url).status_code == 403

    request_url = request_files(spe.alice, job_url, ["summary.json"])
    page = spe.alice.get(request_url).text
    assert "summary.json" in page and "spe-verdict-pass" in page and "spe-verdict-fail" not in page

    refused = review(spe.alice, request_url, "approve", "looks fine to me")
    assert refused.status_code == 422 and "no self-review" in refused.text
    assert review(spe.carol, request_url, "approve").status_code == 403  # not a checker
    assert review(spe.bob, request_url, "approve").status_code == 303
    page = spe.alice.get(request_url).text
    assert "spe-status-in_review" in page and "download-release" not in page
    early = spe.alice.get(request_url + "/release.zip")
    assert early.status_code == 409 and "1 of 2" in early.text
    assert spe.olga.get("/spe/airlock?status=in_review").text.count(request_url) == 1

    assert review(spe.olga, request_url, "approve").status_code == 303
    page = spe.alice.get(request_url).text
    assert "spe-status-approved" in page and 'id="download-release"' in page
    assert spe.bob.get(request_url + "/release.zip").status_code == 403  # a checker only
    answer = spe.alice.get(request_url + "/release.zip")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.content)) as zf:
        contents = {name: zf.read(name) for name in zf.namelist()}
    sums = dict(reversed(line.split("  ", 1)) for line in
                contents["SHA256SUMS"].decode().splitlines())
    assert "files/summary.json" in sums and "release.json" in sums
    for name, digest in sums.items():
        assert hashlib.sha256(contents[name]).hexdigest() == digest, name
    zip_path = spe.settings.data_dir / "downloaded.zip"
    zip_path.write_bytes(answer.content)
    assert verify_release(zip_path) == []
    again = spe.pia.get(request_url + "/release.zip")  # the PI gets the same package
    assert again.status_code == 200 and again.content == answer.content

    database = Database(spe.url)
    with database.session() as session:
        actions = [e.action for e in audit.entries(session)]
        assert {"job.start", "job.end", "output.request", "output.refused", "output.decide",
                "output.release", "output.download"} <= set(actions)
        assert audit.verify(session)
    database.dispose()


def test_a_small_cell_fails_and_needs_a_justification(spe):
    rows = '[["group", "yes", "no"], ["a", "3", "25"], ["b", "30", "40"]]'
    job_url = run_job(spe.alice, "test-table", ["ds-notes"], **{"param.test-table.rows": rows})
    request_url = request_files(spe.alice, job_url, ["table.csv"],
                                **{"table.csv": "frequency"})
    page = spe.bob.get(request_url).text
    failed = re.search(r'<tr class="verdict-fail"><th scope="row">(\w+)</th>(.*?)</tr>', page,
                       re.S)
    assert failed and failed.group(1) == "threshold"
    assert "a / yes" in failed.group(2)  # the cell is named, by its labels only
    assert ">3<" not in failed.group(2)
    refused = review(spe.bob, request_url, "approve")
    assert refused.status_code == 422 and "justification" in refused.text
    assert review(spe.bob, request_url, "reject", "cell a/yes stands for 3 people").status_code \
        == 303
    page = spe.alice.get(request_url).text
    assert "spe-status-rejected" in page and "download-release" not in page
    assert spe.alice.get(request_url + "/release.zip").status_code == 409


def test_a_job_on_a_dataset_outside_the_permit_is_refused_on_the_page(spe):
    jobs_page = f"/spe/projects/{SLUG}/jobs"
    answer = post(spe.alice, jobs_page, jobs_page,
                  {"pipeline": "row-count", "datasets": ["ds-other"]})
    assert answer.status_code == 422
    assert "may not process ds-other" in answer.text and "EHDS Art. 68" in answer.text


def test_upload_stores_permitted_datasets_only(spe):
    page = f"/spe/projects/{SLUG}/upload"
    answer = post(spe.holly, page, page, {"dataset": "ds-other"},
                  files={"files": ("other.csv", b"id\n1\n")})
    assert answer.status_code == 422 and "not named in an active permit" in answer.text
    answer = post(spe.holly, page, page, {"dataset": "ds-labs"},
                  files={"files": ("labs.csv", b"id,hba1c\n1,5.9\n")})
    assert answer.status_code == 200 and 'id="upload-done"' in answer.text
    held = {m.dataset for m in Vault.from_settings(spe.settings).datasets(SLUG)}
    assert "ds-labs" in held and "ds-other" not in held
    again = post(spe.holly, page, page, {"dataset": "ds-labs"},
                 files={"files": ("labs.csv", b"id\n")})
    assert again.status_code == 422 and "already holds dataset" in again.text


def test_pages_in_german(spe):
    page = spe.alice.get(f"/spe/projects/{SLUG}/jobs?lang=de").text
    assert "Jobs des Projekts deid" in page and "Genehmigte Datensätze" in page
    spe.alice.get("/spe/airlock?lang=en")  # back to English for the other tests
