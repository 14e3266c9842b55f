"""Unit tests for kimed.catalog.validation on small records we write here."""

from __future__ import annotations

import json

from rdflib import BNode, Graph, URIRef

from kimed.catalog.validation import Finding, Tier, ValidationReport, tier_of, validate

PREFIXES = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcatap: <http://data.europa.eu/r5r/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix cv: <http://data.europa.eu/m8g/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix healthdcatap: <http://healthdataportal.eu/ns/health#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ar: <http://publications.europa.eu/resource/authority/access-right/> .
@prefix ex: <https://example.org/> .
"""


def record(name: str, access: str | None = "PUBLIC", extra: str = "", drop: str = "") -> str:
    """A minimal dataset with every property mandatory at PUBLIC (minus ``drop``)."""
    lines = [
        f'dct:title "Dataset {name}"@en',
        'dct:description "A test dataset."@en',
        f'dct:identifier "{name}"',
        "dcatap:applicableLegislation <http://data.europa.eu/eli/reg/2025/327/oj>",
        "dcat:theme <http://publications.europa.eu/resource/authority/data-theme/HEAL>",
        "healthdcatap:healthCategory <https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/EHRS>",
        "healthdcatap:hasStructuredData false",
        f"healthdcatap:hdab ex:{name}-hdab",
        f"dcat:distribution ex:{name}-dist",
    ]
    if access:
        lines.append(f"dct:accessRights ar:{access}")
    body = " ;\n    ".join(line for line in lines if not (drop and line.startswith(drop)))
    return f"""
ex:{name} a dcat:Dataset ;
    {body} {extra} .
ex:{name}-dist a dcat:Distribution ;
    dcat:accessURL <https://example.org/{name}/access> ;
    dcatap:applicableLegislation <http://data.europa.eu/eli/reg/2025/327/oj> .
ex:{name}-hdab a foaf:Agent ; foaf:name "HDAB" ; cv:contactPoint ex:{name}-cp .
ex:{name}-cp a cv:ContactPoint ; cv:email "hdab@example.org" .
"""


NON_PUBLIC_EXTRA = """;
    dcat:keyword "test" ; dct:type <http://publications.europa.eu/resource/authority/dataset-type/STATISTICAL> ;
    dct:provenance [ a dct:ProvenanceStatement ] ;
    dcat:contactPoint [ a vcard:Kind ; vcard:hasEmail <mailto:a@example.org> ]"""


def graph(*records: str) -> Graph:
    return Graph().parse(data=PREFIXES + "".join(records), format="turtle")


def ex(name: str) -> URIRef:
    return URIRef(f"https://example.org/{name}")


def test_minimal_public_record_conforms_with_warnings_only() -> None:
    report = validate(graph(record("a")))
    assert report.conforms, [f.message for f in report.violations]
    assert report.warnings  # recommended properties are missing
    assert all(f.severity == "warning" for f in report.findings)


def test_missing_recommended_is_a_warning_not_a_violation() -> None:
    report = validate(graph(record("a")))
    keyword = [f for f in report.findings if f.path == "dcat:keyword"]
    assert [f.severity for f in keyword] == ["warning"]
    assert keyword[0].message == "dcat:keyword is recommended for PUBLIC datasets (min 1) — HealthDCAT-AP Release 8"


def test_message_names_property_tier_and_standard() -> None:
    report = validate(graph(record("a", access="NON_PUBLIC", extra=NON_PUBLIC_EXTRA,
                                   drop="healthdcatap:healthCategory")))
    [finding] = report.violations
    assert finding.path == "healthdcatap:healthCategory"
    assert finding.tier is Tier.NON_PUBLIC
    assert finding.focus == str(ex("a"))
    assert "healthdcatap:healthCategory" in finding.message
    assert "NON_PUBLIC" in finding.message
    assert finding.message.endswith("HealthDCAT-AP Release 8")
    for f in report.findings:  # every finding, warnings included
        assert f.path and f.path.split("|")[0] in f.message and f.tier.value in f.message
        assert "HealthDCAT-AP Release 8" in f.message


def test_non_public_asks_for_more_than_public() -> None:
    public = validate(graph(record("a", access="PUBLIC")))
    non_public = validate(graph(record("a", access="NON_PUBLIC")))
    assert public.conforms
    assert {f.path for f in non_public.violations} == {
        "dcat:contactPoint", "dcat:keyword", "dct:type", "dct:provenance"}
    assert {f.tier for f in non_public.violations} == {Tier.NON_PUBLIC}


def test_mixed_tier_graph_checks_each_dataset_at_its_own_tier() -> None:
    data = graph(record("pub", "PUBLIC"), record("res", "RESTRICTED", drop="dct:title"),
                 record("np", "NON_PUBLIC"))
    report = validate(data)
    assert not report.for_focus(ex("pub")) or all(f.severity == "warning" for f in report.for_focus(ex("pub")))
    [res] = [f for f in report.for_focus(ex("res")) if f.severity == "violation"]
    assert res.path == "dct:title" and res.tier is Tier.RESTRICTED and "RESTRICTED" in res.message
    np = [f for f in report.for_focus(ex("np")) if f.severity == "violation"]
    assert {f.path for f in np} == {"dcat:contactPoint", "dcat:keyword", "dct:type", "dct:provenance"}
    # nested nodes are reported at the tier of the dataset that uses them
    assert {f.tier for f in report.for_focus(ex("np-dist"))} <= {Tier.NON_PUBLIC}


def test_record_missing_access_rights_is_a_violation_and_checked_at_public() -> None:
    data = graph(record("a", access=None))
    assert tier_of(data, ex("a")) is None
    report = validate(data)
    [finding] = report.violations
    assert finding.path == "dct:accessRights"
    assert finding.tier is Tier.PUBLIC
    assert "dct:accessRights is mandatory for PUBLIC datasets" in finding.message


def test_unknown_access_rights_value_is_a_violation() -> None:
    data = graph(record("a", access="SECRET"))
    assert tier_of(data, ex("a")) is None
    assert [f.path for f in validate(data).violations] == ["dct:accessRights"]


def test_forced_tier_requires_matching_access_rights() -> None:
    data = graph(record("a", "PUBLIC", extra=NON_PUBLIC_EXTRA))
    assert validate(data, Tier.PUBLIC).conforms
    [finding] = validate(data, Tier.NON_PUBLIC).violations
    assert finding.path == "dct:accessRights" and "NON_PUBLIC" in finding.message


def test_tier_of_reads_access_rights() -> None:
    data = graph(record("a", "RESTRICTED"), record("b", "NON_PUBLIC"))
    assert tier_of(data, ex("a")) is Tier.RESTRICTED
    assert tier_of(data, ex("b")) is Tier.NON_PUBLIC
    assert tier_of(data, BNode()) is None


def test_structured_data_needs_variables() -> None:
    data = graph(record("a", drop="healthdcatap:hasStructuredData",
                        extra="; healthdcatap:hasStructuredData true"))
    [finding] = validate(data).violations
    assert finding.path == "healthdcatap:hasVariables"
    assert "hasStructuredData is true" in finding.message


def test_wrong_datatype_and_negative_age() -> None:
    data = graph(record("a", extra='; healthdcatap:numberOfRecords "many" ; healthdcatap:minTypicalAge -3'))
    assert {f.path for f in validate(data).violations} == {
        "healthdcatap:numberOfRecords", "healthdcatap:minTypicalAge"}


def test_distribution_and_agent_rules() -> None:
    text = record("a").replace('dcat:accessURL <https://example.org/a/access> ;', "")
    text = text.replace('cv:contactPoint ex:a-cp', 'foaf:mbox <mailto:x@example.org>')
    report = validate(graph(text))
    assert {(f.focus, f.path) for f in report.violations} == {
        (str(ex("a-dist")), "dcat:accessURL"), (str(ex("a-hdab")), "cv:contactPoint")}


def test_catalog_is_checked_once() -> None:
    data = graph(record("a"), 'ex:cat a dcat:Catalog ; dct:title "Cat" ; dcat:dataset ex:a .')
    paths = {f.path for f in validate(data).violations if f.focus == str(ex("cat"))}
    assert paths == {"dct:description", "dct:publisher", "dcatap:applicableLegislation"}


def test_report_to_dict_is_json_serialisable() -> None:
    report = validate(graph(record("a", access=None)))
    data = json.loads(json.dumps(report.to_dict()))
    assert data["conforms"] is False and data["violations"] == 1
    assert data["findings"][0]["tier"] == "PUBLIC"
    assert data["standard"] == "HealthDCAT-AP Release 8"


def test_empty_report() -> None:
    report = ValidationReport([])
    assert report.conforms and report.violations == [] and report.to_dict()["findings"] == []
    finding = Finding("violation", "urn:x", "dct:title", Tier.PUBLIC, "m")
    assert not ValidationReport([finding]).conforms
