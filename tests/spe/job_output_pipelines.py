"""A pipeline for the jobs and outputs tests: writes a frequency table given as parameters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kimed.pipelines.base import Param, Pipeline, ProgressFn


class TableWriter(Pipeline):
    """Writes ``table.csv``: a header and rows given as lists of strings (counts per group)."""

    name = "test-table"
    version = "1"
    parameters = (Param("rows", list, [["group", "yes", "no"], ["a", "30", "40"]]),)

    def run(self, inputs: Path, output: Path, params: dict[str, Any],
            progress: ProgressFn) -> None:
        lines = [",".join(str(cell) for cell in row) for row in params["rows"]]
        (output / "table.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        progress(1.0, "table written")
