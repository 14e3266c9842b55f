"""Crosswalk coverage on invented SATRE/TEHDAS2 files, and the external readers' errors."""

from __future__ import annotations

import csv
import io
import json

import pytest

from kimed.spe.requirements import crosswalk, load_catalogue
from kimed.spe.requirements.external import ExternalFormatError, read_satre, read_tehdas2


def test_coverage_rows_and_totals(fixture_dir, mini_external):
    cov = crosswalk.coverage(load_catalogue(fixture_dir), mini_external)
    status = {(r.statement.framework, r.statement.ref): r.status for r in cov.rows}
    assert status == {("satre", "9.1.01"): "covered", ("satre", "9.1.02"): "covered",
                      ("satre", "9.2.01"): "out-of-scope", ("satre", "9.2.02"): "uncovered",
                      ("satre", "9.2.03"): "uncovered", ("tehdas2", "TST-1"): "covered",
                      ("tehdas2", "TST-2"): "covered", ("tehdas2", "TST-3"): "out-of-scope",
                      ("tehdas2", "TST-4"): "uncovered", ("tehdas2", "TST-5"): "uncovered"}
    totals = cov.totals()
    assert totals["satre"]["mandatory"] == 4 and totals["satre"]["mandatory_uncovered"] == 1
    assert totals["tehdas2"]["mandatory_covered"] == 2
    assert [(g.statement.framework, g.statement.ref) for g in cov.gaps()] == [
        ("satre", "9.2.02"), ("tehdas2", "TST-5")]
    assert not cov.complete
    row = next(r for r in cov.rows if r.statement.ref == "9.1.02")
    assert row.covered_by == ["KIM-GOV-OUT-001"]


def test_reports(fixture_dir, mini_external):
    cov = crosswalk.coverage(load_catalogue(fixture_dir), mini_external)
    data = json.loads(crosswalk.to_json(cov))
    assert data["gaps"] == [{"framework": "satre", "ref": "9.2.02"},
                            {"framework": "tehdas2", "ref": "TST-5"}]
    rows = list(csv.DictReader(io.StringIO(crosswalk.to_csv(cov))))
    assert len(rows) == 10 and rows[0]["covered_by"] == "KIM-TEC-IAM-001"
    assert "text" not in next(csv.DictReader(io.StringIO(crosswalk.to_csv(cov, False))))
    md = crosswalk.to_markdown(cov)
    assert "| 9.2.01 |" in md and "Federation between environments" in md
    assert "4 Mandatory statements, 2 covered, 1 out of scope, 1 uncovered" in md


def test_unknown_refs_are_listed(fixture_dir, mini_external):
    external = dict(mini_external, tehdas2=[s for s in mini_external["tehdas2"]
                                            if s.ref != "TST-1"])
    cov = crosswalk.coverage(load_catalogue(fixture_dir), external)
    assert cov.unknown_refs == {"tehdas2": [("KIM-TEC-IAM-002", "TST-1")]}


def test_bad_external_files(tmp_path):
    (tmp_path / "s.yaml").write_text("specification:\n  - {pillar: P, statement: x}\n")
    with pytest.raises(ExternalFormatError, match="statement 1 lacks requirement_index"):
        read_satre(tmp_path / "s.yaml")
    (tmp_path / "t.yaml").write_text("specification: [\n")
    with pytest.raises(ExternalFormatError, match="malformed YAML"):
        read_satre(tmp_path / "t.yaml")
    (tmp_path / "t.csv").write_text("id,text\nA,b\n")
    with pytest.raises(ExternalFormatError, match="missing column"):
        read_tehdas2(tmp_path / "t.csv")
