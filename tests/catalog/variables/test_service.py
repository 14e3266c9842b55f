"""Attaching a data dictionary to a stored record: one transaction, re-validated, replaceable."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from kimed.catalog.namespaces import CSVW, DCTERMS, HEALTHDCATAP, SKOS
from kimed.catalog.store import NotFound, get_dataset, graph_of, record_of
from kimed.catalog.variables.dictionary import (
    DictionaryError,
    read_dictionary,
    read_dictionary_file,
)
from kimed.catalog.variables.model import SCHEMA
from kimed.catalog.variables.service import import_dictionary, variables_of
from kimed.catalog.variables.terms import variable_terms
from tests.catalog.conftest import snapshot

DS = URIRef("https://tests.kimed.example/ds-heart")


def test_import_attaches_a_valid_dictionary(loaded, heart_csv):
    with loaded.session() as session:
        outcome = import_dictionary(session, "test-heart-1", read_dictionary_file(heart_csv))
    assert (outcome.variables, outcome.tables, outcome.replaced) == (6, 1, 0)
    with loaded.session() as session:
        row = get_dataset(session, "test-heart-1")
        graph = graph_of(row)
        assert record_of(row).has_variables is True
        assert not [f for f in row.findings if "csvw" in (f["path"] or "")]
        variables = variables_of(row)
    assert [v.name for v in variables][:3] == ["patient_id", "age_at_admission", "sex"]
    lvef = next(v for v in variables if v.name == "lvef")
    assert lvef.unit == "%" and lvef.datatype == "decimal"
    assert lvef.codes == ("http://purl.bioontology.org/ontology/LNC/10230-1",)
    assert lvef.titles["de"] == "Linksventrikuläre Ejektionsfraktion"
    # RDF shape: TableGroup -> Table -> Column, codes as dct:subject / skos:notation
    (group,) = graph.objects(DS, HEALTHDCATAP.hasVariables)
    (table,) = graph.objects(group, CSVW.table)
    assert len(set(graph.objects(table, CSVW.column))) == 6
    diagnosis = next(c for c in graph.objects(table, CSVW.column)
                     if str(graph.value(c, CSVW.name)) == "main_diagnosis")
    assert {str(n) for n in graph.objects(diagnosis, SKOS.notation)} == {"ICD-10-GM:I50.1"}
    assert {str(s) for s in graph.objects(diagnosis, DCTERMS.subject)} == {
        "https://www.bfarm.de/icd-10-gm"}
    assert int(graph.value(diagnosis, SCHEMA.position)) == 6
    # unmodelled triples of the record survive
    assert (DS, URIRef("https://tests.kimed.example/unmodelledProperty"), None) in graph


def test_reimport_replaces_the_dictionary(loaded, heart_csv):
    with loaded.session() as session:
        import_dictionary(session, "test-heart-1", read_dictionary_file(heart_csv))
    small = read_dictionary(b"name,title,description,datatype\nbmi,BMI,Body mass index,decimal\n",
                            "second.csv")
    with loaded.session() as session:
        outcome = import_dictionary(session, "test-heart-1", small)
    assert outcome.replaced == 6
    with loaded.session() as session:
        row = get_dataset(session, "test-heart-1")
        graph = graph_of(row)
        assert [v.name for v in variables_of(row)] == ["bmi"]
    assert len(set(graph.objects(DS, HEALTHDCATAP.hasVariables))) == 1
    assert len(set(graph.subjects(CSVW.name, None))) == 1  # no orphaned old columns
    assert "lvef" not in variable_terms(graph, DS)


def test_shacl_violation_on_the_dictionary_refuses_and_changes_nothing(loaded):
    before = snapshot(loaded)
    # no title and no description: both mandatory for csvw:Column (HealthDCAT-AP)
    bare = read_dictionary(b"name,datatype\nage,integer\nsex,string\n", "bare.csv")
    with pytest.raises(DictionaryError) as excinfo, loaded.session() as session:
        import_dictionary(session, "test-heart-1", bare)
    text = str(excinfo.value)
    assert "bare.csv, row 2, column 'title'" in text
    assert "row 3, column 'description'" in text
    assert "HealthDCAT-AP Release 8" in text
    assert snapshot(loaded) == before


def test_save_with_findings_stores_a_dictionary_with_violations(loaded):
    bare = read_dictionary(b"name,datatype\nage,integer\n", "bare.csv")
    with loaded.session() as session:
        outcome = import_dictionary(session, "test-heart-1", bare, save_with_findings=True)
    assert outcome.violations >= 2
    assert any(f["path"] == "csvw:title" for f in outcome.findings)


def test_unknown_dataset(loaded, heart_csv):
    before = snapshot(loaded)
    with pytest.raises(NotFound), loaded.session() as session:
        import_dictionary(session, "no-such-dataset", read_dictionary_file(heart_csv))
    assert snapshot(loaded) == before
