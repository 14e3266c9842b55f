"""The suitability wizard in a real browser, with and without JavaScript: fill the profile, read
the ranking and the evidence, follow the shared link, compare two datasets, download the JSON, and
the same form in German."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from kimed.catalog.suitability import profile_from_params


def fill_profile(page) -> None:
    page.get_by_label("Conditions", exact=True).fill("I63, EHRS")
    page.get_by_label("Age from").fill("18")
    page.get_by_label("Age to").fill("65")
    page.get_by_label("Countries or regions").fill("DEU")
    page.get_by_label("Purpose (EHDS Art. 53)").select_option("e")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_wizard_ranks_compares_and_shares(new_context, screenshot, javascript):
    page = new_context(java_script_enabled=javascript).new_page()
    page.goto("/")
    page.get_by_role("link", name="Suitability").click()
    page.wait_for_url(re.compile(r"/suitability$"))
    fill_profile(page)
    screenshot(page, "1-form")
    page.get_by_role("button", name="Assess datasets").click()
    # blank fields are dropped: the address is the short, shareable link
    page.wait_for_url(re.compile(r"/suitability\?cond=I63,EHRS&age_min=18&age_max=65&place=DEU"
                                 r"&purpose=e$"))
    items = page.locator("li.suit-item")
    # every dataset is assessed (other browser tests may have added some to the shared server)
    datasets = page.request.get("/api/datasets?per_page=1").json()["total"]
    assert datasets >= 29 and items.count() == datasets
    scores = [float(s.split("/")[0]) for s in page.locator(".suit-score").all_inner_texts()]
    assert scores == sorted(scores, reverse=True)
    first = items.first
    badges = first.locator(".verdicts .verdict").all_inner_texts()
    assert len(badges) == 4 and all(re.search(r"meets|partly|unknown|fails", b) for b in badges)
    evidence = first.locator("details.suit-evidence")
    assert not evidence.locator("ul.checks").first.is_visible()
    evidence.locator("summary").click()
    assert evidence.locator("code", has_text="healthdcatap:").first.is_visible()
    screenshot(page, "2-results")

    share = page.locator("#share-link").get_attribute("href")
    profile = profile_from_params(parse_qs(urlsplit(share).query))
    assert [c.code for c in profile.conditions] == ["I63", "EHRS"] and profile.access.purpose == "e"

    with page.expect_download() as download:
        page.get_by_role("link", name="JSON").first.click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert len(data["datasets"]) == datasets and data["profile"]["places"] == ["DEU"]

    names = [items.nth(i).locator("small").first.inner_text() for i in (0, 1)]
    items.nth(0).get_by_label("Compare").check()
    items.nth(1).get_by_label("Compare").check()
    page.get_by_role("button", name=re.compile("Compare the selected")).click()
    page.wait_for_url(re.compile(r"/suitability/compare\?"))
    headers = page.locator("table.suit-compare thead th").all_inner_texts()
    assert [h for h in headers if names[0] in h] and [h for h in headers if names[1] in h]
    assert page.locator("table.suit-compare tbody td > span.verdict").count() == 8
    screenshot(page, "3-compare")


def test_wizard_refuses_a_bad_profile_and_speaks_german(page, screenshot):
    page.goto("/suitability?lang=de")
    page.get_by_label("Alter von").fill("70")
    page.get_by_label("Alter bis").fill("30")
    page.get_by_role("button", name="Datensätze bewerten").click()
    alert = page.get_by_role("alert")
    assert "population.age_min" in alert.inner_text()
    assert "Regel" in alert.inner_text()
    assert page.get_by_label("Alter von").input_value() == "70"  # what was typed stays
    screenshot(page, "1-refused-de")


def test_dataset_page_leads_to_the_wizard(page, screenshot):
    page.goto("/datasets/kimed:nako")
    page.locator("#check-suitability").click()
    page.wait_for_url(re.compile(r"/suitability/compare\?ids=kimed"))
    page.get_by_label("Conditions", exact=True).fill("EHRS")
    page.get_by_role("button", name="Assess datasets").click()
    page.wait_for_url(re.compile(r"cond=EHRS"))
    assert "kimed:nako" in page.url
    assert page.locator("table.suit-compare td > span.verdict-fails").count() == 1
    screenshot(page, "1-nako")
