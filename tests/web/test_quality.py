"""The quality dashboard, the dataset page's score, the JSON API and the DQV download, over the
demo catalogue plus our three hand-computed records (tests/data/quality), on both databases."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from kimed.catalog.importer import import_files
from kimed.catalog.namespaces import DQV
from kimed.catalog.rdfio import from_ntriples
from kimed.catalog.store import find_dataset
from kimed.db import Database
from kimed.settings import Settings
from tests.web.html import Page, check_accessible

QUALITY_DATA = Path(__file__).parents[1] / "data" / "quality"
KQ = "https://w3id.org/kimed/quality#"


@pytest.fixture(scope="module")
def qportal(portal, portal_url):
    """The module's portal (demo catalogue) with the three quality test records added."""
    database = Database(portal_url)
    with database.session() as session:
        import_files(session, [QUALITY_DATA / f"{n}.ttl" for n in ("full", "partial", "bare")])
    database.dispose()
    return portal


@pytest.fixture
def qclient(qportal):
    """The client without cookies, so a language chosen in one test stays there."""
    qportal.cookies.clear()
    yield qportal
    qportal.cookies.clear()


def html(client, url: str, status: int = 200) -> Page:
    response = client.get(url)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return Page(response.text)


def test_api_dataset_quality_hand_computed(qclient):
    data = qclient.get("/api/datasets/quality-partial/quality").json()
    assert data["points"] == 131.25 and data["band"] == "sufficient" and data["max"] == 405
    assert data["unchecked"] == 57.5 and data["links_checked"] is False
    assert data["health"] == {"points": 20, "max": 100}
    dims = {d["dimension"]: d["points"] for d in data["dimensions"]}
    assert dims["interoperability"] == 36.25 and dims["contextuality"] == 7.5
    theme = next(e for e in data["explanations"] if e["metric"] == "theme")
    assert theme["text"] == "Add dcat:theme to gain 30 points."
    assert theme["property_iri"] == "http://www.w3.org/ns/dcat#theme" and theme["missing"] == 30
    assert len(data["metrics"]) == 23 + 13
    full = qclient.get("/api/datasets/quality-full/quality").json()
    assert full["points"] == 325 and full["explanations"] == []


def test_api_unknown_dataset_is_404(qclient):
    response = qclient.get("/api/datasets/kimed:nothing/quality")
    assert response.status_code == 404
    assert response.json()["detail"][0]["loc"] == ["path", "identifier"]


def test_api_summary_whole_and_per_publisher(qclient):
    data = qclient.get("/api/quality").json()
    total = data["summary"]["datasets"]
    assert total == len(data["datasets"]) == 29 + 3
    assert sum(data["summary"]["bands"].values()) == total
    assert sum(b["count"] for b in data["summary"]["histogram"]) == total
    by_id = {d["identifier"]: d for d in data["datasets"]}
    assert by_id["quality-bare"]["points"] == 0 and by_id["quality-bare"]["band"] == "bad"
    slug = next(p["slug"] for p in qclient.get("/api/publishers").json()
                if p["value"] == "https://quality.kimed.example/publisher")
    one = qclient.get(f"/api/quality?publisher={slug}").json()
    assert [d["identifier"] for d in one["datasets"]] == ["quality-full"]
    assert one["publisher"] == "https://quality.kimed.example/publisher"
    assert one["summary"]["bands"]["good"] == 1


def test_api_unknown_publisher_names_field_and_rule(qclient):
    response = qclient.get("/api/quality?publisher=nobody-at-all")
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["query", "publisher"]
    assert "nobody-at-all" in detail["msg"] and "slug" in detail["rule"]


def test_dashboard_renders_charts(qclient):
    page = html(qclient, "/quality")
    check_accessible(page)
    charts = page.find("svg")
    assert len(charts) == 2 and all(c.attrs["role"] == "img" for c in charts)
    histogram = charts[0]
    bars = [e for e in histogram.children if e.tag == "rect"]
    assert len(bars) == 9  # 0-45, ..., 360-405
    counts = [int(e.text) for e in histogram.children if e.attrs.get("class") == "chart-value"]
    assert sum(counts) == 32
    missing_labels = [e.text for e in charts[1].children if e.attrs.get("class") == "chart-label"]
    assert any("dcat:downloadURL" in label for label in missing_labels)
    rows = page.one("section", **{"aria-labelledby": "datasets-h"}).children
    assert rows  # the table is there
    assert "/datasets/quality-partial#group-quality" in page.links()
    assert "131.25" in page.text()


def test_dashboard_in_german(qclient):
    page = html(qclient, "/quality?lang=de")
    assert page.one("h1").text.strip() == "Metadatenqualität"
    assert "Verteilung der Punktzahlen" in page.text()
    assert "Am häufigsten fehlende Eigenschaften" in page.text()


def test_publisher_dashboard(qclient):
    slug = next(p["slug"] for p in qclient.get("/api/publishers").json()
                if p["value"] == "https://quality.kimed.example/publisher")
    page = html(qclient, f"/publishers/{slug}/quality")
    check_accessible(page)
    assert "Quality Test Publisher" in page.one("h1").text
    assert "/datasets/quality-full#group-quality" in page.links()
    assert "/datasets/quality-partial#group-quality" not in page.links()
    same = html(qclient, f"/quality?publisher={slug}")
    assert same.one("h1").text == page.one("h1").text
    html(qclient, "/publishers/nobody-at-all/quality", 404)
    error = html(qclient, "/quality?publisher=nobody-at-all", 422)
    assert "publisher" in error.text() and "nobody-at-all" in error.text()


def test_publisher_dashboard_highlights_quality_in_the_nav(qclient):
    """Regression: /publishers/{slug}/quality marked "Publishers" as the current page."""
    slug = next(p["slug"] for p in qclient.get("/api/publishers").json()
                if p["value"] == "https://quality.kimed.example/publisher")

    def current(url: str) -> list[str]:
        nav = {"/", "/search", "/algorithms", "/suitability", "/publishers", "/quality",
               "/api/docs"}  # the site's navigation (the page may mark its own tabs too)
        return [a.attrs["href"] for a in html(qclient, url).find("a")
                if "aria-current" in a.attrs and a.attrs["href"] in nav]

    assert current(f"/publishers/{slug}/quality") == ["/quality"]
    assert current(f"/publishers/{slug}") == ["/publishers"]
    assert current("/publishers") == ["/publishers"]
    assert current("/quality") == ["/quality"]

def test_dataset_page_shows_score_band_and_what_to_add(qclient):
    page = html(qclient, "/datasets/quality-partial")
    section = page.text()
    assert "131.25 of 405 points" in section and "Sufficient" in section
    assert "Add dcat:theme to gain 30 points." in section
    assert "57.5 points are unchecked" in section
    assert "/datasets/quality-partial/quality.ttl" in page.links()
    german = html(qclient, "/datasets/quality-partial?lang=de").text()
    assert "131.25 von 405 Punkten" in german and "Ausreichend" in german
    assert "Ergänzen Sie dcat:theme, um 30 Punkte zu gewinnen." in german
    full = html(qclient, "/datasets/quality-full?lang=en").text()
    assert "Nothing to add: every metric is met." in full


def test_dqv_download_and_lossless_default(qclient, portal_url):
    response = qclient.get("/datasets/quality-partial/quality.ttl")
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "text/turtle")
    g = Graph().parse(data=response.text, format="turtle")
    totals = [m for m in g.subjects(DQV.isMeasurementOf, URIRef(KQ + "mqaPoints"))]
    assert len(totals) == 1 and float(g.value(totals[0], DQV.value)) == 131.25
    assert (totals[0], RDF.type, DQV.QualityMeasurement) in g
    assert g.value(totals[0], DQV.computedOn) == URIRef("https://quality.kimed.example/partial")
    plain = Graph().parse(data=qclient.get("/datasets/quality-partial.ttl").text, format="turtle")
    database = Database(portal_url)
    with database.session() as session:
        stored = from_ntriples(find_dataset(session, "quality-partial").graph_nt)
    database.dispose()
    assert isomorphic(plain, stored)  # the plain download stays the record alone
    assert not set(plain.subjects(RDF.type, DQV.QualityMeasurement))
    assert qclient.get("/datasets/quality-partial/quality.pdf").status_code == 404


def test_pages_read_cached_link_results_when_enabled(qclient, tmp_path):
    cache = tmp_path / "quality-links.json"
    now = time.time()
    entry = {"status": 200, "reason": "ok", "checked_at": now, "reachable": True}
    cache.write_text(json.dumps({"links": {
        "http://links.quality.test/ok": {**entry, "url": "http://links.quality.test/ok"},
        "http://links.quality.test/missing": {**entry, "url": "http://links.quality.test/missing",
                                              "reachable": False, "status": 404,
                                              "reason": "http 404"}}}), encoding="utf-8")
    state = qclient.app.state
    before = state.settings
    try:
        state.settings = Settings(database_url=before.database_url, data_dir=tmp_path)
        off = qclient.get("/api/datasets/quality-partial/quality").json()
        assert off["unchecked"] == 57.5  # the setting is off: the cache is not read
        state.settings = Settings(database_url=before.database_url, data_dir=tmp_path,
                                  quality_check_links=True)
        on = qclient.get("/api/datasets/quality-partial/quality").json()
    finally:
        state.settings = before
    metrics = {m["metric"]: m for m in on["metrics"]}
    assert metrics["access_url_reachable"]["gained"] == 37.5
    assert metrics["access_url_reachable"]["missing"] == 12.5
    assert on["unchecked"] == 0 and on["points"] == 131.25 + 37.5 + 7.5
