"""`kimed suitability` end to end on both databases: table, Markdown, JSON, --top, --compare,
--output, and refused profiles."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kimed.cli.main import app
from tests.catalog.suitability.conftest import PROFILE, SILENT_RECORD, SPE_RECORD


@pytest.fixture
def run(kimed_env):
    from kimed.catalog.models import DatasetRow
    from kimed.db import Database
    from tests.catalog.suitability.conftest import subject_of

    database = Database(kimed_env)
    database.migrate()
    with database.session() as session:  # rows as imported, without the search index
        for path in (SPE_RECORD, SILENT_RECORD):
            s = subject_of(path)
            session.add(DatasetRow(iri=s.record.iri, identifier=s.record.identifier,
                                   title=s.record.label(), graph_nt=s.graph_nt,
                                   projection=s.record.model_dump(mode="json")))
    database.dispose()
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    return invoke


def test_table_ranks_the_datasets(run):
    result = run("suitability", "--profile", str(PROFILE))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Stroke in women (test)" in out
    assert out.index("test-spe-stroke") < out.index("test-silent")
    assert "✔" in out and "?" in out and "✔ meets" in out  # marks and their legend


def test_json_markdown_top_and_output(run, tmp_path):
    result = run("suitability", "-p", str(PROFILE), "--format", "json", "--top", "1")
    data = json.loads(result.output)
    assert [d["identifier"] for d in data["datasets"]] == ["test-spe-stroke"]
    assert data["weights"]["conditions"] == 4.0
    target = tmp_path / "report.md"
    result = run("suitability", "-p", str(PROFILE), "-f", "markdown", "-o", str(target))
    assert result.exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Suitability assessment") and "test-silent" in text


def test_compare(run):
    result = run("suitability", "-p", str(PROFILE), "-f", "json",
                 "--compare", "test-silent,test-spe-stroke")
    data = json.loads(result.output)
    assert [d["identifier"] for d in data["datasets"]] == ["test-silent", "test-spe-stroke"]
    table = run("suitability", "-p", str(PROFILE), "--compare", "test-silent,test-spe-stroke")
    assert table.exit_code == 0, table.output
    assert "in the order given to --compare, not ranked" in " ".join(table.output.split())
    header = next(line for line in table.output.splitlines() if "dataset" in line.split())
    assert header.split()[:3] == ["order", "dataset", "fit"]
    # the order given, though the silent record fits worse
    rows = {line.split()[1]: line.split()[0] for line in table.output.splitlines()
            if line.split()[1:2] in (["test-silent"], ["test-spe-stroke"])}
    assert rows == {"test-silent": "1", "test-spe-stroke": "2"}
    ranking = run("suitability", "-p", str(PROFILE))
    assert "ranked by fit" in " ".join(ranking.output.split())
    assert next(line for line in ranking.output.splitlines() if "dataset" in line.split()).split()[
        :2] == ["rank", "dataset"]


@pytest.mark.parametrize(("ids", "says"), [
    ("a,b,c,d,e", ["--compare: 5 datasets given, but at most 4", "rule: at most 4 datasets",
                   "MAX_COMPARE = 4 in kimed.catalog.suitability.compare"]),
    ("test-silent,no-such-dataset", ["--compare:", "no-such-dataset",
                                     "rule: each entry is the identifier, IRI or numeric id",
                                     "kimed datasets list"]),
    (",", ["--compare: name at least one dataset", "rule: at least 1 dataset"]),
])
def test_compare_refusals_name_option_rule_and_source(run, ids, says):
    result = run("suitability", "-p", str(PROFILE), "--compare", ids)
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    for part in says:
        assert part in text, text


def test_unknown_format_names_option_rule_and_source(run):
    result = run("suitability", "-p", str(PROFILE), "-f", "xml")
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "--format: 'xml' is not a known format" in text
    assert "rule: the report format is one of table, markdown, json" in text
    assert "docs/cli.md" in text


def test_bad_profile_is_refused(run, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("population: {age_min: 70, age_max: 30}\n", encoding="utf-8")
    result = run("suitability", "-p", str(bad))
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert f"{bad}: population.age_min: must be <= population.age_max" in text
    assert "rule: age_min <= age_max" in text
    assert run("suitability", "-p", str(PROFILE), "-f", "xml").exit_code == 2
