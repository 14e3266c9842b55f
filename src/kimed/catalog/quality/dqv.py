"""Scores as W3C Data Quality Vocabulary (DQV) measurements, for the RDF export.

Each measured metric becomes a ``dqv:QualityMeasurement`` with ``dqv:isMeasurementOf`` a metric IRI
in our namespace (``https://w3id.org/kimed/quality#``), ``dqv:value`` the points gained and
``dqv:computedOn`` the dataset; the totals (MQA points, rating band, each dimension, health points)
are measurements too. Metrics, dimensions and categories are described with ``dqv:Metric``,
``dqv:Dimension`` and ``dqv:Category`` (https://www.w3.org/TR/vocab-dqv/). A metric whose points
were not checked (links not checked) gets no measurement: nothing was measured.

The stored record graph is never changed: :func:`with_measurements` returns a new graph.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from kimed.catalog.namespaces import DQV, bind_prefixes
from kimed.catalog.quality.model import DIMENSIONS, MQA_MAX, QUALITY_NS, Metric, QualityScore

KQ = Namespace(QUALITY_NS)


def _decimal(value: float) -> Literal:
    return Literal(f"{value:.2f}", datatype=XSD.decimal)


def _describe(g: Graph, metric: URIRef, dimension: str, label: str, datatype=XSD.decimal) -> None:
    g.add((metric, RDF.type, DQV.Metric))
    g.add((metric, DQV.inDimension, KQ[dimension]))
    g.add((metric, SKOS.prefLabel, Literal(label, lang="en")))
    g.add((metric, DQV.expectedDataType, datatype))


def _vocabulary(g: Graph, metrics: Iterable[Metric]) -> None:
    for name in (*DIMENSIONS, "health", "overall"):
        g.add((KQ[name], RDF.type, DQV.Dimension))
        g.add((KQ[name], DQV.inCategory, KQ.kimedHealth if name == "health" else KQ.mqa))
    g.add((KQ.mqa, RDF.type, DQV.Category))
    g.add((KQ.mqa, SKOS.prefLabel, Literal("data.europa.eu Metadata Quality Assessment", lang="en")))
    g.add((KQ.kimedHealth, RDF.type, DQV.Category))
    g.add((KQ.kimedHealth, SKOS.prefLabel, Literal("KIMed health metadata", lang="en")))
    for m in metrics:
        _describe(g, URIRef(m.metric_iri), m.dimension,
                  f"{m.prop} ({m.id.replace('_', ' ')}), {m.points} points")
    _describe(g, KQ.mqaPoints, "overall", f"MQA points (0-{MQA_MAX})")
    _describe(g, KQ.mqaRating, "overall", "MQA rating (bad, sufficient, good, excellent)",
              XSD.string)
    for name in (*DIMENSIONS, "health"):
        _describe(g, KQ[f"{name}Points"], name, f"{name} points")


def _measure(g: Graph, dataset: URIRef, metric: URIRef, value: Literal) -> None:
    node = BNode()
    g.add((node, RDF.type, DQV.QualityMeasurement))
    g.add((node, DQV.isMeasurementOf, metric))
    g.add((node, DQV.computedOn, dataset))
    g.add((node, DQV.value, value))


def measurements(scores: Iterable[QualityScore]) -> Graph:
    """The DQV measurements of ``scores`` and the description of the metrics they use."""
    g = bind_prefixes(Graph())
    g.bind("kq", KQ)
    described: dict[str, Metric] = {}
    for score in scores:
        ds = URIRef(score.dataset)
        for r in [*score.results, *score.health]:
            described[r.metric.id] = r.metric
            if r.unchecked:
                continue
            _measure(g, ds, URIRef(r.metric.metric_iri), _decimal(r.gained))
        _measure(g, ds, KQ.mqaPoints, _decimal(score.points))
        _measure(g, ds, KQ.mqaRating, Literal(score.band))
        for part in score.dimensions():
            _measure(g, ds, KQ[f"{part['dimension']}Points"], _decimal(part["points"]))
    _vocabulary(g, described.values())
    return g


def with_measurements(graph: Graph, scores: Iterable[QualityScore]) -> Graph:
    """A new graph: ``graph`` plus the measurements (``graph`` itself is left as it is)."""
    out = bind_prefixes(Graph())
    out.bind("kq", KQ)
    out += graph
    out += measurements(scores)
    return out
