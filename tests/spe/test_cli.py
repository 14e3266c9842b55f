"""`kimed spe ...` on the shipped catalogue and our fixtures."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from kimed.cli.main import app
from kimed.spe.requirements import load_catalogue

DATA = Path(__file__).parents[1] / "data" / "spe"
runner = CliRunner()
MINI = ["--satre", str(DATA / "satre-mini.yaml"), "--tehdas2", str(DATA / "tehdas2-mini.csv")]


def run(*args):
    return runner.invoke(app, ["spe", *args])


def test_requirements_list_show_schema():
    cat = load_catalogue()
    first = cat.requirements[0]
    result = run("requirements", "list", "--area", first.area, "--level", first.level)
    assert result.exit_code == 0 and first.id in result.output
    shown = run("requirements", "show", first.id.lower())
    assert shown.exit_code == 0 and first.title.split()[0] in shown.output
    assert run("requirements", "show", "KIM-NOPE").exit_code == 1
    schema = json.loads(run("requirements", "schema").output)
    assert schema["title"] == "KIMed SPE requirement file"


def test_requirements_export(tmp_path):
    ids = [r.id for r in load_catalogue().requirements]
    rows = list(csv.DictReader(io.StringIO(run("requirements", "export", "-f", "csv").output)))
    assert [r["id"] for r in rows] == ids
    out = tmp_path / "c.xlsx"
    assert run("requirements", "export", "-f", "xlsx", "-o", str(out)).exit_code == 0
    assert [row[0] for row in load_workbook(out)["requirements"].values][1:] == ids
    assert run("requirements", "export", "-f", "xlsx").exit_code == 1
    assert run("requirements", "export", "-f", "pdf").exit_code == 1


def test_crosswalk_with_given_files():
    result = run("crosswalk", *MINI, "--format", "json")
    data = json.loads(result.output)
    assert {s["ref"] for s in data["statements"]} >= {"9.1.01", "TST-5"}
    assert data["totals"]["satre"]["statements"] == 5
    table = run("crosswalk", *MINI, "--strict")
    assert table.exit_code == 1 and "TST-5" in table.output
    assert run("crosswalk", "--satre", "/no/such.yaml").exit_code == 1


def test_assess(tmp_path):
    cat = load_catalogue()
    ids = [r.id for r in cat.requirements[:2]]
    path = tmp_path / "a.yaml"
    path.write_text(f"deployment: D\ndate: 2025-01-01\nassessor: A\nrequirements:\n"
                    f"  {ids[0]}: {{score: 2, evidence: [x]}}\n  {ids[1]}: 1\n")
    data = json.loads(run("assess", str(path), "-f", "json").output)
    assert data["overall"]["points"] == 3 and data["overall"]["scored"] == 2
    assert run("assess", str(path), "-f", "svg").output.startswith("<svg")
    assert "Self-assessment: D" in run("assess", str(path), "-f", "html").output
    path.write_text("requirements:\n  KIM-TEC-XXX-999: 1\n")
    assert run("assess", str(path)).exit_code == 1


def test_conformance_exit_code(tmp_path):
    cat = load_catalogue()
    listed = [r for r in cat.requirements if r.implementation.tests]
    junit = tmp_path / "r.xml"
    cases = "".join(
        f'<testcase classname="{t.split("::")[0][:-3].replace("/", ".")}" '
        f'name="{t.split("::")[-1]}">{"<failure/>" if i == 0 else ""}</testcase>'
        for i, t in enumerate(t for r in listed for t in r.implementation.tests))
    junit.write_text(f"<testsuites><testsuite>{cases}</testsuite></testsuites>")
    result = run("conformance", "--junit", str(junit), "-f", "json")
    if listed:
        data = json.loads(result.output)
        assert result.exit_code == 1 and data["summary"]["failed"] >= 1
    else:
        assert result.exit_code == 0
    assert run("conformance", "--junit", str(tmp_path / "none.xml")).exit_code == 1


def test_concept(tmp_path):
    out = tmp_path / "concept.html"
    assert run("concept", "-f", "html", "-o", str(out), *MINI).exit_code == 0
    text = out.read_text()
    assert all(r.id in text for r in load_catalogue().requirements)
    assert "<nav class=\"toc\"" in text
    md = run("concept", "-f", "markdown", *MINI).output
    assert md.startswith("# KIMed Secure Processing Environment")


def test_validate_command_on_fixture():
    result = run("requirements", "validate", "--folder", str(DATA / "catalogue"), *MINI)
    assert result.exit_code == 0 and "0 error(s)" in result.output
