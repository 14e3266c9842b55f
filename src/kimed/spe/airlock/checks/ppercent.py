"""p% rule: a magnitude cell is sensitive when the second-largest contributor could estimate the
largest one to within p percent: the cell total less its two largest contributions is below
``p`` times the largest. Source: ACRO ``safe_pratio_p`` (PPercentCheck); Hundepool et al. 2012,
4.2.2 (the p% rule); SDC Handbook, magnitude tables.
"""

from __future__ import annotations

from kimed.spe.airlock.base import ACRO, HUNDEPOOL, Check, CheckContext, cell_at, listing
from kimed.spe.airlock.errors import AirlockInputError
from kimed.spe.airlock.outputs import OutputFile, OutputKind
from kimed.spe.airlock.verdict import CheckResult, Rule, Verdict


class PPercentCheck(Check):
    id = "p-percent"
    title = "p% rule"
    kinds = frozenset({OutputKind.MAGNITUDE})

    def rule(self, ctx: CheckContext) -> Rule:
        return Rule(
            id="p-percent",
            name="p% rule",
            parameters={"p": ctx.appetite.p_ratio},
            source=f"{ACRO}: safe_pratio_p; {HUNDEPOOL}, 4.2.2",
        )

    def run(self, output: OutputFile, ctx: CheckContext) -> CheckResult:
        table = ctx.table(output)
        p = ctx.appetite.p_ratio
        flagged, odd = [], []
        for pos, stats in sorted(ctx.contributions(output).items()):
            if stats.count == 0:
                continue
            if stats.negative or stats.total <= 0:
                odd.append(cell_at(table, pos, stats.total, "negative contributions or total <= 0"))
                continue
            top2 = stats.top_sum(2)
            if top2 is None or not stats.top:
                raise AirlockInputError(
                    output.sidecar().name, "top1, top2", "the p% rule needs the two largest values",
                    f"cell {table.label(pos)} lists {len(stats.top)} of {stats.count}",
                )
            largest = stats.top[0]
            rest = stats.total - top2
            if rest < p * largest:
                flagged.append(
                    cell_at(table, pos, round(rest, 6), f"rest {rest:g} < {p:g} x largest {largest:g}")
                )
        if flagged:
            return self.result(
                output, ctx, Verdict.FAIL, f"{len(flagged)} cell(s) fail the p% rule: {listing(flagged)}", flagged
            )
        if odd:
            return self.result(
                output, ctx, Verdict.REVIEW,
                f"the rule assumes non-negative contributions; judge {listing(odd)}", odd,
            )
        return self.result(output, ctx, Verdict.PASS, f"every cell's rest is at least {p:g} x its largest")
