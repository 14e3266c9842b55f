"""Our shapes against the official HealthDCAT-AP Release 8 shapes, on the official example and variants.

The oracle for a tier is the set of files the official validator's config.properties lists for it
(validator/config.properties, ``validator.shaclFile.<tier>``), plus the DCAT-AP 3.0.0 shapes those files
pull in with owl:imports (the official validator preloads imports). Files not in ../shared/data are
skipped. The cases live in conformance_cases.py; the official findings we leave out are listed there too
(ORACLE_IGNORES), each with its reason. For every case our verdict (any violation?) must equal the
official verdict, and where it makes sense the (node, property) pairs of missing mandatory properties
must be the same.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pyshacl
import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from kimed.catalog.namespaces import PREFIXES
from kimed.catalog.tiers import RECOMMENDED_ALL, TIER_RULES, expand
from kimed.catalog.validation import Tier, validate
from tests.catalog.conformance_cases import CASES, Case

R8 = Path("healthdcat/release-8-cd7841f")
DCAT_AP = Path("healthdcat/dcat-ap/3.0.0")
EXAMPLE_DATASET = "https://healthdcat-ap.example.org/release-7/example/dataset-oncology-ehrs-2024"
AUTHORITY = ("http://publications.europa.eu/resource/authority/",
             "https://hdeu-dcat.data.health.europa.eu/resource/authority/")
CONFIG_KEY = {Tier.PUBLIC: "public", Tier.RESTRICTED: "restricted", Tier.NON_PUBLIC: "non-public"}
# owl:imports of the tier files that resolve to files we have (the validator's owlImportMapping)
DCAT_AP_IMPORTS = ("shapes.ttl", "range.ttl", "shapes_recommended.ttl")


def hoist_pathless_or(shapes: Graph) -> int:
    """Work around a quirk of the official shapes (all three tiers, in ``:Dataset_Shape``).

    They put the hasStructuredData/hasVariables rule as a *path-less* ``sh:or`` under ``sh:property``.
    A property shape needs sh:path, so pySHACL rejects the file as malformed. We hoist that one construct
    onto the node shape (``sh:property X`` becomes ``sh:node X``: X is then a node shape holding the same
    sh:or, message and severity), which is what the authors meant. Returns how many were rewritten.
    """
    count = 0
    for prop in list(shapes.subjects(SH["or"], None)):
        if (prop, SH.path, None) in shapes:
            continue
        for node_shape in list(shapes.subjects(SH.property, prop)):
            shapes.remove((node_shape, SH.property, prop))
            shapes.add((node_shape, SH.node, prop))
            count += 1
    return count


def oracle_files(shared: Path, tier: Tier) -> list[Path]:
    config = (shared / R8 / "validator" / "config.properties").read_text("utf-8")
    listed = re.search(rf"^validator\.shaclFile\.{CONFIG_KEY[tier]}\s*=\s*(.+)$", config, re.M)
    assert listed, "config.properties lists no shapes for this tier"
    found = []
    for name in (n.strip() for n in listed.group(1).split(",")):
        for candidate in (shared / R8 / "validator" / name, shared / DCAT_AP / Path(name).name):
            if candidate.is_file():
                found.append(candidate)
                break
    return found + [shared / DCAT_AP / n for n in DCAT_AP_IMPORTS]


@cache
def oracle(shared: Path, tier: Tier) -> Graph:
    shapes = Graph()
    for path in oracle_files(shared, tier):
        shapes.parse(path)
    assert hoist_pathless_or(shapes) == 1
    return shapes


def ignorable(report: Graph, result) -> bool:
    """True for an official finding in ORACLE_IGNORES (see conformance_cases.py)."""
    details = list(report.objects(result, SH.detail))
    if details:
        return all(ignorable(report, d) for d in details)
    component = report.value(result, SH.sourceConstraintComponent)
    value = report.value(result, SH.value)
    path = report.value(result, SH.resultPath)
    focus = str(report.value(result, SH.focusNode))
    if component == SH.ClassConstraintComponent and str(value).startswith(AUTHORITY):
        return True
    if focus.startswith(AUTHORITY):  # vocabulary restriction shapes validating a concept
        return True
    shape = report.value(result, SH.sourceShape)
    return (component == SH.DatatypeConstraintComponent and path == expand("dcat:byteSize")) or (
        isinstance(shape, URIRef) and str(shape).endswith(("_ShapeCV", "Restriction")))


def official(shared: Path, data: Graph, tier: Tier) -> list:
    _c, report, _t = pyshacl.validate(data, shacl_graph=oracle(shared, tier), inference="none",
                                      advanced=True, allow_warnings=True)
    top = [r for rep in report.subjects(RDF.type, SH.ValidationReport) for r in report.objects(rep, SH.result)]
    return [(report, r) for r in top if not ignorable(report, r)]


def leaves(report: Graph, result) -> list:
    """A result, or the nested results (sh:detail) an sh:node failure carries."""
    details = list(report.objects(result, SH.detail))
    return [leaf for d in details for leaf in leaves(report, d)] if details else [result]


def curie(graph: Graph, path) -> str:
    if isinstance(path, BNode):
        return "|".join(curie(graph, p) for p in Collection(graph, graph.value(path, SH.alternativePath)))
    return _short(path)


def _short(iri) -> str:
    for prefix, ns in PREFIXES.items():
        if str(iri).startswith(str(ns)):
            return f"{prefix}:{str(iri)[len(str(ns)):]}"
    return str(iri)


def variant(shared: Path, case: Case) -> Graph:
    text = (shared / R8 / "example-healthdcat-dataset.ttl").read_text("utf-8")
    graph = Graph().parse(data=text, format="turtle")
    nm = graph.namespace_manager

    def node(name: str):
        return URIRef(EXAMPLE_DATASET) if name == "DATASET" else nm.expand_curie(name)

    def value(turtle: str):
        return Graph().parse(data=f"{_prefixes(graph)} <urn:s> <urn:p> {turtle} .", format="turtle").value(
            URIRef("urn:s"), URIRef("urn:p"))

    for op, subject, prop, *rest in case.edits:
        s, p = node(subject), nm.expand_curie(prop)
        if op in ("drop", "set"):
            graph.remove((s, p, None))
        if op in ("set", "add"):
            graph.add((s, p, value(rest[0])))
    return graph


def _prefixes(graph: Graph) -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in graph.namespaces() if p)


@pytest.mark.shared_data
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_verdict_matches_official_shapes(shared_data: Path, case: Case) -> None:
    data = variant(shared_data, case)
    tier = Tier(case.tier)
    theirs = official(shared_data, data, tier)
    their_violations = [(rep, r) for rep, r in theirs if rep.value(r, SH.resultSeverity) == SH.Violation]
    ours = validate(data)
    assert ours.conforms == (not their_violations), (
        f"ours: {[f.message for f in ours.violations]}\n"
        f"official: {[(str(rep.value(r, SH.focusNode)), str(rep.value(r, SH.resultPath)), str(rep.value(r, SH.resultMessage))) for rep, r in their_violations]}"
    )
    if case.compare_paths:
        official_missing = {
            (str(rep.value(r, SH.focusNode)), curie(oracle(shared_data, tier), rep.value(r, SH.resultPath)))
            for rep, top in their_violations
            for r in leaves(rep, top)
            if rep.value(r, SH.sourceConstraintComponent) == SH.MinCountConstraintComponent
        }
        our_missing = {(f.focus, f.path) for f in ours.violations if " is mandatory " in f.message}
        assert our_missing == official_missing


@pytest.mark.shared_data
def test_official_example_official_findings_are_all_explained(shared_data: Path) -> None:
    """Unfiltered, the official shapes reject their own example; every violation is in ORACLE_IGNORES."""
    data = variant(shared_data, CASES[0])
    _c, report, _t = pyshacl.validate(data, shacl_graph=oracle(shared_data, Tier.NON_PUBLIC),
                                      inference="none", advanced=True, allow_warnings=True)
    violations = [r for rep in report.subjects(RDF.type, SH.ValidationReport) for r in report.objects(rep, SH.result)
                  if report.value(r, SH.resultSeverity) == SH.Violation]
    assert violations, "the official shapes were expected to flag the unmodified example offline"
    assert all(ignorable(report, r) for r in violations)


@pytest.mark.shared_data
@pytest.mark.parametrize("tier", list(Tier))
def test_tier_table_matches_specification(shared_data: Path, tier: Tier) -> None:
    """Our mandatory/recommended dataset properties equal the Release 8 cardinality rules (JSON)."""
    rules = json.loads((shared_data / R8 / "context" / "healthdcat-cardinality-rules.json").read_text("utf-8"))
    section = rules[tier.value.replace("_", "-")]
    spec: dict[str, set[str]] = {"mandatory": set(), "recommended": set()}
    for label, entry in section.items():
        found = re.search(r'RDF example: <a href="#\w+">([\w:]+)', entry["usage_note"])
        prop = found.group(1) if found else {"in series": "dcat:inSeries"}.get(label, label)
        requirement = entry["requirement"].lower()  # the RESTRICTED table spells it "RecommendEd"
        if requirement in spec:
            spec[requirement].add(prop)
    base_mandatory = {"dct:title", "dct:description", "dct:accessRights", "dcatap:applicableLegislation",
                      "dcat:distribution", "dct:identifier", "dcat:theme", "healthdcatap:healthCategory",
                      "healthdcatap:hdab", "healthdcatap:hasStructuredData"}
    ours_mandatory = base_mandatory | {r.path for r in TIER_RULES[tier] if r.mandatory}
    ours_recommended = set(RECOMMENDED_ALL) | {r.path for r in TIER_RULES[tier] if not r.mandatory}
    assert ours_mandatory == spec["mandatory"]
    assert ours_recommended == spec["recommended"]


def test_hoist_rewrites_only_pathless_or() -> None:
    shapes = Graph()
    node, pathless, normal = URIRef("urn:n"), BNode(), BNode()
    shapes.add((node, SH.property, pathless))
    shapes.add((pathless, SH["or"], RDF.nil))
    shapes.add((node, SH.property, normal))
    shapes.add((normal, SH.path, URIRef("urn:p")))
    shapes.add((normal, SH["or"], RDF.nil))
    assert hoist_pathless_or(shapes) == 1
    assert (node, SH.node, pathless) in shapes and (node, SH.property, normal) in shapes
