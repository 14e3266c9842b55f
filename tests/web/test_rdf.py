"""RDF from the web: record downloads, content negotiation, and the paged DCAT feed /catalog."""

from __future__ import annotations

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, RDF

from kimed.catalog.rdfio import from_ntriples

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
PARSERS = {"text/turtle": "turtle", "application/ld+json": "json-ld",
           "application/rdf+xml": "xml", "application/n-triples": "nt"}


def stored_graph(demo_rows, identifier: str) -> Graph:
    row = next(r for r in demo_rows if r["identifier"] == identifier)
    return from_ntriples(row["graph_nt"])


def parse(response, media: str) -> Graph:
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].split(";")[0] == media
    return Graph().parse(data=response.text, format=PARSERS[media])


@pytest.mark.parametrize(("suffix", "media"), [(".ttl", "text/turtle"),
                                               (".jsonld", "application/ld+json"),
                                               (".rdf", "application/rdf+xml"),
                                               (".nt", "application/n-triples")])
def test_downloads_are_isomorphic_to_the_stored_record(client, demo_rows, suffix, media):
    for identifier in ("kimed:nako", "kimed:grascco", "kimed:mimic-iv"):
        got = parse(client.get(f"/datasets/{identifier}{suffix}"), media)
        assert isomorphic(got, stored_graph(demo_rows, identifier)), identifier


@pytest.mark.parametrize("media", list(PARSERS))
def test_dataset_content_negotiation(client, demo_rows, media):
    got = parse(client.get("/datasets/kimed:life-adult", headers={"Accept": media}), media)
    assert isomorphic(got, stored_graph(demo_rows, "kimed:life-adult"))


def test_dataset_defaults_to_html_and_prefers_by_quality(client):
    for accept in (None, "*/*", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"):
        headers = {"Accept": accept} if accept else {}
        response = client.get("/datasets/kimed:life-adult", headers=headers)
        assert response.headers["content-type"].startswith("text/html")
        assert "Accept" in response.headers["vary"]
    response = client.get("/datasets/kimed:life-adult",
                          headers={"Accept": "text/html;q=0.5, text/turtle"})
    assert response.headers["content-type"].startswith("text/turtle")
    assert client.get("/datasets/kimed:life-adult",
                      headers={"Accept": "image/png"}).status_code == 406


def test_unknown_dataset_rdf_is_404(client):
    assert client.get("/datasets/kimed:nothing.ttl").status_code == 404
    response = client.get("/datasets/kimed:nothing", headers={"Accept": "text/turtle"})
    assert response.status_code == 404


@pytest.mark.parametrize(("params", "accept", "media"), [
    ("", None, "text/turtle"),
    ("", "application/ld+json", "application/ld+json"),
    ("", "application/rdf+xml", "application/rdf+xml"),
    ("", "application/n-triples", "application/n-triples"),
    ("format=jsonld", "text/turtle", "application/ld+json"),
    ("format=xml", None, "application/rdf+xml"),
    ("format=nt", None, "application/n-triples"),
    ("format=ttl", "application/ld+json", "text/turtle"),
])
def test_catalog_content_negotiation(client, params, accept, media):
    headers = {"Accept": accept} if accept else {}
    graph = parse(client.get(f"/catalog?per_page=3&{params}", headers=headers), media)
    catalogs = list(graph.subjects(RDF.type, DCAT.Catalog))
    assert len(catalogs) == 1
    assert len(list(graph.objects(catalogs[0], DCAT.dataset))) == 3
    assert int(graph.value(catalogs[0], HYDRA.totalItems)) == 29


def _page(client, url: str) -> tuple[Graph, URIRef, URIRef]:
    graph = parse(client.get(url), "application/n-triples")
    catalog = next(graph.subjects(RDF.type, DCAT.Catalog))
    view = next(graph.objects(catalog, HYDRA.view))
    assert (view, RDF.type, HYDRA.PartialCollectionView) in graph
    return graph, catalog, view


def test_catalog_hydra_paging_covers_the_whole_catalogue(client, demo_rows):
    graph, catalog, view = _page(client, "/catalog?per_page=10&format=nt")
    assert int(graph.value(catalog, HYDRA.totalItems)) == 29
    assert graph.value(view, HYDRA.first) is not None
    assert str(graph.value(view, HYDRA.last)).endswith("page=3&per_page=10&format=nt")
    assert graph.value(view, HYDRA.previous) is None
    union = Graph()
    seen: list[str] = []
    url = "/catalog?per_page=10&format=nt"
    for _ in range(5):
        graph, catalog, view = _page(client, url)
        seen += [str(d) for d in graph.objects(catalog, DCAT.dataset)]
        union += graph
        following = graph.value(view, HYDRA.next)
        if following is None:
            break
        assert graph.value(view, HYDRA.previous) is not None or "page=1" in str(view)
        url = str(following).replace("http://testserver", "")
    assert "page=3" in str(view) and graph.value(view, HYDRA.next) is None
    assert graph.value(view, HYDRA.previous) is not None
    assert len(seen) == len(set(seen)) == 29
    assert set(seen) == {r["iri"] for r in demo_rows}
    for row in demo_rows:  # every record's whole graph is in the union of the pages
        record = from_ntriples(row["graph_nt"])
        assert all(triple in union for triple in record if not _has_bnode(triple)), row["iri"]


def _has_bnode(triple) -> bool:
    from rdflib import BNode

    return any(isinstance(term, BNode) for term in triple)


def test_catalog_default_page_holds_everything(client):
    graph, catalog, view = _page(client, "/catalog?format=nt")
    assert len(set(graph.objects(catalog, DCAT.dataset))) == 29
    assert graph.value(view, HYDRA.next) is None and graph.value(view, HYDRA.previous) is None


def test_catalog_bad_parameters_are_422(client):
    for params, name in (("page=0", "page"), ("per_page=abc", "per_page"),
                         ("per_page=5000", "per_page"), ("format=pdf", "format")):
        response = client.get(f"/catalog?{params}")
        assert response.status_code == 422
        detail = response.json()["detail"][0]
        assert detail["loc"] == ["query", name] and detail["rule"]
