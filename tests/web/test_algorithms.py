"""Algorithms in the Portal: the listing and its filters, an algorithm's page (groups, evaluation,
linked and could-apply datasets, downloads, schema.org), the algorithms on a dataset's page, the
JSON API, and who may write through it."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from rdflib import Graph
from rdflib.compare import isomorphic

from kimed.accounts import service
from kimed.catalog.algorithms.demo import demo_files
from kimed.catalog.algorithms.models import AlgorithmDatasetRow, AlgorithmRow
from kimed.catalog.rdfio import from_ntriples
from kimed.db import Database
from tests.web.accounts import PASSWORD, create_users
from tests.web.html import Page, check_accessible

TOTALSEG = "kimed-alg:totalsegmentator"
SWIN = "kimed-alg:swin-unetr-brats21"
BRATS = "kimed:brats-2021"
USB = "https://w3id.org/kimed/agent/usb-radiology"
DEMO = {p.stem: p for p in demo_files()}
CARD = Path(__file__).parents[1] / "data" / "algorithms" / "hf-chest-xray" / "README.md"
GROUPS = ["group-what", "group-who", "alg-group-use", "alg-group-evidence",
          "alg-group-regulatory", "alg-group-data", "alg-group-spe", "group-quality"]


def stored_graph(demo_algorithm_rows, identifier: str) -> Graph:
    rows, _links = demo_algorithm_rows
    return from_ntriples(next(r for r in rows if r["identifier"] == identifier)["graph_nt"])


def cards(html: str) -> list[str]:
    page = Page(html)
    return [a.attrs["href"] for art in page.find("article") for a in art.children
            if a.tag == "h3" for a in a.children if a.tag == "a"]


# --- listing --------------------------------------------------------------------------------

def test_listing_shows_every_algorithm_with_badges(client, demo_algorithm_rows):
    response = client.get("/algorithms?lang=en")
    assert response.status_code == 200
    page = Page(response.text)
    check_accessible(page)
    shown = cards(response.text)
    assert len(shown) == len(demo_algorithm_rows[0]) == 26
    assert f"/algorithms/{TOTALSEG}" in shown
    assert "Segmentation" in page.text() and "Radiological images" in page.text()
    assert page.one("a", href="/algorithms").attrs.get("aria-current") == "page"


def test_listing_filters_by_task_modality_and_spe(client):
    seg = cards(client.get("/algorithms?task=segmentation&lang=en").text)
    assert f"/algorithms/{TOTALSEG}" in seg and f"/algorithms/{SWIN}" in seg
    assert "/algorithms/kimed-alg:biobert" not in seg
    text = cards(client.get("/algorithms?modality=clinical-text").text)
    assert "/algorithms/kimed-alg:kimed-deid" in text and f"/algorithms/{TOTALSEG}" not in text
    spe = cards(client.get("/algorithms?runnable_in_spe=true").text)
    assert sorted(spe) == ["/algorithms/kimed-alg:kimed-deface", "/algorithms/kimed-alg:kimed-deid",
                           "/algorithms/kimed-alg:kimed-exposome",
                           "/algorithms/kimed-alg:kimed-phenotype"]
    # a full URI works like a code; values of one filter are OR-ed
    both = cards(client.get("/algorithms?task=https://w3id.org/kimed/vocab/ai-tasks/phenotyping"
                            "&task=record-linkage").text)
    assert len(both) == 3


def test_listing_filter_links_add_and_remove_values(client):
    page = Page(client.get("/algorithms?task=segmentation&lang=en").text)
    selected = [a for a in page.find("a") if "is-selected" in a.attrs.get("class", "")]
    assert [a.attrs["href"] for a in selected] == ["/algorithms"]
    adds = [a.attrs["href"] for a in page.find("a") if a.attrs.get("data-value") == "radiology"]
    assert adds == ["/algorithms?task=segmentation&modality=radiology"]


@pytest.mark.parametrize("query", ["task=nope", "modality=XYZ", "runnable_in_spe=maybe"])
def test_listing_bad_filter_answers_422(client, query):
    assert client.get(f"/algorithms?{query}").status_code == 422
    response = client.get(f"/api/algorithms?{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


# --- the algorithm page ---------------------------------------------------------------------

@pytest.mark.parametrize("lang,labels", [
    ("en", ["What", "Who", "Use", "Evidence", "Regulatory status", "Data", "In the KIMed SPE",
            "Quality", "Intended use", "Datasets it could be applied to", "Licence"]),
    ("de", ["Was", "Wer", "Verwendung", "Evidenz", "Regulatorischer Status", "Daten",
            "In der KIMed-SPE", "Qualität", "Vorgesehene Verwendung",
            "Datensätze, auf die er anwendbar sein könnte", "Lizenz"]),
])
def test_algorithm_page_has_every_group(client, lang, labels):
    response = client.get(f"/algorithms/{TOTALSEG}?lang={lang}")
    assert response.status_code == 200
    page = Page(response.text)
    check_accessible(page)
    assert page.one("html").attrs["lang"] == lang
    for ident in GROUPS:
        assert page.by_id(ident).tag == "section"
    text = page.text()
    for label in labels:
        assert label in text, label
    title = "TotalSegmentator (CT, 104 Strukturen)" if lang == "de" else \
        "TotalSegmentator (CT, 104 structures)"
    assert page.one("h1").text.strip() == title
    assert "Forschung: automatische Segmentierung" in text if lang == "de" else \
        "Research: automatic segmentation" in text


def test_evaluation_table_and_use_cases(client):
    page = Page(client.get(f"/algorithms/{TOTALSEG}?lang=en").text)
    table = page.one("table", class_="table evaluation-table")
    cells = [e.text.strip() for e in table.children[1].children[0].children]
    assert cells == ["Dice similarity coefficient", "0.943", "TotalSegmentator CT dataset", "test"]
    assert "https://doi.org/10.1148/ryai.230024" in page.links()
    assert "University Hospital Basel" in page.by_id("alg-group-evidence").text
    de = client.get(f"/algorithms/{TOTALSEG}?lang=de").text
    assert ">0,943<" in de


def test_regulatory_and_spe_groups(client):
    page = Page(client.get("/algorithms/kimed-alg:kimed-deid?lang=en").text)
    regulatory = page.by_id("alg-group-regulatory").text
    assert "Not a medical device (research use)" in regulatory
    for label in ("MDR/IVDR class", "CE mark", "AI Act risk class", "FDA"):
        assert label in regulatory
    spe = page.by_id("alg-group-spe").text
    assert "yes" in spe and "deid" in spe


def test_linked_datasets_resolve_to_dataset_pages(client):
    page = Page(client.get(f"/algorithms/{SWIN}?lang=en").text)
    data = page.by_id("alg-group-data")
    assert "Trained on" in data.text
    assert f"/datasets/{BRATS}" in page.links()
    assert client.get(f"/datasets/{BRATS}").status_code == 200
    # external links stay external and say so
    total = Page(client.get(f"/algorithms/{TOTALSEG}?lang=en").text)
    assert "https://doi.org/10.5281/zenodo.6802613" in total.links()
    assert "external" in total.by_id("alg-group-data").text


def test_every_dataset_link_of_every_algorithm_page_resolves(client, demo_algorithm_rows):
    targets = set()
    for row in demo_algorithm_rows[0]:
        response = client.get(f"/algorithms/{row['identifier']}")
        assert response.status_code == 200, row["identifier"]
        targets |= {href for href in Page(response.text).links() if href.startswith("/datasets/")}
    assert f"/datasets/{BRATS}" in targets and len(targets) > 10
    for href in sorted(targets):
        assert client.get(href).status_code == 200, href


def test_could_apply_lists_reasons(client):
    page = Page(client.get("/algorithms/kimed-alg:monai-brats-mri-segmentation?lang=en").text)
    data = page.by_id("alg-group-data").text
    assert "data type: imaging" in data and "modality: MRI" in data
    assert f"/datasets/{BRATS}" in page.links()
    assert "/datasets/kimed:tcia-lidc-idri" not in page.links()  # a CT dataset: no MRI model
    de = Page(client.get("/algorithms/kimed-alg:monai-brats-mri-segmentation?lang=de").text)
    assert "Datenart: Bildgebung" in de.text() and "Modalität: MRT" in de.text()


def test_schema_org_software_application(client):
    page = Page(client.get(f"/algorithms/{TOTALSEG}?lang=en").text)
    doc = json.loads(page.one("script", type="application/ld+json").text)
    assert doc["@type"] == "SoftwareApplication"
    assert doc["applicationCategory"] == "Medical AI model"
    assert doc["name"] == "TotalSegmentator (CT, 104 structures)"
    assert doc["softwareVersion"] == "1.5.7"
    assert doc["license"] == "https://www.apache.org/licenses/LICENSE-2.0"


@pytest.mark.parametrize("suffix,media", [(".ttl", "text/turtle"),
                                          (".jsonld", "application/ld+json"),
                                          (".rdf", "application/rdf+xml"),
                                          (".nt", "application/n-triples")])
def test_downloads_are_isomorphic_to_the_stored_record(client, demo_algorithm_rows, suffix,
                                                       media):
    for identifier in (TOTALSEG, SWIN, "kimed-alg:kimed-deid"):
        response = client.get(f"/algorithms/{identifier}{suffix}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media)
        fmt = {"text/turtle": "turtle", "application/ld+json": "json-ld",
               "application/rdf+xml": "xml", "application/n-triples": "nt"}[media]
        got = Graph().parse(data=response.text, format=fmt)
        assert isomorphic(got, stored_graph(demo_algorithm_rows, identifier)), identifier


def test_content_negotiation(client, demo_algorithm_rows):
    response = client.get(f"/algorithms/{SWIN}", headers={"Accept": "text/turtle"})
    assert response.headers["content-type"].startswith("text/turtle")
    assert isomorphic(Graph().parse(data=response.text, format="turtle"),
                      stored_graph(demo_algorithm_rows, SWIN))
    html = client.get(f"/algorithms/{SWIN}", headers={"Accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html")
    assert client.get(f"/algorithms/{SWIN}", headers={"Accept": "image/png"}).status_code == 406


def test_unknown_algorithm_is_404(client):
    assert client.get("/algorithms/kimed-alg:nope").status_code == 404
    response = client.get("/api/algorithms/kimed-alg:nope")
    assert response.status_code == 404
    assert response.json()["detail"][0]["loc"] == ["path", "identifier"]
    assert client.get("/api/algorithms/kimed-alg:nope/datasets").status_code == 404
    assert client.get("/api/datasets/kimed:nope/algorithms").status_code == 404


# --- the dataset page -----------------------------------------------------------------------

def test_dataset_page_lists_its_algorithms(client):
    page = Page(client.get(f"/datasets/{BRATS}?lang=en").text)
    section = page.by_id("algorithms")
    assert "Algorithms used with this dataset" in section.text
    assert "Algorithms that could apply" in section.text
    links = page.links()
    assert f"/algorithms/{SWIN}" in links
    assert "/algorithms/kimed-alg:monai-brats-mri-segmentation" in links
    assert f"/algorithms/{TOTALSEG}" not in links  # CT only
    used = re.search(r'id="algorithms-used".*?id="algorithms-could-apply"', page.html, re.S)
    assert used and f"/algorithms/{SWIN}" in used.group(0) and "Trained on" in used.group(0)
    de = Page(client.get(f"/datasets/{BRATS}?lang=de").text)
    assert "Algorithmen, die diesen Datensatz nutzen" in de.by_id("algorithms").text
    assert "Trainiert mit" in de.by_id("algorithms").text


# --- the JSON API: reading ------------------------------------------------------------------

def test_api_list_and_filters(client):
    body = client.get("/api/algorithms").json()
    assert body["total"] == 26 and len(body["algorithms"]) == 26
    seg = client.get("/api/algorithms?task=segmentation&modality=radiology").json()
    assert seg["filters"] == {"task": ["segmentation"], "modality": ["radiology"]}
    assert {a["identifier"] for a in seg["algorithms"]} >= {TOTALSEG, SWIN}
    assert all("https://w3id.org/kimed/vocab/ai-tasks/segmentation" in a["tasks"]
               for a in seg["algorithms"])
    spe = client.get("/api/algorithms?runnable_in_spe=true").json()
    assert {a["pipeline"] for a in spe["algorithms"]} == {"deface", "deid", "phenotype",
                                                          "exposome"}
    assert client.get("/api/algorithms?runnable_in_spe=false").json()["total"] == 22
    first = body["algorithms"][0]
    assert first["links"]["html"].endswith("/algorithms/" + first["identifier"])


def test_api_detail_has_projection_findings_and_links(client):
    body = client.get(f"/api/algorithms/{SWIN}").json()
    assert body["identifier"] == SWIN and body["record"]["version"]
    assert isinstance(body["findings"], list) and body["warnings"] == len(body["findings"])
    assert {"relation": "trainedOn", "target": "https://w3id.org/kimed/dataset/brats-2021",
            "dataset": "https://w3id.org/kimed/dataset/brats-2021",
            "external": False} in body["datasets"]
    assert body["links"]["turtle"].endswith(f"/algorithms/{SWIN}.ttl")
    ext = client.get(f"/api/algorithms/{TOTALSEG}").json()["datasets"]
    assert ext == [{"relation": "trainedOn", "target": "https://doi.org/10.5281/zenodo.6802613",
                    "dataset": None, "external": True}]


def test_api_links_both_ways(client):
    datasets = client.get(f"/api/algorithms/{SWIN}/datasets").json()
    assert datasets[0]["identifier"] == BRATS and datasets[0]["relations"] == ["trainedOn"]
    assert any(d["could_apply"] and not d["relations"] for d in datasets)
    assert all(d["reasons"] for d in datasets[1:])
    algorithms = client.get(f"/api/datasets/{BRATS}/algorithms").json()
    assert algorithms[0]["identifier"] == SWIN
    assert "kimed-alg:monai-brats-mri-segmentation" in {a["identifier"] for a in algorithms}
    assert client.get(f"/api/datasets/{BRATS}").json()["identifier"] == BRATS  # still there


def test_openapi_lists_the_algorithm_operations(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/algorithms", "/api/algorithms/{identifier}",
                 "/api/algorithms/{identifier}/datasets", "/api/datasets/{identifier}/algorithms"):
        assert path in paths, path
    assert {"get"} <= set(paths["/api/algorithms"]) and "post" in paths["/api/algorithms"]
    # one name per schema: the algorithm's agents must not clash with a dataset's AgentRef
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    assert not [name for name in schemas if "__" in name]


# --- the JSON API: writing ------------------------------------------------------------------

@pytest.fixture(scope="module")
def tokens(portal, portal_url) -> dict[str, str]:
    users = create_users(portal_url)
    database = Database(portal_url)
    with database.session() as session:
        service.create_user(session, "provider", "provider@example.org", PASSWORD,
                            role="data_holder", publishers=[USB])
        users.tokens["provider"], _row = service.issue_token(session, "provider", "tests",
                                                             timedelta(days=1))
    database.dispose()
    return users.tokens


def auth(tokens, name: str, media: str = "text/turtle") -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[name]}", "Content-Type": media}


def copy_of(name: str, stem: str = "totalsegmentator") -> str:
    """A demo record under a new IRI and identifier (same provider)."""
    text = DEMO[stem].read_text()
    return text.replace(f"https://w3id.org/kimed/algorithm/{stem}",
                        f"https://w3id.org/kimed/algorithm/{name}").replace(
        f'"kimed-alg:{stem}"', f'"kimed-alg:{name}"')


def snapshot(url: str) -> list[tuple]:
    database = Database(url)
    with database.session() as session:
        rows = session.execute(sa.select(AlgorithmRow.iri, AlgorithmRow.graph_nt).order_by(
            AlgorithmRow.iri)).all()
        links = session.execute(sa.select(AlgorithmDatasetRow.relation,
                                          AlgorithmDatasetRow.target_iri).order_by(
            AlgorithmDatasetRow.target_iri, AlgorithmDatasetRow.relation)).all()
    database.dispose()
    return [tuple(r) for r in rows] + [tuple(r) for r in links]


def test_writing_needs_a_token(client):
    response = client.post("/api/algorithms", content=copy_of("no-token"),
                           headers={"Content-Type": "text/turtle"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    bad = client.delete(f"/api/algorithms/{TOTALSEG}",
                        headers={"Authorization": "Bearer kimed_wrong"})
    assert bad.status_code == 401


@pytest.mark.parametrize("who", ["reader", "foreign", "holder"])
def test_reader_and_foreign_holders_cannot_write(client, tokens, portal_url, who):
    before = snapshot(portal_url)
    created = client.post("/api/algorithms", content=copy_of(f"by-{who}"), headers=auth(tokens, who))
    assert created.status_code == 403, created.text
    detail = created.json()["detail"][0]
    assert detail["loc"] == ["auth"] and who in detail["msg"]
    current = client.get(f"/algorithms/{TOTALSEG}.ttl").text
    assert client.put(f"/api/algorithms/{TOTALSEG}", content=current,
                      headers=auth(tokens, who)).status_code == 403
    assert client.delete(f"/api/algorithms/{TOTALSEG}",
                         headers=auth(tokens, who)).status_code == 403
    assert snapshot(portal_url) == before


def test_provider_creates_changes_and_deletes_its_algorithm(client, tokens):
    ident = "kimed-alg:provider-copy"
    created = client.post("/api/algorithms", content=copy_of("provider-copy"),
                          headers=auth(tokens, "provider"))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["identifier"] == ident and body["action"] == "created"
    assert client.get(f"/algorithms/{ident}").status_code == 200
    again = client.post("/api/algorithms", content=copy_of("provider-copy"),
                        headers=auth(tokens, "provider"))
    assert again.status_code == 409
    changed = copy_of("provider-copy").replace('dcat:version "1.5.7"', 'dcat:version "1.5.8"')
    updated = client.put(f"/api/algorithms/{ident}", content=changed,
                         headers=auth(tokens, "provider"))
    assert updated.status_code == 200 and updated.json()["action"] == "updated"
    assert client.get(f"/api/algorithms/{ident}").json()["record"]["version"] == "1.5.8"
    other = client.put(f"/api/algorithms/{ident}", content=copy_of("elsewhere"),
                       headers=auth(tokens, "provider"))
    assert other.status_code == 422 and other.json()["detail"][0]["rule"] == "same model IRI"
    assert client.delete(f"/api/algorithms/{ident}",
                         headers=auth(tokens, "provider")).status_code == 204
    assert client.get(f"/api/algorithms/{ident}").status_code == 404


def test_provider_cannot_write_another_providers_algorithm(client, tokens, portal_url):
    before = snapshot(portal_url)
    record = copy_of("monai-copy", "monai-brats-mri-segmentation")
    response = client.post("/api/algorithms", content=record, headers=auth(tokens, "provider"))
    assert response.status_code == 403
    assert "https://w3id.org/kimed/agent/monai" in response.json()["detail"][0]["msg"]
    assert snapshot(portal_url) == before


def test_admin_writes_any_algorithm_and_model_cards(client, tokens):
    record = copy_of("admin-copy", "swin-unetr-brats21")
    created = client.post("/api/algorithms", content=record, headers=auth(tokens, "admin"))
    assert created.status_code == 201, created.text
    datasets = client.get("/api/algorithms/kimed-alg:admin-copy/datasets").json()
    assert datasets[0]["identifier"] == BRATS
    card = client.post("/api/algorithms", content=CARD.read_bytes(),
                       headers=auth(tokens, "admin", "text/markdown"))
    assert card.status_code == 201, card.text
    page = client.get(card.json()["links"]["html"].removeprefix("http://testserver"))
    assert page.status_code == 200 and "ViT chest X-ray classifier" in page.text
    for ident in ("kimed-alg:admin-copy", card.json()["identifier"]):
        assert client.delete(f"/api/algorithms/{ident}",
                             headers=auth(tokens, "admin")).status_code == 204


def test_refused_bodies(client, tokens, portal_url):
    before = snapshot(portal_url)
    headers = auth(tokens, "admin")
    bad_type = client.post("/api/algorithms", content="{}", headers={
        **headers, "Content-Type": "application/json"})
    assert bad_type.status_code == 415
    broken = client.post("/api/algorithms", content="<a> <b> .. nonsense", headers=headers)
    assert broken.status_code == 422 and broken.json()["detail"][0]["loc"] == ["body"]
    ill = copy_of("ill-typed").replace('"1.5.7"', '"1.5.7" ; mldcat:totalNumberOfParameters '
                                       '"many"^^xsd:nonNegativeInteger')
    refused = client.post("/api/algorithms", content=ill, headers=headers)
    assert refused.status_code == 422
    assert "many" in refused.json()["detail"][0]["msg"]
    assert "/tmp" not in refused.text
    two = copy_of("first") + "\n" + copy_of("second", "swin-unetr-brats21")
    assert client.post("/api/algorithms", content=two, headers=headers).status_code == 422
    assert snapshot(portal_url) == before
