"""Editing records in the Portal: who may write (form and API), the form's round trip, problems
shown on their fields, saving with findings, and the JSON API for scripts."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kimed.catalog.models import DatasetRow
from kimed.catalog.rdfio import from_ntriples
from kimed.db import Database
from tests.web.accounts import (
    NAKO_AGENT,
    OTHER_AGENT,
    create_users,
    csrf_of,
    form_values,
    login,
    new_client,
)
from tests.web.html import Page, check_accessible

NAKO = "kimed:nako"
NAKO_IRI = URIRef("https://w3id.org/kimed/dataset/nako")
DCT_TITLE = URIRef("http://purl.org/dc/terms/title")
HC = "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/"


@pytest.fixture(scope="module")
def users(portal, portal_url):
    return create_users(portal_url)


@pytest.fixture(scope="module")
def browsers(portal, users):
    """A logged-in browser per account."""
    out = {}
    for name in ("admin", "holder", "foreign", "reader"):
        out[name] = new_client(portal)
        assert login(out[name], name).status_code == 303
    return out


def stored(url: str, identifier: str) -> DatasetRow | None:
    database = Database(url)
    with database.session() as session:
        row = session.scalars(sa.select(DatasetRow).where(
            DatasetRow.identifier == identifier)).first()
        if row is not None:
            session.expunge(row)
    database.dispose()
    return row


def edit_page(browser, identifier: str = NAKO):
    response = browser.get(f"/datasets/{identifier}/edit")
    assert response.status_code == 200, response.text[:300]
    return response


def save(browser, values: dict, identifier: str = NAKO):
    return browser.post(f"/datasets/{identifier}/edit", data=values, follow_redirects=False)


def bearer(users, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {users.tokens[name]}"}


# -- who may write -------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["reader", "foreign"])
def test_reader_and_foreign_holder_cannot_write_in_the_form(browsers, users, who):
    before = stored(users.url, NAKO).graph_nt
    browser = browsers[who]
    assert browser.get(f"/datasets/{NAKO}/edit").status_code == 403
    values = form_values(edit_page(browsers["admin"]).text)
    values["csrf_token"] = csrf_of(browser.get("/").text)
    values["title_en"] = "Taken over"
    answer = save(browser, values)
    assert answer.status_code == 403
    assert "may not edit dataset 'kimed:nako'" in Page(answer.text).text()
    assert stored(users.url, NAKO).graph_nt == before


@pytest.mark.parametrize("who", ["reader", "foreign"])
def test_reader_and_foreign_holder_cannot_write_through_the_api(portal, users, who):
    api = new_client(portal)
    before = stored(users.url, NAKO).graph_nt
    answer = api.put(f"/api/datasets/{NAKO}", json={"title_en": "Taken over"},
                     headers=bearer(users, who))
    assert answer.status_code == 403
    detail = answer.json()["detail"][0]
    assert detail["loc"] == ["auth"] and detail["rule"] and who in detail["msg"]
    assert api.delete(f"/api/datasets/{NAKO}", headers=bearer(users, who)).status_code == 403
    assert stored(users.url, NAKO).graph_nt == before


def test_readers_see_no_edit_link_and_cannot_open_the_new_form(browsers):
    assert "/edit" not in browsers["reader"].get(f"/datasets/{NAKO}").text
    assert "/edit" not in browsers["foreign"].get(f"/datasets/{NAKO}").text
    assert f'href="/datasets/{NAKO}/edit"' in browsers["holder"].get(f"/datasets/{NAKO}").text
    assert browsers["reader"].get("/datasets/new").status_code == 403


def test_form_post_without_the_right_csrf_token_is_refused(browsers, users):
    before = stored(users.url, NAKO).graph_nt
    values = form_values(edit_page(browsers["holder"]).text)
    values["title_en"] = "Changed"
    for token in (None, "0" * 64):
        data = {k: v for k, v in values.items() if k != "csrf_token"}
        if token:
            data["csrf_token"] = token
        answer = save(browsers["holder"], data)
        assert answer.status_code == 403 and "security token" in answer.text
    assert stored(users.url, NAKO).graph_nt == before


# -- the form -------------------------------------------------------------------------------------

def test_edit_form_shows_the_record_and_is_accessible(browsers):
    page = Page(edit_page(browsers["holder"]).text)
    check_accessible(page)
    assert page.by_id("in-title_en").attrs["value"].startswith("German National Cohort")
    assert "checked" in next(e for e in page.find("input", name="health_categories")
                             if e.attrs["value"] == HC + "RQSH").attrs
    publisher = page.by_id("in-publisher")
    assert [c.attrs["value"] for c in publisher.children if "selected" in c.attrs] == [NAKO_AGENT]


def test_edit_keeps_every_property_the_form_does_not_touch(browsers, users, portal):
    before = from_ntriples(stored(users.url, NAKO).graph_nt)
    values = form_values(edit_page(browsers["holder"]).text)
    values["title_en"] = "German National Cohort (edited)"
    answer = save(browsers["holder"], values)
    assert answer.status_code == 303, answer.text[:2000]
    assert answer.headers["location"] == f"/datasets/{NAKO}"
    after = from_ntriples(stored(users.url, NAKO).graph_nt)
    _both, only_before, only_after = graph_diff(to_isomorphic(before), to_isomorphic(after))
    assert set(only_before) == {(NAKO_IRI, DCT_TITLE, Literal(
        "German National Cohort (NAKO) - baseline examination", lang="en"))}
    assert set(only_after) == {(NAKO_IRI, DCT_TITLE, Literal(
        "German National Cohort (edited)", lang="en"))}
    hits = portal.get("/api/datasets?q=edited").json()
    assert [h["identifier"] for h in hits["hits"]] == [NAKO]  # re-indexed
    # saving the unchanged form changes nothing at all
    again = save(browsers["holder"], form_values(edit_page(browsers["holder"]).text))
    assert again.status_code == 303
    assert isomorphic(from_ntriples(stored(users.url, NAKO).graph_nt), after)


def test_empty_title_is_shown_on_the_title_field_then_fixed(browsers, users):
    before = stored(users.url, NAKO).graph_nt
    values = form_values(edit_page(browsers["holder"]).text)
    values["title_en"] = values["title_de"] = ""
    answer = save(browsers["holder"], values)
    assert answer.status_code == 422
    page = Page(answer.text)
    title_group = page.by_id("f-title")
    errors = [e for e in page.elements if e.attrs.get("class") == "field-error"
              and e in _descendants(title_group)]
    assert errors, "no error next to the title"
    assert "dct:title" in errors[0].text and "NON_PUBLIC" in errors[0].text
    assert page.by_id("in-title_en").attrs.get("aria-invalid") == "true"
    assert page.by_id("form-errors")
    assert stored(users.url, NAKO).graph_nt == before
    values = form_values(answer.text)  # the form keeps what was typed; fix it and save
    values["title_en"] = "German National Cohort (fixed)"
    assert save(browsers["holder"], values).status_code == 303
    assert stored(users.url, NAKO).title == "German National Cohort (fixed)"


def _descendants(element):
    out = []
    for child in element.children:
        out.append(child)
        out += _descendants(child)
    return out


def test_unreadable_values_are_shown_on_their_fields(browsers, users):
    values = form_values(edit_page(browsers["holder"]).text)
    values.update(min_typical_age="abc", temporal_start="2020-13-01", contact_email="nope")
    answer = save(browsers["holder"], values)
    assert answer.status_code == 422
    page = Page(answer.text)
    for group, words in (("min_typical_age", "whole number"), ("temporal", "YYYY-MM-DD"),
                         ("contact_email", "e-mail")):
        assert words in page.by_id(f"err-{group}").text, group


def test_violation_blocks_until_saved_with_findings(browsers, users):
    values = form_values(edit_page(browsers["admin"], "kimed:life-adult").text)
    values["health_categories"] = []
    answer = save(browsers["admin"], values, "kimed:life-adult")
    assert answer.status_code == 422
    page = Page(answer.text)
    assert "healthdcatap:healthCategory" in page.by_id("err-health_categories").text
    assert page.by_id("in-save_with_findings")
    values["save_with_findings"] = "yes"
    assert save(browsers["admin"], values, "kimed:life-adult").status_code == 303
    row = stored(users.url, "kimed:life-adult")
    assert row.violations >= 1 and row.source == "web"
    assert any(f["path"] == "healthdcatap:healthCategory" for f in row.findings)


def test_holder_creates_a_record_of_their_publisher_only(browsers, users, portal):
    holder = browsers["holder"]
    form = holder.get("/datasets/new")
    assert form.status_code == 200
    check_accessible(Page(form.text))
    values = form_values(form.text)
    assert values["publisher"] == NAKO_AGENT
    values.update(title_en="Holder's new registry", description_en="A registry made in the form.",
                  access_rights="http://publications.europa.eu/resource/authority/access-right/"
                  "PUBLIC", health_categories=[HC + "EHRS"], has_structured_data="false",
                  distribution_access_url="https://example.org/data", contact_email="a@b.org")
    foreign = dict(values, publisher=OTHER_AGENT)
    assert holder.post("/datasets/new", data=foreign).status_code == 403
    answer = holder.post("/datasets/new", data=values, follow_redirects=False)
    assert answer.status_code == 303, answer.text[:3000]
    row = stored(users.url, "kimed:holder-s-new-registry")
    assert row is not None and row.violations == 0 and row.publisher.startswith("NAKO")
    assert portal.get("/api/datasets?q=registry+made").json()["total"] == 1
    again = holder.post("/datasets/new", data=values)
    assert again.status_code == 422 and "exists already" in again.text


# -- the JSON API ---------------------------------------------------------------------------------

TURTLE = """
@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix dcatap: <http://data.europa.eu/r5r/> . @prefix h: <http://healthdataportal.eu/ns/health#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix cv: <http://data.europa.eu/m8g/> .
<https://w3id.org/kimed/agent/nako> a foaf:Agent ; foaf:name "NAKO e.V."@en ;
  cv:contactPoint [ a cv:ContactPoint ; cv:email "office@nako.example" ] .
<https://w3id.org/kimed/dataset/api-made> a dcat:Dataset ;
  dct:identifier "kimed:api-made" ; dct:title "Made by a script"@en ;
  dct:description "Sent as Turtle."@en ;
  dct:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC> ;
  dct:publisher <https://w3id.org/kimed/agent/nako> ; h:hasStructuredData false ;
  dcatap:applicableLegislation <http://data.europa.eu/eli/reg/2025/327/oj> ;
  dcat:theme <http://publications.europa.eu/resource/authority/data-theme/HEAL> ;
  h:healthCategory <HC_EHRS> ; h:hdab <https://w3id.org/kimed/agent/nako> ;
  dcat:distribution <https://w3id.org/kimed/dataset/api-made#d> .
<https://w3id.org/kimed/dataset/api-made#d> a dcat:Distribution ;
  dcat:accessURL <https://example.org/> ;
  dcatap:applicableLegislation <http://data.europa.eu/eli/reg/2025/327/oj> .
""".replace("HC_", HC)


def test_api_create_update_delete_with_a_token(portal, users):
    api = new_client(portal)
    turtle = {"Content-Type": "text/turtle"}
    refused = api.post("/api/datasets", content=TURTLE, headers={**turtle,
                                                                  **bearer(users, "foreign")})
    assert refused.status_code == 403
    made = api.post("/api/datasets", content=TURTLE, headers={**turtle, **bearer(users, "holder")})
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["identifier"] == "kimed:api-made" and body["action"] == "created"
    assert api.get("/api/datasets/kimed:api-made").status_code == 200
    twice = api.post("/api/datasets", content=TURTLE, headers={**turtle,
                                                                **bearer(users, "holder")})
    assert twice.status_code == 409
    changed = api.put("/api/datasets/kimed:api-made", headers=bearer(users, "holder"),
                      json={"keywords_en": ["script", "turtle"], "min_typical_age": 18})
    assert changed.status_code == 200 and changed.json()["action"] == "updated"
    record = api.get("/api/datasets/kimed:api-made").json()["record"]
    assert record["keywords"] == {"en": ["script", "turtle"]} and record["min_typical_age"] == 18
    graph = Graph().parse(data=api.get("/datasets/kimed:api-made.ttl").text, format="turtle")
    assert (URIRef("https://w3id.org/kimed/dataset/api-made#d"), None, None) in graph
    assert api.delete("/api/datasets/kimed:api-made",
                      headers=bearer(users, "holder")).status_code == 204
    assert api.get("/api/datasets/kimed:api-made").status_code == 404
    assert portal.get("/api/datasets?q=script").json()["total"] == 0


def test_api_errors_name_the_field_and_the_rule(portal, users):
    api = new_client(portal)
    admin = bearer(users, "admin")
    bad = api.put(f"/api/datasets/{NAKO}", headers=admin, json={"min_typical_age": "old"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "min_typical_age"]
    assert bad.json()["detail"][0]["rule"] == "xsd:nonNegativeInteger"
    empty = api.put(f"/api/datasets/{NAKO}", headers=admin, json={"title_en": "", "title_de": ""})
    assert empty.status_code == 422
    item = next(d for d in empty.json()["detail"] if d["loc"] == ["body", "title"])
    assert "dct:title" in item["msg"] and "NON_PUBLIC" in item["rule"]
    unknown = api.put(f"/api/datasets/{NAKO}", headers=admin,
                      json={"access_rights": "http://publications.europa.eu/resource/"
                            "authority/access-right/MADE_UP"})
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "access_rights"]
    other = api.put(f"/api/datasets/{NAKO}", headers={**admin, "Content-Type": "text/turtle"},
                    content=TURTLE)
    assert other.status_code == 422 and other.json()["detail"][0]["rule"] == "same dataset IRI"
    media = api.post("/api/datasets", headers={**admin, "Content-Type": "text/plain"},
                     content="hello")
    assert media.status_code == 415
    assert "kimed:nako" in [h["identifier"] for h in
                            portal.get("/api/datasets?per_page=100").json()["hits"]]


def test_admin_may_delete_any_record(portal, users):
    api = new_client(portal)
    assert api.delete("/api/datasets/kimed:ship", headers=bearer(users, "admin")).status_code == 204
    assert stored(users.url, "kimed:ship") is None
    assert api.delete("/api/datasets/kimed:ship", headers=bearer(users, "admin")).status_code == 404
