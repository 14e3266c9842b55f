"""The five MQA dimensions of data.europa.eu: 23 metrics, 405 points.

Metrics and points follow the Metadata Quality Assessment methodology of data.europa.eu
(https://data.europa.eu/mqa/methodology; explained in the data provider manual,
https://dataeuropa.gitlab.io/data-provider-manual/metadata-quality-dashboard/). A dataset-level
metric gives all of its points or none. A distribution-level metric gives its points times the share
of the dataset's distributions that meet it (no distributions: no points). The "from vocabulary"
metric of formats counts ``dct:format`` and ``dcat:mediaType`` values together (2 per distribution).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Graph, URIRef

from kimed.catalog.namespaces import DCAT, DCTERMS
from kimed.catalog.projection import DatasetRecord, DistributionRef
from kimed.catalog.quality import formats
from kimed.catalog.quality.model import Metric, MetricResult

DCAT_NS, DCT_NS = str(DCAT), str(DCTERMS)


def _m(id: str, dimension: str, prop: str, points: int, level: str = "dataset",
       hint: str = "add") -> Metric:
    prefix, _, local = prop.partition(":")
    iri = {"dcat": DCAT_NS, "dct": DCT_NS}[prefix] + local
    return Metric(id, dimension, prop, iri, points, level, hint)


MQA_METRICS: tuple[Metric, ...] = (
    _m("keyword", "findability", "dcat:keyword", 30),
    _m("theme", "findability", "dcat:theme", 30),
    _m("spatial", "findability", "dct:spatial", 20),
    _m("temporal", "findability", "dct:temporal", 20),
    _m("access_url_reachable", "accessibility", "dcat:accessURL", 50, "distribution", "reachable"),
    _m("download_url", "accessibility", "dcat:downloadURL", 20, "distribution"),
    _m("download_url_reachable", "accessibility", "dcat:downloadURL", 30, "distribution",
       "reachable"),
    _m("format", "interoperability", "dct:format", 20, "distribution"),
    _m("media_type", "interoperability", "dcat:mediaType", 10, "distribution"),
    _m("format_vocabulary", "interoperability", "dct:format", 10, "distribution", "vocabulary"),
    _m("non_proprietary", "interoperability", "dct:format", 20, "distribution", "non_proprietary"),
    _m("machine_readable", "interoperability", "dct:format", 20, "distribution",
       "machine_readable"),
    _m("dcat_ap_compliance", "interoperability", "dct:conformsTo", 30, hint="conform"),
    _m("licence", "reusability", "dct:license", 20, "distribution"),
    _m("licence_vocabulary", "reusability", "dct:license", 10, "distribution", "vocabulary"),
    _m("access_rights", "reusability", "dct:accessRights", 10),
    _m("access_rights_vocabulary", "reusability", "dct:accessRights", 5, hint="vocabulary"),
    _m("contact_point", "reusability", "dcat:contactPoint", 20),
    _m("publisher", "reusability", "dct:publisher", 10),
    _m("rights", "contextuality", "dct:rights", 5, "distribution"),
    _m("byte_size", "contextuality", "dcat:byteSize", 5, "distribution"),
    _m("issued", "contextuality", "dct:issued", 5),
    _m("modified", "contextuality", "dct:modified", 5),
)
# DCAT-AP compliance is checked by our SHACL shapes, which name HealthDCAT-AP; the property
# column above only says where to look in the explanation (the shapes' findings).


@dataclass
class Inputs:
    """What one dataset is scored on."""

    record: DatasetRecord
    graph: Graph | None = None  # the record graph (for dct:rights of distributions)
    conforms: bool | None = None  # no SHACL violations; None: not validated
    link_status: Callable[[str], str] | None = None  # url -> reachable|unreachable|unchecked


def _dataset(metric: Metric, ok: bool) -> MetricResult:
    return MetricResult(metric, gained=float(metric.points) if ok else 0.0, met=int(ok),
                        checked=1, total=1)


def _share(metric: Metric, flags: list[bool]) -> MetricResult:
    n = len(flags)
    met = sum(flags)
    gained = metric.points * met / n if n else 0.0
    return MetricResult(metric, gained=round(gained, 2), met=met, checked=n, total=n)


def _reachable(metric: Metric, urls: list[str | None], status) -> MetricResult:
    """Share of distributions whose URL answers; unchecked links are set apart, not failed."""
    n = len(urls)
    if not n:
        return MetricResult(metric, total=0, checked=0)
    states = [("missing" if not url else (status(url) if status else "unchecked")) for url in urls]
    met = states.count("reachable")
    unchecked = states.count("unchecked")
    return MetricResult(metric, gained=round(metric.points * met / n, 2),
                        unchecked=round(metric.points * unchecked / n, 2), met=met,
                        checked=n - unchecked, total=n)


def _rights_flags(inputs: Inputs) -> list[bool]:
    g = inputs.graph
    ds = URIRef(inputs.record.iri)
    if g is None:
        return [False] * len(inputs.record.distributions)
    return [g.value(d, DCTERMS.rights) is not None for d in g.objects(ds, DCAT.distribution)]


def score_mqa(inputs: Inputs) -> list[MetricResult]:
    """One result per MQA metric, in the order of :data:`MQA_METRICS`."""
    rec = inputs.record
    dists: list[DistributionRef] = rec.distributions
    by_id = {m.id: m for m in MQA_METRICS}
    status = inputs.link_status
    if inputs.conforms is None:  # not validated: the compliance points are not measured
        compliance = MetricResult(by_id["dcat_ap_compliance"], unchecked=30.0, checked=0)
    else:
        compliance = _dataset(by_id["dcat_ap_compliance"], inputs.conforms)
    return [
        _dataset(by_id["keyword"], any(rec.keywords.values())),
        _dataset(by_id["theme"], bool(rec.themes)),
        _dataset(by_id["spatial"], bool(rec.spatial)),
        _dataset(by_id["temporal"], bool(rec.temporal)),
        _reachable(by_id["access_url_reachable"], [d.access_url for d in dists], status),
        _share(by_id["download_url"], [bool(d.download_url) for d in dists]),
        _reachable(by_id["download_url_reachable"], [d.download_url for d in dists], status),
        _share(by_id["format"], [bool(d.format) for d in dists]),
        _share(by_id["media_type"], [bool(d.media_type) for d in dists]),
        _share(by_id["format_vocabulary"],
               [formats.format_in_vocabulary(d.format) for d in dists]
               + [formats.media_type_in_vocabulary(d.media_type) for d in dists]),
        _share(by_id["non_proprietary"], [formats.non_proprietary(d.format) for d in dists]),
        _share(by_id["machine_readable"], [formats.machine_readable(d.format) for d in dists]),
        compliance,
        _share(by_id["licence"], [bool(d.license) for d in dists]),
        _share(by_id["licence_vocabulary"],
               [formats.licence_in_vocabulary(d.license) for d in dists]),
        _dataset(by_id["access_rights"], bool(rec.access_rights)),
        _dataset(by_id["access_rights_vocabulary"],
                 formats.access_rights_in_vocabulary(rec.access_rights)),
        _dataset(by_id["contact_point"], rec.contact is not None),
        _dataset(by_id["publisher"], rec.publisher is not None),
        _share(by_id["rights"], _rights_flags(inputs)),
        _share(by_id["byte_size"], [d.byte_size is not None for d in dists]),
        _dataset(by_id["issued"], rec.issued is not None),
        _dataset(by_id["modified"], rec.modified is not None),
    ]
