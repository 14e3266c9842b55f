"""Traceability: requirement -> test ids -> outcome from JUnit XML."""

from __future__ import annotations

from pathlib import Path

import pytest

from kimed.spe.requirements import load_catalogue
from kimed.spe.requirements.conformance import JUnitError, node_key, read_junit, summary, trace

DATA = Path(__file__).parents[1] / "data" / "spe"


def test_trace_outcomes(fixture_dir):
    traces = {t.requirement: t for t in trace(load_catalogue(fixture_dir),
                                              read_junit(DATA / "junit.xml"))}
    assert set(traces) == {"KIM-TEC-IAM-001", "KIM-TEC-IAM-002"}  # only those listing tests
    assert traces["KIM-TEC-IAM-001"].outcome == "passed"
    assert traces["KIM-TEC-IAM-002"].tests == [
        ("tests/spe/test_conformance.py::test_trace_outcomes", "failed"),
        ("tests/spe/test_conformance.py::TestNodeIds::test_class_node_id[case]", "missing")]
    assert traces["KIM-TEC-IAM-002"].outcome == "failed"
    assert summary(list(traces.values())) == {"passed": 1, "failed": 1, "skipped": 0,
                                              "missing": 0}


def test_parametrised_cases_combine():
    results = read_junit(DATA / "junit.xml")
    assert results[("tests.spe.test_conformance", "test_other")] == ["passed", "skipped"]


class TestNodeIds:
    @pytest.mark.parametrize("case", ["case"])
    def test_class_node_id(self, case):
        assert node_key("tests/spe/test_x.py::TestA::test_b[1]") == ("tests.spe.test_x.TestA",
                                                                      "test_b")
        assert node_key("tests/a.py::test_c") == ("tests.a", "test_c")


def test_not_junit(tmp_path):
    (tmp_path / "x.xml").write_text("<html/>")
    with pytest.raises(JUnitError, match="root element is <html>"):
        read_junit(tmp_path / "x.xml")
    (tmp_path / "y.xml").write_text("not xml")
    with pytest.raises(JUnitError, match="not a readable JUnit XML"):
        read_junit(tmp_path / "y.xml")
