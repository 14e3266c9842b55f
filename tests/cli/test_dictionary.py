"""`kimed datasets dictionary import|show` end to end, on both databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kimed.cli.main import app
from kimed.db import Database
from tests.catalog.conftest import snapshot

DATA = Path(__file__).parents[1] / "data"
MINIMAL = DATA / "rdf" / "minimal-public.ttl"
HEART = DATA / "variables" / "heart-dictionary.csv"


@pytest.fixture
def run(kimed_env):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args), catch_exceptions=False)

    assert invoke("import", str(MINIMAL)).exit_code == 0
    return invoke


def test_import_then_show_in_three_formats(run, tmp_path):
    result = run("datasets", "dictionary", "import", "test-heart-1", str(HEART))
    assert result.exit_code == 0, result.output
    assert "test-heart-1: 6 variable(s) in 1 table(s)" in result.output
    table = run("datasets", "dictionary", "show", "test-heart-1")
    assert "nt_probnp" in table.output and "LOINC:33762-6" in table.output
    german = run("datasets", "dictionary", "show", "test-heart-1", "--lang", "de")
    assert "Geschlecht" in german.output and "Geschlecht" not in table.output
    data = json.loads(run("datasets", "dictionary", "show", "test-heart-1", "--format",
                          "json").output)
    assert [v["name"] for v in data][:2] == ["patient_id", "age_at_admission"]
    assert data[4]["unit"] == "%"
    exported = run("datasets", "dictionary", "show", "test-heart-1", "--format", "csv").output
    assert exported.splitlines()[0] == ("name,title@de,title@en,description@en,datatype,unit,"
                                        "codes,table")
    # the CSV export imports again, to the same variables
    again = tmp_path / "again.csv"
    again.write_text(exported, encoding="utf-8")
    result = run("datasets", "dictionary", "import", "test-heart-1", str(again))
    assert "replacing 6" in result.output
    assert json.loads(run("datasets", "dictionary", "show", "test-heart-1", "--format",
                          "json").output) == data


def test_refused_dictionary_names_row_and_changes_nothing(run, kimed_env, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,title,datatype\nage,Age,integer\nage,Age twice,integer\n",
                   encoding="utf-8")
    db = Database(kimed_env)
    before = snapshot(db)
    result = run("datasets", "dictionary", "import", "test-heart-1", str(bad))
    assert result.exit_code == 1
    assert "bad.csv, row 3, column 'name': duplicate variable name 'age'" in result.output
    assert "nothing was stored" in result.output
    assert snapshot(db) == before
    db.dispose()


def test_size_limit_from_settings(run, monkeypatch):
    from kimed.settings import get_settings

    monkeypatch.setenv("KIMED_MAX_IMPORT_BYTES", "50")
    get_settings.cache_clear()
    result = run("datasets", "dictionary", "import", "test-heart-1", str(HEART))
    assert result.exit_code == 1
    assert "over the limit of 50" in result.output


def test_unknown_dataset_and_empty_dictionary(run):
    result = run("datasets", "dictionary", "show", "nope")
    assert result.exit_code == 1 and "no dataset" in result.output
    result = run("datasets", "dictionary", "show", "test-heart-1")
    assert result.exit_code == 0 and "no data dictionary" in result.output
