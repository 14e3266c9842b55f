"""N-K dominance: a magnitude cell is sensitive when its ``n`` largest contributions make up more
than ``k`` of the cell total, since those contributors can estimate each other closely.
Source: ACRO ``safe_nk_n``/``safe_nk_k`` (NKCheck); Hundepool et al. 2012, 4.2.2 (the (n,k)
dominance rule); SDC Handbook, magnitude tables.
"""

from __future__ import annotations

from kimed.spe.airlock.base import ACRO, HUNDEPOOL, CheckContext, cell_at, listing
from kimed.spe.airlock.checks.magnitude import MagnitudeCheck
from kimed.spe.airlock.errors import AirlockInputError
from kimed.spe.airlock.verdict import Rule


class DominanceCheck(MagnitudeCheck):
    id = "nk-dominance"
    title = "N-K dominance"

    def rule(self, ctx: CheckContext) -> Rule:
        return Rule(
            id="nk-dominance",
            name="(n,k) dominance rule",
            parameters={"n": ctx.appetite.nk_n, "k": ctx.appetite.nk_k},
            source=f"{ACRO}: safe_nk_n, safe_nk_k; {HUNDEPOOL}, 4.2.2",
        )

    def judge(self, output, ctx, table, pos, stats):
        n, k = ctx.appetite.nk_n, ctx.appetite.nk_k
        top = stats.top_sum(n)
        if top is None:
            raise AirlockInputError(
                output.sidecar().name, f"top1..top{n}", "N-K dominance needs the n largest values",
                f"cell {table.label(pos)} lists {len(stats.top)} of {stats.count}",
            )
        share = top / stats.total
        if share > k:
            return cell_at(table, pos, round(share, 4), f"top {n} = {share:.1%} of total > {k:.0%}")
        return None

    def failed(self, flagged, ctx) -> str:
        return f"{len(flagged)} dominated cell(s): {listing(flagged)}"

    def passed(self, ctx) -> str:
        return f"no cell has its top {ctx.appetite.nk_n} above {ctx.appetite.nk_k:.0%} of its total"
