"""What the magnitude-table rules (N-K dominance, p%) share: walk the cells with contributions,
set aside cells with negative contributions or a non-positive total for a person to judge, and
turn the flagged cells into a verdict. Each rule says only how one cell is judged."""

from __future__ import annotations

from kimed.spe.airlock.base import Check, CheckContext, cell_at, listing
from kimed.spe.airlock.outputs import OutputFile, OutputKind
from kimed.spe.airlock.verdict import Cell, CheckResult, Verdict


class MagnitudeCheck(Check):
    kinds = frozenset({OutputKind.MAGNITUDE})

    def judge(self, output: OutputFile, ctx: CheckContext, table, pos, stats) -> Cell | None:
        """The flagged cell at ``pos``, or None when it is safe."""
        raise NotImplementedError

    def failed(self, flagged: list[Cell], ctx: CheckContext) -> str:
        raise NotImplementedError

    def passed(self, ctx: CheckContext) -> str:
        raise NotImplementedError

    def run(self, output: OutputFile, ctx: CheckContext) -> CheckResult:
        table = ctx.table(output)
        flagged, odd = [], []
        for pos, stats in sorted(ctx.contributions(output).items()):
            if stats.count == 0:
                continue
            if stats.negative or stats.total <= 0:
                odd.append(cell_at(table, pos, stats.total, "negative contributions or total <= 0"))
                continue
            cell = self.judge(output, ctx, table, pos, stats)
            if cell is not None:
                flagged.append(cell)
        if flagged:
            return self.result(output, ctx, Verdict.FAIL, self.failed(flagged, ctx), flagged)
        if odd:
            return self.result(
                output, ctx, Verdict.REVIEW,
                f"the rule assumes non-negative contributions; judge {listing(odd)}", odd,
            )
        return self.result(output, ctx, Verdict.PASS, self.passed(ctx))
