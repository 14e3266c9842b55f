"""Each score component against records whose points we computed by hand (see the .ttl headers)."""

from __future__ import annotations

import pytest

from kimed.catalog.quality import band, score_record
from kimed.catalog.quality.health import HEALTH_MAX, HEALTH_METRICS
from kimed.catalog.quality.model import DIMENSIONS, MQA_MAX
from kimed.catalog.quality.mqa import MQA_METRICS
from tests.catalog.quality.conftest import load


def _by_id(score) -> dict:
    return {r.metric.id: r for r in [*score.results, *score.health]}


def test_metric_table_adds_up_to_the_mqa_dimensions():
    per_dimension = {d: sum(m.points for m in MQA_METRICS if m.dimension == d) for d in DIMENSIONS}
    assert per_dimension == {"findability": 100, "accessibility": 100, "interoperability": 110,
                             "reusability": 75, "contextuality": 20}
    assert sum(per_dimension.values()) == MQA_MAX == 405
    assert len({m.id for m in MQA_METRICS}) == len(MQA_METRICS) == 23
    assert HEALTH_MAX == 100 and all(m.dimension == "health" for m in HEALTH_METRICS)


@pytest.mark.parametrize(("points", "expected"), [
    (0, "bad"), (120, "bad"), (120.49, "bad"), (120.5, "sufficient"), (121, "sufficient"),
    (220, "sufficient"), (221, "good"), (350, "good"), (350.4, "good"), (351, "excellent"),
    (405, "excellent"),
])
def test_bands_at_their_boundaries(points, expected):
    assert band(points) == expected


def test_complete_record_without_link_checks():
    graph, rec = load("full")
    score = score_record(rec, graph, conforms=True)
    assert score.points == 325  # 405 minus the 80 reachability points, which are unchecked
    assert score.unchecked == 80
    assert score.band == "good"
    results = _by_id(score)
    assert results["access_url_reachable"].status == "unchecked"
    assert results["access_url_reachable"].missing == 0  # unchecked is never a failure
    assert results["download_url_reachable"].unchecked == 30
    assert all(r.status == "met" for r in score.results if r.metric.hint != "reachable")
    assert score.health_points == 100


def test_partial_record_distribution_shares():
    graph, rec = load("partial")
    score = score_record(rec, graph, conforms=False)
    r = _by_id(score)
    expected = {"keyword": 30, "theme": 0, "spatial": 0, "temporal": 20, "download_url": 5,
                "format": 15, "media_type": 2.5, "format_vocabulary": 3.75, "non_proprietary": 10,
                "machine_readable": 5, "dcat_ap_compliance": 0, "licence": 10,
                "licence_vocabulary": 2.5, "access_rights": 0, "access_rights_vocabulary": 0,
                "contact_point": 20, "publisher": 0, "rights": 1.25, "byte_size": 1.25,
                "issued": 5, "modified": 0, "access_url_reachable": 0,
                "download_url_reachable": 0}
    assert {k: r[k].gained for k in expected} == expected
    assert r["access_url_reachable"].unchecked == 50
    assert r["download_url_reachable"].unchecked == 7.5  # only d1 has a downloadURL
    assert r["download_url_reachable"].missing == 22.5
    assert score.points == 131.25 and score.band == "sufficient"
    dims = {d["dimension"]: d["points"] for d in score.dimensions()}
    assert dims == {"findability": 50, "accessibility": 5, "interoperability": 36.25,
                    "reusability": 32.5, "contextuality": 7.5, "health": 20}
    assert r["format_vocabulary"].met == 3 and r["format_vocabulary"].total == 8


def test_compliance_follows_the_shacl_result():
    graph, rec = load("partial")
    yes = _by_id(score_record(rec, graph, conforms=True))["dcat_ap_compliance"]
    no = _by_id(score_record(rec, graph, conforms=False))["dcat_ap_compliance"]
    unknown = _by_id(score_record(rec, graph, conforms=None))["dcat_ap_compliance"]
    assert (yes.gained, no.gained, no.missing) == (30, 0, 30)
    assert (unknown.gained, unknown.unchecked, unknown.status) == (0, 30, "unchecked")


def test_rights_need_the_graph():
    graph, rec = load("partial")
    assert _by_id(score_record(rec, graph, conforms=False))["rights"].gained == 1.25
    assert _by_id(score_record(rec, None, conforms=False))["rights"].gained == 0


def test_bare_record_scores_nothing():
    graph, rec = load("bare")
    score = score_record(rec, graph, conforms=False)
    assert score.points == 0 and score.unchecked == 0 and score.band == "bad"
    assert score.health_points == 0
    assert all(r.missing == r.metric.points for r in score.results)


@pytest.mark.parametrize(("metric", "points"), [
    ("health_category", 15), ("coding_system", 10), ("population_coverage", 10),
    ("number_of_records", 10), ("unique_individuals", 10), ("min_age", 5), ("max_age", 5),
    ("legal_basis", 5), ("purpose", 5), ("personal_data", 5), ("retention", 5),
    ("variables", 10), ("quality_annotations", 5),
])
def test_each_health_metric(metric, points):
    graph, rec = load("full")
    assert _by_id(score_record(rec, graph))[metric].gained == points
    _graph, bare = load("bare")
    assert _by_id(score_record(bare))[metric].gained == 0
    # taking the one property away loses exactly its points
    field = {"health_category": ("health_categories", []), "coding_system": ("coding_systems", []),
             "population_coverage": ("population_coverage", {}),
             "number_of_records": ("number_of_records", None),
             "unique_individuals": ("number_of_unique_individuals", None),
             "min_age": ("min_typical_age", None), "max_age": ("max_typical_age", None),
             "legal_basis": ("legal_basis", []), "purpose": ("purpose", []),
             "personal_data": ("personal_data", []), "retention": ("retention", None),
             "variables": ("has_variables", False),
             "quality_annotations": ("quality_annotations", 0)}[metric]
    less = score_record(rec.model_copy(update={field[0]: field[1]}), graph)
    assert less.health_points == 100 - points
