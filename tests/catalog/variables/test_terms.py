"""Codes (short forms and IRIs) and the search words of a dataset's variables."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from kimed.catalog.variables import read_variables, variable_terms
from kimed.catalog.variables.codes import code_terms, compact_code, expand_code
from kimed.catalog.variables.dictionary import read_dictionary
from kimed.catalog.variables.graph import remove_dictionary, replace_dictionary

DS = URIRef("https://tests.kimed.example/ds")


@pytest.mark.parametrize(("code", "iri"), [
    ("LOINC:8480-6", "http://purl.bioontology.org/ontology/LNC/8480-6"),
    ("loinc:8480-6", "http://purl.bioontology.org/ontology/LNC/8480-6"),
    ("SCT:22298006", "http://snomed.info/id/22298006"),
    ("ICD-10:I63.9", "http://purl.bioontology.org/ontology/ICD10/I63.9"),
    ("https://example.org/concept/1", "https://example.org/concept/1"),
    ("ICD-10-GM:I63.9", None), ("local-42", None), ("LOINC:", None),
])
def test_expand_code(code, iri):
    assert expand_code(code) == iri


def test_compact_and_code_terms():
    iri = "http://snomed.info/id/22298006"
    assert compact_code(iri) == "SNOMED:22298006"
    assert code_terms(iri) == [iri, "SNOMED:22298006", "22298006"]
    assert code_terms("ICD-10-GM:I63.9") == ["ICD-10-GM:I63.9", "I63.9"]
    assert code_terms("https://example.org/x") == ["https://example.org/x"]


def test_variable_terms_round_trip_through_rdf():
    dictionary = read_dictionary(
        b"name,title@en,title@de,codes\n"
        b"nihss_admission,NIHSS at admission,NIHSS bei Aufnahme,LOINC:72089-6\n"
        b"icd_main,Main diagnosis,Hauptdiagnose,ICD-10-GM:I63.9\n", "d.csv")
    graph = Graph()
    replace_dictionary(graph, DS, dictionary.variables, dictionary.table)
    terms = variable_terms(graph, DS)
    for word in ("nihss_admission", "NIHSS at admission", "NIHSS bei Aufnahme", "72089-6",
                 "LOINC:72089-6", "http://purl.bioontology.org/ontology/LNC/72089-6",
                 "icd_main", "ICD-10-GM:I63.9", "I63.9", "Hauptdiagnose"):
        assert word in terms
    assert len(terms) == len(set(terms))
    assert variable_terms(graph, str(DS)) == terms
    assert variable_terms(graph, URIRef("https://tests.kimed.example/other")) == []


def test_remove_dictionary_keeps_nodes_used_elsewhere():
    graph = Graph()
    replace_dictionary(graph, DS, read_dictionary(b"name\nx\n", "d.csv").variables)
    shared = URIRef("https://tests.kimed.example/concept")
    (column,) = graph.subjects(URIRef("http://www.w3.org/ns/csvw#name"), None)
    graph.add((column, URIRef("http://purl.org/dc/terms/subject"), shared))
    graph.add((shared, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), URIRef("urn:x")))
    graph.add((DS, URIRef("http://purl.org/dc/terms/subject"), shared))
    removed = remove_dictionary(graph, DS)
    assert removed > 0
    assert read_variables(graph, DS) == []
    assert (shared, None, None) in graph          # still described: the dataset uses it
    assert len(graph) == 2
