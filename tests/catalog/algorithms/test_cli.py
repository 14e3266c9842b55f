"""`kimed algorithms ...` end to end, on both databases."""

from __future__ import annotations

import json

import pytest
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from kimed.catalog.algorithms.importer import read_graph
from kimed.catalog.rdfio import parse_text
from kimed.cli.main import app

from .conftest import CATALOGUE, DATA


@pytest.fixture
def run(kimed_env):
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke


def test_import_list_show_export_delete(run):
    assert run("import", str(CATALOGUE)).exit_code == 0
    result = run("algorithms", "import", str(DATA / "mri-defacer.ttl"),
                 str(DATA / "hf-chest-xray" / "README.md"), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {r["identifier"] for r in report["records"]} == {"test-mri-defacer",
                                                             "kimed-test/vit-chest-xray"}
    listing = json.loads(run("algorithms", "list", "--json").output)
    assert len(listing) == 2
    assert "2 algorithm(s)" in run("algorithms", "list").output
    shown = json.loads(run("algorithms", "show", "test-mri-defacer", "--json").output)
    assert shown["projection"]["pipeline"] == "deface"
    assert {d["identifier"] for d in shown["datasets"]} == {"test-brain-mri"}
    text = run("algorithms", "show", "test-mri-defacer").output
    assert "trainedOn" in text and "could apply to test-brain-mri" in text
    exported = run("algorithms", "export", "test-mri-defacer", "--format", "nt").output
    assert isomorphic(parse_text(exported, "<out>", "nt"),
                      read_graph(DATA / "mri-defacer.ttl", None, 10**7))
    assert run("algorithms", "delete", "test-mri-defacer", "--yes").exit_code == 0
    assert len(json.loads(run("algorithms", "list", "--json").output)) == 1


def test_refused_import_exits_non_zero(run, tmp_path):
    bad = tmp_path / "README.md"
    bad.write_text("no front matter\n")
    result = run("algorithms", "import", str(bad))
    assert result.exit_code == 1
    assert "no YAML front matter" in result.output and "nothing was imported" in result.output


def test_format_option(run, tmp_path):
    card = tmp_path / "card.txt"
    card.write_text((DATA / "hf-chest-xray" / "README.md").read_text())
    assert run("algorithms", "import", str(card), "--format", "nonsense").exit_code == 2
    result = run("algorithms", "import", str(card), "--format", "modelcard")
    assert result.exit_code == 0, result.output
    assert run("algorithms", "export", "--format", "jsonld").exit_code == 0
    assert run("algorithms", "show", "nope").exit_code == 1


def test_delete_asks(run):
    run("algorithms", "import", str(DATA / "fair4ml-ecg.jsonld"))
    assert run("algorithms", "delete", "test-ecg-af", input="n\n").exit_code == 1
    assert run("algorithms", "delete", "test-ecg-af", input="y\n").exit_code == 0


def test_demo_loads_algorithms(run):
    pytest.importorskip("kimed.catalog.algorithms.demo")
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert "demo algorithm(s)" in result.output
    assert len(json.loads(run("algorithms", "list", "--json").output)) >= 20
