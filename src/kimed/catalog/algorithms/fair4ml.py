"""FAIR4ML 0.1.0 (RDA FAIR4ML Interest Group, https://w3id.org/fair4ml) mapped onto MLDCAT-AP 3.1.0.

FAIR4ML describes a model as a ``fair4ml:MLModel`` with schema.org properties. On import we add the
MLDCAT-AP triples that say the same thing and keep every original triple, so the record still
exports the FAIR4ML description unchanged. Both ``http://schema.org/`` and ``https://schema.org/``
are read. Evaluations (``fair4ml:MLModelEvaluation``) whose results are ``schema:PropertyValue``
nodes become ``dqv:QualityMeasurement`` nodes (metric, value, dataset).
"""

from __future__ import annotations

import re

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kimed.catalog.algorithms.rdf import DCAT_VERSION, FAIR4ML, KIMED, MLDCAT
from kimed.catalog.namespaces import DCAT, DCTERMS, DQV, FOAF, RDF, SKOS

SCHEMAS = (Namespace("http://schema.org/"), Namespace("https://schema.org/"))
CROISSANT = Namespace("http://mlcommons.org/croissant/")

# schema.org / FAIR4ML property (local name) -> MLDCAT-AP property, and whether the value is a node.
_SCHEMA_MAP = {
    "name": DCTERMS.title, "description": DCTERMS.description, "identifier": DCTERMS.identifier,
    "version": DCAT_VERSION, "dateCreated": DCTERMS.created, "dateModified": DCTERMS.modified,
    "datePublished": MLDCAT.releaseDate, "keywords": DCAT.keyword, "license": DCTERMS.license,
    "author": DCTERMS.creator, "creator": DCTERMS.creator, "publisher": MLDCAT.hasProvider,
    "codeRepository": MLDCAT.hasRepository,
}
_FAIR4ML_MAP = {
    FAIR4ML.trainedOn: MLDCAT.trainedOn, FAIR4ML.testedOn: MLDCAT.testedOn,
    FAIR4ML.validatedOn: MLDCAT.validatedOn, FAIR4ML.fineTunedFrom: MLDCAT.fineTunedFrom,
    FAIR4ML.intendedUse: MLDCAT.intendedUse, FAIR4ML.usageInstructions: MLDCAT.howToUse,
    FAIR4ML.modelRisksBiasLimitations: MLDCAT.limitations,
    FAIR4ML.modelCategory: MLDCAT.modelArchitecture, FAIR4ML.sharedBy: MLDCAT.hasProvider,
}
_DATES = {DCTERMS.created, DCTERMS.modified, MLDCAT.releaseDate}
_NODE_VALUED = {DCTERMS.license, DCTERMS.creator, MLDCAT.hasProvider, MLDCAT.hasRepository,
                MLDCAT.trainedOn, MLDCAT.testedOn, MLDCAT.validatedOn, MLDCAT.fineTunedFrom}


def _schema(local: str) -> tuple[URIRef, ...]:
    return tuple(ns[local] for ns in SCHEMAS)


def _objects(g: Graph, s: Node, local: str) -> list[Node]:
    return sorted({o for p in _schema(local) for o in g.objects(s, p)}, key=str)


def _as_node(value: Node) -> Node:
    if isinstance(value, Literal) and str(value).startswith(("http://", "https://")):
        return URIRef(str(value))
    return value


def _as_date(value: Node, target: URIRef) -> Node:
    """schema.org dates are often plain text; MLDCAT-AP wants typed dates."""
    if target in _DATES and isinstance(value, Literal) and value.datatype is None and \
            re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
        return Literal(str(value), datatype=XSD.date)
    return value


def fair4ml_models(graph: Graph) -> list[Node]:
    return sorted(set(graph.subjects(RDF.type, FAIR4ML.MLModel)), key=str)


def map_to_mldcat(graph: Graph) -> Graph:
    """Add the MLDCAT-AP view of every ``fair4ml:MLModel`` in ``graph`` (in place; returns it)."""
    for model in fair4ml_models(graph):
        graph.add((model, RDF.type, MLDCAT.MachineLearningModel))
        for local, target in _SCHEMA_MAP.items():
            for value in _objects(graph, model, local):
                value = _as_node(value) if target in _NODE_VALUED else _as_date(value, target)
                if target in _NODE_VALUED and isinstance(value, Literal):
                    continue  # a free-text licence or agent has no MLDCAT-AP form
                graph.add((model, target, value))
        for source, target in _FAIR4ML_MAP.items():
            for value in sorted(graph.objects(model, source), key=str):
                graph.add((model, target, _as_node(value) if target in _NODE_VALUED else value))
        for task in graph.objects(model, FAIR4ML.mlTask):
            if isinstance(task, Literal):
                graph.add((model, DCAT.keyword, task))
        for licence in graph.objects(model, DCTERMS.license):
            graph.add((licence, RDF.type, DCTERMS.LicenseDocument))
        for agent in graph.objects(model, MLDCAT.hasProvider):
            _agent(graph, agent)
        for agent in graph.objects(model, DCTERMS.creator):
            _agent(graph, agent)
        for distribution in _objects(graph, model, "distribution"):
            _file(graph, model, distribution)
        for evaluation in sorted(graph.objects(model, FAIR4ML.hasEvaluation), key=str):
            _evaluation(graph, model, evaluation)
    _datasets(graph)
    return graph


def _agent(graph: Graph, agent: Node) -> None:
    graph.add((agent, RDF.type, FOAF.Agent))
    for name in _objects(graph, agent, "name"):
        graph.add((agent, FOAF.name, name))


def _file(graph: Graph, model: Node, node: Node) -> None:
    graph.add((model, MLDCAT.hasFile, node))
    graph.add((node, RDF.type, MLDCAT.File))
    for name in _objects(graph, node, "name"):
        graph.add((node, DCTERMS.title, name))
    for ident in _objects(graph, node, "identifier") or _objects(graph, node, "name"):
        graph.add((node, DCTERMS.identifier, ident))
    for url in _objects(graph, node, "contentUrl"):
        graph.add((node, MLDCAT.url, _as_node(url)))
        graph.add((_as_node(url), RDF.type, DCAT.Resource))
    for fmt in _objects(graph, node, "encodingFormat"):
        concept = _as_node(fmt) if isinstance(_as_node(fmt), URIRef) else URIRef(
            f"http://www.iana.org/assignments/media-types/{fmt}")
        graph.add((node, DCTERMS.format, concept))
        graph.add((concept, RDF.type, SKOS.Concept))


def _evaluation(graph: Graph, model: Node, evaluation: Node) -> None:
    datasets = sorted(graph.objects(evaluation, FAIR4ML.evaluationDataset), key=str)
    for ds in datasets:
        graph.add((model, FAIR4ML.evaluatedOn, _as_node(ds)))
    for summary in graph.objects(evaluation, FAIR4ML.evaluationMetrics):
        if isinstance(summary, Literal):
            graph.add((model, MLDCAT.evaluationStrategies, summary))
    for result in sorted(graph.objects(evaluation, FAIR4ML.evaluationResults), key=str):
        if isinstance(result, Literal):
            graph.add((model, MLDCAT.evaluationResults, result))
            continue
        metric = (_objects(graph, result, "propertyID") or _objects(graph, result, "name"))
        value = _objects(graph, result, "value")
        if not metric or not value:
            continue
        node, kind = BNode(), BNode()
        graph.add((model, DQV.hasQualityMeasurement, node))
        graph.add((node, RDF.type, DQV.QualityMeasurement))
        graph.add((node, DCTERMS.type, kind))
        graph.add((kind, RDF.type, MLDCAT.DataQuality))
        graph.add((kind, DCTERMS.identifier, Literal(str(metric[0]))))
        graph.add((kind, DCTERMS.title, Literal(str(metric[0]))))
        graph.add((node, DQV.value, value[0]))
        for ds in datasets[:1]:
            graph.add((node, KIMED.dataset, _as_node(ds)))


def _datasets(graph: Graph) -> None:
    kinds = (*_schema("Dataset"), CROISSANT.Dataset)
    for kind in kinds:
        for ds in set(graph.subjects(RDF.type, kind)):
            graph.add((ds, RDF.type, DCAT.Dataset))
            for name in _objects(graph, ds, "name"):
                graph.add((ds, DCTERMS.title, name))
            for text in _objects(graph, ds, "description"):
                graph.add((ds, DCTERMS.description, text))
            for ident in _objects(graph, ds, "identifier"):
                if isinstance(ident, Literal):
                    graph.add((ds, DCTERMS.identifier, ident))
