"""Editing a record in the browser: log in as its data holder, break the title, see the error
next to the field, fix it, save, and find the new title on the record's page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

PASSWORD = "a browser test passphrase"
PUBLISHER = "https://tests.kimed.example/publisher"
RECORD = "/datasets/test-heart-1"
SLOW_MS = 60_000  # a submit runs argon2 or SHACL validation (seconds on a busy machine)


@pytest.fixture(scope="module")
def holder(live_settings) -> str:
    """A data holder bound to the publisher of a small test record added for this module."""
    from kimed.accounts import service
    from kimed.catalog.importer import import_files
    from kimed.db import Database

    database = Database(live_settings.effective_database_url)
    try:
        with database.session() as session:
            import_files(session, [Path(__file__).parents[1] / "data" / "rdf" /
                                   "minimal-public.ttl"])
            service.create_user(session, "browser-holder", "holder@kimed.example", PASSWORD,
                                role="data_holder", publishers=[PUBLISHER])
    finally:
        database.dispose()
    return "browser-holder"


def test_edit_a_record_see_the_error_fix_it_and_save(page, screenshot, holder):
    page.goto(RECORD + "/edit")
    page.wait_for_url(re.compile(r"/login\?next="))  # the form needs a login
    page.get_by_label("Username").fill(holder)
    page.get_by_label("Password").fill(PASSWORD)
    screenshot(page, "1-login")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/datasets/test-heart-1/edit$"), timeout=SLOW_MS)
    expect(page.get_by_text("Signed in as")).to_be_visible(timeout=SLOW_MS)
    title = page.get_by_label("Title (English)")
    assert title.input_value() == "Heart failure registry test"
    screenshot(page, "2-form")

    title.fill("")
    page.get_by_label("Title (German)").fill("")
    page.get_by_role("button", name="Save").click()
    error = page.locator("#f-title .field-error")
    error.wait_for(timeout=SLOW_MS)
    assert "dct:title" in error.inner_text() and "PUBLIC" in error.inner_text()
    expect(page.locator("#form-errors")).to_be_visible()
    assert page.get_by_label("Title (English)").get_attribute("aria-invalid") == "true"
    screenshot(page, "3-error")

    page.get_by_label("Title (English)").fill("Heart failure registry (edited in a browser)")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/datasets/test-heart-1$"), timeout=SLOW_MS)
    assert page.get_by_role("heading", level=1).inner_text() == \
        "Heart failure registry (edited in a browser)"
    screenshot(page, "4-saved")

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/$"), timeout=SLOW_MS)
    expect(page.get_by_role("link", name="Log in")).to_be_visible(timeout=SLOW_MS)
