"""SPE concept pages and API on the web test fixtures (demo catalogue, both databases)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kimed.spe.requirements import load_catalogue

DATA = Path(__file__).parents[1] / "data" / "spe"


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


def test_requirements_page_filters_and_search(client, cat):
    page = client.get("/spe/requirements")
    assert page.status_code == 200 and all(r.id in page.text for r in cat.requirements)
    must = client.get("/spe/requirements", params={"level": "MUST"}).text
    assert all((r.id in must) == (r.level == "MUST") for r in cat.requirements)
    word = cat.requirements[0].title.split()[-1]
    found = client.get("/spe/requirements", params={"q": word}).text
    assert cat.requirements[0].id in found
    assert client.get("/spe/requirements", params={"level": "SHALL"}).status_code == 422
    de = client.get("/spe/requirements", params={"lang": "de"}).text
    assert "SPE-Anforderungen" in de and 'lang="de"' in de


def test_requirement_page_links_sources(client, cat):
    req = next(r for r in cat.requirements if r.sources.legal)
    page = client.get(f"/spe/requirements/{req.id}")
    assert page.status_code == 200 and req.statement[:30] in page.text
    assert "eur-lex.europa.eu" in page.text or "gesetze-im-internet.de" in page.text
    assert client.get("/spe/requirements/KIM-TEC-XXX-999").status_code == 404


def test_api(client, cat):
    data = client.get("/api/spe/requirements", params={"area": "technical"}).json()
    assert data["total"] == len(cat.filter(area="technical"))
    one = client.get(f"/api/spe/requirements/{cat.requirements[0].id}").json()
    assert one["title"] == cat.requirements[0].title and one["links"]
    missing = client.get("/api/spe/requirements/NOPE")
    assert missing.status_code == 404 and missing.json()["detail"][0]["rule"] == "not_found"
    bad = client.get("/api/spe/requirements", params={"five_safes": "money"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "five_safes"]


def test_crosswalk_page_and_api(client, shared_data):
    api = client.get("/api/spe/crosswalk")
    assert api.status_code == 200
    data = api.json()
    assert data["totals"]["satre"]["statements"] == 185
    assert "text" not in data["statements"][0]
    page = client.get("/spe/crosswalk", params={"status": "uncovered"})
    assert page.status_code == 200 and "spe-totals" in page.text


def test_assessment_upload(client, cat):
    empty = client.get("/spe/assessment")
    assert empty.status_code == 200 and "KIMED_SPE_ASSESSMENT_FILE" in empty.text
    req = cat.requirements[0]
    body = f"deployment: Web SPE\nrequirements:\n  {req.id}: {{score: 2, evidence: [e]}}\n"
    page = client.post("/spe/assessment", files={"file": ("a.yaml", body.encode())})
    assert page.status_code == 200 and "Web SPE" in page.text and "<svg" in page.text
    bad = client.post("/spe/assessment", files={"file": ("a.yaml", b"requirements: [\n")})
    assert bad.status_code == 200 and "malformed YAML" in bad.text


def test_operating_models_page(client):
    page = client.get("/spe/operating-models")
    assert page.status_code == 200
    assert ("spe-matrix" in page.text) != ("spe-models-missing" in page.text)


def test_nav_links_to_spe(client):
    assert 'href="/spe/requirements"' in client.get("/").text


def test_concept_document_pages(client, cat):
    page = client.get("/spe/concept")
    assert page.status_code == 200
    html = page.text
    assert 'href="/spe/concept.md"' in html and 'class="table"' in html  # site layout
    assert all(f'id="{r.id}"' in html for r in cat.requirements)  # every requirement, anchored
    assert f"version {cat.info.version}" in html and '<h2 id="runtime">' in html
    traced = next(r for r in cat.requirements if r.implementation.tests)
    assert traced.implementation.tests[0].split("::")[1] in html
    assert 'href="/spe/concept"' in client.get("/spe/requirements").text  # in the SPE nav
    assert "Konzeptdokument" in client.get("/spe/concept", params={"lang": "de"}).text
    md = client.get("/spe/concept.md")
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert "attachment" in md.headers["content-disposition"]
    assert md.text.startswith("# KIMed Secure Processing Environment: the concept")
    assert all(f'<a id="{r.id}"></a>' in md.text for r in cat.requirements)
    standalone = client.get("/spe/concept.html").text
    assert standalone.startswith("<!doctype html>") and "@media print" in standalone
    chapters = [line for line in md.text.splitlines() if line.startswith("## ")]
    assert len(chapters) > 5 and all(c[3:] in standalone and c[3:] in html for c in chapters)
