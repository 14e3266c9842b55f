"""`kimed spe airlock check` (the library is tested in the other modules)."""

import json

from typer.testing import CliRunner

from kimed.cli.main import app

runner = CliRunner()


def test_check_fails_on_a_small_cell_and_names_it(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("g,a,b\nx,12,3\ny,11,13\n", encoding="utf-8")
    result = runner.invoke(app, ["spe", "airlock", "check", str(path), "--kind", "frequency",
                                 "--format", "json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["verdict"] == "fail"
    threshold = next(r for r in data["results"] if r["check"] == "threshold")
    assert [(c["row"], c["column"], c["value"]) for c in threshold["cells"]] == [("x", "b", 3)]


def test_check_passes_a_safe_table(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("g,a,b\nx,12,30\ny,11,13\n", encoding="utf-8")
    result = runner.invoke(app, ["spe", "airlock", "check", str(path), "-k", "frequency"])
    assert result.exit_code == 0, result.output
    assert "overall: pass" in result.stdout


def test_bad_input_exits_2_naming_file_field_and_rule(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("g,a\nx,-4\n", encoding="utf-8")
    result = runner.invoke(app, ["spe", "airlock", "check", str(path), "--kind", "frequency"])
    assert result.exit_code == 2
    assert "t.csv" in result.output and "column 'a'" in result.output and "non-negative" in result.output


def test_unknown_kind_and_format_are_refused(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("g,a\nx,40\n", encoding="utf-8")
    assert runner.invoke(app, ["spe", "airlock", "check", str(path), "--kind", "pie"]).exit_code == 2
    assert runner.invoke(app, ["spe", "airlock", "check", str(path), "--format", "xml"]).exit_code == 2
