"""The main path through the Portal: search, narrow by a facet, open a record, download its Turtle.

Run once with JavaScript (the facet narrows the results in place, by htmx) and once without (the
facet is an ordinary link that loads the whole page).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from rdflib import RDF, Graph, URIRef

QUERY = "cancer"  # hits several demo records (registries, imaging collections, cohorts)
DCAT_DATASET = URIRef("http://www.w3.org/ns/dcat#Dataset")
COUNT = re.compile(r"of\s+([\d,]+)\s+(?:datasets?|algorithms?|results?)")


def result_total(page) -> int:
    """The total in the results heading ("1–6 of 6 datasets")."""
    text = page.locator("#results-heading").inner_text()
    match = COUNT.search(text)
    assert match, f"no count in the results heading {text!r}"
    return int(match.group(1).replace(",", ""))


def search_from_home(page, screenshot) -> int:
    page.goto("/")
    screenshot(page, "1-home")
    page.get_by_role("searchbox", name="Search the catalogue").fill(QUERY)
    page.get_by_role("searchbox", name="Search the catalogue").press("Enter")
    page.wait_for_url(re.compile(rf"/search\?(.*&)?q={QUERY}(&|$)"))
    page.locator("#results-heading").wait_for()
    total = result_total(page)
    assert total >= 3, f"{QUERY!r} should hit several demo records, got {total}"
    assert page.locator("#results article.hit").count() == min(total, 20)
    screenshot(page, "2-results")
    return total


def narrowing_facet(page, total: int):
    """The first facet value that keeps some hits but not all: (link, count, parameter)."""
    links = page.locator("#results a.facet-link:not(.is-selected)")
    for i in range(links.count()):
        link = links.nth(i)
        count = int(link.locator(".facet-count").inner_text().replace(",", ""))
        if 0 < count < total and link.is_visible():
            params = parse_qs(urlsplit(link.get_attribute("href")).query)
            added = [k for k in params if k not in ("q", "lang")]
            assert len(added) == 1, params
            return link, count, added[0]
    raise AssertionError("no facet value narrows the results")


def open_first_hit(page, screenshot) -> str:
    first = page.locator("#results article.hit .hit-title a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/datasets/[^/?#]+$"))
    assert page.locator("h1").inner_text() == title
    screenshot(page, "4-detail")
    return unquote(urlsplit(page.url).path.rsplit("/", 1)[1])


def dataset_iri(page, identifier: str) -> URIRef:
    answer = page.request.get(f"/api/datasets/{identifier}")
    assert answer.ok, answer.status
    return URIRef(answer.json()["iri"])


def assert_dataset_turtle(text: str, iri: URIRef) -> None:
    graph = Graph().parse(data=text, format="turtle")
    assert (iri, RDF.type, DCAT_DATASET) in graph, f"{iri} is not a dcat:Dataset in the Turtle"


def test_search_facet_detail_download(page, screenshot):
    total = search_from_home(page, screenshot)
    # A marker on window survives only if the facet does not load a new document (htmx swap).
    page.evaluate("window.__kimedMarker = 'same-document'")
    url_before = page.url
    link, count, param = narrowing_facet(page, total)
    label = link.locator(".facet-label").inner_text()
    link.click()
    page.wait_for_url(lambda url: url != url_before and f"{param}=" in url)
    results = page.locator("#results-heading")
    results.filter(has_text=re.compile(rf"of\s+{count}\s+datasets?")).wait_for()
    assert result_total(page) == count < total
    assert page.evaluate("window.__kimedMarker") == "same-document", "facet reloaded the page"
    assert page.locator("#results article.hit").count() == min(count, 20)
    selected = page.locator("#results a.facet-link.is-selected")
    assert selected.count() == 1
    assert selected.locator(".facet-label").inner_text().startswith(label)
    # the language link follows the new URL (swapped out of band)
    assert f"{param}=" in page.locator("#lang-switch").get_attribute("href")
    screenshot(page, "3-facet")

    identifier = open_first_hit(page, screenshot)
    iri = dataset_iri(page, identifier)
    turtle = page.locator("#downloads a", has_text="Turtle")
    assert turtle.get_attribute("href").endswith(".ttl")
    with page.expect_download() as info:
        turtle.click()
    download = info.value
    assert download.suggested_filename.endswith(".ttl")
    assert_dataset_turtle(Path(download.path()).read_text(encoding="utf-8"), iri)


def test_search_path_without_javascript(new_context, screenshot):
    page = new_context(java_script_enabled=False).new_page()
    total = search_from_home(page, screenshot)
    link, count, param = narrowing_facet(page, total)
    href = link.get_attribute("href")
    with page.expect_navigation():
        link.click()
    assert urlsplit(page.url).path + "?" + urlsplit(page.url).query == href
    assert f"{param}=" in page.url
    assert result_total(page) == count < total
    assert page.locator("#results a.facet-link.is-selected").count() == 1
    screenshot(page, "3-facet")

    identifier = open_first_hit(page, screenshot)
    iri = dataset_iri(page, identifier)
    href = page.locator("#downloads a", has_text="Turtle").get_attribute("href")
    answer = page.request.get(href)
    assert answer.ok, answer.status
    assert answer.headers["content-type"].startswith("text/turtle")
    assert_dataset_turtle(answer.text(), iri)
