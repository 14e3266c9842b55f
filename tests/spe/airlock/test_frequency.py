"""Threshold, zeros and missing values on frequency tables (cases computed by hand)."""

from kimed.spe.airlock.appetite import load_risk_appetite
from kimed.spe.airlock.verdict import Verdict

from .conftest import results

AGE_BY_SEX = """sex,18-39,40-64,65+,Total
female,12,25,3,40
male,15,20,11,46
Total,27,45,14,86
"""


def test_cell_of_three_fails_and_is_named(write, appetite):
    r = results(write("age.csv", AGE_BY_SEX), "frequency", appetite)["threshold"]
    assert r.verdict is Verdict.FAIL
    assert [(c.row, c.column, c.value) for c in r.cells] == [("female", "65+", 3)]
    assert r.rule.parameters == {"threshold": 10}
    assert "safe_threshold" in r.rule.source
    assert "female / 65+" in r.message


def test_every_other_check_passes_that_table(write, appetite):
    res = results(write("age.csv", AGE_BY_SEX), "frequency", appetite)
    assert {k: v.verdict for k, v in res.items() if k != "threshold"} == {
        "file-type": Verdict.PASS, "zeros": Verdict.PASS, "missing": Verdict.PASS,
        "differencing": Verdict.PASS, "person-level": Verdict.PASS, "phi-text": Verdict.PASS,
    }


def test_small_margin_fails_too(write, appetite):
    text = "g,a,b,Total\nx,10,12,22\ny,4,4,8\nTotal,14,16,30\n"  # row y: 4, 4 and total 8
    r = results(write("t.csv", text), "frequency", appetite)["threshold"]
    assert {(c.row, c.column) for c in r.cells} == {("y", "a"), ("y", "b"), ("y", "Total")}


def test_config_override_changes_the_verdict(write, tmp_path):
    path = tmp_path / "appetite.yaml"
    path.write_text("threshold: 3\n", encoding="utf-8")
    r = results(write("age.csv", AGE_BY_SEX), "frequency", load_risk_appetite(path))["threshold"]
    assert r.verdict is Verdict.PASS  # 3 is not below 3
    assert r.rule.parameters == {"threshold": 3}


def test_zeros_are_flagged_for_review(write, appetite):
    text = "sex,pregnant,not pregnant\nfemale,12,30\nmale,0,41\n"
    r = results(write("preg.csv", text), "frequency", appetite)["zeros"]
    assert r.verdict is Verdict.REVIEW
    assert [(c.row, c.column, c.value) for c in r.cells] == [("male", "pregnant", 0)]
    assert "zeros_are_disclosive" in r.rule.source


def test_declared_structural_zero_passes(write, appetite):
    text = "sex,pregnant,not pregnant\nfemale,12,30\nmale,0,41\n"
    path = write("preg.csv", text)
    r = results(path, "frequency", appetite, structural_zeros=("male/pregnant",))["zeros"]
    assert r.verdict is Verdict.PASS


def test_zeros_not_disclosive_when_configured(write, tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("zeros_are_disclosive: false\n", encoding="utf-8")
    text = "g,a,b\nx,12,0\ny,11,13\n"
    r = results(write("z.csv", text), "frequency", load_risk_appetite(path))["zeros"]
    assert r.verdict is Verdict.PASS and "1 zero cell" in r.message


def test_missing_values_only_reviewed_when_configured(write, tmp_path, appetite):
    text = "g,a,b\nx,12,\ny,11,13\n"
    assert results(write("m.csv", text), "frequency", appetite)["missing"].verdict is Verdict.PASS
    path = tmp_path / "a.yaml"
    path.write_text("check_missing_values: true\n", encoding="utf-8")
    r = results(write("m.csv", text), "frequency", load_risk_appetite(path))["missing"]
    assert r.verdict is Verdict.REVIEW and [(c.row, c.column) for c in r.cells] == [("x", "b")]
