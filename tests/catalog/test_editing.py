"""The editing form's mapping to RDF and back (kimed.catalog.editing, kimed.catalog.editform)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kimed.catalog.demo import demo_files
from kimed.catalog.editform import DatasetForm, parse_form
from kimed.catalog.editing import (
    EditError,
    agent_description,
    fields_of_findings,
    fields_of_problems,
    form_to_graph,
    record_to_form,
)
from kimed.catalog.importer import check_graph
from kimed.catalog.namespaces import DCAT, DCTERMS, HEALTHDCATAP, RDF, VCARD, XSD
from kimed.catalog.rdfio import parse_file
from kimed.catalog.records import split_records

DATA = Path(__file__).parents[1] / "data" / "rdf"
DS = URIRef("https://tests.kimed.example/ds-heart")
PUBLIC = "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
HC = "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/"


@pytest.fixture
def minimal():
    return parse_file(DATA / "minimal-public.ttl")


@pytest.fixture(scope="module")
def nako():
    graph = parse_file(next(p for p in demo_files() if p.name == "nako.ttl"))
    ((ds, record),) = split_records(graph).datasets.items()
    return ds, record


def changes(before, after):
    _both, gone, added = graph_diff(to_isomorphic(before), to_isomorphic(after))
    return set(gone), set(added)


def test_record_to_form_reads_the_core_fields(minimal):
    values = record_to_form(minimal)
    assert values["identifier"] == "test-heart-1"
    assert values["title_en"] == "Heart failure registry test"
    assert values["access_rights"] == PUBLIC
    assert values["health_categories"] == [HC + "EHRS"]
    assert values["number_of_unique_individuals"] == 1200
    assert (values["min_typical_age"], values["max_typical_age"]) == (18, 90)
    assert values["has_structured_data"] is False
    assert values["contact_email"] == "test@kimed.example"
    assert values["distribution_access_url"] == "https://tests.kimed.example/download"
    DatasetForm.model_validate(values)  # it is a valid form


def test_unchanged_form_gives_the_same_graph(nako, minimal):
    ds, record = nako
    assert isomorphic(form_to_graph(record_to_form(record, ds), record), record)
    assert isomorphic(form_to_graph(record_to_form(minimal), minimal), minimal)


def test_an_edit_replaces_only_the_triples_of_changed_fields(nako):
    ds, record = nako
    values = record_to_form(record, ds)
    values["keywords_en"] = [*values["keywords_en"], "baseline"]
    values["min_typical_age"] = 20
    values["health_categories"] = [HC + "RQSH"]
    gone, added = changes(record, form_to_graph(values, record))
    assert gone == {
        (ds, HEALTHDCATAP.minTypicalAge, Literal("19", datatype=XSD.nonNegativeInteger)),
        (ds, HEALTHDCATAP.healthCategory, URIRef(HC + "EINS")),
        # the label of the category no longer used goes with it
        *record.triples((URIRef(HC + "EINS"), None, None)),
    }
    assert added == {
        (ds, DCAT.keyword, Literal("baseline", lang="en")),
        (ds, HEALTHDCATAP.minTypicalAge, Literal("20", datatype=XSD.nonNegativeInteger)),
    }


def test_publisher_change_brings_the_agent_description_and_drops_the_old(nako, minimal):
    ds, record = nako
    agent = "https://w3id.org/kimed/agent/nako"
    values = record_to_form(minimal)
    values["publisher"] = agent
    graph = form_to_graph(values, minimal, agents={agent: agent_description(record, agent)})
    assert graph.value(DS, DCTERMS.publisher) == URIRef(agent)
    assert (URIRef(agent), RDF.type, None) in graph
    old = URIRef("https://tests.kimed.example/publisher")
    assert (old, None, None) in graph  # still the health data access body
    values["hdab"] = agent
    graph = form_to_graph(values, graph)
    assert (old, None, None) not in graph
    assert (URIRef("https://tests.kimed.example/publisher-contact"), None, None) not in graph


def test_nested_nodes_are_created_updated_and_dropped(minimal):
    values = record_to_form(minimal)
    values.update(temporal_start=date(2001, 1, 1), contact_email="new@kimed.example",
                  distribution_format=None)
    graph = form_to_graph(values, minimal)
    period = graph.value(DS, DCTERMS.temporal)
    assert graph.value(period, DCAT.startDate) == Literal("2001-01-01", datatype=XSD.date)
    assert (period, RDF.type, DCTERMS.PeriodOfTime) in graph
    contact = graph.value(DS, DCAT.contactPoint)
    assert graph.value(contact, VCARD.hasEmail) == URIRef("mailto:new@kimed.example")
    dist = graph.value(DS, DCAT.distribution)
    assert graph.value(dist, DCTERMS.format) is None
    assert graph.value(dist, DCAT.accessURL) is not None
    values.update(temporal_start=None, contact_email=None)
    graph = form_to_graph(values, graph)
    assert graph.value(DS, DCTERMS.temporal) is None and (period, None, None) not in graph
    assert graph.value(DS, DCAT.contactPoint) is None


def test_unmodelled_properties_survive(minimal):
    values = record_to_form(minimal)
    values["title_en"] = "Renamed"
    graph = form_to_graph(values, minimal)
    unmodelled = URIRef("https://tests.kimed.example/unmodelledProperty")
    assert graph.value(DS, unmodelled) == Literal("kept verbatim")


def test_new_record_from_a_form_conforms(nako):
    ds, record = nako
    agent = "https://w3id.org/kimed/agent/nako"
    form = DatasetForm(
        title_en="Heart registry", description_en="A registry.", access_rights=PUBLIC,
        publisher=agent, hdab=agent, health_categories=[HC + "EHRS"],
        themes=["http://publications.europa.eu/resource/authority/data-theme/HEAL"],
        applicable_legislation=["http://data.europa.eu/eli/reg/2025/327/oj"],
        has_structured_data=False, distribution_access_url="https://example.org/d")
    graph = form_to_graph(form, agents={agent: agent_description(record, agent)})
    new = URIRef("https://w3id.org/kimed/dataset/heart-registry")
    assert graph.value(new, DCTERMS.identifier) == Literal("kimed:heart-registry")
    dist = graph.value(new, DCAT.distribution)
    assert (dist, URIRef("http://data.europa.eu/r5r/applicableLegislation"), None) in graph
    prepared = check_graph(graph)
    assert prepared.outcome.violations == 0, prepared.outcome.findings
    with pytest.raises(EditError):
        form_to_graph(DatasetForm())


def test_findings_and_refusals_land_on_their_fields(minimal):
    values = record_to_form(minimal)
    values.update(title_en="", title_de="", distribution_access_url=None)
    graph = form_to_graph(values, minimal)
    findings = check_graph(graph).outcome.findings
    by_field = fields_of_findings(findings, graph)
    assert any("dct:title" in f["message"] and "PUBLIC" in f["message"]
               for f in by_field["title"])
    assert any(f["path"] == "dcat:accessURL" for f in by_field["distribution"])
    placed = fields_of_problems(["dct:accessRights: <x> is not in the EU access-right list",
                                 "something else"])
    assert placed == {"access_rights": ["dct:accessRights: <x> is not in the EU access-right "
                                        "list"], None: ["something else"]}


@pytest.mark.parametrize("raw,field,words", [
    ({"min_typical_age": "-3"}, "min_typical_age", "whole number"),
    ({"number_of_unique_individuals": "many"}, "number_of_unique_individuals", "whole number"),
    ({"temporal_start": "2020-02-30"}, "temporal", "YYYY-MM-DD"),
    ({"temporal_start": "2021-01-01", "temporal_end": "2020-01-01"}, "temporal", "before"),
    ({"min_typical_age": "60", "max_typical_age": "20"}, "max_typical_age", "below"),
    ({"landing_page": "ftp://x"}, "landing_page", "web address"),
    ({"contact_email": "a@b"}, "contact_email", "e-mail"),
    ({"themes": ["not an iri"]}, "themes", "IRI"),
    ({"identifier": "bad id!"}, "identifier", "letters"),
])
def test_parse_form_names_field_and_rule(raw, field, words):
    form, errors = parse_form(raw)
    assert form is None
    assert [e.field for e in errors] == [field]
    assert words in errors[0].message and errors[0].rule


def test_parse_form_reads_html_strings():
    form, errors = parse_form({
        "title_en": "  T  ", "keywords_en": "a, b\nc", "themes": ["http://x.org/a"],
        "min_typical_age": "18", "has_structured_data": "true", "contact_email": "",
        "temporal_start": "2020-01-02", "csrf_token": "ignored"})
    assert errors == []
    assert form.title_en == "T" and form.keywords_en == ["a, b", "c"]
    assert form.min_typical_age == 18 and form.has_structured_data is True
    assert form.contact_email is None and form.temporal_start == date(2020, 1, 2)
