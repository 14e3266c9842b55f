"""Self-assessment scoring on tests/data/spe/assessment.yaml, computed by hand:

- identity-access: IAM-001 MUST 2, IAM-002 SHOULD 1, IAM-003 MAY na -> 3 of 4 points (75 %),
  MUST 1/1 -> met;
- output-checking: OUT-001 MUST 2, OUT-002 MUST 0 -> 2 of 4 points (50 %), MUST 1/2 -> not met;
- overall: 5 of 8 points (62.5 %), MUST 2/3; technical met, governance not, so not met.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kimed.spe.requirements import load_catalogue
from kimed.spe.requirements.assessment import AssessmentError, read_assessment, score
from kimed.spe.requirements.progress import progress_png, progress_svg
from kimed.spe.requirements.report import assessment_html, assessment_markdown

DATA = Path(__file__).parents[1] / "data" / "spe"


@pytest.fixture
def result(fixture_dir):
    cat = load_catalogue(fixture_dir)
    return score(read_assessment(DATA / "assessment.yaml", cat), cat)


def test_scores_by_hand(result):
    iam = result.categories[("technical", "identity-access")]
    out = result.categories[("governance", "output-checking")]
    assert (iam.points, iam.max_points, iam.percent, iam.must_met, iam.must, iam.is_met) == (
        3, 4, 75.0, 1, 1, True)
    assert (out.points, out.max_points, out.percent, out.must_met, out.must, out.is_met) == (
        2, 4, 50.0, 1, 2, False)
    o = result.overall
    assert (o.points, o.max_points, o.percent, o.must_met, o.must, o.na) == (5, 8, 62.5, 2, 3, 1)
    assert result.areas["technical"].is_met and not result.areas["governance"].is_met
    assert not result.is_met
    assert result.assessment.deployment == "Test SPE" and str(result.assessment.date) == \
        "2025-03-01"


def test_findings(result):
    found = {(f.rule, f.requirement, f.severity) for f in result.assessment.findings}
    assert found == {("known id", "KIM-TEC-XXX-999", "error"),
                     ("evidence", "KIM-GOV-OUT-001", "warning")}


def test_bad_scores_and_unscored(fixture_dir):
    cat = load_catalogue(fixture_dir)
    a = read_assessment("deployment: X\ndate: 1st of March\nassessor: Y\nrequirements:\n"
                        "  KIM-TEC-IAM-001: 3\n  KIM-GOV-OUT-001: na\n", cat)
    rules = {(f.rule, f.requirement) for f in a.findings}
    assert rules == {("score", "KIM-TEC-IAM-001"), ("assessment header", None),
                     ("not applicable", "KIM-GOV-OUT-001")}
    r = score(a, cat)
    assert r.overall.unscored == 4 and r.overall.must == 2 and not r.is_met
    with pytest.raises(AssessmentError, match="invalid date"):
        read_assessment("date: 2025-13-01\n", cat)
    with pytest.raises(AssessmentError, match="malformed YAML"):
        read_assessment("requirements: [\n", cat)


def test_reports_and_charts(result):
    md = assessment_markdown(result)
    assert "5 of 8 points (62.5 %)" in md and "| governance | Output checking | 2/4 | 50 |" in md
    html = assessment_html(result)
    assert "<svg" in html and "Test SPE" in html
    svg = progress_svg(result)
    assert svg.count('class="bar"') == 2 and "75 %" in svg and "50 %" in svg
    pytest.importorskip("matplotlib")
    assert progress_png(result)[:8] == b"\x89PNG\r\n\x1a\n"
