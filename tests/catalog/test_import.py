"""Importing: the happy path, lossless round trips, and every kind of bad input (atomic)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from kimed.catalog.importer import ImportRefused, import_files
from kimed.catalog.rdfio import parse_bytes, parse_file, serialize
from kimed.catalog.store import count_datasets, export_graph, get_dataset, record_of

from .conftest import TEST_RDF, snapshot

MINIMAL = TEST_RDF / "minimal-public.ttl"


def _import(db, *paths, **kwargs):
    with db.session() as session:
        return import_files(session, list(paths), **kwargs)


def _refused(db, *paths, **kwargs) -> str:
    before = snapshot(db)
    with pytest.raises(ImportRefused) as info:
        _import(db, *paths, **kwargs)
    assert snapshot(db) == before, "a refused import must leave the catalogue unchanged"
    return str(info.value)


def _variant(tmp_path: Path, name: str, old: str, new: str, source: Path = MINIMAL) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {source.name}"
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_import_minimal_record(db):
    report = _import(db, MINIMAL)
    assert [r.action for r in report.records] == ["created"]
    outcome = report.records[0]
    assert outcome.identifier == "test-heart-1"
    assert outcome.tier == "PUBLIC"
    with db.session() as session:
        record = record_of(get_dataset(session, "test-heart-1"))
    assert record.title == {"de": "Herzinsuffizienz-Register Test",
                            "en": "Heart failure registry test"}
    assert record.number_of_unique_individuals == 1200
    assert (record.min_typical_age, record.max_typical_age) == (18, 90)


def test_unmodelled_properties_survive_export(db):
    _import(db, MINIMAL)
    with db.session() as session:
        exported = export_graph(session, ["test-heart-1"])
    assert isomorphic(exported, parse_file(MINIMAL))
    assert "kept verbatim" in serialize(exported, "ttl")


def test_reimport_updates_instead_of_duplicating(db):
    _import(db, MINIMAL)
    report = _import(db, MINIMAL)
    assert [r.action for r in report.records] == ["updated"]
    with db.session() as session:
        assert count_datasets(session) == 1


def test_official_example_round_trips_in_every_format(db, official_example, tmp_path):
    report = _import(db, official_example)
    assert len(report.records) == 1
    assert report.records[0].tier == "NON_PUBLIC"
    with db.session() as session:
        exported = export_graph(session)
    original = parse_file(official_example)
    assert isomorphic(exported, original)
    for fmt in ("ttl", "jsonld", "xml", "nt"):
        again = parse_bytes(serialize(exported, fmt).encode(), f"x.{fmt}", fmt)
        assert isomorphic(again, original), fmt


def test_catalog_file_with_many_datasets(db, tmp_path):
    from rdflib import Literal, URIRef

    from kimed.catalog.namespaces import DCAT, DCTERMS, RDF

    graph = parse_file(MINIMAL)
    second = parse_file(_variant(tmp_path, "b.ttl", "ds-heart", "ds-lung"))
    second.set((URIRef("https://tests.kimed.example/ds-lung"), DCTERMS.identifier,
                Literal("test-lung-1")))
    graph += second
    cat = URIRef("https://tests.kimed.example/catalog")
    graph.add((cat, RDF.type, DCAT.Catalog))
    graph.add((cat, DCTERMS.title, Literal("Test catalogue", lang="en")))
    for ds in ("ds-heart", "ds-lung"):
        graph.add((cat, DCAT.dataset, URIRef(f"https://tests.kimed.example/{ds}")))
    path = tmp_path / "catalog.ttl"
    path.write_text(serialize(graph, "ttl"), encoding="utf-8")
    report = _import(db, path)
    assert sorted(r.identifier for r in report.records) == ["test-heart-1", "test-lung-1"]
    assert report.catalogs == [str(cat)]
    with db.session() as session:
        assert isomorphic(export_graph(session), graph)


def test_directory_import(db, tmp_path):
    _variant(tmp_path, "a.ttl", "ds-heart", "ds-heart")
    _variant(tmp_path, "b.ttl", '"test-heart-1"', '"test-heart-2"').write_text(
        (tmp_path / "b.ttl").read_text().replace("t:ds-heart", "t:ds-heart2"))
    report = _import(db, tmp_path)
    assert sorted(r.identifier for r in report.records) == ["test-heart-1", "test-heart-2"]


def test_imperfect_record_imports_with_findings(db, tmp_path):
    path = _variant(tmp_path, "no-title.ttl",
                    '    dct:title "Herzinsuffizienz-Register Test"@de , "Heart failure registry test"@en ;\n', "")
    report = _import(db, path)
    outcome = report.records[0]
    assert outcome.violations >= 1
    assert any(f["path"] == "dct:title" and "HealthDCAT-AP Release 8" in f["message"]
               for f in outcome.findings)
    with db.session() as session:
        row = get_dataset(session, "test-heart-1")
        assert row.violations == outcome.violations
        assert row.findings == outcome.findings


def test_strict_refuses_imperfect_record(db, tmp_path):
    path = _variant(tmp_path, "no-title.ttl",
                    '    dct:title "Herzinsuffizienz-Register Test"@de , "Heart failure registry test"@en ;\n', "")
    message = _refused(db, path, strict=True)
    assert "--strict" in message and "dct:title" in message


# --- bad input: each is refused with a clear error and leaves the catalogue unchanged ---------

def test_malformed_turtle(db, tmp_path):
    _import(db, MINIMAL)
    path = _variant(tmp_path, "broken.ttl", "t:contact a vcard:Kind ;", "t:contact a vcard:Kind ;;; ]")
    message = _refused(db, path)
    assert "broken.ttl, line" in message and "malformed Turtle" in message


def test_unbound_prefix_names_file_line_and_prefix(db, tmp_path):
    path = _variant(tmp_path, "prefix.ttl", "t:dist-csv a dcat:Distribution",
                    "zz:dist-csv a dcat:Distribution")
    message = _refused(db, path)
    assert "prefix.ttl, line 41" in message
    assert 'Prefix "zz:" not bound' in message


def test_malformed_jsonld(db, tmp_path):
    path = tmp_path / "broken.jsonld"
    path.write_text('{"@id": "https://x", "http://purl.org/dc/terms/title": [}', encoding="utf-8")
    message = _refused(db, path)
    assert "broken.jsonld, line 1" in message and "malformed JSON" in message


def test_wrong_datatype_lexical_form(db, tmp_path):
    path = _variant(tmp_path, "dtype.ttl", '"1200"^^xsd:nonNegativeInteger',
                    '"many"^^xsd:nonNegativeInteger')
    message = _refused(db, path)
    assert "healthdcatap:numberOfUniqueIndividuals" in message
    assert "'many' is not a valid xsd:nonNegativeInteger" in message
    assert "dtype.ttl, line 24" in message


def test_wrong_datatype_plain_string_for_number(db, tmp_path):
    path = _variant(tmp_path, "dtype2.ttl", '"18"^^xsd:nonNegativeInteger', '"eighteen"')
    message = _refused(db, path)
    assert "healthdcatap:minTypicalAge" in message and "HealthDCAT-AP Release 8" in message


def test_negative_age_refused(db, tmp_path):
    path = _variant(tmp_path, "neg.ttl", '"18"^^xsd:nonNegativeInteger', '"-3"^^xsd:integer')
    assert "negative" in _refused(db, path)


def test_unknown_vocabulary_uri(db, tmp_path):
    path = _variant(tmp_path, "vocab.ttl", "healthcategories/EHRS", "healthcategories/NOPE")
    message = _refused(db, path)
    assert "healthdcatap:healthCategory" in message or "healthCategory" in message
    assert "NOPE" in message
    assert "vocab.ttl, line 21" in message


def test_unknown_access_right(db, tmp_path):
    path = _variant(tmp_path, "access.ttl", "access-right/PUBLIC", "access-right/OPENISH")
    assert "OPENISH" in _refused(db, path)


def test_file_over_size_limit(db):
    message = _refused(db, MINIMAL, max_bytes=100)
    assert "over the import limit of 100 bytes" in message and "KIMED_MAX_IMPORT_BYTES" in message


def test_duplicate_identifier_in_one_file(db, tmp_path):
    text = MINIMAL.read_text(encoding="utf-8")
    twin = text.split("t:publisher a foaf:Agent")[0].split("t:ds-heart a dcat:Dataset")[1]
    path = tmp_path / "dup.ttl"
    path.write_text(text + "\nt:ds-twin a dcat:Dataset" + twin, encoding="utf-8")
    assert "duplicate dct:identifier 'test-heart-1'" in _refused(db, path)


def test_duplicate_identifier_against_catalogue(db, tmp_path):
    _import(db, MINIMAL)
    path = _variant(tmp_path, "other.ttl", "t:ds-heart", "t:ds-other")
    message = _refused(db, path)
    assert "already holds it" in message and "test-heart-1" in message


def test_non_utf8_input(db, tmp_path):
    path = tmp_path / "latin1.ttl"
    path.write_bytes(MINIMAL.read_text(encoding="utf-8").replace("Test", "Prüfung").encode("latin-1"))
    message = _refused(db, path)
    assert "not valid UTF-8" in message and "latin1.ttl, line" in message


def test_broken_internal_reference(db, tmp_path):
    path = _variant(tmp_path, "ref.ttl", "dcat:distribution t:dist-csv .",
                    "dcat:distribution t:dist-missing .")
    message = _refused(db, path)
    assert "dcat:distribution" in message and "dist-missing" in message
    assert "never describes" in message


def test_one_bad_file_in_a_directory_imports_nothing(db, tmp_path):
    _variant(tmp_path, "good.ttl", "ds-heart", "ds-heart")
    (tmp_path / "zz-bad.ttl").write_text("this is not turtle", encoding="utf-8")
    message = _refused(db, tmp_path)
    assert "zz-bad.ttl" in message
    with db.session() as session:
        assert count_datasets(session) == 0


def test_interrupted_import_leaves_catalogue_unchanged(db, tmp_path):
    _import(db, MINIMAL)
    for n in range(3):
        _variant(tmp_path, f"r{n}.ttl", "ds-heart", f"ds-heart{n}").write_text(
            (tmp_path / f"r{n}.ttl").read_text().replace("test-heart-1", f"test-heart-x{n}"))
    before = snapshot(db)

    def interrupt(label, done, total):
        if label == "store" and done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _import(db, tmp_path, progress=interrupt)
    assert snapshot(db) == before


def test_every_demo_record_round_trips(db):
    from kimed.catalog.demo import demo_files
    from kimed.catalog.namespaces import DCAT, RDF

    files = demo_files()
    report = _import(db, *files)
    assert len(report.records) == len(files) >= 25
    assert all(r.violations == 0 for r in report.records), [
        (r.identifier, r.findings) for r in report.records if r.violations]
    with db.session() as session:
        for path in files:
            original = parse_file(path)
            ds = next(original.subjects(RDF.type, DCAT.Dataset))
            assert isomorphic(export_graph(session, [str(ds)]), original), path.name
