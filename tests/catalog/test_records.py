"""Cutting graphs into records, and the typed projection."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kimed.catalog.namespaces import DCAT, DCTERMS, FOAF, HEALTHDCATAP, RDF, XSD
from kimed.catalog.projection import ProjectionError, project
from kimed.catalog.rdfio import parse_file
from kimed.catalog.records import split_records

from .conftest import TEST_RDF

EX = "https://tests.kimed.example/"


def test_single_dataset_file_is_one_whole_record(official_example):
    graph = parse_file(official_example)
    split = split_records(graph)
    assert len(split.datasets) == 1 and not split.catalogs
    assert isomorphic(next(iter(split.datasets.values())), graph)


def test_records_do_not_swallow_each_other():
    g = Graph()
    a, b, cat, pub = (URIRef(EX + n) for n in ("a", "b", "cat", "pub"))
    for ds in (a, b):
        g.add((ds, RDF.type, DCAT.Dataset))
        g.add((ds, DCTERMS.publisher, pub))
    g.add((pub, FOAF.name, Literal("Shared publisher")))
    g.add((a, DCTERMS.relation, b))  # a link to another dataset is kept, its record is not
    g.add((cat, RDF.type, DCAT.Catalog))
    g.add((cat, DCAT.dataset, a))
    g.add((cat, DCAT.dataset, b))
    split = split_records(g)
    assert set(split.datasets) == {a, b}
    rec_a = split.datasets[a]
    assert (a, DCTERMS.relation, b) in rec_a
    assert (b, RDF.type, DCAT.Dataset) not in rec_a
    assert (pub, FOAF.name, Literal("Shared publisher")) in split.datasets[b]
    assert (cat, DCAT.dataset, a) in split.catalogs[cat]
    assert (a, RDF.type, DCAT.Dataset) not in split.catalogs[cat]


def test_orphan_triples_stay_with_the_only_dataset():
    g = Graph()
    ds, other = URIRef(EX + "ds"), URIRef(EX + "unrelated")
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((other, DCTERMS.title, Literal("not linked")))
    split = split_records(g)
    assert (other, DCTERMS.title, Literal("not linked")) in split.datasets[ds]
    assert len(split.unattached) == 0


def test_projection_of_official_example(official_example):
    graph = parse_file(official_example)
    ds = next(graph.subjects(RDF.type, DCAT.Dataset))
    record = project(graph, ds)
    assert record.identifier == "EU-HDCA-R7-ONCOLOGY-EHRS-2024"
    assert record.number_of_records == 1850000
    assert record.number_of_unique_individuals == 412000
    assert (record.min_typical_age, record.max_typical_age) == (18, 99)
    assert record.health_categories == [
        "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/EHRS"]
    assert record.has_structured_data is True and record.has_variables is True
    assert len(record.distributions) == 2 and len(record.analytics) == 1
    assert str(record.temporal[0].start) == "2020-01-01"
    assert record.publisher.name["en"] == "Belgian National Cancer Registry"
    assert record.contact.email == "oncology-dataset-support@example.org"


def test_projection_of_minimal_record():
    graph = parse_file(TEST_RDF / "minimal-public.ttl")
    record = project(graph, URIRef(EX + "ds-heart"))
    assert record.label("de") == "Herzinsuffizienz-Register Test"
    assert record.label("fr") == "Heart failure registry test"  # falls back to English


@pytest.mark.parametrize("value", [
    Literal("twelve"),
    Literal("1.5", datatype=XSD.decimal),
    Literal("true", datatype=XSD.boolean),
    URIRef(EX + "a-node"),
])
def test_projection_rejects_wrong_types(value):
    g = Graph()
    ds = URIRef(EX + "ds")
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, HEALTHDCATAP.numberOfRecords, value))
    with pytest.raises(ProjectionError) as info:
        project(g, ds)
    assert "healthdcatap:numberOfRecords" in str(info.value)
    assert "HealthDCAT-AP Release 8" in str(info.value)


def test_projection_blank_node_agent():
    g = Graph()
    ds, agent = URIRef(EX + "ds"), BNode()
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.publisher, agent))
    g.add((agent, FOAF.name, Literal("Anon", lang="en")))
    assert project(g, ds).publisher.name == {"en": "Anon"}
    assert project(g, ds).publisher.iri is None
