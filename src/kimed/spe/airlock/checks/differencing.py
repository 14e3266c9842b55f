"""Suppressed cells recoverable from the margins (disclosure by differencing).

A table with published row and column totals is a system of linear equations: each row and each
column adds up to its margin. Suppressed cells are the unknowns. A suppressed cell is recoverable
exactly when its unit vector lies in the row space of that system; we decide this by exact
Gaussian elimination over rationals (no rounding). The classic case is a single suppressed cell
in a row or column whose total is published; a secondary suppression that leaves any cell
solvable is caught the same way. For a frequency table we also bound each unrecoverable cell by
the non-negativity of counts: when every line through it leaves less than the threshold, an
attacker learns the cell is small anyway (review).

Source: Hundepool et al. 2012, 4.3 (secondary cell suppression, the need for it and the
feasibility interval); SDC Handbook, "differencing"; ACRO/StatbarnsSDC risk Differencing.
Not covered here: linked tables published in other files, and LP-based interval audits.
"""

from __future__ import annotations

from fractions import Fraction

from kimed.spe.airlock.base import HUNDEPOOL, SDC_HANDBOOK, Check, CheckContext, cell_at, listing
from kimed.spe.airlock.outputs import OutputFile, OutputKind
from kimed.spe.airlock.tables import Table
from kimed.spe.airlock.verdict import CheckResult, Rule, Verdict

Pos = tuple[int, int]


def _lines(table: Table) -> list[tuple[list[Pos], Pos]]:
    """Each (cells, margin) that must add up: rows to the total column, columns to the total row."""
    rows, cols = range(len(table.row_labels)), range(len(table.col_labels))
    out = []
    if table.total_col is not None:
        for r in rows:
            out.append(([(r, c) for c in cols if c != table.total_col], (r, table.total_col)))
    if table.total_row is not None:
        for c in cols:
            out.append(([(r, c) for r in rows if r != table.total_row], (table.total_row, c)))
    return out


def _known(table: Table, pos: Pos) -> Fraction | None:
    value = table.values.get(pos)
    return None if value is None else Fraction(str(value))  # decimal as written, not binary


def solve(table: Table) -> tuple[dict[Pos, Fraction], bool]:
    """The suppressed cells the margins determine, with their values; and whether the
    published cells are consistent with the margins."""
    unknowns = sorted(table.suppressed)
    index = {pos: i for i, pos in enumerate(unknowns)}
    matrix: list[list[Fraction]] = []
    consistent = True
    for cells, margin in _lines(table):
        involved = [*cells, margin]
        if any(p not in index and _known(table, p) is None for p in involved):
            continue  # a missing (empty) cell: this line says nothing
        if not any(p in index for p in involved):
            consistent &= sum((_known(table, p) for p in cells), Fraction(0)) == _known(table, margin)
            continue
        row = [Fraction(0)] * (len(unknowns) + 1)
        rhs = Fraction(0)
        for p in cells:
            if p in index:
                row[index[p]] += 1
            else:
                rhs -= _known(table, p)
        if margin in index:
            row[index[margin]] -= 1
        else:
            rhs += _known(table, margin)
        row[-1] = rhs
        matrix.append(row)
    pivots: list[int] = []
    width = len(unknowns)
    r = 0
    for col in range(width):  # reduced row echelon form
        pivot = next((i for i in range(r, len(matrix)) if matrix[i][col] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        lead = matrix[r][col]
        matrix[r] = [v / lead for v in matrix[r]]
        for i in range(len(matrix)):
            if i != r and matrix[i][col] != 0:
                factor = matrix[i][col]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[r], strict=True)]
        pivots.append(col)
        r += 1
    for row in matrix[r:]:
        if row[-1] != 0:
            consistent = False
    solved = {}
    for i, col in enumerate(pivots):
        if all(matrix[i][j] == 0 for j in range(width) if j != col):
            solved[unknowns[col]] = matrix[i][-1]
    return solved, consistent


def upper_bounds(table: Table) -> dict[Pos, Fraction]:
    """For counts (non-negative): the smallest 'margin less known cells' over lines through a cell."""
    bounds: dict[Pos, Fraction] = {}
    for cells, margin in _lines(table):
        if margin in table.suppressed or _known(table, margin) is None:
            continue
        known = [_known(table, p) for p in cells if p not in table.suppressed]
        if any(v is None for v in known):
            continue
        room = _known(table, margin) - sum(known, Fraction(0))
        for p in cells:
            if p in table.suppressed:
                bounds[p] = min(bounds.get(p, room), room)
    return bounds


def _number(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


class DifferencingCheck(Check):
    id = "differencing"
    title = "Suppressed cells recoverable from margins"
    kinds = frozenset({OutputKind.FREQUENCY, OutputKind.MAGNITUDE})

    def rule(self, ctx: CheckContext) -> Rule:
        return Rule(
            id="differencing",
            name="suppressed cells must not be recoverable from published margins",
            parameters={"threshold": ctx.appetite.threshold},
            source=f"{HUNDEPOOL}, 4.3 (secondary suppression); {SDC_HANDBOOK}",
        )

    def run(self, output: OutputFile, ctx: CheckContext) -> CheckResult:
        table = ctx.table(output)
        if not table.suppressed:
            return self.result(output, ctx, Verdict.PASS, "no suppressed cells")
        if table.total_row is None and table.total_col is None:
            return self.result(output, ctx, Verdict.PASS, "no margins published in this file")
        solved, consistent = solve(table)
        recovered = [
            cell_at(table, pos, _number(v), "suppressed, but solvable from the margins")
            for pos, v in sorted(solved.items())
        ]
        if recovered:
            return self.result(
                output, ctx, Verdict.FAIL,
                f"{len(recovered)} suppressed cell(s) recoverable from the margins: {listing(recovered)}; "
                "add secondary suppression",
                recovered,
            )
        narrow = []
        if output.kind is OutputKind.FREQUENCY:
            limit = ctx.appetite.threshold
            for pos, bound in sorted(upper_bounds(table).items()):
                if bound < limit:
                    narrow.append(cell_at(table, pos, _number(bound), f"at most {bound} (< {limit}) by the margins"))
        if narrow or not consistent:
            why = "the margins do not add up to the published cells; " if not consistent else ""
            return self.result(
                output, ctx, Verdict.REVIEW,
                why + (f"suppressed cells bounded below the threshold: {listing(narrow)}" if narrow else "judge by hand"),
                narrow,
            )
        return self.result(
            output, ctx, Verdict.PASS, f"{len(table.suppressed)} suppressed cell(s), none recoverable from the margins"
        )
