"""The typed projection of a dataset record: what the UI, search and facets read.

The canonical RDF stays the source of truth; this is derived from it by :func:`project`.
A value whose datatype contradicts the HealthDCAT-AP range raises :class:`ProjectionError`.
"""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, Field
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kimed.catalog.namespaces import (
    CV,
    DCAT,
    DCATAP,
    DCTERMS,
    DPV,
    DQV,
    FOAF,
    GEODCATAP,
    HEALTHDCATAP,
    PROV,
    RDFS,
    SKOS,
    VCARD,
)

LangMap = dict[str, str]
SPEC = "HealthDCAT-AP Release 8"


class ProjectionError(ValueError):
    """A value that cannot be read as the type the specification gives it."""


class AgentRef(BaseModel):
    iri: str | None = None
    name: LangMap = Field(default_factory=dict)
    type: str | None = None
    email: str | None = None
    url: str | None = None


class Period(BaseModel):
    start: date | None = None
    end: date | None = None


class DistributionRef(BaseModel):
    iri: str | None = None
    title: LangMap = Field(default_factory=dict)
    access_url: str | None = None
    download_url: str | None = None
    format: str | None = None
    media_type: str | None = None
    license: str | None = None
    byte_size: int | None = None


class DatasetRecord(BaseModel):
    """The projection of one dcat:Dataset (field names follow the HealthDCAT-AP property names)."""

    iri: str
    identifier: str
    title: LangMap = Field(default_factory=dict)
    description: LangMap = Field(default_factory=dict)
    keywords: dict[str, list[str]] = Field(default_factory=dict)
    access_rights: str | None = None
    publisher: AgentRef | None = None
    creators: list[AgentRef] = Field(default_factory=list)
    hdab: AgentRef | None = None
    custodians: list[AgentRef] = Field(default_factory=list)
    contact: AgentRef | None = None
    themes: list[str] = Field(default_factory=list)
    health_categories: list[str] = Field(default_factory=list)
    health_themes: list[str] = Field(default_factory=list)
    coding_systems: list[str] = Field(default_factory=list)
    code_values: list[str] = Field(default_factory=list)
    standards: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    spatial: list[str] = Field(default_factory=list)
    applicable_legislation: list[str] = Field(default_factory=list)
    dataset_type: str | None = None
    frequency: str | None = None
    temporal: list[Period] = Field(default_factory=list)
    retention: Period | None = None
    issued: date | None = None
    modified: date | None = None
    version: str | None = None
    landing_pages: list[str] = Field(default_factory=list)
    number_of_records: int | None = None
    number_of_unique_individuals: int | None = None
    min_typical_age: int | None = None
    max_typical_age: int | None = None
    population_coverage: LangMap = Field(default_factory=dict)
    has_structured_data: bool | None = None
    has_variables: bool = False
    variable_terms: list[str] = Field(default_factory=list)  # names, titles, codes: for search
    personal_data: list[str] = Field(default_factory=list)
    legal_basis: list[str] = Field(default_factory=list)
    purpose: list[str] = Field(default_factory=list)
    quality_annotations: int = 0
    generated_by: list[str] = Field(default_factory=list)
    distributions: list[DistributionRef] = Field(default_factory=list)
    analytics: list[DistributionRef] = Field(default_factory=list)
    samples: list[DistributionRef] = Field(default_factory=list)

    def label(self, lang: str = "en") -> str:
        return pick(self.title, lang) or self.identifier


def pick(values: LangMap, lang: str = "en") -> str | None:
    """The value in ``lang``, else English, else any."""
    for key in (lang, "en", ""):
        if values.get(key):
            return values[key]
    return next(iter(values.values()), None)


def _lang_map(g: Graph, s: Node, p: URIRef) -> LangMap:
    out: LangMap = {}
    for o in sorted(g.objects(s, p), key=str):
        if isinstance(o, Literal):
            out.setdefault(o.language or "", str(o))
    return out


def _uris(g: Graph, s: Node, p: URIRef) -> list[str]:
    return sorted({str(o) for o in g.objects(s, p) if isinstance(o, URIRef)})


def _one(g: Graph, s: Node, p: URIRef) -> Node | None:
    return next(iter(sorted(g.objects(s, p), key=str)), None)


def _typed(value: Node | None, prop: str, kind: type, ranges: str):
    if value is None:
        return None
    if not isinstance(value, Literal):
        raise ProjectionError(f"{prop}: expected a literal of type {ranges}, got the node <{value}> "
                              f"[range from {SPEC}]")
    python = value.toPython()
    if kind is int and isinstance(python, bool) or not isinstance(python, kind):
        raise ProjectionError(
            f"{prop}: {value!s:.60} (datatype {value.datatype or 'plain string'}) is not a valid "
            f"{ranges} [range from {SPEC}]"
        )
    if kind is int and python < 0:
        raise ProjectionError(f"{prop}: {python} is negative, but the range is {ranges} [{SPEC}]")
    return python


def literal_date(value: Node | None, prop: str) -> date | None:
    """A date from an xsd:date, xsd:dateTime, xsd:gYear or xsd:gYearMonth literal (first day)."""
    if value is None:
        return None
    python = value.toPython() if isinstance(value, Literal) else None
    if hasattr(python, "date") and callable(python.date):
        return python.date()
    if isinstance(python, date):
        return python
    text = str(value)
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?", text)
    if match and isinstance(value, Literal) and 1 <= int(match.group(2) or 1) <= 12:
        return date(int(match.group(1)), int(match.group(2) or 1), 1)
    raise ProjectionError(f"{prop}: {text:.60} is not an xsd:date or xsd:dateTime [{SPEC}]")


def _date(g: Graph, s: Node, p: URIRef, prop: str) -> date | None:
    return literal_date(_one(g, s, p), prop)


def _agent(g: Graph, node: Node | None) -> AgentRef | None:
    if node is None:
        return None
    contact = _one(g, node, CV.contactPoint)
    email = _one(g, node, FOAF.mbox) or (contact and _one(g, contact, CV.email))
    url = _one(g, node, FOAF.homepage) or (contact and _one(g, contact, CV.contactPage))
    return AgentRef(
        iri=str(node) if isinstance(node, URIRef) else None,
        name=_lang_map(g, node, FOAF.name),
        type=str(_one(g, node, DCTERMS.type) or "") or None,
        email=str(email) if email else None,
        url=str(url) if url else None,
    )


def _contact(g: Graph, node: Node | None) -> AgentRef | None:
    if node is None:
        return None
    email = _one(g, node, VCARD.hasEmail)
    return AgentRef(
        iri=str(node) if isinstance(node, URIRef) else None,
        name=_lang_map(g, node, VCARD.fn),
        email=str(email).removeprefix("mailto:") if email else None,
        url=str(_one(g, node, VCARD.hasURL) or "") or None,
    )


def _period(g: Graph, node: Node, prop: str) -> Period:
    start = _date(g, node, DCAT.startDate, f"{prop}/dcat:startDate")
    end = _date(g, node, DCAT.endDate, f"{prop}/dcat:endDate")
    return Period(start=start, end=end)


def _distribution(g: Graph, node: Node) -> DistributionRef:
    return DistributionRef(
        iri=str(node) if isinstance(node, URIRef) else None,
        title=_lang_map(g, node, DCTERMS.title),
        access_url=str(_one(g, node, DCAT.accessURL) or "") or None,
        download_url=str(_one(g, node, DCAT.downloadURL) or "") or None,
        format=str(_one(g, node, DCTERMS.format) or "") or None,
        media_type=str(_one(g, node, DCAT.mediaType) or "") or None,
        license=str(_one(g, node, DCTERMS.license) or "") or None,
        byte_size=_typed(_one(g, node, DCAT.byteSize), "dcat:byteSize", int,
                         "xsd:nonNegativeInteger"),
    )


def _texts(g: Graph, nodes) -> list[str]:
    out = []
    for node in nodes:
        label = _one(g, node, DCTERMS.description) or _one(g, node, RDFS.label)
        label = label or _one(g, node, SKOS.prefLabel)
        out.append(str(label) if label is not None else str(node))
    return sorted(out)


def _variable_terms(g: Graph, ds: Node) -> list[str]:
    if _one(g, ds, HEALTHDCATAP.hasVariables) is None:
        return []
    from kimed.catalog.variables import variable_terms

    return variable_terms(g, ds)


def project(g: Graph, ds: Node) -> DatasetRecord:
    """Build the typed projection of dataset ``ds`` from its record graph ``g``."""
    ident = _one(g, ds, DCTERMS.identifier)
    h = HEALTHDCATAP
    keywords: dict[str, list[str]] = {}
    for kw in sorted(g.objects(ds, DCAT.keyword), key=str):
        keywords.setdefault(getattr(kw, "language", None) or "", []).append(str(kw))
    return DatasetRecord(
        iri=str(ds),
        identifier=str(ident) if ident is not None else str(ds),
        title=_lang_map(g, ds, DCTERMS.title),
        description=_lang_map(g, ds, DCTERMS.description),
        keywords=keywords,
        access_rights=str(_one(g, ds, DCTERMS.accessRights) or "") or None,
        publisher=_agent(g, _one(g, ds, DCTERMS.publisher)),
        creators=[_agent(g, n) for n in sorted(g.objects(ds, DCTERMS.creator), key=str)],
        hdab=_agent(g, _one(g, ds, h.hdab)),
        custodians=[_agent(g, n) for n in sorted(g.objects(ds, GEODCATAP.custodian), key=str)],
        contact=_contact(g, _one(g, ds, DCAT.contactPoint)),
        themes=_uris(g, ds, DCAT.theme),
        health_categories=_uris(g, ds, h.healthCategory),
        health_themes=_uris(g, ds, h.healthTheme),
        coding_systems=_uris(g, ds, h.hasCodingSystem),
        code_values=sorted(str(v) for v in g.objects(ds, h.hasCodeValues)),
        standards=_uris(g, ds, DCTERMS.conformsTo),
        languages=_uris(g, ds, DCTERMS.language),
        spatial=_uris(g, ds, DCTERMS.spatial),
        applicable_legislation=_uris(g, ds, DCATAP.applicableLegislation),
        dataset_type=str(_one(g, ds, DCTERMS.type) or "") or None,
        frequency=str(_one(g, ds, DCTERMS.accrualPeriodicity) or "") or None,
        temporal=[_period(g, n, "dct:temporal") for n in sorted(g.objects(ds, DCTERMS.temporal),
                                                               key=str)],
        retention=(_period(g, n, "healthdcatap:retentionPeriod")
                   if (n := _one(g, ds, h.retentionPeriod)) is not None else None),
        issued=_date(g, ds, DCTERMS.issued, "dct:issued"),
        modified=_date(g, ds, DCTERMS.modified, "dct:modified"),
        version=str(_one(g, ds, _DCAT_VERSION) or "") or None,
        landing_pages=_uris(g, ds, DCAT.landingPage),
        number_of_records=_typed(_one(g, ds, h.numberOfRecords), "healthdcatap:numberOfRecords",
                                 int, "xsd:nonNegativeInteger"),
        number_of_unique_individuals=_typed(
            _one(g, ds, h.numberOfUniqueIndividuals), "healthdcatap:numberOfUniqueIndividuals",
            int, "xsd:nonNegativeInteger"),
        min_typical_age=_typed(_one(g, ds, h.minTypicalAge), "healthdcatap:minTypicalAge", int,
                               "xsd:nonNegativeInteger"),
        max_typical_age=_typed(_one(g, ds, h.maxTypicalAge), "healthdcatap:maxTypicalAge", int,
                               "xsd:nonNegativeInteger"),
        population_coverage=_lang_map(g, ds, h.populationCoverage),
        has_structured_data=_typed(_one(g, ds, h.hasStructuredData),
                                   "healthdcatap:hasStructuredData", bool, "xsd:boolean"),
        has_variables=_one(g, ds, h.hasVariables) is not None,
        variable_terms=_variable_terms(g, ds),
        personal_data=_uris(g, ds, DPV.hasPersonalData),
        legal_basis=_texts(g, g.objects(ds, DPV.hasLegalBasis)),
        purpose=_texts(g, g.objects(ds, DPV.hasPurpose)),
        quality_annotations=len(set(g.objects(ds, DQV.hasQualityAnnotation))),
        generated_by=_texts(g, g.objects(ds, PROV.wasGeneratedBy)),
        distributions=[_distribution(g, n) for n in sorted(g.objects(ds, DCAT.distribution),
                                                           key=str)],
        analytics=[_distribution(g, n) for n in sorted(g.objects(ds, h.analytics), key=str)],
        samples=[_distribution(g, n) for n in sorted(g.objects(ds, _ADMS_SAMPLE), key=str)],
    )


_ADMS_SAMPLE = URIRef("http://www.w3.org/ns/adms#sample")
_DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3, not in rdflib's DCAT
