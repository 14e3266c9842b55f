"""The language link: German and back, keeping the page and its query."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

import kimed.web

LOCALES = Path(kimed.web.__file__).parent / "locales"


@pytest.fixture(scope="module")
def texts() -> dict[str, dict]:
    return {lang: tomllib.loads((LOCALES / f"{lang}.toml").read_text(encoding="utf-8"))
            for lang in ("en", "de")}


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def assert_language(page, lang: str, texts: dict) -> None:
    site, home = texts[lang]["site"], texts[lang]["home"]
    assert page.locator("html").get_attribute("lang") == lang
    nav = page.get_by_role("navigation", name=site["nav_label"])
    assert nav.get_by_role("link", name=site["search"], exact=True).is_visible()
    assert nav.get_by_role("link", name=site["publishers"], exact=True).is_visible()
    assert page.locator(".skip-link").inner_text() == site["skip"]
    assert page.get_by_label(home["search_label"]).first.get_attribute("placeholder") == \
        home["search_placeholder"]
    assert page.locator("#lang-switch").inner_text() == site["switch_to"]


def test_switch_home_to_german_and_back(page, screenshot, texts):
    page.goto("/")
    assert_language(page, "en", texts)
    assert page.locator("h1").inner_text() == texts["en"]["home"]["title"]

    page.locator("#lang-switch").click()
    page.wait_for_url(re.compile(r"/\?(.*&)?lang=de(&|$)"))
    assert urlsplit(page.url).path == "/"
    assert_language(page, "de", texts)
    assert page.locator("h1").inner_text() == texts["de"]["home"]["title"]
    assert page.get_by_text(texts["de"]["home"]["categories"]).is_visible()
    assert page.locator("h1").inner_text() == "Gesundheitsdaten für Ihre Forschung finden"
    screenshot(page, "de")

    # the choice is remembered (cookie): a plain link stays German
    page.goto("/publishers")
    assert page.locator("html").get_attribute("lang") == "de"

    page.goto("/")
    page.locator("#lang-switch").click()
    page.wait_for_url(re.compile(r"/\?(.*&)?lang=en(&|$)"))
    assert_language(page, "en", texts)
    assert page.locator("h1").inner_text() == texts["en"]["home"]["title"]
    screenshot(page, "en")


def test_switch_keeps_the_search(page, screenshot, texts):
    page.goto("/search?q=cancer&sort=title")
    # narrow by a facet first, in place (htmx): the language link must follow the new URL
    facet = page.locator("#results a.facet-link[href*='access_rights=']").first
    facet_href = facet.get_attribute("href")
    facet.click()
    page.wait_for_url(lambda url: "access_rights=" in url)
    page.locator("#results a.facet-link.is-selected").wait_for()
    before = query_of(page.url)
    assert query_of(facet_href)["access_rights"] == before["access_rights"]

    page.locator("#lang-switch").click()
    page.wait_for_url(lambda url: query_of(url).get("lang") == ["de"])
    after = query_of(page.url)
    assert urlsplit(page.url).path == "/search"
    assert {k: v for k, v in after.items() if k != "lang"} == before
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("#facets-heading").inner_text() == texts["de"]["search"]["filters"]
    assert " von " in page.locator("#results-heading").inner_text()
    assert page.locator("#sort option:checked").inner_text() == texts["de"]["search"]["sort"]["title"]
    screenshot(page, "search-de")

    page.locator("#lang-switch").click()
    page.wait_for_url(lambda url: query_of(url).get("lang") == ["en"])
    assert {k: v for k, v in query_of(page.url).items() if k != "lang"} == before
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#facets-heading").inner_text() == texts["en"]["search"]["filters"]
