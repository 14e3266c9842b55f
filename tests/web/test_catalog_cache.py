"""/catalog pages are kept until the catalogue changes, and carry an ETag for harvesters."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from kimed.catalog.importer import import_files
from kimed.db import Database
from kimed.settings import Settings
from kimed.web.app import create_app

DATA = Path(__file__).parents[1] / "data"


def test_catalog_pages_are_cached_until_the_catalogue_changes(database_url):
    db = Database(database_url)
    db.migrate()
    with db.session() as session:
        import_files(session, [DATA / "rdf" / "minimal-public.ttl"])
    with TestClient(create_app(Settings(database_url=database_url))) as client:
        first = client.get("/catalog?format=nt")
        assert first.status_code == 200 and first.headers["etag"]
        again = client.get("/catalog?format=nt")
        assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
        assert len(client.app.state.catalog_pages) == 1
        unchanged = client.get("/catalog?format=nt",
                               headers={"If-None-Match": first.headers["etag"]})
        assert unchanged.status_code == 304 and unchanged.content == b""
        other = client.get("/catalog?format=ttl")
        assert other.headers["etag"] != first.headers["etag"]

        with db.session() as session:  # a change elsewhere (another process) renews the pages
            import_files(session, [DATA / "algorithms" / "catalogue" / "test-datasets.ttl"])
        changed = client.get("/catalog?format=nt",
                             headers={"If-None-Match": first.headers["etag"]})
        assert changed.status_code == 200
        assert changed.headers["etag"] != first.headers["etag"]
        assert changed.content.count(b"<http://www.w3.org/ns/dcat#dataset>") == 4
        assert first.content.count(b"<http://www.w3.org/ns/dcat#dataset>") == 1
    db.dispose()


def test_catalog_carries_quality_measurements_unless_asked_not_to(database_url):
    from rdflib import Graph, Namespace

    dqv = Namespace("http://www.w3.org/ns/dqv#")
    db = Database(database_url)
    db.migrate()
    with db.session() as session:
        import_files(session, [DATA / "algorithms" / "catalogue" / "test-datasets.ttl"])
    with TestClient(create_app(Settings(database_url=database_url))) as client:
        graph = Graph().parse(data=client.get("/catalog?format=nt").text, format="nt")
        measured = set(graph.objects(None, dqv.computedOn))
        datasets = set(graph.objects(None, Namespace("http://www.w3.org/ns/dcat#").dataset))
        assert len(datasets) == 3 and measured == datasets
        plain = Graph().parse(data=client.get("/catalog?format=nt&quality=false").text,
                              format="nt")
        assert not set(plain.objects(None, dqv.computedOn))
        assert len(plain) < len(graph)
        bad = client.get("/catalog?quality=maybe")
        assert bad.status_code == 422 and "quality" in bad.text
    db.dispose()
