"""The units behind each cell of a magnitude table, read from its sidecar file.

Two sidecar layouts (CSV, header required):

* unit values: ``row,column,value`` and optionally ``unit``; one line per contribution. Lines of
  the same unit in the same cell are added up. With a unit column, margins (Total row/column)
  are built from the inner cells, so a unit that contributes to several cells of a row counts
  once in its row total.
* cell statistics: ``row,column,count,total,top1,top2[,top3...]``: the number of units, the
  cell total and the largest contributions in descending order (as ACRO records them as
  evidence: ``top_n_sum``, ``max``, ``sum``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from kimed.spe.airlock.errors import AirlockInputError
from kimed.spe.airlock.outputs import OutputFile
from kimed.spe.airlock.tables import Table, _number, parse_csv


@dataclass(frozen=True)
class CellStats:
    """What dominance rules need about one cell."""

    count: int
    total: float
    top: tuple[float, ...]  # the largest contributions, largest first (as many as known)
    negative: bool = False

    def top_sum(self, n: int) -> float | None:
        """Sum of the n largest contributions, or None when fewer are known than needed."""
        if len(self.top) >= n:
            return sum(self.top[:n])
        if len(self.top) == self.count:  # every contribution is known
            return sum(self.top)
        return None


def _stats(values: list[float]) -> CellStats:
    ordered = tuple(sorted(values, reverse=True))
    return CellStats(
        count=len(values), total=sum(values), top=ordered, negative=any(v < 0 for v in values)
    )


def read_contributions(output: OutputFile, table: Table) -> dict[tuple[int, int], CellStats]:
    """Per-cell statistics of a magnitude table, keyed by cell position."""
    sidecar = output.sidecar()
    if sidecar is None:
        raise AirlockInputError(
            output.name,
            "contributions",
            "a magnitude table needs its unit contributions (sidecar) for dominance checks",
            f"no {output.path.stem}.contributions.csv or .stats.csv next to it",
        )
    name = sidecar.name
    try:
        text = sidecar.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise AirlockInputError(name, "(file)", "the sidecar is a UTF-8 CSV", str(exc)) from exc
    rows = parse_csv(text, name)
    header = [h.strip().lower() for h in rows[0]]
    for needed in ("row", "column"):
        if needed not in header:
            raise AirlockInputError(name, needed, "sidecar header names row and column", "missing")
    if "value" in header:
        return _from_units(name, header, rows[1:], table)
    if "count" in header and "total" in header:
        return _from_stats(name, header, rows[1:], table)
    raise AirlockInputError(
        name, "(header)", "sidecar has value (unit values) or count,total (cell statistics)", "neither"
    )


def _position(name: str, line_no: int, rec: dict[str, str], table: Table) -> tuple[int, int]:
    pos = table.find(rec["row"].strip(), rec["column"].strip())
    if pos is None:
        raise AirlockInputError(
            name,
            f"line {line_no}",
            "sidecar cells name a row and column of the table",
            f"no cell {rec['row']!r} / {rec['column']!r} in {table.file}",
        )
    return pos


def _records(name: str, header: list[str], rows: list[list[str]]):
    for line_no, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise AirlockInputError(
                name, f"line {line_no}", "every row has as many fields as the header", f"{len(row)} fields"
            )
        yield line_no, dict(zip(header, row, strict=True))


def _from_units(name, header, rows, table: Table) -> dict[tuple[int, int], CellStats]:
    per_cell: dict[tuple[int, int], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for line_no, rec in _records(name, header, rows):
        pos = _position(name, line_no, rec, table)
        value = _number(rec["value"].strip(), name, f"line {line_no}, value", "contributions are numbers")
        unit = rec.get("unit", "").strip() or f"line {line_no}"
        per_cell[pos][unit] += value
    has_units = "unit" in header
    if has_units:  # build margins from inner cells, unit by unit
        inner = [pos for pos in list(per_cell) if pos[0] != table.total_row and pos[1] != table.total_col]
        for pos in [pos for pos in list(per_cell) if pos not in inner]:
            del per_cell[pos]  # margins given in the sidecar are rebuilt from the inner cells
        for r, c in inner:
            targets = []
            if table.total_col is not None:
                targets.append((r, table.total_col))
            if table.total_row is not None:
                targets.append((table.total_row, c))
            if table.total_row is not None and table.total_col is not None:
                targets.append((table.total_row, table.total_col))
            for target in targets:
                for unit, value in per_cell[(r, c)].items():
                    per_cell[target][unit] += value
    return {pos: _stats(list(units.values())) for pos, units in per_cell.items()}


def _from_stats(name, header, rows, table: Table) -> dict[tuple[int, int], CellStats]:
    tops = sorted((h for h in header if h.startswith("top") and h[3:].isdigit()), key=lambda h: int(h[3:]))
    out: dict[tuple[int, int], CellStats] = {}
    for line_no, rec in _records(name, header, rows):
        pos = _position(name, line_no, rec, table)
        count = _number(rec["count"].strip(), name, f"line {line_no}, count", "count is a non-negative integer")
        if count < 0 or count != int(count):
            raise AirlockInputError(name, f"line {line_no}, count", "count is a non-negative integer", rec["count"])
        total = _number(rec["total"].strip(), name, f"line {line_no}, total", "total is a number")
        top = tuple(
            _number(rec[h].strip(), name, f"line {line_no}, {h}", "top values are numbers")
            for h in tops
            if rec[h].strip() != ""
        )
        if list(top) != sorted(top, reverse=True):
            raise AirlockInputError(name, f"line {line_no}, top1..", "top values are in descending order", str(top))
        out[pos] = CellStats(count=int(count), total=total, top=top, negative=any(v < 0 for v in top) or total < 0)
    return out
