"""The algorithm edit form's mapping to RDF: an unchanged form keeps every demo record's graph,
a change rewrites only its own triples, and bad values are errors naming field and rule."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.compare import graph_diff, isomorphic

from kimed.catalog.algorithms.demo import demo_files
from kimed.catalog.algorithms.editform import parse_algorithm_form
from kimed.catalog.algorithms.editing import form_to_graph, model_node, record_to_form
from kimed.catalog.algorithms.importer import read_graph
from kimed.catalog.algorithms.rdf import MLDCAT, split_models
from kimed.catalog.namespaces import RDF, SKOS

DEMO = {p.stem: p for p in demo_files()}
DCM = "http://dicom.nema.org/resources/ontology/DCM/"


def record(stem: str):
    models, _rest = split_models(read_graph(DEMO[stem], None, 10**8))
    assert len(models) == 1
    return next(iter(models.values()))


@pytest.mark.parametrize("stem", sorted(DEMO))
def test_an_unchanged_form_gives_an_isomorphic_graph(stem):
    graph = record(stem)
    form, errors = parse_algorithm_form(record_to_form(graph))
    assert not errors
    assert isomorphic(form_to_graph(form, graph), graph)


def test_a_change_rewrites_only_its_triples():
    graph = record("totalsegmentator")
    m = model_node(graph)
    values = record_to_form(graph)
    assert values["input_modalities"] == ["https://w3id.org/kimed/vocab/ai-modalities/image",
                                          "https://w3id.org/kimed/vocab/ai-modalities/radiology"]
    values.update(input_modalities=["CT", "radiology"], limitations="Only adult CT.")
    form, errors = parse_algorithm_form(values)
    assert not errors and DCM + "CT" in form.input_modalities
    out = form_to_graph(form, graph)
    _both, removed, added = graph_diff(graph, out)
    node = URIRef(str(m) + "#input")
    assert {(s, p, o) for s, p, o in added} == {
        (node, MLDCAT.classification, URIRef(DCM + "CT")),
        (URIRef(DCM + "CT"), RDF.type, SKOS.Concept),
        (m, MLDCAT.limitations, Literal("Only adult CT.", lang="en"))}
    image = URIRef("https://w3id.org/kimed/vocab/ai-modalities/image")
    assert (node, MLDCAT.classification, image) in removed
    assert (image, RDF.type, SKOS.Concept) not in out  # no longer used anywhere
    assert len(removed) == 3  # image's link and type, the old limitations


@pytest.mark.parametrize("values, field, rule", [
    ({"tasks": ["nonsense"]}, "tasks", "vocabulary ai-tasks"),
    ({"input_modalities": ["XX"]}, "input_modalities", "dicom-modalities or ai-modalities"),
    ({"licenses": ["ftp://x"]}, "licenses", "http(s) URL"),
    ({"pipeline": "has space"}, "spe", "pipeline name"),
    ({"runnable_in_spe": "maybe"}, "spe", "xsd:boolean"),
])
def test_bad_values_name_their_field_and_rule(values, field, rule):
    form, errors = parse_algorithm_form(values)
    assert form is None and errors[0].field == field and rule in errors[0].rule
