"""Explanations ("add X to gain N points") and the DQV measurements of the RDF export."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from kimed.catalog.namespaces import DQV
from kimed.catalog.quality import explain, score_record
from kimed.catalog.quality.dqv import KQ, measurements, with_measurements
from kimed.catalog.quality.explain import fmt_points
from tests.catalog.quality.conftest import load


def test_explanations_name_property_and_points():
    graph, rec = load("partial")
    found = {e.metric: e for e in explain(score_record(rec, graph, conforms=False))}
    theme = found["theme"]
    assert (theme.property, theme.property_iri) == ("dcat:theme", "http://www.w3.org/ns/dcat#theme")
    assert (theme.points, theme.gained, theme.missing) == (30, 0, 30)
    assert theme.text == "Add dcat:theme to gain 30 points." and theme.key == "quality.hint.add"
    media = found["media_type"]
    assert media.missing == 7.5 and media.hint == "add_distribution"
    assert media.text == "Add dcat:mediaType to every distribution to gain 7.5 points."
    assert found["licence_vocabulary"].hint == "vocabulary"
    assert found["dcat_ap_compliance"].hint == "conform"
    assert found["download_url_reachable"].missing == 22.5
    # fully met metrics and purely unchecked ones are not explained
    assert "keyword" not in found and "access_url_reachable" not in found
    assert found["coding_system"].dimension == "health"


def test_explanations_come_mqa_first_by_points_to_gain():
    graph, rec = load("partial")
    order = explain(score_record(rec, graph, conforms=False))
    dims = [e.dimension == "health" for e in order]
    assert dims == sorted(dims)  # every MQA explanation before the health ones
    mqa = [e.missing for e in order if e.dimension != "health"]
    assert mqa == sorted(mqa, reverse=True)


def test_no_distribution_asks_for_one():
    _graph, rec = load("bare")
    found = {e.metric: e for e in explain(score_record(rec, conforms=False))}
    assert found["format"].hint == "distribution"
    assert found["format"].text == "Add a distribution with dct:format to gain 20 points."
    assert sum(e.missing for e in found.values() if e.dimension != "health") == 405


def test_complete_record_explains_only_what_is_unchecked_as_nothing():
    graph, rec = load("full")
    assert explain(score_record(rec, graph, conforms=True)) == []


def test_points_format():
    assert [fmt_points(v) for v in (30.0, 7.5, 3.75, 0, 131.25, 2 / 3)] == [
        "30", "7.5", "3.75", "0", "131.25", "0.67"]


def test_dqv_measurements_parse_and_hold_the_values():
    graph, rec = load("partial")
    score = score_record(rec, graph, conforms=False)
    text = measurements([score]).serialize(format="turtle")
    g = Graph().parse(data=text, format="turtle")
    ds = URIRef(rec.iri)

    def value(metric) -> Literal | None:
        for m in g.subjects(DQV.isMeasurementOf, metric):
            assert (m, RDF.type, DQV.QualityMeasurement) in g
            assert (m, DQV.computedOn, ds) in g
            return g.value(m, DQV.value)
        return None

    decimal = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
    assert value(KQ.keyword) == Literal("30.00", datatype=decimal)
    assert float(value(KQ.format_vocabulary)) == 3.75
    assert float(value(KQ.mqaPoints)) == 131.25
    assert str(value(KQ.mqaRating)) == "sufficient"
    assert float(value(KQ.healthPoints)) == 20
    assert float(value(KQ.interoperabilityPoints)) == 36.25
    assert value(KQ.access_url_reachable) is None  # unchecked: nothing was measured
    assert (KQ.keyword, RDF.type, DQV.Metric) in g
    assert (KQ.keyword, DQV.inDimension, KQ.findability) in g
    assert (KQ.findability, RDF.type, DQV.Dimension) in g


def test_with_measurements_leaves_the_record_graph_alone():
    graph, rec = load("full")
    before = len(graph)
    out = with_measurements(graph, [score_record(rec, graph, conforms=True)])
    assert len(graph) == before
    assert len(out) > before and all(t in out for t in graph)
    assert len(set(out.subjects(RDF.type, DQV.QualityMeasurement))) > 20
