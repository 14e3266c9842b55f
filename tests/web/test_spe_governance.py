"""The SPE governance pages (kimed.web.routes.spe_governance) on SQLite and PostgreSQL: who may see
which page, the permit lifecycle through the web forms, refusals that change nothing, CSRF, the
audit view's verification and export."""

from __future__ import annotations

import base64
import io
import json
import os
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from kimed.accounts import service
from kimed.db import Database
from kimed.settings import Settings
from kimed.spe import audit, permits, projects, roles
from kimed.spe.governance_models import Permit
from kimed.spe.vault import Vault
from kimed.spe.vault.keys import MasterKey
from kimed.web.app import create_app
from tests.spe.governance import governance_snapshot
from tests.web.accounts import PASSWORD, csrf_of, login
from tests.web.html import Page, check_accessible

# username -> (portal role, SPE roles)
ACCOUNTS = {
    "pia": ("reader", ["principal_investigator"]),
    "alice": ("reader", ["data_user"]),
    "bob": ("reader", ["data_user"]),
    "carol": ("reader", ["access_committee"]),
    "olga": ("reader", ["spe_operator"]),
    "eve": ("reader", []),
    "admin": ("admin", []),
}
TODAY = datetime.combine(date.today(), datetime.min.time(), tzinfo=UTC)


@pytest.fixture(scope="module")
def site(portal_url, tmp_path_factory):
    """The app over a fresh database with the ACCOUNTS, project 'deid' with an active permit
    naming pia and alice, and a vault holding one dataset of 'deid'."""
    data_dir = tmp_path_factory.mktemp("spe-gov-data")
    secret = os.urandom(32)
    database = Database(portal_url)
    database.migrate()
    with database.session() as session:
        for name, (role, spe) in ACCOUNTS.items():
            service.create_user(session, name, f"{name}@example.org", PASSWORD, role=role)
            for granted in spe:
                roles.grant(session, "cli", name, granted)
        projects.create_project(session, "olga", "deid", "De-identification of notes")
        permit = permits.apply(session, "pia", "deid", **permit_values(persons=["alice"]))
        permits.decide(session, "carol", permit, approve=True)
        permit_id = permit.id
    Vault(data_dir, MasterKey(secret)).put("deid", "ds-held-notes",
                                           [("notes.csv", io.BytesIO(b"id,text\n1,x\n"))],
                                           uploader="holder")
    settings = Settings(database_url=portal_url, data_dir=data_dir,
                        spe_master_key=base64.b64encode(secret).decode())
    with TestClient(create_app(settings)) as client:
        yield {"app": client.app, "db": database, "permit": permit_id}
    database.dispose()


def permit_values(**overrides) -> dict:
    values = dict(holder="Charité – Universitätsmedizin Berlin",
                  purpose_category="scientific_research",
                  purpose_description="Training a de-identification model on clinical notes",
                  data_form="pseudonymised", access_start=TODAY - timedelta(days=1),
                  access_end=TODAY + timedelta(days=365),
                  retention_end=TODAY + timedelta(days=400),
                  datasets=["ds-notes", {"identifier": "ds-labs", "variables": ["hba1c"]}],
                  tools=["python 3.12"], conditions="No linkage.")
    values.update(overrides)
    return values


def browser(site, username: str | None = None) -> TestClient:
    client = TestClient(site["app"])
    if username:
        assert login(client, username).status_code == 303
    return client


def permit_row(site, permit_id: int) -> Permit:
    with site["db"].session() as session:
        permit = session.get(Permit, permit_id)
        session.expunge_all()
        return permit


def persons(site, permit_id: int) -> list[str]:
    with site["db"].session() as session:
        return session.get(Permit, permit_id).person_names


PAGES = ["/spe/projects", "/spe/projects/deid", "/spe/permits/new", "/spe/permits/{id}",
         "/spe/roles", "/spe/audit", "/spe/audit/export"]
# page -> the users who may open it (all others get 403)
ALLOWED = {
    "/spe/projects": {"pia", "alice", "bob", "carol", "olga", "admin"},
    "/spe/projects/deid": {"pia", "alice", "bob", "carol", "olga", "admin"},
    "/spe/permits/new": {"pia"},
    "/spe/permits/{id}": {"pia", "alice", "carol", "olga", "admin"},
    "/spe/roles": set(ACCOUNTS),
    "/spe/audit": {"carol", "olga"},
    "/spe/audit/export": {"carol", "olga"},
}


@pytest.mark.parametrize("page", PAGES)
def test_pages_need_a_login(site, page):
    response = browser(site).get(page.format(id=site["permit"]), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=%2Fspe%2F")


@pytest.mark.parametrize("username", sorted(ACCOUNTS))
def test_permission_matrix(site, username):
    client = browser(site, username)
    for page in PAGES:
        response = client.get(page.format(id=site["permit"]))
        expected = 200 if username in ALLOWED[page] else 403
        assert response.status_code == expected, (username, page, response.text[-500:])
        if expected == 403:
            assert "may not" in response.text and "403" in response.text


def test_pages_are_accessible_in_both_languages(site):
    client = browser(site, "carol")
    pia = browser(site, "pia")
    for who, page, english, german in [
            (client, "/spe/projects", "SPE projects", "SPE-Projekte"),
            (client, "/spe/projects/deid", "Datasets held in the vault", "Datensätze im Tresor"),
            (client, f"/spe/permits/{site['permit']}", "Contents (EHDS Art. 68)",
             "Inhalt (EHDS Art. 68)"),
            (pia, "/spe/permits/new", "Apply for a data permit", "Datengenehmigung beantragen"),
            (client, "/spe/roles", "Your SPE roles", "Ihre SPE-Rollen"),
            (client, "/spe/audit", "Audit log", "Audit-Protokoll")]:
        for lang, text in (("en", english), ("de", german)):
            response = who.get(page, params={"lang": lang})
            assert response.status_code == 200, page
            assert text in response.text, (page, lang)
            parsed = Page(response.text)
            check_accessible(parsed)
            workspace = [a for a in parsed.find("a", href="/spe/projects")
                         if a.attrs.get("aria-current") == "page"]
            assert workspace, page  # the main navigation marks the SPE workspace


def test_project_page_lists_permits_people_vault_names_and_jobs_link(site):
    page = Page(browser(site, "alice").get("/spe/projects/deid").text)
    assert f"/spe/permits/{site['permit']}" in page.links()
    assert "/spe/projects/deid/jobs" in page.links()
    assert page.by_id("vault-datasets").text.split() == ["ds-held-notes"]
    people = [li.text.split()[0] for li in page.by_id("project-people").children]
    assert people == ["alice", "pia"]


def test_permit_page_shows_art68_contents_and_history(site):
    page = Page(browser(site, "alice").get(f"/spe/permits/{site['permit']}").text)
    contents = page.by_id("permit-contents").text
    for text in ("Charité", "scientific research", "(e)", "pseudonymised", "ds-labs", "hba1c",
                 "python 3.12", "No linkage.", "carol"):
        assert text in contents, text
    assert page.by_id("permit-status").text.strip() == "active"
    history = page.by_id("permit-history").text
    assert "apply" in history and "approve" in history
    assert not page.find("form", id="revoke-form")  # alice is no committee member


def submit(client: TestClient, page_url: str, action: str, data: dict):
    token = csrf_of(client.get(page_url).text)
    return client.post(action, data={"csrf_token": token, **data}, follow_redirects=False)


def test_apply_approve_amend_revoke_through_the_forms(site):
    pia, carol = browser(site, "pia"), browser(site, "carol")
    created = submit(pia, "/spe/projects", "/spe/projects",
                     {"slug": "flow", "title": "Lifecycle through the web"})
    assert created.status_code == 303 and created.headers["location"] == "/spe/projects/flow"
    applied = submit(pia, "/spe/permits/new?project=flow", "/spe/permits/new", {
        "project": "flow", "holder": "Uniklinik", "purpose_category": "public_health",
        "purpose_description": "Monitoring infection rates across the region's wards",
        "data_form": "anonymised", "access_start": TODAY.date().isoformat(),
        "access_end": (TODAY + timedelta(days=200)).date().isoformat(),
        "retention_end": (TODAY + timedelta(days=250)).date().isoformat(),
        "datasets": "ds-infections\nds-wards ward, bed_count", "persons": "alice",
        "spe": "KIMed SPE", "tools": "R 4.4\npython", "conditions": ""})
    assert applied.status_code == 303
    permit_id = int(applied.headers["location"].rsplit("/", 1)[1])
    row = permit_row(site, permit_id)
    assert (row.status, row.purpose_category, row.tools) == ("application", "public_health",
                                                             ["R 4.4", "python"])
    assert persons(site, permit_id) == ["alice", "pia"]
    url = f"/spe/permits/{permit_id}"
    assert not Page(pia.get(url).text).find("form", id="decide-form")  # a PI does not decide

    approved = submit(carol, url, f"{url}/decision", {"decision": "approve", "note": "fine"})
    assert approved.status_code == 303
    assert permit_row(site, permit_id).status == "active"

    asked = submit(pia, url, f"{url}/amendments", {"add_persons": "bob", "add_datasets": "",
                                                   "reason": "Bob joins the analysis team"})
    assert asked.status_code == 303
    assert persons(site, permit_id) == ["alice", "pia"]  # nothing changes before approval
    page = Page(carol.get(url).text)
    form = next(f for f in page.find("form") if f.attrs.get("id", "").startswith("amendment-"))
    decided = submit(carol, url, form.attrs["action"], {"decision": "approve", "note": ""})
    assert decided.status_code == 303
    row = permit_row(site, permit_id)
    assert (row.status, row.version) == ("amended", 2)
    assert persons(site, permit_id) == ["alice", "bob", "pia"]

    revoked = submit(carol, url, f"{url}/revoke", {"reason": "The project was stopped"})
    assert revoked.status_code == 303
    row = permit_row(site, permit_id)
    assert row.status == "revoked" and row.deletion_due_at is not None
    with site["db"].session() as session:
        actions = [e.action for e in audit.entries(session, object=f"permit:{permit_id}")]
    assert actions == ["permit.apply", "permit.approve", "permit.amendment_request",
                       "permit.amend", "permit.revoke"]
    history = Page(pia.get(url).text).by_id("permit-history").text
    assert "revoke" in history and "amend" in history


def test_a_refused_action_changes_nothing_and_shows_the_library_message(site):
    pia, carol = browser(site, "pia"), browser(site, "carol")
    with site["db"].session() as session:
        permit = permits.apply(session, "pia", "deid", **permit_values())
        pending = permit.id
    url = f"/spe/permits/{pending}"
    token = csrf_of(carol.get(url).text)
    before = governance_snapshot(site["db"])
    rejected = carol.post(f"{url}/decision", data={"csrf_token": token, "decision": "reject",
                                                  "note": ""})
    assert rejected.status_code == 422
    error = Page(rejected.text).by_id("decide-error").text
    assert "note" in error and "KIM-GOV-PRM-009" in error  # field, rule and its source
    own = pia.post(f"{url}/decision", data={"csrf_token": csrf_of(pia.get(url).text),
                                           "decision": "approve", "note": ""})
    assert own.status_code == 403, own.text[-3000:]
    assert "may not decide" in own.text, Page(own.text).text()
    assert "pia" in Page(own.text).by_id("decide-error").text
    assert governance_snapshot(site["db"]) == before
    assert permit_row(site, pending).status == "application"


def test_a_bad_application_shows_the_error_next_to_the_field(site):
    pia = browser(site, "pia")
    before = governance_snapshot(site["db"])
    response = submit(pia, "/spe/permits/new", "/spe/permits/new", {
        "project": "deid", "holder": "Uniklinik", "purpose_category": "scientific_research",
        "purpose_description": "too short", "data_form": "anonymised",
        "access_start": "2026-01-01", "access_end": "2026-06-01", "retention_end": "2026-07-01",
        "datasets": "ds-notes", "persons": "", "spe": "KIMed SPE", "tools": "",
        "conditions": ""})
    assert response.status_code == 422
    page = Page(response.text)
    assert "20 characters" in page.by_id("err-purpose_description").text
    assert page.one("textarea", id="in-purpose-description").attrs["aria-invalid"] == "true"
    assert "too short" in page.one("textarea", id="in-purpose-description").text
    assert governance_snapshot(site["db"]) == before


@pytest.mark.parametrize("token", [None, "forged"])
def test_forms_without_the_csrf_token_are_refused(site, token):
    carol = browser(site, "carol")
    with site["db"].session() as session:
        permit_id = permits.apply(session, "pia", "deid", **permit_values()).id
    before = governance_snapshot(site["db"])
    data = {"decision": "approve", "note": "ok"} | ({"csrf_token": token} if token else {})
    response = carol.post(f"/spe/permits/{permit_id}/decision", data=data)
    assert response.status_code == 403 and "csrf_token" in response.text
    assert governance_snapshot(site["db"]) == before


def test_roles_are_granted_and_revoked_by_operators_only(site):
    olga, eve = browser(site, "olga"), browser(site, "eve")
    page = Page(eve.get("/spe/roles").text)
    assert not page.find("form", id="grant-form") and not page.find("table", id="role-grants")
    before = governance_snapshot(site["db"])
    refused = submit(eve, "/spe/roles", "/spe/roles", {"username": "eve", "role": "data_user",
                                                        "change": "grant"})
    assert refused.status_code == 403 and "spe_operator" in refused.text
    assert governance_snapshot(site["db"]) == before
    granted = submit(olga, "/spe/roles", "/spe/roles", {"username": "eve",
                                                         "role": "output_checker",
                                                         "change": "grant"})
    assert granted.status_code == 303
    with site["db"].session() as session:
        assert roles.roles_of(session, "eve") == {"output_checker"}
    assert "output_checker" in Page(eve.get("/spe/roles").text).by_id("own-roles").text
    revoked = submit(olga, "/spe/roles", "/spe/roles", {"username": "eve",
                                                         "role": "output_checker",
                                                         "change": "revoke"})
    assert revoked.status_code == 303
    with site["db"].session() as session:
        assert roles.roles_of(session, "eve") == set()


def _drop_guards(database: Database) -> None:
    with database.engine.begin() as conn:
        if database.engine.dialect.name == "postgresql":
            conn.execute(sa.text("DROP TRIGGER IF EXISTS spe_audit_append_only ON spe_audit"))
        else:
            conn.execute(sa.text("DROP TRIGGER IF EXISTS spe_audit_no_update"))
            conn.execute(sa.text("DROP TRIGGER IF EXISTS spe_audit_no_delete"))


def test_audit_verify_finds_tampering(site):
    carol = browser(site, "carol")
    page = Page(carol.get("/spe/audit", params={"verify": "1"}).text)
    assert page.by_id("verify-result").attrs["data-ok"] == "true"
    database = site["db"]
    _drop_guards(database)
    with database.engine.begin() as conn:
        original = conn.execute(sa.text("select actor from spe_audit where seq = 3")).scalar()
        conn.execute(sa.text("update spe_audit set actor = 'mallory' where seq = 3"))
    try:
        response = carol.get("/spe/audit", params={"verify": "1"})
        result = Page(response.text).by_id("verify-result")
        assert result.attrs["data-ok"] == "false" and result.attrs["data-bad-seq"] == "3"
        assert "does not match its hash" in result.text
    finally:
        with database.engine.begin() as conn:
            conn.execute(sa.text("update spe_audit set actor = :a where seq = 3"),
                         {"a": original})
    page = Page(carol.get("/spe/audit", params={"verify": "1"}).text)
    assert page.by_id("verify-result").attrs["data-ok"] == "true"


def test_audit_filters_and_paging(site):
    olga = browser(site, "olga")
    table = Page(olga.get("/spe/audit", params={"action": "role.", "actor": "cli"}).text)
    cells = table.find("tr")[1:]
    assert cells and all("role.grant" in r.text and "cli" in r.text for r in cells)
    with site["db"].session() as session:
        grants = sum(e.actor == "cli" for e in audit.entries(session, action="role.grant"))
    assert table.by_id("audit-count").text.split()[0] == str(grants)
    empty = Page(olga.get("/spe/audit", params={"date_to": "2000-01-01"}).text)
    assert empty.by_id("audit-count").text.split()[0] == "0"
    bad = olga.get("/spe/audit", params={"date_from": "yesterday"})
    assert bad.status_code == 422 and "not a date" in Page(bad.text).by_id("err-date_from").text
    with site["db"].session() as session:  # enough entries for a second page
        for i in range(55):
            audit.record(session, "system", "test.paging", f"item:{i}")
    first = Page(olga.get("/spe/audit", params={"action": "test.paging"}).text)
    assert len(first.by_id("audit-entries").text.split("item:")) - 1 == 50
    older = [a.attrs["href"] for a in first.find("a") if a.attrs.get("rel") == "next"]
    second = Page(olga.get(older[0]).text)
    assert len(second.by_id("audit-entries").text.split("item:")) - 1 == 5


def test_audit_export_zip_holds_the_log_and_a_matching_manifest(site):
    response = browser(site, "olga").get("/spe/audit/export")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert "attachment" in response.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["audit.jsonl", "manifest.json"]
    manifest = json.loads(archive.read("manifest.json"))
    lines = [json.loads(line) for line in archive.read("audit.jsonl").splitlines()]
    assert manifest["verified"] is True and manifest["entries"] == len(lines)
    assert manifest["head_hash"] == lines[-1]["hash"] and lines[-1]["action"] == "audit.export"
    with site["db"].session() as session:
        check = audit.verify(session)
    assert (check.head_seq, check.head_hash) == (manifest["head_seq"], manifest["head_hash"])
