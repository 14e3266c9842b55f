"""Minimum threshold: every published cell stands for at least ``threshold`` units.

Frequency tables: the cell count itself. Magnitude tables: the number of contributing units,
from the sidecar. Margins are checked too (a total of 3 is as disclosive as a cell of 3). Zero
cells are left to the zeros check. Source: ACRO ``safe_threshold`` (MinimumThresholdCheck in
the StatbarnsSDC ontology); SDC Handbook, frequency tables; Hundepool et al. 2012, 5.2.
"""

from __future__ import annotations

from kimed.spe.airlock.base import ACRO, SDC_HANDBOOK, Check, CheckContext, cell_at, listing
from kimed.spe.airlock.outputs import OutputFile, OutputKind
from kimed.spe.airlock.verdict import CheckResult, Rule, Verdict


class ThresholdCheck(Check):
    id = "threshold"
    title = "Cell count below the threshold"
    kinds = frozenset({OutputKind.FREQUENCY, OutputKind.MAGNITUDE})

    def rule(self, ctx: CheckContext) -> Rule:
        return Rule(
            id="minimum-threshold",
            name="minimum cell count (threshold rule)",
            parameters={"threshold": ctx.appetite.threshold},
            source=f"{ACRO}: safe_threshold; {SDC_HANDBOOK}",
        )

    def run(self, output: OutputFile, ctx: CheckContext) -> CheckResult:
        table = ctx.table(output)
        limit = ctx.appetite.threshold
        if output.kind is OutputKind.FREQUENCY:
            counts = {pos: v for pos, v in table.values.items() if v is not None}
            what = "count"
        else:
            counts = {pos: s.count for pos, s in ctx.contributions(output).items()}
            what = "contributing units"
        small = [
            cell_at(table, pos, n, f"{what} {n} < {limit}")
            for pos, n in sorted(counts.items())
            if 0 < n < limit
        ]
        if small:
            return self.result(
                output,
                ctx,
                Verdict.FAIL,
                f"{len(small)} cell(s) with {what} below {limit}: {listing(small)}",
                small,
            )
        return self.result(output, ctx, Verdict.PASS, f"every non-zero cell has {what} >= {limit}")
