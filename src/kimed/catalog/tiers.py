"""HealthDCAT-AP Release 8 access tiers and the shapes graph built for them.

The three tiers (PUBLIC, RESTRICTED, NON_PUBLIC) follow the dataset's ``dct:accessRights`` value from the
EU access-right authority table. What all tiers share is written once in ``shapes/tier.ttl``; what
differs is the small table below, taken from the per-tier cardinality rules of the HealthDCAT-AP
Release 8 specification (https://healthdcat-ap.github.io/, "Dataset" tables for each access level).

The shapes graph is built on first use and cached; nothing is parsed at import time.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib.resources import files

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCAT, RDF, SH
from rdflib.paths import AlternativePath, SequencePath

from kimed.catalog.namespaces import PREFIXES

KS = Namespace("urn:kimed:shapes:")
ACCESS_RIGHT = Namespace("http://publications.europa.eu/resource/authority/access-right/")
STANDARD = "HealthDCAT-AP Release 8"


class Tier(StrEnum):
    PUBLIC = "PUBLIC"
    RESTRICTED = "RESTRICTED"
    NON_PUBLIC = "NON_PUBLIC"

    @property
    def access_rights(self) -> URIRef:
        """The access-right authority IRI that puts a dataset in this tier."""
        return ACCESS_RIGHT[self.value]


@dataclass(frozen=True)
class Rule:
    """One per-tier dataset rule: ``path`` (prefixed name) needs at least one value."""

    path: str
    mandatory: bool  # True: a missing value is a violation; False: recommended, a warning


def _rules(mandatory: tuple[str, ...], recommended: tuple[str, ...]) -> tuple[Rule, ...]:
    return tuple(Rule(p, True) for p in mandatory) + tuple(Rule(p, False) for p in recommended)


# Recommended for datasets in every tier (Release 8 cardinality tables).
RECOMMENDED_ALL = (
    "adms:sample", "dct:publisher", "dpv:hasLegalBasis", "dpv:hasPersonalData", "dpv:hasPurpose",
    "dqv:hasQualityAnnotation", "geodcatap:custodian", "healthdcatap:analytics",
    "healthdcatap:hasCodeValues", "healthdcatap:hasCodingSystem", "healthdcatap:hasVariables",
    "healthdcatap:healthTheme", "healthdcatap:maxTypicalAge", "healthdcatap:minTypicalAge",
    "healthdcatap:numberOfRecords", "healthdcatap:numberOfUniqueIndividuals",
    "healthdcatap:populationCoverage", "healthdcatap:retentionPeriod",
)

# What differs between the tiers. The properties mandatory in every tier are in shapes/tier.ttl.
TIER_RULES: dict[Tier, tuple[Rule, ...]] = {
    Tier.PUBLIC: _rules((), ("dcat:contactPoint", "dcat:keyword")),
    Tier.RESTRICTED: _rules((), ("dcat:contactPoint", "dcat:keyword", "dct:conformsTo")),
    Tier.NON_PUBLIC: _rules(
        ("dcat:contactPoint", "dcat:keyword", "dct:type", "dct:provenance"),
        (
            "dcat:landingPage", "dcat:temporalResolution", "dct:accrualPeriodicity",
            "dct:isReferencedBy", "dct:language", "dct:relation", "dct:source", "dct:temporal",
            "foaf:page",
        ),
    ),
}


@dataclass(frozen=True)
class TierShapes:
    """A shapes graph plus what we need to target it and to turn pySHACL results into findings."""

    graph: Graph
    forced: Tier | None  # every dataset is checked at this tier; None: at its own tier
    reach: tuple  # (node shape, tier, rdflib path or None for the dataset itself)
    tier_of_shape: dict  # shape node -> Tier
    owner: dict  # property shape -> its node shape
    lock: threading.Lock = field(default_factory=threading.Lock, compare=False)


def expand(curie: str) -> URIRef:
    prefix, _, local = curie.partition(":")
    return URIRef(str(PREFIXES[prefix]) + local)


def _rdflib_path(g: Graph, node):
    """Turn a SHACL property path (IRI, sequence list or sh:alternativePath) into an rdflib path."""
    if isinstance(node, URIRef):
        return node
    alternatives = g.value(node, SH.alternativePath)
    if alternatives is not None:
        return AlternativePath(*(_rdflib_path(g, n) for n in Collection(g, alternatives)))
    return SequencePath(*(_rdflib_path(g, n) for n in Collection(g, node)))


def _subtree(g: Graph, node) -> set:
    """``node`` and the blank nodes under it (to leave the ks:reach paths out of the shapes)."""
    seen, todo = set(), [node]
    while todo:
        n = todo.pop()
        if isinstance(n, BNode) and n not in seen:
            seen.add(n)
            todo.extend(g.objects(n, None))
    return seen


@cache
def _read(name: str) -> Graph:
    text = files("kimed.catalog.shapes").joinpath(name).read_text("utf-8")
    return Graph().parse(data=text, format="turtle")


def _instantiate(tier: Tier, forced: bool, out: Graph, tier_of_shape: dict) -> list:
    """Copy the template for ``tier`` into ``out``: rename the shapes and fill in the messages."""
    tpl = _read("tier.ttl")
    node_shapes = set(tpl.subjects(RDF.type, SH.NodeShape))
    renamed: dict = {s: KS[f"{str(s).removeprefix(str(KS))}-{tier.value}"] for s in node_shapes}
    skip = set().union(*(_subtree(tpl, r) for r in tpl.objects(None, KS.reach)))
    bnodes: dict = {}

    def copy(node):
        if node in renamed:
            return renamed[node]
        if isinstance(node, BNode):
            return bnodes.setdefault(node, BNode())
        if isinstance(node, Literal) and "{tier}" in node:
            return Literal(str(node).replace("{tier}", tier.value), lang=node.language,
                           datatype=node.datatype)
        return node

    for s, p, o in tpl:
        if p != KS.reach and s not in skip:
            out.add((copy(s), p, copy(o)))
    _add_tier_rules(out, renamed[KS.Dataset], tier, forced)
    reach = []
    for shape in node_shapes:
        path = tpl.value(shape, KS.reach)
        reach.append((renamed[shape], tier, None if path is None else _rdflib_path(tpl, path)))
        tier_of_shape[renamed[shape]] = tier
        for prop in out.objects(renamed[shape], SH.property):
            tier_of_shape[prop] = tier
    return reach


def _property(out: Graph, shape: URIRef, path: URIRef, message: str, **constraints) -> None:
    prop = BNode()
    out.add((shape, SH.property, prop))
    out.add((prop, SH.path, path))
    out.add((prop, SH.message, Literal(message)))
    for name, value in constraints.items():
        if name == "in_":
            items = BNode()
            Collection(out, items, list(value))
            out.add((prop, SH["in"], items))
        else:
            out.add((prop, SH[name], value))


def _add_tier_rules(out: Graph, dataset: URIRef, tier: Tier, forced: bool) -> None:
    dct_access = expand("dct:accessRights")
    if forced:
        _property(out, dataset, dct_access,
                  f"dct:accessRights must be <{tier.access_rights}> for {tier} datasets — {STANDARD}",
                  hasValue=tier.access_rights)
    else:
        _property(out, dataset, dct_access,
                  f"dct:accessRights must be one of PUBLIC, RESTRICTED, NON_PUBLIC from the EU access-right "
                  f"table ({tier} datasets) — {STANDARD}", in_=[t.access_rights for t in Tier])
    rules = tuple(Rule(p, False) for p in RECOMMENDED_ALL) + TIER_RULES[tier]
    for rule in rules:
        if rule.mandatory:
            _property(out, dataset, expand(rule.path),
                      f"{rule.path} is mandatory for {tier} datasets (min 1) — {STANDARD}",
                      minCount=Literal(1))
        else:
            _property(out, dataset, expand(rule.path),
                      f"{rule.path} is recommended for {tier} datasets (min 1) — {STANDARD}",
                      minCount=Literal(1), severity=SH.Warning)


@cache
def shapes_for(tier: Tier | None) -> TierShapes:
    """The shapes that check each dataset at its own tier (``None``) or every dataset at ``tier``."""
    graph = Graph()
    graph += _read("common.ttl")
    tier_of_shape: dict = {}
    for shape in graph.subjects(RDF.type, SH.NodeShape):
        tier_of_shape[shape] = Tier.PUBLIC  # the catalogue is public metadata
        for prop in graph.objects(shape, SH.property):
            tier_of_shape[prop] = Tier.PUBLIC
    reach: list = []
    for t in Tier if tier is None else (tier,):
        reach += _instantiate(t, tier is not None, graph, tier_of_shape)
    owner = {prop: shape for shape, prop in graph.subject_objects(SH.property)}
    for p, ns in PREFIXES.items():
        graph.bind(p, ns)
    return TierShapes(graph, tier, tuple(reach), tier_of_shape, owner)


def targets(data: Graph, shapes: TierShapes, tier_of) -> set[tuple]:
    """``(shape, sh:targetNode, node)`` triples: each tier's shapes aimed at its datasets' nodes."""
    by_tier: dict[Tier, list] = {t: [] for t in Tier}
    for dataset in set(data.subjects(RDF.type, DCAT.Dataset)):
        by_tier[shapes.forced or tier_of(data, dataset) or Tier.PUBLIC].append(dataset)
    triples = set()
    for shape, tier, path in shapes.reach:
        for dataset in by_tier[tier]:
            if path is None:
                triples.add((shape, SH.targetNode, dataset))
            else:
                triples.update((shape, SH.targetNode, n) for n in data.objects(dataset, path))
    return triples
