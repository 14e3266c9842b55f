"""Operating models: matrix exports, charts and the `kimed spe models` commands."""

from __future__ import annotations

import csv
import io
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kimed.cli.main import app
from kimed.spe.requirements import model_exports
from kimed.spe.requirements.models import assess, load_assessment, load_models

DATA = Path(__file__).parents[1] / "data" / "spe" / "models"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
runner = CliRunner()


@pytest.fixture(scope="module")
def fixture_matrix():
    requirements = yaml.safe_load((DATA / "requirements.yaml").read_text(encoding="utf-8"))
    return assess(load_models(DATA / "fixture"), requirements)


@pytest.fixture(scope="module")
def shipped():
    return load_assessment()


# --- exports ------------------------------------------------------------------------------------

def test_csv_has_one_row_per_requirement_and_model(fixture_matrix):
    rows = list(csv.DictReader(io.StringIO(model_exports.to_csv(fixture_matrix))))
    assert len(rows) == 7 * 2
    row = next(r for r in rows if r["requirement"] == "KIM-REG-GDP-002" and r["model"] == "alpha")
    assert (row["rating"], row["source"]) == ("supports", "override")
    assert row["why"] == "Fixture override of KIM-REG-GDP-002 (supports)."


def test_json_carries_ratings_coverage_and_gaps(fixture_matrix):
    data = json.loads(model_exports.to_json(fixture_matrix))
    assert [m["id"] for m in data["models"]] == ["alpha", "beta"]
    alpha = data["models"][0]
    assert alpha["coverage"]["overall"]["counted"] == 6
    assert alpha["gaps"] == {"isolation-egress": ["KIM-TEC-ISO-001"],
                             "gdpr": ["KIM-REG-GDP-001"]}
    assert "defaults" not in alpha
    req = next(r for r in data["requirements"] if r["id"] == "KIM-TEC-IAM-001")
    assert req["ratings"]["beta"] == {"rating": "not", "source": "override",
                                      "why": "Fixture override of KIM-TEC-IAM-001 (not)."}


def test_markdown_and_html_show_every_requirement(fixture_matrix):
    markdown = model_exports.to_markdown(fixture_matrix)
    html = model_exports.to_html(fixture_matrix)
    for req in fixture_matrix.requirements:
        assert req.id in markdown and req.id in html
    assert "| KIM-TEC-IAM-001 | MUST | Fixture named accounts | ● | ○* |" in markdown
    assert "67 %" in markdown  # alpha overall, 4 of 6
    assert 'title="Fixture override of KIM-TEC-IAM-001 (not)."' in html


def test_xlsx_sheets(fixture_matrix, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "m.xlsx"
    path.write_bytes(model_exports.to_xlsx(fixture_matrix))
    book = load_workbook(path)
    assert book.sheetnames == ["matrix", "justifications", "coverage"]
    assert book["matrix"].max_row == 1 + 7
    assert book["justifications"].max_row == 1 + 14
    assert [c.value for c in book["matrix"][1]][-2:] == ["alpha", "beta"]


def test_unknown_format_is_refused(fixture_matrix):
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        model_exports.render("pdf", fixture_matrix)


# --- charts -------------------------------------------------------------------------------------

def test_charts_render_png_and_svg(fixture_matrix, tmp_path):
    from kimed.spe.requirements.charts import render_all

    paths = render_all(fixture_matrix, tmp_path / "charts")
    assert sorted(p.name for p in paths) == sorted(
        f"{stem}.{ext}" for stem in ("coverage-heatmap", "coverage-by-category",
                                     "model-comparison", "scenario-fit")
        for ext in ("svg", "png"))
    for path in paths:
        data = path.read_bytes()
        if path.suffix == ".png":
            assert data.startswith(PNG_MAGIC)
            assert len(data) > 5000
        else:
            root = ET.fromstring(data)
            assert root.tag.endswith("svg")
    svg = (tmp_path / "charts" / "coverage-heatmap.svg").read_text(encoding="utf-8")
    assert "KIM-GOV-OUT-001" in svg and "alpha" in svg  # text kept as text


def test_heatmap_has_one_row_per_requirement_grouped_by_category(fixture_matrix):
    from kimed.spe.requirements.charts import RATING_ORDER, heatmap_data, heatmap_figure

    labels, groups, values = heatmap_data(fixture_matrix, "requirement")
    assert labels == [r.id for r in fixture_matrix.requirements]
    assert groups == ["identity-access", "identity-access", "isolation-egress", "gdpr", "gdpr",
                      "training", "output-checking"]
    assert values[labels.index("KIM-TEC-IAM-001")] == [RATING_ORDER.index("supports"),
                                                       RATING_ORDER.index("not")]
    figure = heatmap_figure(fixture_matrix, "requirement")
    image = figure.axes[0].images[0].get_array()
    assert image.shape == (7, 2)
    assert [t.get_text() for t in figure.axes[0].get_yticklabels()] == labels


def test_category_heatmap_has_one_row_per_category(fixture_matrix):
    from kimed.spe.requirements.charts import heatmap_data, heatmap_figure

    labels, _, values = heatmap_data(fixture_matrix, "category")
    assert labels == ["identity-access", "isolation-egress", "gdpr", "training",
                      "output-checking"]
    assert values[labels.index("gdpr")] == [0.5, 1.0]
    assert values[labels.index("training")][0] != values[labels.index("training")][0]  # NaN
    assert heatmap_figure(fixture_matrix, "category").axes[0].images[0].get_array().shape == (5, 2)
    with pytest.raises(ValueError):
        heatmap_data(fixture_matrix, "area")


def test_shipped_heatmap_rows(shipped):
    from kimed.spe.requirements.charts import heatmap_figure, heatmap_svg

    figure = heatmap_figure(shipped, "requirement")
    assert figure.axes[0].images[0].get_array().shape == (len(shipped.requirements),
                                                          len(shipped.models))
    assert ET.fromstring(heatmap_svg(shipped)).tag.endswith("svg")


def test_charts_without_matplotlib_say_what_to_install(fixture_matrix, monkeypatch):
    from kimed.spe.requirements import charts

    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        charts.scenario_figure(fixture_matrix)


# --- the commands -------------------------------------------------------------------------------

def test_cli_list_json(shipped):
    result = runner.invoke(app, ["spe", "models", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["model"] for r in rows] == [m.id for m in shipped.models]
    assert rows[0]["overall"] == pytest.approx(shipped.coverage[rows[0]["model"]].overall.value)


def test_cli_show_in_german():
    result = runner.invoke(app, ["spe", "models", "show", "federated", "--lang", "de"])
    assert result.exit_code == 0, result.output
    assert "Föderierte Analyse" in result.output
    assert "KIM-TEC-ISO-009" in result.output  # an override listed under its category


def test_cli_show_unknown_model():
    result = runner.invoke(app, ["spe", "models", "show", "mainframe"])
    assert result.exit_code == 1
    assert "no operating model 'mainframe'" in result.output


def test_cli_matrix_csv_covers_the_catalogue(shipped):
    result = runner.invoke(app, ["spe", "models", "matrix", "--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == len(shipped.requirements) * len(shipped.models)
    assert all(r["why"] for r in rows)


def test_cli_matrix_xlsx_needs_output(tmp_path):
    result = runner.invoke(app, ["spe", "models", "matrix", "--format", "xlsx"])
    assert result.exit_code == 2 and "--output" in result.output
    out = tmp_path / "matrix.xlsx"
    result = runner.invoke(app, ["spe", "models", "matrix", "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0 and out.read_bytes()[:2] == b"PK"
    result = runner.invoke(app, ["spe", "models", "matrix", "--format", "pdf"])
    assert result.exit_code == 2


def test_cli_gaps_json_matches_the_matrix(shipped):
    result = runner.invoke(app, ["spe", "models", "gaps", "federated", "--format", "json"])
    assert result.exit_code == 0
    gaps = json.loads(result.output)["gaps"]
    expected = shipped.gaps("federated")
    assert {c: [g["requirement"] for g in items] for c, items in gaps.items()} == {
        c: [r.id for r, _ in items] for c, items in expected.items()}


def test_cli_charts(tmp_path):
    result = runner.invoke(app, ["spe", "models", "charts", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert len(list(tmp_path.glob("*.png"))) == 4 and len(list(tmp_path.glob("*.svg"))) == 4


def test_cli_bad_model_folder_names_file_field_and_rule(tmp_path):
    text = (DATA / "fixture" / "alpha.yaml").read_text(encoding="utf-8")
    (tmp_path / "alpha.yaml").write_text(text.replace("  backup:", "  backupp:"),
                                         encoding="utf-8")
    result = runner.invoke(app, ["spe", "models", "list", "--models", str(tmp_path)])
    assert result.exit_code == 1
    assert "alpha.yaml: defaults.backup: [every-category-rated]" in result.output
    assert "alpha.yaml: defaults.backupp: [known-category]" in result.output
