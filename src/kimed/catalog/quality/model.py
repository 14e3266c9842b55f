"""What a quality score is made of: metrics, their results, dimensions, bands.

Plain dataclasses, no I/O. A :class:`MetricResult` splits the metric's points into three parts that
always add up: ``gained`` (met), ``unchecked`` (could not be measured, e.g. a link that was not
checked) and ``missing`` (measured and not met). Unchecked points are never counted as failures.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

MQA_MAX = 405
# data.europa.eu MQA rating bands (https://data.europa.eu/mqa/methodology): lowest points of each.
BANDS: tuple[tuple[str, int], ...] = (("excellent", 351), ("good", 221), ("sufficient", 121),
                                      ("bad", 0))
DIMENSIONS = ("findability", "accessibility", "interoperability", "reusability", "contextuality")
QUALITY_NS = "https://w3id.org/kimed/quality#"


def band(points: float) -> str:
    """The MQA rating of a total: the total is rounded to whole points first (half up)."""
    whole = int(points + 0.5)
    return next(name for name, low in BANDS if whole >= low)


@dataclass(frozen=True)
class Metric:
    """One scored property. ``level`` is "dataset" or "distribution" (share of distributions)."""

    id: str
    dimension: str
    prop: str  # the property as a prefixed name, e.g. "dcat:keyword"
    iri: str  # the property's full IRI
    points: int
    level: str = "dataset"
    hint: str = "add"  # what the explanation asks for: add, vocabulary, reachable, ...

    @property
    def metric_iri(self) -> str:
        return QUALITY_NS + self.id


@dataclass
class MetricResult:
    metric: Metric
    gained: float = 0.0
    unchecked: float = 0.0
    met: int = 0  # distributions (or 1 for a dataset-level metric) that meet it
    checked: int = 0  # how many were measured
    total: int = 1  # the population: distributions, or 1

    @property
    def missing(self) -> float:
        return round(self.metric.points - self.gained - self.unchecked, 2)

    @property
    def status(self) -> str:
        if self.gained >= self.metric.points:
            return "met"
        if self.unchecked and not self.missing:
            return "unchecked"
        return "partial" if self.gained else "missing"

    def to_dict(self) -> dict:
        m = self.metric
        return {"metric": m.id, "metric_iri": m.metric_iri, "dimension": m.dimension,
                "property": m.prop, "property_iri": m.iri, "level": m.level, "points": m.points,
                "gained": round(self.gained, 2), "unchecked": round(self.unchecked, 2),
                "missing": self.missing, "status": self.status, "met": self.met,
                "checked": self.checked, "total": self.total}


@dataclass
class Explanation:
    """"Add X to gain N points": structured, so the web and the CLI word it in their language."""

    metric: str
    dimension: str
    property: str
    property_iri: str
    hint: str  # add | vocabulary | reachable | distribution | conform
    points: int
    gained: float
    missing: float
    unchecked: float
    key: str  # message key of the sentence, e.g. "quality.hint.add"
    text: str  # the English sentence

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class QualityScore:
    """The score of one dataset: the MQA part (405 points) and the health part (separate)."""

    dataset: str  # IRI
    identifier: str
    results: list[MetricResult] = field(default_factory=list)
    health: list[MetricResult] = field(default_factory=list)
    links_checked: bool = False

    @property
    def points(self) -> float:
        return round(sum(r.gained for r in self.results), 2)

    @property
    def unchecked(self) -> float:
        return round(sum(r.unchecked for r in self.results), 2)

    @property
    def band(self) -> str:
        return band(self.points)

    @property
    def health_points(self) -> float:
        return round(sum(r.gained for r in self.health), 2)

    @property
    def health_max(self) -> int:
        return sum(r.metric.points for r in self.health)

    def dimensions(self) -> list[dict]:
        out = []
        for name in (*DIMENSIONS, "health"):
            part = self.health if name == "health" else [r for r in self.results
                                                         if r.metric.dimension == name]
            out.append({"dimension": name, "points": round(sum(r.gained for r in part), 2),
                        "max": sum(r.metric.points for r in part),
                        "unchecked": round(sum(r.unchecked for r in part), 2)})
        return out

    def to_dict(self) -> dict:
        from kimed.catalog.quality.explain import explain

        return {"dataset": self.dataset, "identifier": self.identifier,
                "points": self.points, "max": MQA_MAX, "band": self.band,
                "unchecked": self.unchecked, "links_checked": self.links_checked,
                "health": {"points": self.health_points, "max": self.health_max},
                "dimensions": self.dimensions(),
                "metrics": [r.to_dict() for r in [*self.results, *self.health]],
                "explanations": [e.to_dict() for e in explain(self)]}
