"""SHACL validation of HealthDCAT-AP Release 8 records at three access tiers.

Our own shapes (``kimed/catalog/shapes``) are run with pySHACL. Each ``dcat:Dataset`` is checked at the
tier of its own ``dct:accessRights`` (PUBLIC, RESTRICTED or NON_PUBLIC), so one graph may hold datasets
of several tiers; a dataset without access rights gets a violation for that and is checked at PUBLIC.
Missing mandatory properties are violations, missing recommended ones are warnings. Every message
names the property, the tier and "HealthDCAT-AP Release 8". See docs/validation.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pyshacl
from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, SH
from rdflib.term import Node

from kimed.catalog.namespaces import PREFIXES
from kimed.catalog.tiers import ACCESS_RIGHT, KS, STANDARD, Tier, shapes_for, targets

__all__ = ["STANDARD", "Finding", "Tier", "ValidationReport", "tier_of", "validate"]

_SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


def tier_of(graph: Graph, dataset: URIRef | BNode) -> Tier | None:
    """The tier named by the dataset's ``dct:accessRights``, or None when absent or not one of the three."""
    for value in graph.objects(dataset, DCTERMS.accessRights):
        if isinstance(value, URIRef) and str(value).startswith(str(ACCESS_RIGHT)):
            name = str(value)[len(str(ACCESS_RIGHT)):]
            if name in Tier.__members__:
                return Tier(name)
    return None


@dataclass(frozen=True)
class Finding:
    severity: str  # "violation" | "warning" | "info"
    focus: str  # the node, as str
    path: str | None  # property as prefixed name, e.g. "dct:title"
    tier: Tier
    message: str  # names property, tier and "HealthDCAT-AP Release 8"
    value: str | None = None
    shape: str | None = None


@dataclass
class ValidationReport:
    findings: list[Finding] = field(default_factory=list)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def for_focus(self, node: Node | str) -> list[Finding]:
        return [f for f in self.findings if f.focus == str(node)]

    def to_dict(self) -> dict:
        return {
            "standard": STANDARD,
            "conforms": self.conforms,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "findings": [{**asdict(f), "tier": f.tier.value} for f in self.findings],
        }


def _curie(node: Node) -> str:
    text = str(node)
    for prefix, ns in PREFIXES.items():
        if text.startswith(str(ns)) and len(text) > len(str(ns)):
            return f"{prefix}:{text[len(str(ns)):]}"
    return text


def _path_name(shapes: Graph, path: Node | None) -> str | None:
    if path is None:
        return None
    if isinstance(path, BNode):  # sh:alternativePath ( a b ... )
        alternatives = shapes.value(path, SH.alternativePath)
        if alternatives is not None:
            return "|".join(_curie(p) for p in Collection(shapes, alternatives))
    return _curie(path)


def validate(graph: Graph, tier: Tier | None = None) -> ValidationReport:
    """Validate ``graph``; each dataset at its own tier (``tier=None``) or every dataset at ``tier``."""
    shapes = shapes_for(None if tier is None else Tier(tier))
    aims = targets(graph, shapes, tier_of)
    # The shapes graph is cached; the targets of this call are added for the run and taken out again
    # (copying the graph would cost more than the validation itself).
    with shapes.lock:
        for triple in aims:
            shapes.graph.add(triple)
        try:
            _conforms, results, _text = pyshacl.validate(
                graph,
                shacl_graph=shapes.graph,
                inference="none",  # records are checked as written, no RDFS/OWL entailment
                advanced=False,
                allow_warnings=True,
                meta_shacl=False,
                js=False,
            )
        finally:
            for triple in aims:
                shapes.graph.remove(triple)
    findings: list[Finding] = []
    seen: set[tuple] = set()
    for report in results.subjects(SH.conforms, None):
        for result in results.objects(report, SH.result):
            source = results.value(result, SH.sourceShape)
            owner = shapes.owner.get(source, source)
            value = results.value(result, SH.value)
            path = results.value(result, SH.resultPath)
            if path is None and source is not None:
                path = shapes.graph.value(source, SH.path) or shapes.graph.value(owner, KS.path)
            finding = Finding(
                severity=_SEVERITY.get(results.value(result, SH.resultSeverity), "violation"),
                focus=str(results.value(result, SH.focusNode)),
                path=_path_name(shapes.graph, path),
                tier=shapes.tier_of_shape.get(source, shapes.tier_of_shape.get(owner, Tier.PUBLIC)),
                message=str(results.value(result, SH.resultMessage) or ""),
                value=None if value is None else str(value),
                shape=None if owner is None or isinstance(owner, BNode) else str(owner),
            )
            key = (finding.severity, finding.focus, finding.path, finding.message, finding.value)
            if key not in seen:
                seen.add(key)
                findings.append(finding)
    findings.sort(key=lambda f: (f.severity != "violation", f.focus, f.path or "", f.message))
    return ValidationReport(findings)
