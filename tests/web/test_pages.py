"""The HTML pages: home, results (with htmx), dataset detail, publishers, languages, errors."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

from kimed.vocab import get_vocabulary, lookup
from tests.web.html import Page, check_accessible

HC = "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/"
PUBLIC = "http://publications.europa.eu/resource/authority/access-right/PUBLIC"


def page(client, url: str, **headers) -> Page:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return Page(response.text)


def api_total(client, url: str) -> int:
    return client.get(url).json()["total"]


def test_home_lists_all_17_categories_with_counts(client):
    home = page(client, "/")
    check_accessible(home)
    tiles = home.find("li", class_="tile") + home.find("li", class_="tile tile-empty")
    assert len(tiles) == len(get_vocabulary("health-categories")) == 17
    counts = {}
    for tile in tiles:
        link = tile.children[0]
        uri = dict(parse_qsl(urlsplit(link.attrs["href"]).query))["health_category"]
        count = next(c for c in link.children if c.attrs.get("class") == "tile-count").text
        counts[uri] = int(count.split()[0])
    assert counts[HC + "EHRS"] == api_total(client, f"/api/datasets?health_category={HC}EHRS")
    assert counts[HC + "EHRS"] > 1
    assert counts[HC + "WELA"] == 0
    assert sum(counts.values()) >= 29  # every demo record has at least one category
    newest = home.find("article")
    assert 1 <= len(newest) <= 6
    assert home.find("input", id="home-q")


def test_search_facet_narrows_results_and_counts_are_right(client):
    everything = page(client, "/search?per_page=100")
    check_accessible(everything)
    assert len(everything.find("article")) == 29 + 26  # the demo datasets and algorithms
    facet_link = next(a for a in everything.find("a") if "access_rights=" in a.attrs.get("href", "")
                      and PUBLIC.replace(":", "%3A").replace("/", "%2F") in a.attrs["href"])
    shown = int(next(c for c in facet_link.children if c.attrs.get("class") == "facet-count").text)
    narrowed = page(client, facet_link.attrs["href"])
    hits = narrowed.find("article")
    assert 0 < len(hits) == shown < 29  # access rights: datasets only
    assert all("badge-public" in str([c.attrs for c in h.children[1].children]) for h in hits)
    selected = narrowed.find("a", class_="facet-link is-selected")
    assert len(selected) == 1
    # the selected value's link removes the filter again
    assert "access_rights" not in selected[0].attrs["href"]
    # the filter travels in the form, so new words keep it
    hidden = [e.attrs for e in narrowed.find("input", type="hidden")]
    assert {"type": "hidden", "name": "access_rights", "value": PUBLIC} in hidden


def test_search_words_sort_and_pages(client):
    first = page(client, "/search?sort=title&per_page=10&type=dataset")
    titles = [a.children[0].text for a in first.find("article")]
    assert titles == sorted(titles, key=str.casefold)
    nav = first.one("nav", class_="pagination")
    assert "page=2" in " ".join(a.attrs.get("href", "") for a in first.find("a", rel="next"))
    assert nav.attrs["aria-label"]
    last = page(client, "/search?sort=title&per_page=10&page=3&type=dataset")
    assert len(last.find("article")) == 9 and not last.find("a", rel="next")
    mri = page(client, "/search?q=MRI")
    assert any("MRI" in a.text for a in mri.find("article"))
    assert mri.one("input", id="q").attrs["value"] == "MRI"


def test_htmx_request_gets_the_results_fragment(client):
    full = client.get("/search?q=MRI")
    partial = client.get("/search?q=MRI", headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.text and "<html" in full.text
    assert 'class="results-layout"' in partial.text and "hx-swap-oob" in partial.text
    fragment = Page(partial.text)
    assert len(fragment.find("article")) == len(Page(full.text).find("article")) > 0
    assert partial.headers["vary"].count("HX-Request")
    restore = client.get("/search?q=MRI", headers={"HX-Request": "true",
                                                   "HX-History-Restore-Request": "true"})
    assert "<html" in restore.text
    form = Page(full.text).one("form", id="search-form")
    assert form.attrs["hx-get"] == "/search" and form.attrs["hx-push-url"] == "true"
    assert form.attrs["action"] == "/search"  # works without JavaScript too


def test_language_switch_renders_german_and_keeps_the_query(client):
    english = page(client, "/search?q=Kohorte")
    switch = english.one("a", id="lang-switch")
    target = switch.attrs["href"]
    assert dict(parse_qsl(urlsplit(target).query)) == {"q": "Kohorte", "lang": "de"}
    german = client.get(target)
    doc = Page(german.text)
    assert doc.one("html").attrs["lang"] == "de"
    for word in ("Suchergebnisse", "Sortieren nach", "Zugangsrechte", "Herausgeber"):
        assert word in german.text
    assert german.cookies.get("lang") == "de" or client.cookies.get("lang") == "de"
    back = doc.one("a", id="lang-switch").attrs["href"]
    assert dict(parse_qsl(urlsplit(back).query)) == {"q": "Kohorte", "lang": "en"}
    # the cookie now carries German to pages without ?lang
    assert Page(client.get("/").text).one("html").attrs["lang"] == "de"


def test_accept_language_chooses_german(client):
    home = page(client, "/", **{"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert home.one("html").attrs["lang"] == "de"
    assert "Gesundheitsdatenkategorie" in home.html
    assert page(client, "/", **{"Accept-Language": "fr, en;q=0.3"}).one("html").attrs["lang"] == "en"


def test_detail_page_groups_labels_and_downloads(client):
    response = client.get("/datasets/kimed:nako")
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]
    doc = Page(response.text)
    check_accessible(doc)
    for group in ("group-what", "group-who", "group-coverage", "group-coding", "group-access",
                  "group-quality"):
        assert doc.by_id(group).tag == "section"
    text = response.text
    for name in ("Health data categories", "Publisher", "Health data access body",
                 "Number of individuals", "Age range", "Time covered", "Coding systems",
                 "Access rights", "Applicable legislation", "Legal basis", "Distributions",
                 "Quality annotations", "Validation against HealthDCAT-AP"):
        assert name in text, name
    nako = client.get("/api/datasets/kimed:nako").json()
    for uri in nako["record"]["health_categories"]:
        assert lookup(uri).label("en") in text
    assert "Warnings" in text and nako["warnings"] > 0
    german = client.get("/datasets/kimed:nako?lang=de").text
    for uri in nako["record"]["health_categories"]:
        assert lookup(uri).label("de") in german
    assert "Zugangsrechte" in german and "Abdeckung" in german
    links = doc.links()
    for suffix in (".ttl", ".jsonld", ".rdf"):
        assert f"/datasets/kimed:nako{suffix}" in links


def test_schema_org_jsonld_is_embedded(client):
    doc = Page(client.get("/datasets/kimed:openneuro-ds000001").text)
    scripts = doc.find("script", type="application/ld+json")
    assert len(scripts) == 1
    data = json.loads(scripts[0].text)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Dataset"
    for key in ("name", "description", "identifier", "url", "publisher", "creator",
                "keywords", "license", "distribution"):
        assert data.get(key), key
    assert data["identifier"] == "kimed:openneuro-ds000001"
    assert data["url"].endswith("/datasets/kimed:openneuro-ds000001")
    assert data["distribution"][0]["@type"] == "DataDownload"
    with_time = json.loads(Page(client.get("/datasets/kimed:nako").text)
                           .find("script", type="application/ld+json")[0].text)
    assert "/" in with_time["temporalCoverage"]


def test_publishers_list_and_page(client):
    doc = page(client, "/publishers")
    check_accessible(doc)
    rows = doc.find("tr")[1:]
    assert len(rows) >= 20
    physionet = next(a for a in doc.find("a") if a.attrs.get("href") == "/publishers/physionet")
    assert "PhysioNet" in physionet.text
    detail = page(client, "/publishers/physionet")
    check_accessible(detail)
    assert len(detail.find("article")) == 5
    assert client.get("/publishers/nobody").status_code == 404


def test_unknown_dataset_gives_a_404_page(client):
    response = client.get("/datasets/kimed:no-such-thing")
    assert response.status_code == 404
    doc = Page(response.text)
    check_accessible(doc)
    assert "kimed:no-such-thing" in response.text


def test_bad_search_parameter_names_it_on_the_page(client):
    response = client.get("/search?age_min=old")
    assert response.status_code == 422
    assert "age_min" in response.text and "whole number" in response.text
    check_accessible(Page(response.text))


def test_every_page_is_accessible_and_static_files_are_local(client):
    for url in ("/", "/search", "/search?q=Diabetes&lang=de", "/publishers", "/api/docs",
                "/datasets/kimed:life-adult"):
        doc = page(client, url)
        check_accessible(doc)
        for element in doc.find("script") + doc.find("link"):
            source = element.attrs.get("src") or element.attrs.get("href") or ""
            assert urlsplit(source).netloc in ("", "testserver"), source
    css = client.get("/static/css/tokens.css")
    assert css.status_code == 200 and "--color-text" in css.text
    assert client.get("/static/vendor/htmx.min.js").status_code == 200
