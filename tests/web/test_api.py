"""The JSON API under /api and its OpenAPI description."""

from __future__ import annotations

from kimed.catalog.search import FACETS
from kimed.vocab import get_vocabulary, vocabularies

HC = "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/"


def test_search_returns_hits_facets_and_links(client):
    body = client.get("/api/datasets?per_page=5").json()
    assert body["total"] == 29 and body["pages"] == 6 and len(body["hits"]) == 5
    hit = body["hits"][0]
    assert {"identifier", "iri", "title", "snippet", "publisher", "access_rights",
            "links"} <= hit.keys()
    assert hit["links"]["html"].endswith(f"/datasets/{hit['identifier']}")
    assert body["links"]["next"].endswith("/api/datasets?per_page=5&page=2")
    assert body["links"]["prev"] is None
    facets = {f["key"]: f for f in body["facets"]}
    categories = {v["value"]: v for v in facets["health_category"]["values"]}
    assert categories[HC + "EHRS"]["label"] == "Electronic health data from EHRs"
    assert sum(v["count"] for v in facets["access_rights"]["values"]) == 29


def test_search_filter_narrows_and_counts_agree(client):
    everything = client.get("/api/datasets").json()
    categories = {f["key"]: f for f in everything["facets"]}["health_category"]["values"]
    for value in categories[:4]:
        narrowed = client.get("/api/datasets", params={"health_category": value["value"],
                                                       "per_page": 100}).json()
        assert narrowed["total"] == value["count"] == len(narrowed["hits"])
        chosen = {f["key"]: f for f in narrowed["facets"]}["health_category"]["values"]
        assert any(v["selected"] and v["value"] == value["value"] for v in chosen)


def test_search_in_german(client):
    body = client.get("/api/datasets", params={"lang": "de", "q": "Kohorte"}).json()
    assert body["query"]["lang"] == ["de"]
    facets = {f["key"]: f for f in body["facets"]}
    assert facets["health_category"]["title"] == "Gesundheitsdatenkategorie"


def test_bad_parameters_answer_422_naming_them(client):
    for params, name in ({"sort": "sideways"}, "sort"), ({"page": "0"}, "page"), \
            ({"per_page": "1000"}, "per_page"), ({"age_min": "x"}, "age_min"), \
            ({"population": "huge"}, "population"), ({"from": "soon"}, "from"), \
            ({"lang": "fr"}, "lang"):
        response = client.get("/api/datasets", params=params)
        assert response.status_code == 422, params
        detail = response.json()["detail"]
        assert detail[0]["loc"] == ["query", name]
        assert detail[0]["rule"] and name in detail[0]["msg"]


def test_one_dataset(client):
    body = client.get("/api/datasets/kimed:nako").json()
    assert body["identifier"] == "kimed:nako"
    assert body["record"]["iri"] == "https://w3id.org/kimed/dataset/nako"
    assert body["record"]["number_of_unique_individuals"] > 100_000
    assert body["warnings"] == len(body["findings"]) - body["violations"]
    assert all(f["message"] for f in body["findings"])
    assert body["links"]["turtle"].endswith("/datasets/kimed:nako.ttl")
    missing = client.get("/api/datasets/kimed:none")
    assert missing.status_code == 404
    assert missing.json()["detail"][0]["loc"] == ["path", "identifier"]


def test_publishers_facets_and_vocabularies(client):
    publishers = client.get("/api/publishers").json()
    assert sum(p["datasets"] for p in publishers) == 29
    physionet = next(p for p in publishers if p["slug"] == "physionet")
    assert physionet["datasets"] == 5
    assert client.get("/api/datasets", params={"publisher": physionet["value"]}).json()[
        "total"] == 5
    facets = client.get("/api/facets").json()
    assert [f["key"] for f in facets] == [f.key for f in FACETS]
    assert all(f["titles"]["en"] and f["titles"]["de"] for f in facets)
    assert {"key": "age", "params": ["age_min", "age_max"]}.items() <= next(
        f for f in facets if f["key"] == "age").items()
    listed = client.get("/api/vocabularies").json()
    assert {v["key"] for v in listed} == set(vocabularies())
    one = client.get("/api/vocabularies/health-categories").json()
    assert len(one["concepts"]) == len(get_vocabulary("health-categories")) == 17
    assert all(c["labels"]["de"] and c["labels"]["en"] for c in one["concepts"])
    missing = client.get("/api/vocabularies/nope")
    assert missing.status_code == 404 and "health-categories" in missing.json()["detail"][0][
        "msg"]


def test_openapi_and_docs_page(client):
    spec = client.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/datasets", "/api/datasets/{identifier}", "/api/publishers",
                 "/api/facets", "/api/vocabularies", "/api/vocabularies/{key}", "/catalog"):
        assert path in spec["paths"], path
    names = {p["name"] for p in spec["paths"]["/api/datasets"]["get"]["parameters"]}
    assert {"q", "health_category", "access_rights", "age_min", "from", "sort", "page"} <= names
    schemas = spec["components"]["schemas"]
    assert {"SearchResponse", "DatasetSummary", "DatasetPublic", "ErrorResponse"} <= schemas.keys()
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "text/html" in docs.headers["content-type"]
    for text in ("/api/datasets", "SearchResponse", "health_category", "/api/openapi.json"):
        assert text in docs.text
    assert "cdn.jsdelivr" not in docs.text and "swagger-ui" not in docs.text
