"""``row-count``: rows and columns of CSV/TSV files, lines and words of text files.

A small real pipeline for tests and benchmarks. It walks the input directory (sorted, recursive),
counts each file and writes ``summary.json`` into the output directory: one entry per file and
the totals. Files of other types are listed as skipped.
"""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path
from typing import Any

from kimed.pipelines.base import Param, Pipeline, Port, ProgressFn

log = logging.getLogger(__name__)

TABLE_SUFFIXES = {".csv": ",", ".tsv": "\t"}
TEXT_SUFFIXES = {".txt", ".md", ".text"}


def count_table(path: Path, delimiter: str, header: bool) -> dict[str, Any]:
    rows = columns = 0
    with path.open(newline="", encoding="utf-8", errors="replace") as fh:
        for i, row in enumerate(csv.reader(fh, delimiter=delimiter)):
            if not row:
                continue
            columns = max(columns, len(row))
            if i == 0 and header:
                continue
            rows += 1
    return {"kind": "table", "rows": rows, "columns": columns}


def count_text(path: Path) -> dict[str, Any]:
    lines = words = 0
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            lines += 1
            words += len(line.split())
    return {"kind": "text", "lines": lines, "words": words}


class RowCount(Pipeline):
    name = "row-count"
    version = "1.0"
    description = "Counts rows and columns of CSV/TSV files, lines and words of text files."
    inputs = (Port("tables", "**/*.csv, **/*.tsv", "delimited tables, UTF-8"),
              Port("texts", "**/*.txt, **/*.md", "plain text, UTF-8"))
    outputs = (Port("summary", "summary.json", "counts per file and totals"),)
    parameters = (Param("header", bool, True, "the first row of a table is a header"),)

    def run(self, inputs: Path, output: Path, params: dict[str, Any],
            progress: ProgressFn) -> None:
        params = self.check_params(params)
        files = sorted(p for p in inputs.rglob("*") if p.is_file())
        entries: dict[str, Any] = {}
        totals = {"files": 0, "rows": 0, "lines": 0, "words": 0, "skipped": 0}
        for i, path in enumerate(files, 1):
            rel = path.relative_to(inputs).as_posix()
            suffix = path.suffix.lower()
            if suffix in TABLE_SUFFIXES:
                entry = count_table(path, TABLE_SUFFIXES[suffix], params["header"])
                totals["rows"] += entry["rows"]
            elif suffix in TEXT_SUFFIXES:
                entry = count_text(path)
                totals["lines"] += entry["lines"]
                totals["words"] += entry["words"]
            else:
                entry = {"kind": "skipped"}
                totals["skipped"] += 1
            if entry["kind"] != "skipped":
                totals["files"] += 1
            entries[rel] = entry
            progress(i / len(files), rel)
        summary = {"pipeline": self.name, "version": self.version, "files": entries,
                   "totals": totals}
        (output / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True),
                                             encoding="utf-8")
        log.info("counted %d files (%d skipped)", totals["files"], totals["skipped"])
        if not files:
            progress(1.0, "no input files")
