"""p% rule: a magnitude cell is sensitive when the second-largest contributor could estimate the
largest one to within p percent: the cell total less its two largest contributions is below
``p`` times the largest. Source: ACRO ``safe_pratio_p`` (PPercentCheck); Hundepool et al. 2012,
4.2.2 (the p% rule); SDC Handbook, magnitude tables.
"""

from __future__ import annotations

from kimed.spe.airlock.base import ACRO, HUNDEPOOL, CheckContext, cell_at, listing
from kimed.spe.airlock.checks.magnitude import MagnitudeCheck
from kimed.spe.airlock.errors import AirlockInputError
from kimed.spe.airlock.verdict import Rule


class PPercentCheck(MagnitudeCheck):
    id = "p-percent"
    title = "p% rule"

    def rule(self, ctx: CheckContext) -> Rule:
        return Rule(
            id="p-percent",
            name="p% rule",
            parameters={"p": ctx.appetite.p_ratio},
            source=f"{ACRO}: safe_pratio_p; {HUNDEPOOL}, 4.2.2",
        )

    def judge(self, output, ctx, table, pos, stats):
        p = ctx.appetite.p_ratio
        top2 = stats.top_sum(2)
        if top2 is None or not stats.top:
            raise AirlockInputError(
                output.sidecar().name, "top1, top2", "the p% rule needs the two largest values",
                f"cell {table.label(pos)} lists {len(stats.top)} of {stats.count}",
            )
        largest = stats.top[0]
        rest = stats.total - top2
        if rest < p * largest:
            return cell_at(table, pos, round(rest, 6), f"rest {rest:g} < {p:g} x largest {largest:g}")
        return None

    def failed(self, flagged, ctx) -> str:
        return f"{len(flagged)} cell(s) fail the p% rule: {listing(flagged)}"

    def passed(self, ctx) -> str:
        return f"every cell's rest is at least {ctx.appetite.p_ratio:g} x its largest"
