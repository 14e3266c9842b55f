"""The suitability wizard, its downloads and the JSON API, over the demo catalogue on both
databases."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from kimed.catalog.suitability import load_profile, profile_from_params, profile_query
from tests.catalog.suitability.conftest import PROFILE
from tests.web.html import Page, check_accessible


def test_empty_wizard_in_both_languages(client):
    for lang, heading in (("en", "Research profile"), ("de", "Forschungsprofil")):
        response = client.get(f"/suitability?lang={lang}")
        assert response.status_code == 200
        page = Page(response.text)
        check_accessible(page)
        assert heading in response.text
        assert page.find("form", method="get", action="/suitability")
        assert not page.find("ol", class_="suit-list")
        assert len(page.find("fieldset")) == 8


def test_blank_fields_redirect_to_the_short_link(client):
    response = client.get("/suitability?cond=I63&age_min=&age_max=&sex=any&place=DEU&freq=",
                          follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/suitability?cond=I63&place=DEU"


def test_results_are_ranked_with_badges_evidence_and_links(client):
    query = "cond=EHRS&place=DEU&std=FHIR"
    page = Page(client.get(f"/suitability?{query}").text)
    check_accessible(page)
    items = page.find("li", class_="card suit-item")
    assert len(items) == 29
    scores = [float(s.text.split("/")[0]) for s in page.find("span", class_="suit-score")]
    assert scores == sorted(scores, reverse=True)
    # EHRS, DEU and FHIR: the MII core data set is the only one meeting all three
    first = items[0].children[0].children[1].children[0]
    assert first.attrs["href"] == "/datasets/kimed:mii-kds-fdpg"
    badges = {e.attrs["class"] for e in page.find("span") if "verdict " in
              e.attrs.get("class", "") + " "}
    assert {"verdict verdict-meets", "verdict verdict-fails", "verdict verdict-unknown"} <= badges
    assert page.by_id("share-link").attrs["href"] == f"/suitability?{query}"
    assert f"/suitability/report.md?{query}" in page.links()
    assert f"/suitability/report.json?{query}" in page.links()
    assert "healthdcatap:healthCategory" in page.html  # evidence names the property
    assert page.find("form", action="/suitability/compare")


def test_german_results(client):
    html = client.get("/suitability?cond=EHRS&lang=de").text
    assert "erfüllt" in html and "nicht erfüllt" in html and "Belege" in html


def test_bad_profile_page_names_field_and_rule(client):
    response = client.get("/suitability?age_min=70&age_max=30&purpose=h")
    assert response.status_code == 422
    text = Page(response.text).text()
    assert "population.age_min" in text and "age_min <= age_max" in text
    assert "access.purpose" in text and "2025/327" in text


def test_compare_page_and_its_limit(client):
    ids = "kimed:nako,kimed:mimic-iv"
    page = Page(client.get(f"/suitability/compare?cond=I63&ids={ids}").text)
    check_accessible(page)
    headers = [th.text for th in page.find("th", scope="col")]
    assert len(headers) == 3
    assert "verdict-partly" in page.html and "verdict-unknown" in page.html
    response = client.get("/suitability/compare?cond=I63&ids=a,b,c,d,e")
    assert response.status_code == 422
    assert "at most 4" in response.text


def test_dataset_page_links_to_the_wizard(client):
    page = Page(client.get("/datasets/kimed:nako").text)
    href = page.by_id("check-suitability").attrs["href"]
    assert href.startswith("/suitability/compare?ids=kimed")
    assert client.get(href).status_code == 200
    assert "/suitability" in Page(client.get("/").text).links()


def test_downloads(client):
    profile = load_profile(PROFILE)
    query = profile_query(profile)
    md = client.get(f"/suitability/report.md?{query}")
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert "attachment" in md.headers["content-disposition"]
    assert "# Suitability assessment: Stroke in women (test)" in md.text
    data = client.get(f"/suitability/report.json?{query}&ids=kimed:nako").json()
    assert [d["identifier"] for d in data["datasets"]] == ["kimed:nako"]
    assert data["weights"]["conditions"] == 4.0
    link = urlsplit(md.text.split("Link: `", 1)[1].split("`", 1)[0])
    assert profile_from_params(parse_qs(link.query)) == profile


def test_api_get_post_and_compare(client):
    profile = load_profile(PROFILE)
    by_url = client.get(f"/api/suitability?{profile_query(profile)}&top=3").json()
    by_body = client.post("/api/suitability?top=3",
                          json={"profile": json.loads(profile.model_dump_json())}).json()
    assert by_url["datasets"] == by_body["datasets"] and len(by_url["datasets"]) == 3
    weighted = client.post("/api/suitability", json={
        "profile": {"conditions": ["EHRS"], "places": ["DEU"]},
        "weights": {"conditions": 0}}).json()
    assert weighted["weights"]["conditions"] == 0.0
    top = weighted["datasets"][0]
    assert {r["criterion"]: r["verdict"] for r in top["results"]}["geography"] == "meets"
    assert top["score"] == 100.0  # conditions weigh nothing, the place meets
    compared = client.get("/api/suitability/compare?ids=kimed:nako,kimed:ship&cond=I63").json()
    assert [d["identifier"] for d in compared["datasets"]] == ["kimed:nako", "kimed:ship"]


def test_api_errors_name_field_and_rule(client):
    response = client.post("/api/suitability", json={"profile": {"population": {
        "age_min": 70, "age_max": 3}}})
    assert response.status_code == 422
    assert response.json()["detail"][0] == {"loc": ["body", "population", "age_min"],
                                            "msg": "must be <= population.age_max (70 > 3)",
                                            "rule": "age_min <= age_max"}
    response = client.post("/api/suitability", json={"weights": {"luck": 2}})
    assert response.json()["detail"][0]["loc"] == ["body", "weights", "luck"]
    response = client.get("/api/suitability/compare?ids=a,b,c,d,e")
    assert response.status_code == 422
    assert response.json()["detail"][0]["rule"] == "at most 4 datasets"
    response = client.get("/api/suitability?cond=XYZ")
    assert response.json()["detail"][0]["loc"][:2] == ["query", "conditions"]


def test_openapi_describes_suitability(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "post" in paths["/api/suitability"] and "get" in paths["/api/suitability"]
    assert "ids" in json.dumps(paths["/api/suitability/compare"])
