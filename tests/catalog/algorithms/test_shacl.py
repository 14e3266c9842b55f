"""Our demo algorithm records and our MLDCAT-AP fixtures conform to the official MLDCAT-AP 3.1.0 shapes."""

from __future__ import annotations

import pyshacl
import pytest
from rdflib import Graph

from kimed.catalog.algorithms.importer import read_graph
from kimed.catalog.algorithms.rdf import find_models

from .conftest import DATA

FIXTURES = ["mri-defacer.ttl", "clinical-deid.jsonld"]


@pytest.fixture(scope="module")
def official_shapes(shared_data) -> Graph:
    return Graph().parse(shared_data / "mldcat" / "mldcat-ap-3.1.0" / "shacl" / "mldcat-ap-SHACL.ttl")


def _violations(graph: Graph, shapes: Graph) -> str:
    conforms, _results, text = pyshacl.validate(graph, shacl_graph=shapes, inference="none")
    return "" if conforms else text


def _demo_files():
    demo = pytest.importorskip("kimed.catalog.algorithms.demo")
    return demo.demo_files()


def test_at_least_20_demo_algorithms():
    files = _demo_files()
    assert len(files) >= 20
    for path in files:
        assert len(find_models(read_graph(path, None, 10**7))) == 1, path.name


def test_demo_algorithms_conform_to_official_shapes(official_shapes):
    graph = Graph()
    for path in _demo_files():
        graph += read_graph(path, None, 10**7)
    assert _violations(graph, official_shapes) == ""


@pytest.mark.parametrize("name", FIXTURES)
def test_fixtures_conform_to_official_shapes(official_shapes, name):
    assert _violations(read_graph(DATA / name, None, 10**7), official_shapes) == ""


@pytest.mark.parametrize("name", FIXTURES)
def test_fixtures_have_no_findings_of_our_shapes(name):
    from kimed.catalog.algorithms.validation import validate

    findings = validate(read_graph(DATA / name, None, 10**7))
    assert not [f for f in findings if f.severity == "violation"]
