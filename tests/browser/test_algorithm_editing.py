"""Editing an algorithm in the browser: log in as its provider, open the form from the
algorithm's page, clear the version (a violation of MLDCAT-AP), see the error next to the field,
fix it with a new version and task, save, and find the change on the page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

PASSWORD = "a browser test passphrase for algorithms"
PROVIDER = "https://w3id.org/kimed/agent/mgh-martinos"  # SynthStrip and SynthSeg
RECORD = "/algorithms/kimed-alg:synthstrip"
SLOW_MS = 60_000  # a submit runs argon2 or SHACL validation (seconds on a busy machine)


def on(path: str) -> re.Pattern:
    """The URL of ``path`` itself (not a login page whose ``next`` ends with it)."""
    return re.compile(r"^https?://[^/]+" + re.escape(path) + "$")


@pytest.fixture(scope="module")
def provider(live_settings) -> str:
    from kimed.accounts import service
    from kimed.db import Database

    database = Database(live_settings.effective_database_url)
    try:
        with database.session() as session:
            service.create_user(session, "browser-provider", "provider@kimed.example", PASSWORD,
                                role="data_holder", publishers=[PROVIDER])
    finally:
        database.dispose()
    return "browser-provider"


def test_edit_an_algorithm_see_the_error_fix_it_and_save(page, screenshot, provider):
    page.goto("/login?next=" + RECORD)
    page.get_by_label("Username").fill(provider)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(on(RECORD), timeout=SLOW_MS)
    expect(page.get_by_role("link", name="Delete")).to_be_visible(timeout=SLOW_MS)
    screenshot(page, "1-page")
    page.get_by_role("link", name="Edit", exact=True).click()
    page.wait_for_url(on(RECORD + "/edit"))
    version = page.get_by_label("Version")
    assert version.input_value()
    screenshot(page, "2-form")

    version.fill("")
    page.get_by_role("button", name="Save").click()
    error = page.locator("#f-version .field-error")
    error.wait_for(timeout=SLOW_MS)
    assert "dcat:version" in error.inner_text()
    expect(page.locator("#form-errors")).to_be_visible()
    assert page.get_by_label("Version").get_attribute("aria-invalid") == "true"
    screenshot(page, "3-error")

    page.get_by_label("Version").fill("9.9-browser")
    page.get_by_label("Task", exact=True).select_option(
        value="https://w3id.org/kimed/vocab/ai-tasks/detection")
    page.get_by_label("Title (German)").fill("SynthStrip (im Browser bearbeitet)")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(on(RECORD), timeout=SLOW_MS)
    expect(page.locator(".facts")).to_contain_text("9.9-browser")
    expect(page.locator(".badge-task")).to_have_text(["Detection"])
    screenshot(page, "4-saved")

    page.goto(RECORD + "?lang=de")
    expect(page.get_by_role("heading", level=1)).to_have_text("SynthStrip (im Browser bearbeitet)")
    expect(page.get_by_role("link", name="Bearbeiten")).to_be_visible()
    screenshot(page, "5-german")


def test_the_form_works_without_javascript(new_context, screenshot, provider):
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto("/login?next=" + RECORD + "/edit")
    page.get_by_label("Username").fill(provider)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(on(RECORD + "/edit"), timeout=SLOW_MS)
    page.get_by_label("Pipeline").fill("")
    page.get_by_label("Runs in the KIMed SPE").select_option("true")
    page.get_by_role("button", name="Save").click()
    error = page.locator("#f-spe .field-error")
    error.wait_for(timeout=SLOW_MS)
    assert "kimed:pipeline" in error.inner_text()
    screenshot(page, "no-js-error")
