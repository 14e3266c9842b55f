"""`kimed quality report` and `kimed export --quality`, on both databases."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from typer.testing import CliRunner

from kimed.catalog.namespaces import DQV
from kimed.cli.main import app

QUALITY_DATA = Path(__file__).parents[1] / "data" / "quality"


@pytest.fixture
def run(kimed_env):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    result = invoke("import", *(str(QUALITY_DATA / f"{n}.ttl") for n in ("full", "partial", "bare")))
    assert result.exit_code == 0, result.output
    return invoke


def test_report_csv(run):
    result = run("quality", "report", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = {r["identifier"]: r for r in csv.DictReader(io.StringIO(result.output))}
    assert set(rows) == {"quality-full", "quality-partial", "quality-bare"}
    assert float(rows["quality-full"]["points"]) == 325 and rows["quality-full"]["band"] == "good"
    assert float(rows["quality-full"]["unchecked"]) == 80
    assert float(rows["quality-partial"]["points"]) == 131.25
    assert float(rows["quality-partial"]["interoperability"]) == 36.25
    assert rows["quality-bare"]["band"] == "bad"
    assert "Add dcat:theme to gain 30 points." in rows["quality-partial"]["to_gain"]
    assert float(rows["quality-full"]["health"]) == 100


def test_report_json_to_file_for_one_publisher(run, tmp_path):
    out = tmp_path / "q.json"
    result = run("quality", "report", "--format", "json", "--publisher",
                 "https://quality.kimed.example/publisher", "--output", str(out))
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [d["identifier"] for d in data["datasets"]] == ["quality-full"]
    assert data["summary"]["datasets"] == 1 and data["summary"]["bands"]["good"] == 1
    metrics = {m["metric"]: m for m in data["datasets"][0]["metrics"]}
    assert metrics["access_url_reachable"]["status"] == "unchecked"
    assert metrics["keyword"]["gained"] == 30


def test_report_table(run):
    result = run("quality", "report")
    assert result.exit_code == 0, result.output
    assert "quality-partial" in result.output and "131.25" in result.output
    assert "unchecked" in result.output and "--check-links" in result.output


def test_bad_options_name_the_option_and_rule(run):
    result = run("quality", "report", "--format", "yaml")
    assert result.exit_code == 2
    assert "--format" in result.output and "'yaml'" in result.output and "rule" in result.output
    result = run("quality", "report", "--publisher", "Nobody")
    assert result.exit_code == 2
    assert "publisher" in result.output and "'Nobody'" in result.output
    assert "https://quality.kimed.example/publisher" in result.output  # the known ones are named


def test_export_with_quality_measurements(run):
    plain = run("export", "--format", "nt", "quality-partial")
    assert plain.exit_code == 0
    assert "dqv#QualityMeasurement" not in plain.output  # the default export is the record only
    result = run("export", "--format", "nt", "--quality", "quality-partial")
    assert result.exit_code == 0, result.output
    g = Graph().parse(data=result.output, format="nt")
    measurements = set(g.subjects(RDF.type, DQV.QualityMeasurement))
    assert measurements
    assert {g.value(m, DQV.computedOn) for m in measurements} == {
        URIRef("https://quality.kimed.example/partial")}
    total = next(m for m in measurements if g.value(m, DQV.isMeasurementOf) == URIRef(
        "https://w3id.org/kimed/quality#mqaPoints"))
    assert float(g.value(total, DQV.value)) == 131.25
