"""Explanations: for every metric not fully met, what to add and how many points it gains.

The core returns :class:`~kimed.catalog.quality.model.Explanation` objects: the metric, the property
(prefixed name and IRI), its points, what was gained and what is missing, a message key (the web
words it in German or English from ``quality.hint.*``) and the English sentence (for the CLI and the
JSON). Points that could not be checked (links not checked) are not explained as missing.
"""

from __future__ import annotations

from kimed.catalog.quality.model import Explanation, MetricResult, QualityScore

TEXTS = {
    "add": "Add {property} to gain {points} points.",
    "add_distribution": "Add {property} to every distribution to gain {points} points.",
    "distribution": "Add a distribution with {property} to gain {points} points.",
    "vocabulary": "Take {property} from its controlled vocabulary to gain {points} points.",
    "reachable": "Give every distribution a {property} that answers to gain {points} points.",
    "non_proprietary": "Offer every distribution in a non-proprietary {property} to gain "
                       "{points} points.",
    "machine_readable": "Offer every distribution in a machine-readable {property} to gain "
                        "{points} points.",
    "conform": "Fix the shape violations so the record conforms to DCAT-AP to gain {points} points.",
}


def fmt_points(value: float) -> str:
    """``30`` for 30.0, ``7.5`` for 7.5, ``3.75`` for 3.75 (two decimals at most)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _hint(result: MetricResult) -> str:
    metric = result.metric
    if metric.level == "distribution" and result.total == 0:
        return "distribution"
    if metric.hint == "add" and metric.level == "distribution":
        return "add_distribution"
    return metric.hint


def explain_result(result: MetricResult) -> Explanation | None:
    """The explanation of one result, or None when nothing is missing."""
    missing = result.missing
    if missing <= 0:
        return None
    metric = result.metric
    hint = _hint(result)
    text = TEXTS[hint].format(property=metric.prop, points=fmt_points(missing))
    return Explanation(metric=metric.id, dimension=metric.dimension, property=metric.prop,
                       property_iri=metric.iri, hint=hint, points=metric.points,
                       gained=round(result.gained, 2), missing=missing,
                       unchecked=round(result.unchecked, 2), key=f"quality.hint.{hint}",
                       text=text)


def explain(score: QualityScore) -> list[Explanation]:
    """Every missing metric, the MQA ones first, each group by most points to gain."""
    out = []
    for part in (score.results, score.health):
        found = [e for r in part if (e := explain_result(r)) is not None]
        out += sorted(found, key=lambda e: -e.missing)
    return out
