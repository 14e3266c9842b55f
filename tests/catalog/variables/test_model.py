"""Reading variables from CSVW descriptions (healthdcatap:hasVariables)."""

from __future__ import annotations

from rdflib import Graph, URIRef

from kimed.catalog.variables import Variable, read_variables

EX = "https://kimed.example.org/"

SCHEMA_FORM = f"""
@prefix csvw: <http://www.w3.org/ns/csvw#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix healthdcatap: <http://healthdataportal.eu/ns/health#> .
@prefix schema: <http://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<{EX}ds> a dcat:Dataset ; healthdcatap:hasVariables [
    a csvw:TableGroup ; dct:title "Dictionary"@en ;
    csvw:table [ a csvw:Table ; dct:title "Labs"@en ;
        csvw:tableSchema [ csvw:column
            [ csvw:name "sbp" ; csvw:title "Systolic BP"@en, "Systolischer Blutdruck"@de ;
              dct:description "Systolic blood pressure"@en ; csvw:datatype xsd:decimal ;
              schema:unitText "mm[Hg]" ; schema:position 2 ;
              dct:subject <http://purl.bioontology.org/ontology/LNC/8480-6> ] ,
            [ csvw:name "age" ; csvw:title "Age" ; csvw:datatype [ csvw:base "integer" ] ;
              schema:position 1 ; skos:notation "AGE01" ] ,
            [ csvw:title "nameless column" ] ] ] ] .
"""


def test_reads_columns_through_table_schema_in_position_order():
    graph = Graph().parse(data=SCHEMA_FORM, format="turtle")
    variables = read_variables(graph, URIRef(f"{EX}ds"))
    assert [v.name for v in variables] == ["age", "sbp"]
    age, sbp = variables
    assert age.datatype == "integer"          # from a csvw:Datatype node's csvw:base
    assert age.titles == {"": "Age"}
    assert age.codes == ("AGE01",)
    assert sbp.datatype == "decimal"          # XSD IRI becomes its local name
    assert sbp.titles == {"en": "Systolic BP", "de": "Systolischer Blutdruck"}
    assert sbp.title("de") == "Systolischer Blutdruck"
    assert sbp.unit == "mm[Hg]"
    assert sbp.codes == ("http://purl.bioontology.org/ontology/LNC/8480-6",)
    assert sbp.table == "Labs"


def test_no_variables_for_a_dataset_without_dictionary():
    graph = Graph().parse(data=SCHEMA_FORM, format="turtle")
    assert read_variables(graph, URIRef(f"{EX}other")) == []


def test_variable_is_frozen():
    variable = Variable(name="x")
    try:
        variable.name = "y"  # type: ignore[misc]
    except Exception as exc:  # pydantic raises ValidationError on frozen models
        assert "frozen" in str(exc)
    else:
        raise AssertionError("a Variable must be immutable")


def test_official_healthdcat_example(shared_data):
    path = shared_data / "healthdcat" / "release-8-cd7841f" / "examples"
    graph = Graph().parse(path / "healthdcataphasVariables.ttl")
    ds = URIRef("https://healthdcat-ap.example.org/release-7/example/dataset-oncology-ehrs-2024")
    variables = {v.name: v for v in read_variables(graph, ds)}
    assert len(variables) == 8
    diagnosis = variables["DiagnosisCode"]
    assert diagnosis.datatype == "string"
    assert diagnosis.codes == ("http://purl.bioontology.org/ontology/ICD10",)
    assert diagnosis.table == "Patient Encounter Records (Minimal)"
    assert variables["VisitDate"].datatype == "dateTime"
