"""Missing values: when the risk appetite asks (ACRO ``check_missing_values``; off by default),
a table with empty cells goes to review, since a gap can hide a suppressed small count."""

from __future__ import annotations

from kimed.spe.airlock.base import ACRO, Check, CheckContext, cell_at, listing
from kimed.spe.airlock.outputs import OutputFile, OutputKind
from kimed.spe.airlock.verdict import CheckResult, Rule, Verdict


class MissingValuesCheck(Check):
    id = "missing"
    title = "Missing values in tables"
    kinds = frozenset({OutputKind.FREQUENCY, OutputKind.MAGNITUDE})

    def rule(self, ctx: CheckContext) -> Rule:
        return Rule(
            id="missing-values",
            name="empty cells reviewed",
            parameters={"check_missing_values": ctx.appetite.check_missing_values},
            source=f"{ACRO}: check_missing_values",
        )

    def run(self, output: OutputFile, ctx: CheckContext) -> CheckResult:
        table = ctx.table(output)
        gaps = [cell_at(table, p, None, "empty cell") for p, v in sorted(table.values.items()) if v is None]
        if gaps and ctx.appetite.check_missing_values:
            return self.result(
                output, ctx, Verdict.REVIEW, f"{len(gaps)} empty cell(s): {listing(gaps)}", gaps
            )
        note = f"{len(gaps)} empty cell(s), not checked" if gaps else "no empty cells"
        return self.result(output, ctx, Verdict.PASS, note)
