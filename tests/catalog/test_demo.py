"""The demo records: real data sources in HealthDCAT-AP Release 8, checked against the official shapes."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns

from kimed.catalog.demo import demo_files

HEALTH = "http://healthdataportal.eu/ns/health#"
R8 = Path("healthdcat/release-8-cd7841f/validator")
DCATAP3 = Path("healthdcat/dcat-ap/3.0.0")
TIER_OF = {
    "http://publications.europa.eu/resource/authority/access-right/PUBLIC": "public",
    "http://publications.europa.eu/resource/authority/access-right/RESTRICTED": "restricted",
    "http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC": "non-public",
}
FILES = demo_files()


def _parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def _dataset(graph: Graph) -> URIRef:
    (node,) = list(graph.subjects(ns.RDF.type, ns.DCAT.Dataset))
    return node


def _langs(graph: Graph, node: URIRef, prop: URIRef) -> set[str | None]:
    return {o.language for o in graph.objects(node, prop) if isinstance(o, Literal)}


def test_at_least_25_records() -> None:
    assert len(FILES) >= 25


def test_identifiers_and_iris_are_unique() -> None:
    identifiers, iris = [], []
    for path in FILES:
        graph = _parse(path)
        node = _dataset(graph)
        iris.append(node)
        identifiers.extend(str(i) for i in graph.objects(node, ns.DCTERMS.identifier))
    assert len(set(iris)) == len(iris)
    assert len(set(identifiers)) == len(identifiers) == len(FILES)
    assert all(str(i).startswith("https://w3id.org/kimed/dataset/") for i in iris)


def test_recurring_agents_have_identical_triples() -> None:
    seen: dict[URIRef, set] = {}
    for path in FILES:
        graph = _parse(path)
        for agent in graph.subjects(ns.RDF.type, ns.FOAF.Agent):
            contact = set(graph.objects(agent, URIRef("http://data.europa.eu/m8g/contactPoint")))
            triples = set(graph.triples((agent, None, None)))
            triples |= {t for c in contact for t in graph.triples((c, None, None))}
            assert seen.setdefault(agent, triples) == triples, f"{agent} differs in {path.name}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_record_content(path: Path, shared_data: Path) -> None:
    graph = _parse(path)
    node = _dataset(graph)
    assert {"de", "en"} <= _langs(graph, node, ns.DCTERMS.title)
    assert {"de", "en"} <= _langs(graph, node, ns.DCTERMS.description)
    assert {"de", "en"} <= _langs(graph, node, ns.DCAT.keyword)
    assert str(graph.value(node, ns.DCTERMS.accessRights)) in TIER_OF
    publisher = graph.value(node, ns.DCTERMS.publisher)
    assert publisher is not None and graph.value(publisher, ns.FOAF.name) is not None
    official = Graph().parse(shared_data / R8 / "catalogue/healthcategories.rdf")
    known = set(official.subjects(ns.SKOS.inScheme, None))
    categories = set(graph.objects(node, URIRef(HEALTH + "healthCategory")))
    assert categories and categories <= known
    assert any(True for _ in graph.objects(node, ns.DCAT.distribution))
    assert path.read_text(encoding="utf-8").startswith("#"), "header comment citing sources is missing"


# --- official Release 8 shapes --------------------------------------------------------------------------


def _hoist_pathless_or(shapes: Graph) -> None:
    """The official shapes put a path-less ``sh:or`` under ``sh:property`` of the Dataset shape (the
    hasStructuredData/hasVariables rule). pySHACL rejects a property shape without sh:path as malformed,
    so move that sh:or onto the node shape itself (its meaning is a node-level constraint) and drop the
    path-less property node."""
    for shape, prop in list(shapes.subject_objects(ns.SH.property)):
        if (prop, ns.SH.path, None) in shapes:
            continue
        for alternatives in list(shapes.objects(prop, ns.SH["or"])):
            shapes.add((shape, ns.SH["or"], alternatives))
        shapes.remove((shape, ns.SH.property, prop))
        shapes.remove((prop, None, None))


@pytest.fixture(scope="session")
def official_shapes(shared_data: Path) -> dict[str, Graph]:
    """Release 8 shapes per tier with their ranges, plus the DCAT-AP 3.0.0 shapes and ranges they owl:import."""
    shapes = {}
    for tier in ("public", "restricted", "non-public"):
        graph = Graph()
        for part in (R8 / f"shapes/{tier}-shapes.ttl", R8 / "ranges/range.ttl", DCATAP3 / "shapes.ttl", DCATAP3 / "range.ttl"):
            graph.parse(shared_data / part, format="turtle")
        _hoist_pathless_or(graph)
        shapes[tier] = graph
    return shapes


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_conforms_to_official_shapes(path: Path, official_shapes: dict[str, Graph]) -> None:
    from pyshacl import validate

    graph = _parse(path)
    tier = TIER_OF[str(graph.value(_dataset(graph), ns.DCTERMS.accessRights))]
    conforms, report, text = validate(graph, shacl_graph=official_shapes[tier], allow_warnings=True)
    violations = list(report.subjects(ns.SH.resultSeverity, ns.SH.Violation))
    assert not violations, text


# --- our own shapes and vocabularies ------------------------------------------------------------------------


def _has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_passes_our_shapes(path: Path) -> None:
    if not _has_module("kimed.catalog.validation"):
        pytest.skip("kimed.catalog.validation is not written yet")
    validation = pytest.importorskip("kimed.catalog.validation")
    report = validation.validate(_parse(path))
    assert report.conforms, report.violations


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_vocabulary_values(path: Path) -> None:
    vocab = pytest.importorskip("kimed.vocab")
    if not hasattr(vocab, "check_value"):
        pytest.skip("kimed.vocab.check_value is not written yet")
    graph = _parse(path)
    problems = [
        msg
        for s, p, o in graph
        if isinstance(o, URIRef) and p != ns.RDF.type
        for msg in [vocab.check_value(str(p), str(o))]
        if msg
    ]
    assert not problems, problems
