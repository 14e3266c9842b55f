"""The `kimed` command end to end, on both databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from kimed.catalog.rdfio import parse_bytes, parse_file
from kimed.cli.main import app

MINIMAL = Path(__file__).parents[1] / "data" / "rdf" / "minimal-public.ttl"


@pytest.fixture
def run(kimed_env):
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke


def test_init_reports_schema(run):
    result = run("init")
    assert result.exit_code == 0
    from kimed.db import head_revision

    assert f"schema {head_revision()}" in result.output


def test_import_list_show_export_delete(run):
    result = run("import", str(MINIMAL))
    assert result.exit_code == 0, result.output
    assert "test-heart-1" in result.output and "created" in result.output

    listed = json.loads(run("datasets", "list", "--json").output)
    assert [d["identifier"] for d in listed] == ["test-heart-1"]
    assert listed[0]["access_rights"] == "PUBLIC"

    shown = json.loads(run("datasets", "show", "test-heart-1", "--json").output)
    assert shown["projection"]["number_of_unique_individuals"] == 1200

    for fmt in ("ttl", "jsonld", "xml", "nt"):
        exported = run("export", "--format", fmt, "test-heart-1")
        assert exported.exit_code == 0
        assert isomorphic(parse_bytes(exported.output.encode(), f"x.{fmt}", fmt),
                          parse_file(MINIMAL)), fmt

    assert run("datasets", "delete", "test-heart-1", "--yes").exit_code == 0
    assert json.loads(run("datasets", "list", "--json").output) == []


def test_import_json_report(run):
    result = run("import", "--json", str(MINIMAL))
    report = json.loads(result.output)
    assert report["records"][0]["identifier"] == "test-heart-1"
    assert report["records"][0]["tier"] == "PUBLIC"


def test_refused_import_exits_nonzero_and_says_why(run, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix a: <http://a/> .\nzz:x a:y a:z .\n", encoding="utf-8")
    result = run("import", str(bad))
    assert result.exit_code == 1
    assert "bad.ttl, line 2" in result.output
    assert "nothing was imported" in result.output


def test_show_unknown_dataset(run):
    result = run("datasets", "show", "nope")
    assert result.exit_code == 1
    assert "no dataset with identifier or IRI 'nope'" in result.output


def test_export_unknown_format(run):
    result = run("export", "--format", "yaml")
    assert result.exit_code == 2
    assert "--format" in result.output


def test_validate_reports_and_sets_exit_code(run, tmp_path):
    ok = run("validate", str(MINIMAL))
    assert ok.exit_code == 0, ok.output
    broken = tmp_path / "b.ttl"
    broken.write_text(MINIMAL.read_text().replace(
        '    dct:title "Herzinsuffizienz-Register Test"@de , "Heart failure registry test"@en ;\n',
        ""), encoding="utf-8")
    result = run("validate", "--json", str(broken))
    assert result.exit_code == 1
    findings = json.loads(result.output)["findings"]
    assert any(f["path"] == "dct:title" and f["severity"] == "violation" for f in findings)


def test_validate_bad_tier(run):
    result = run("validate", "--tier", "SECRET", str(MINIMAL))
    assert result.exit_code == 2
    assert "--tier" in result.output


def test_delete_asks_for_confirmation(run):
    run("import", str(MINIMAL))
    result = run("datasets", "delete", "test-heart-1", input="n\n")
    assert result.exit_code != 0
    assert json.loads(run("datasets", "list", "--json").output)[0]["identifier"] == "test-heart-1"


def test_demo_then_summary(run):
    result = run("demo")
    assert result.exit_code == 0, result.output
    loaded = int(result.output.split("loaded ")[1].split()[0])
    assert loaded >= 25
    summary = run("summary")
    assert f"{loaded} dataset(s)" in summary.output
    assert "records with shape violations: 0" in summary.output
