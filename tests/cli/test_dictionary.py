"""`kimed datasets dictionary import|show` end to end, on both databases."""

from __future__ import annotations

import io
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


def test_long_descriptions_end_at_a_word_with_an_ellipsis(run, tmp_path):
    """Regression: the table cut descriptions after 60 characters, mid-word."""
    from kimed.cli.dictionary import DESCRIPTION_WIDTH

    long = ("Left ventricular ejection fraction measured by transthoracic echocardiography "
            "within 48 hours of admission, in percent")
    source = tmp_path / "long.csv"
    source.write_text("name,title@en,description@en,datatype\n"
                      f'lvef,LV ejection fraction,"{long}",decimal\n'
                      "age,Age,Age in whole years,integer\n", encoding="utf-8")
    assert run("datasets", "dictionary", "import", "test-heart-1", str(source)).exit_code == 0
    narrow = run("datasets", "dictionary", "show", "test-heart-1")
    assert narrow.exit_code == 0 and "…" in narrow.output
    assert "transthoracic" not in narrow.output
    # the table's cells, on a console wide enough not to wrap them
    from rich.console import Console

    from kimed.cli.dictionary import dictionary_table

    data = json.loads(run("datasets", "dictionary", "show", "test-heart-1", "--format",
                          "json").output)
    assert data[0]["description"]  # the import kept the whole text
    wide = Console(width=300, file=io.StringIO(), color_system=None)
    wide.print(dictionary_table(variables_of_json(data), "en"))
    text = wide.file.getvalue()
    shown = "Left ventricular ejection fraction measured by…"
    assert shown in text and len(shown) <= DESCRIPTION_WIDTH
    assert long.startswith(shown[:-1] + " ")  # the cut falls before a space: a whole word
    assert "Age in whole years " in text  # a short one stays whole, without an ellipsis


def variables_of_json(data: list[dict]):
    from kimed.catalog.variables.model import Variable

    return [Variable.model_validate(v) for v in data]


@pytest.mark.parametrize(("text", "width", "expected"), [
    ("short enough", 60, "short enough"),
    ("short enough", 10, "short…"),
    ("a" * 70, 60, "a" * 59 + "…"),
    ("one two three four", 10, "one two…"),
    ("one two,   three", 10, "one two…"),
    ("one\ntwo", 10, "one two"),
])
def test_shorten(text, width, expected):
    from kimed.cli.dictionary import shorten

    assert shorten(text, width) == expected
    assert len(shorten(text, width)) <= width
