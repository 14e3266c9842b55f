"""KIMed's health dimension: points for the HealthDCAT-AP recommended health properties.

Not part of the MQA (its 405 points stay comparable with data.europa.eu); it is scored and shown
separately, out of 100. The properties are those HealthDCAT-AP Release 8 recommends for datasets in
every access tier (https://healthdcat-ap.github.io/, Dataset; see kimed.catalog.tiers), grouped as
in docs/quality.md. Each metric is met when the record states the property at least once.
"""

from __future__ import annotations

from collections.abc import Callable

from kimed.catalog.namespaces import DPV, DQV, HEALTHDCATAP
from kimed.catalog.projection import DatasetRecord
from kimed.catalog.quality.model import Metric, MetricResult

_NS = {"healthdcatap": str(HEALTHDCATAP), "dpv": str(DPV), "dqv": str(DQV)}


def _m(id: str, prop: str, points: int) -> Metric:
    prefix, _, local = prop.partition(":")
    return Metric(id, "health", prop, _NS[prefix] + local, points)


# (metric, test on the projection)
HEALTH: tuple[tuple[Metric, Callable[[DatasetRecord], bool]], ...] = (
    (_m("health_category", "healthdcatap:healthCategory", 15), lambda r: bool(r.health_categories)),
    (_m("coding_system", "healthdcatap:hasCodingSystem", 10), lambda r: bool(r.coding_systems)),
    (_m("population_coverage", "healthdcatap:populationCoverage", 10),
     lambda r: bool(r.population_coverage)),
    (_m("number_of_records", "healthdcatap:numberOfRecords", 10),
     lambda r: r.number_of_records is not None),
    (_m("unique_individuals", "healthdcatap:numberOfUniqueIndividuals", 10),
     lambda r: r.number_of_unique_individuals is not None),
    (_m("min_age", "healthdcatap:minTypicalAge", 5), lambda r: r.min_typical_age is not None),
    (_m("max_age", "healthdcatap:maxTypicalAge", 5), lambda r: r.max_typical_age is not None),
    (_m("legal_basis", "dpv:hasLegalBasis", 5), lambda r: bool(r.legal_basis)),
    (_m("purpose", "dpv:hasPurpose", 5), lambda r: bool(r.purpose)),
    (_m("personal_data", "dpv:hasPersonalData", 5), lambda r: bool(r.personal_data)),
    (_m("retention", "healthdcatap:retentionPeriod", 5), lambda r: r.retention is not None),
    (_m("variables", "healthdcatap:hasVariables", 10), lambda r: r.has_variables),
    (_m("quality_annotations", "dqv:hasQualityAnnotation", 5),
     lambda r: r.quality_annotations > 0),
)
HEALTH_METRICS: tuple[Metric, ...] = tuple(m for m, _ in HEALTH)
HEALTH_MAX = sum(m.points for m in HEALTH_METRICS)


def score_health(record: DatasetRecord) -> list[MetricResult]:
    out = []
    for metric, test in HEALTH:
        ok = bool(test(record))
        out.append(MetricResult(metric, gained=float(metric.points) if ok else 0.0, met=int(ok),
                                checked=1, total=1))
    return out
