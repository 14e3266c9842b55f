"""Checks that refuse an input outright, before anything is stored.

SHACL findings never refuse a record (they are stored with it). These do, because the data is
broken rather than incomplete: ill-typed literals, values outside a controlled vocabulary we hold
completely, references to nodes the document never describes, and duplicate identifiers.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kimed.catalog.namespaces import (
    ADMS,
    CV,
    DCAT,
    DCTERMS,
    DPV,
    DQV,
    GEODCATAP,
    HEALTHDCATAP,
    PROV,
    RDF,
)
from kimed.catalog.projection import SPEC, ProjectionError, project


@dataclass(frozen=True)
class Problem:
    """One reason an input is refused."""

    file: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" if self.line else self.file
        return f"{where}: {self.message}"


# Properties whose object is a node that the same document must describe (HealthDCAT-AP ranges).
DESCRIBED = {
    DCAT.distribution: "dcat:distribution",
    HEALTHDCATAP.analytics: "healthdcatap:analytics",
    ADMS.sample: "adms:sample",
    DCAT.contactPoint: "dcat:contactPoint",
    DCTERMS.publisher: "dct:publisher",
    DCTERMS.creator: "dct:creator",
    HEALTHDCATAP.hdab: "healthdcatap:hdab",
    GEODCATAP.custodian: "geodcatap:custodian",
    DCTERMS.temporal: "dct:temporal",
    HEALTHDCATAP.retentionPeriod: "healthdcatap:retentionPeriod",
    HEALTHDCATAP.hasVariables: "healthdcatap:hasVariables",
    DQV.hasQualityAnnotation: "dqv:hasQualityAnnotation",
    DPV.hasLegalBasis: "dpv:hasLegalBasis",
    DPV.hasPurpose: "dpv:hasPurpose",
    PROV.wasGeneratedBy: "prov:wasGeneratedBy",
    DCTERMS.provenance: "dct:provenance",
    CV.contactPoint: "cv:contactPoint",
}
_ALWAYS_DESCRIBED = {DCAT.distribution, HEALTHDCATAP.analytics, ADMS.sample}


def _line_of(text: str | None, needle: str) -> int | None:
    if not text:
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return None


def _local(node: Node) -> str:
    value = str(node)
    return value.rsplit("#", 1)[-1].rsplit("/", 1)[-1] or value


def _same_site(a: Node, b: Node) -> bool:
    def base(node: Node) -> str:
        value = str(node)
        return value.rsplit("#", 1)[0].rsplit("/", 1)[0]

    return isinstance(a, URIRef) and isinstance(b, URIRef) and base(a) == base(b)


def ill_typed_literals(graph: Graph, file: str, text: str | None) -> list[Problem]:
    problems = []
    for s, p, o in graph:
        if isinstance(o, Literal) and o.ill_typed:
            problems.append(Problem(
                file,
                f"{graph.qname(p)} of <{s}>: {str(o)!r} is not a valid {graph.qname(o.datatype)} "
                "[lexical space from XML Schema Part 2, as RDF 1.1 requires]",
                _line_of(text, str(o)),
            ))
    return problems


def unknown_vocabulary_values(graph: Graph, file: str, text: str | None) -> list[Problem]:
    from kimed.vocab import check_value

    problems = []
    for _, p, o in graph:
        if isinstance(o, URIRef):
            message = check_value(str(p), str(o))
            if message:
                problems.append(Problem(file, message, _line_of(text, _local(o))))
    return problems


def broken_references(graph: Graph, file: str, text: str | None) -> list[Problem]:
    problems = []
    for s, p, o in graph:
        if p not in DESCRIBED or isinstance(o, Literal):
            continue
        if (o, None, None) in graph:
            continue
        if isinstance(o, BNode) or p in _ALWAYS_DESCRIBED or _same_site(s, o):
            problems.append(Problem(
                file,
                f"{DESCRIBED[p]} of <{s}> points to {o.n3()}, which the document never "
                f"describes (broken internal reference; range from {SPEC})",
                _line_of(text, _local(o)) if isinstance(o, URIRef) else None,
            ))
    return problems


def identifier_problems(datasets: dict[Node, Graph], file: str, text: str | None) -> list[Problem]:
    problems = []
    seen: dict[str, Node] = {}
    for ds, record in datasets.items():
        idents = sorted(str(i) for i in record.objects(ds, DCTERMS.identifier))
        if len(idents) > 1:
            problems.append(Problem(
                file, f"dct:identifier of <{ds}> has {len(idents)} values {idents}; "
                f"at most one is allowed [{SPEC}]", _line_of(text, idents[1])))
        for ident in idents[:1]:
            if ident in seen:
                problems.append(Problem(
                    file, f"duplicate dct:identifier {ident!r}: used by <{seen[ident]}> and "
                    f"<{ds}>", _line_of(text, ident)))
            seen[ident] = ds
    return problems


def projection_problems(datasets: dict[Node, Graph], file: str, text: str | None) -> list[Problem]:
    problems = []
    for ds, record in datasets.items():
        try:
            project(record, ds)
        except ProjectionError as exc:
            needle = str(exc).split(":", 1)[0].split("/")[-1].split(":")[-1]
            problems.append(Problem(file, f"<{ds}> {exc}", _line_of(text, needle)))
    return problems


def refusals(graph: Graph, datasets: dict[Node, Graph], file: str,
             text: str | None = None) -> list[Problem]:
    """Every reason to refuse this input; empty when it may be stored."""
    problems = ill_typed_literals(graph, file, text)
    problems += unknown_vocabulary_values(graph, file, text)
    problems += broken_references(graph, file, text)
    problems += identifier_problems(datasets, file, text)
    if not problems:
        problems += projection_problems(datasets, file, text)
    if not datasets and not any(graph.subjects(RDF.type, DCAT.Catalog)):
        problems.append(Problem(file, "no dcat:Dataset or dcat:Catalog found [" + SPEC + "]"))
    return problems
