"""Regression: the table of `kimed quality report` shows the first explanation whole (it was cut
after 70 characters, mid-word: "... that answers to gain 30 poi")."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from typer.testing import CliRunner

from kimed.catalog.demo import demo_files
from kimed.cli.main import app

QUALITY_DATA = Path(__file__).parents[1] / "data" / "quality"


def test_table_shows_the_whole_first_explanation(kimed_env):
    runner = CliRunner()
    # our quality records, and demo records (whose first explanations run past 70 characters)
    demo = [str(p) for p in demo_files() if re.search(r"abide|brats", p.name)]
    assert demo
    result = runner.invoke(app, ["import", *demo, *(str(QUALITY_DATA / f"{n}.ttl")
                                                    for n in ("full", "partial", "bare"))],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = runner.invoke(app, ["quality", "report", "--format", "csv"], catch_exceptions=False)
    firsts = [r["to_gain"].split("; ")[0] for r in csv.DictReader(io.StringIO(report.output))]
    first = max(firsts, key=len)
    assert len(first) > 70 and first.endswith("points."), firsts
    table = runner.invoke(app, ["quality", "report"], catch_exceptions=False)
    assert table.exit_code == 0, table.output
    # the cells may wrap, but every non-empty first explanation ends in the table, whole
    assert table.output.count("points.") == len([f for f in firsts if f])
    wide = runner.invoke(app, ["quality", "report"], catch_exceptions=False,
                         env={"COLUMNS": "400"})
    text = " ".join(wide.output.replace("│", " ").split())
    assert "points." in text
