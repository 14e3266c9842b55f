"""Reading a published table (CSV) into cells, with its margins and suppressed cells.

The layout: a header row whose first field names the row variable and whose other fields are the
column labels; then one row per category, its label first. A row or column labelled Total (or
All, Gesamt, Summe, ...) holds margins. A suppressed cell is written as one of
``SUPPRESSION_MARKERS``; an empty cell is a missing value.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field

from kimed.spe.airlock.errors import AirlockInputError
from kimed.spe.airlock.outputs import OutputFile, OutputKind

SUPPRESSION_MARKERS = frozenset({"*", "x", "c", "..", "suppressed", "<supp>"})


@dataclass
class Table:
    """Cells of a table; a value is a number, ``None`` (missing) or absent (suppressed)."""

    file: str
    row_labels: list[str]
    col_labels: list[str]
    values: dict[tuple[int, int], float | None]
    suppressed: set[tuple[int, int]] = field(default_factory=set)
    total_row: int | None = None
    total_col: int | None = None

    def inner(self) -> list[tuple[int, int]]:
        """Positions of the cells that are not margins."""
        return [
            (r, c)
            for r in range(len(self.row_labels))
            for c in range(len(self.col_labels))
            if r != self.total_row and c != self.total_col
        ]

    def positions(self) -> list[tuple[int, int]]:
        return [(r, c) for r in range(len(self.row_labels)) for c in range(len(self.col_labels))]

    def label(self, pos: tuple[int, int]) -> tuple[str, str]:
        return self.row_labels[pos[0]], self.col_labels[pos[1]]

    def find(self, row: str, column: str) -> tuple[int, int] | None:
        try:
            return self.row_labels.index(row), self.col_labels.index(column)
        except ValueError:
            return None


def _number(text: str, file: str, field_name: str, rule: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise AirlockInputError(file, field_name, rule, f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise AirlockInputError(file, field_name, rule, f"{text!r} is not a finite number")
    return value


def parse_csv(text: str, file: str) -> list[list[str]]:
    """Rows of a CSV text; a malformed CSV is an error naming the line."""
    try:
        rows = [row for row in csv.reader(io.StringIO(text), strict=True) if row]
    except csv.Error as exc:
        raise AirlockInputError(file, "(csv)", "well-formed CSV (RFC 4180)", str(exc)) from exc
    if not rows:
        raise AirlockInputError(file, "(csv)", "well-formed CSV (RFC 4180)", "the file is empty")
    return rows


def read_table(output: OutputFile) -> Table:
    """The table of a frequency or magnitude output; errors name file, field and rule."""
    file = output.name
    if output.kind not in (OutputKind.FREQUENCY, OutputKind.MAGNITUDE):
        raise AirlockInputError(file, "kind", "tables are frequency or magnitude", output.kind)
    text = output.read_text()
    if text is None:
        raise AirlockInputError(file, "(file)", "a table is a UTF-8 CSV", "the file is not text")
    rows = parse_csv(text, file)
    header, body = rows[0], rows[1:]
    if len(header) < 2 or not body:
        raise AirlockInputError(
            file, "(header)", "a table has a label column, one value column and one row", "too small"
        )
    col_labels = [h.strip() for h in header[1:]]
    if len(set(col_labels)) != len(col_labels):
        raise AirlockInputError(file, "(header)", "column labels are unique", "a label repeats")
    totals = set(output.total_labels)
    frequency = output.kind is OutputKind.FREQUENCY
    rule = "counts are non-negative integers" if frequency else "cell values are numbers"
    table = Table(file=file, row_labels=[], col_labels=col_labels, values={})
    for c, label in enumerate(col_labels):
        if label.lower() in totals:
            table.total_col = c
    for line_no, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise AirlockInputError(
                file,
                f"line {line_no}",
                "every row has as many fields as the header",
                f"{len(row)} fields, header has {len(header)}",
            )
        label = row[0].strip()
        if label in table.row_labels:
            raise AirlockInputError(file, f"line {line_no}", "row labels are unique", f"{label!r} repeats")
        r = len(table.row_labels)
        table.row_labels.append(label)
        if label.lower() in totals:
            table.total_row = r
        for c, raw in enumerate(row[1:]):
            where = f"row {label!r}, column {col_labels[c]!r}"
            raw = raw.strip()
            if raw.lower() in SUPPRESSION_MARKERS:
                table.suppressed.add((r, c))
                continue
            if raw == "":
                table.values[(r, c)] = None
                continue
            value = _number(raw, file, where, rule)
            if frequency and (value < 0 or value != int(value)):
                raise AirlockInputError(file, where, rule, f"{raw!r} is not a count")
            table.values[(r, c)] = int(value) if frequency else value
    return table
