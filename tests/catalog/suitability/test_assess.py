"""The fit score, ranking, weights, comparison, exports and the feasibility hook; and the same
through the store on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from kimed.catalog.suitability import (
    MAX_COMPARE,
    POINTS,
    CompareError,
    FeasibilityProvider,
    FeasibilityResult,
    SpeNotBuilt,
    Verdict,
    assess,
    assess_subjects,
    compare,
    fit_score,
    held_in_spe,
    load_profile,
    parse_ids,
    parse_profile,
    to_data,
    to_json,
    to_markdown,
)
from kimed.catalog.suitability.verdict import CriterionResult, combine
from tests.catalog.suitability.conftest import PROFILE, SILENT_RECORD, SPE_RECORD, subject_of

M, P, U, F = Verdict.MEETS, Verdict.PARTLY, Verdict.UNKNOWN, Verdict.FAILS


@pytest.mark.parametrize(("verdicts", "expected"), [
    ([M, M], M), ([M, F], P), ([P, U], P), ([F, U], F), ([U, U], U), ([], U), ([F], F)])
def test_combine(verdicts, expected):
    assert combine(verdicts) is expected


def test_fit_score_by_hand():
    results = [CriterionResult(criterion="conditions", verdict=M),
               CriterionResult(criterion="population", verdict=P),
               CriterionResult(criterion="period", verdict=U),
               CriterionResult(criterion="geography", verdict=F)]
    weights = {"conditions": 3, "population": 2, "period": 1, "geography": 2}
    # (3*1 + 2*0.5 + 1*0.25 + 2*0) / 8 = 4.25 / 8
    assert fit_score(results, weights) == 53.1
    assert fit_score(results, {k: 0 for k in weights}) == 0.0
    assert POINTS[U] > POINTS[F]


def _order(assessment) -> list[str]:
    return [d.identifier.removeprefix("kimed:") for d in assessment.datasets]


def test_weights_change_the_ranking(subjects):
    chosen = [subjects[k] for k in ("mimic-iv", "nako", "eicu-crd")]
    base = {"conditions": ["EHRS"], "places": ["DEU"]}
    by_condition = assess_subjects(parse_profile({**base, "weights": {"conditions": 5,
                                                                      "geography": 1}}), chosen)
    by_place = assess_subjects(parse_profile(base), chosen, weights={"conditions": 1,
                                                                     "geography": 5})
    assert _order(by_condition)[-1] == "nako"
    assert _order(by_place)[0] == "nako"
    assert by_place.weights["geography"] == 5.0
    scores = [d.score for d in by_condition.datasets]
    assert scores == sorted(scores, reverse=True)


def test_ranking_breaks_ties_by_fewer_fails(subjects):
    # both score 25 on one criterion? no: unknown (0.25) beats fails (0)
    profile = parse_profile({"places": ["DEU"]})
    ranked = assess_subjects(profile, [subjects["eicu-crd"], subjects["abide-i"]])
    assert _order(ranked) == ["abide-i", "eicu-crd"]  # silent above contradicting


def test_only_asked_criteria_are_assessed(subjects):
    assessment = assess_subjects(parse_profile({"frequency": "ANNUAL"}), [subjects["nako"]])
    assert assessment.criteria == ["frequency"]
    assert [r.criterion for r in assessment.datasets[0].results] == ["frequency"]


def test_markdown_and_json_exports(subjects):
    profile = load_profile(PROFILE)
    assessment = assess_subjects(profile, [subjects["nako"], subjects["test-spe-stroke"]])
    text = to_markdown(assessment)
    assert text.startswith("# Suitability assessment: Stroke in women (test)")
    assert "| 1 | Leipzig stroke registry (test) (`test-spe-stroke`) |" in text
    assert "`http://healthdataportal.eu/ns/health#minTypicalAge`: 19" in text
    assert "/suitability?name=Stroke+in+women+%28test%29&cond=I63,MRMR" in text
    assert "not available (counts are not available here" in text
    data = json.loads(to_json(assessment))
    assert data["format"] == "kimed-suitability"
    assert [d["rank"] for d in data["datasets"]] == [1, 2]
    assert parse_profile(data["profile"]) == profile
    first = data["datasets"][0]
    assert first["identifier"] == "test-spe-stroke" and first["held_in_spe"] is True
    assert first["feasibility"]["available"] is False and first["feasibility"]["count"] is None
    verdicts = {r["criterion"]: r["verdict"] for r in first["results"]}
    assert verdicts["conditions"] == "meets" and verdicts["variables"] == "unknown"
    assert data == to_data(assessment)


def test_feasibility_default_provider_never_counts(subjects):
    spe, other = subjects["test-spe-stroke"], subjects["nako"]
    assert held_in_spe(spe.record) and not held_in_spe(other.record)
    assert isinstance(SpeNotBuilt(), FeasibilityProvider)
    result = SpeNotBuilt().count_matching("test-spe-stroke", parse_profile({}))
    assert not result.available and result.count is None and "no SPE feasibility service" in result.reason
    assessment = assess_subjects(parse_profile({"conditions": ["I63"]}), [spe, other])
    by_id = {d.identifier: d for d in assessment.datasets}
    assert by_id["test-spe-stroke"].feasibility.reason == result.reason
    assert by_id["kimed:nako"].feasibility is None


def test_feasibility_results_are_consistent():
    with pytest.raises(ValueError, match="carries no count"):
        FeasibilityResult(dataset="x", available=False, count=12, reason="r")
    with pytest.raises(ValueError, match="must say why"):
        FeasibilityResult(dataset="x", available=False)
    with pytest.raises(ValueError, match="count or a threshold"):
        FeasibilityResult(dataset="x", available=True)


def test_a_provider_is_asked_only_for_spe_datasets(subjects):
    asked = []

    class Recording:
        def count_matching(self, dataset_id, profile):
            asked.append(dataset_id)
            return FeasibilityResult(dataset=dataset_id, available=True, below_threshold=10)

    assess_subjects(parse_profile({}), [subjects["test-spe-stroke"], subjects["nako"]],
                    provider=Recording())
    assert asked == ["test-spe-stroke"]


def test_compare_limit_and_ids():
    assert parse_ids("a, b,,a") == ["a", "b"]
    with pytest.raises(CompareError) as caught:
        compare(None, parse_profile({}), [str(i) for i in range(MAX_COMPARE + 1)])
    assert f"at most {MAX_COMPARE}" in str(caught.value) and caught.value.field == "ids"
    with pytest.raises(CompareError, match="at least one"):
        compare(None, parse_profile({}), [])


def _store(db, paths) -> None:
    """Rows as the importer writes them (RDF + projection), without the search index, which the
    assessment does not read."""
    from kimed.catalog.models import DatasetRow

    with db.session() as session:
        for path in paths:
            subject = subject_of(path)
            session.add(DatasetRow(iri=subject.record.iri, identifier=subject.record.identifier,
                                   title=subject.record.label(), graph_nt=subject.graph_nt,
                                   projection=subject.record.model_dump(mode="json")))


def test_assess_and_compare_through_the_store(db):
    from kimed.catalog.demo import demo_files

    files = [f for f in demo_files() if f.stem in ("nako", "mimic-iv", "eicu-crd")]
    _store(db, [*files, SPE_RECORD, SILENT_RECORD])
    profile = parse_profile({"conditions": ["I63"], "places": ["DEU"]})
    with db.session() as session:
        ranked = assess(session, profile)
        compared = compare(session, profile, ["test-silent", "kimed:nako"])
        with pytest.raises(CompareError, match="no dataset"):
            compare(session, profile, ["kimed:nope"])
    assert _order(ranked)[0] == "test-spe-stroke"
    assert len(ranked.datasets) == 5
    assert _order(compared) == ["test-silent", "nako"]
    assert [r.verdict for r in compared.datasets[0].results] == [U, U]
