"""The SPE's whole path in a browser, every step through the web pages: the principal
investigator creates a project and applies for a data permit naming the data user and the
dataset → an access-committee member approves it → a data holder uploads the dataset → the data
user runs the row-count job and waits for it → requests release of its summary → checker A
approves → the requester cannot review their own output → checker B approves → the requester
downloads the release package, whose checksums verify.

Only the accounts and their SPE roles are set up with the library. Jobs run in the live server's
process, sandboxed by bubblewrap (skipped without it, required under KIMED_REQUIRE_ALL=1); the
vault's master key is a 0600 file set on the live settings for this module only.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from kimed.spe.airlock.package import verify_release
from kimed.spe.sandbox import bwrap_problem
from tests.conftest import need
from tests.spe.jobflow import write_key
from tests.web.accounts import PASSWORD

SLUG = "browser-path"
SLOW_MS = 60_000  # argon2 logins and a sandboxed job on a busy machine
PEOPLE = {"sp-pia": ["principal_investigator"], "sp-alice": ["data_user", "output_checker"],
          "sp-bob": ["output_checker"], "sp-olga": ["spe_operator", "output_checker"],
          "sp-carol": ["access_committee"], "sp-holly": ["data_holder"]}


@pytest.fixture(scope="module")
def spe_people(live_settings, tmp_path_factory):
    """The accounts of PEOPLE with their SPE roles, and a vault master key; nothing else."""
    from kimed.accounts import service
    from kimed.db import Database
    from kimed.spe import roles

    need(bwrap_problem("bwrap") is None, "bubblewrap (bwrap)")
    key = write_key(tmp_path_factory.mktemp("spe-key") / "master.key")
    before = live_settings.spe_master_key_file
    live_settings.spe_master_key_file = key
    database = Database(live_settings.effective_database_url)
    try:
        with database.session() as session:
            for name, granted in PEOPLE.items():
                service.create_user(session, name, f"{name}@example.org", PASSWORD, role="reader")
                for role in granted:
                    roles.grant(session, "cli", name, role)
    finally:
        database.dispose()
    yield sorted(PEOPLE)
    live_settings.spe_master_key_file = before


def log_in(new_context, user: str):
    page = new_context().new_page()
    page.goto("/login")
    page.get_by_label("Username").fill(user)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible(timeout=SLOW_MS)
    return page


def apply_for_permit(new_context, screenshot) -> str:
    """The PI creates project SLUG and applies for a permit (sp-alice; ds-notes); sp-carol of
    the access committee approves it. Returns the permit page's path."""
    today = datetime.now(UTC).date()
    pia = log_in(new_context, "sp-pia")
    pia.goto("/spe/projects")
    pia.get_by_label("Short name").fill(SLUG)
    pia.get_by_label("Title", exact=True).fill("Counting notes")
    pia.get_by_label("Description").fill("How many clinical notes the holder keeps")
    pia.get_by_role("button", name="Create project").click()
    pia.wait_for_url(f"**/spe/projects/{SLUG}")
    expect(pia.get_by_role("heading", level=1)).to_contain_text(SLUG)

    pia.goto(f"/spe/permits/new?project={SLUG}")
    expect(pia.get_by_label("Project", exact=True)).to_have_value(SLUG)
    pia.get_by_label("Data permit holder").fill("Charité – Universitätsmedizin Berlin")
    pia.get_by_label("Purpose (EHDS Art. 53(1))").select_option("scientific_research")
    pia.get_by_label("Description of the purpose").fill(
        "Counting the clinical notes available for a de-identification study")
    pia.get_by_label("Datasets", exact=True).fill("ds-notes")
    pia.get_by_label("Data form").select_option("pseudonymised")
    pia.get_by_label("Named persons").fill("sp-alice")
    pia.get_by_label("Access from").fill(today.isoformat())
    pia.get_by_label("Access until").fill((today + timedelta(days=30)).isoformat())
    pia.get_by_label("Retention until").fill((today + timedelta(days=60)).isoformat())
    pia.get_by_label("Tools").fill("python 3.12")
    pia.get_by_label("Conditions").fill("No linkage with other sources.")
    screenshot(pia, "0a-apply")
    pia.get_by_role("button", name="Submit application").click()
    pia.wait_for_url(re.compile(r"/spe/permits/\d+$"))
    permit_path = "/spe/permits/" + pia.url.rsplit("/", 1)[1]
    expect(pia.locator("#permit-status")).to_have_text("application")
    contents = pia.locator("#permit-contents")
    for text in ("ds-notes", "sp-alice", "sp-pia", "pseudonymised", "Charité"):
        expect(contents).to_contain_text(text)
    expect(pia.locator("#decide-form")).to_have_count(0)  # a PI does not decide
    screenshot(pia, "0b-application")

    # a member of the access committee approves the application
    carol = log_in(new_context, "sp-carol")
    carol.goto(permit_path)
    expect(carol.locator("#permit-status")).to_have_text("application")
    carol.get_by_label("Reasoned note").fill("Purpose and data are proportionate.")
    carol.get_by_role("button", name="Approve").click()
    carol.wait_for_url(f"**{permit_path}")
    expect(carol.locator("#permit-status")).to_have_text("active")
    expect(carol.locator("#permit-contents")).to_contain_text("sp-carol")
    expect(carol.locator("#permit-history")).to_contain_text("approve")
    screenshot(carol, "0c-approved")
    return permit_path


def test_permit_upload_job_request_two_reviews_download(new_context, screenshot, spe_people,
                                                        tmp_path):
    apply_for_permit(new_context, screenshot)

    # the data holder uploads the dataset the permit names
    holly = log_in(new_context, "sp-holly")
    holly.goto(f"/spe/projects/{SLUG}/upload")
    notes = tmp_path / "notes.csv"
    notes.write_text("id,text\n1,fever\n2,cough\n3,rash\n4,fever\n")
    holly.get_by_label("Dataset").select_option("ds-notes")
    holly.get_by_label("Files").set_input_files(str(notes))
    holly.get_by_role("button", name="Upload").click()
    expect(holly.locator("#upload-done")).to_contain_text("ds-notes")
    expect(holly.locator("#spe-held")).to_contain_text("sp-holly")
    screenshot(holly, "1-upload")

    # the data user runs the row-count job and waits for it (htmx polls, then reloads)
    alice = log_in(new_context, "sp-alice")
    alice.goto(f"/spe/projects/{SLUG}/jobs")
    alice.get_by_label("Pipeline").select_option("row-count")
    expect(alice.get_by_label("ds-notes")).to_be_checked()
    screenshot(alice, "2-submit")
    alice.get_by_role("button", name="Run job").click()
    alice.wait_for_url(re.compile(r"/spe/jobs/[0-9a-f]{32}$"))
    expect(alice.locator("#job-status .spe-status-succeeded")).to_be_visible(timeout=SLOW_MS)
    expect(alice.get_by_text("UNSANDBOXED")).to_have_count(0)
    screenshot(alice, "3-job-done")

    # ... and asks for its summary to be released
    alice.get_by_role("checkbox", name="summary.json", exact=True).check()
    alice.get_by_label("Purpose").fill("counts for the paper")
    alice.get_by_role("button", name="Request release").click()
    alice.wait_for_url(re.compile(r"/spe/airlock/[0-9a-f]+$"))
    request_url = alice.url
    expect(alice.locator(".spe-verdict-pass").first).to_be_visible()
    screenshot(alice, "4-request")

    # checker A approves from the queue
    bob = log_in(new_context, "sp-bob")
    bob.goto("/spe/airlock")
    bob.locator("#spe-queue").get_by_role("link", name=request_url.rsplit("/", 1)[1][:12]).click()
    bob.wait_for_url(request_url)
    bob.get_by_role("button", name="Approve").click()
    expect(bob.locator("#decisions")).to_contain_text("sp-bob: approved")
    screenshot(bob, "5-first-approval")

    # the requester is a checker too, but may not review their own output
    alice.goto(request_url)
    expect(alice.locator("#download-release")).to_have_count(0)
    alice.get_by_label("Reason or justification").fill("I checked it myself")
    alice.get_by_role("button", name="Approve").click()
    expect(alice.locator("#spe-error")).to_contain_text("no self-review")
    screenshot(alice, "6-self-review-refused")

    # checker B approves: two approvals release it
    olga = log_in(new_context, "sp-olga")
    olga.goto(request_url)
    olga.get_by_role("button", name="Approve").click()
    expect(olga.locator(".lead .spe-status-approved")).to_be_visible()
    screenshot(olga, "7-approved")

    # the requester downloads the release package
    alice.goto(request_url)
    screenshot(alice, "8-download")
    with alice.expect_download() as info:
        alice.locator("#download-release").click()
    path = tmp_path / "release.zip"
    info.value.save_as(path)
    with zipfile.ZipFile(path) as zf:
        contents = {name: zf.read(name) for name in zf.namelist()}
    sums = dict(reversed(line.split("  ", 1))
                for line in contents["SHA256SUMS"].decode("ascii").splitlines())
    assert {"files/summary.json", "release.json"} <= set(sums)
    for name, digest in sums.items():
        assert hashlib.sha256(contents[name]).hexdigest() == digest, name
    assert verify_release(path) == []
