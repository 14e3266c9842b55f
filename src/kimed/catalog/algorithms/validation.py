"""SHACL validation of algorithm records against KIMed's own MLDCAT-AP 3.1.0 shapes (shapes.ttl).

Findings never refuse a record (``strict`` imports refuse violations); they are stored with it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import SH

from kimed.catalog.algorithms.rdf import bind_ml_prefixes

SHAPES = Path(__file__).with_name("shapes.ttl")
_SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


@dataclass(frozen=True)
class Finding:
    severity: str
    focus: str
    path: str | None
    message: str
    value: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@cache
def _names():
    return bind_ml_prefixes(Graph()).namespace_manager


@cache
def _shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


def validate(graph: Graph) -> list[Finding]:
    """Every finding of our shapes on ``graph``, violations first."""
    import pyshacl

    _conforms, results, _text = pyshacl.validate(
        graph, shacl_graph=_shapes(), inference="none", advanced=False, allow_warnings=True,
        meta_shacl=False, js=False)
    findings = set()
    for result in results.subjects(SH.resultSeverity, None):
        value = results.value(result, SH.value)
        path = results.value(result, SH.resultPath)
        findings.add(Finding(
            severity=_SEVERITY.get(results.value(result, SH.resultSeverity), "violation"),
            focus=str(results.value(result, SH.focusNode)),
            path=_names().normalizeUri(path) if path is not None else None,
            message=str(results.value(result, SH.resultMessage) or ""),
            value=None if value is None else str(value)))
    return sorted(findings, key=lambda f: (f.severity != "violation", f.focus, f.path or "",
                                           f.message))
