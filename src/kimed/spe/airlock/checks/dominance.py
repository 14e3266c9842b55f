"""N-K dominance: a magnitude cell is sensitive when its ``n`` largest contributions make up more
than ``k`` of the cell total, since those contributors can estimate each other closely.
Source: ACRO ``safe_nk_n``/``safe_nk_k`` (NKCheck); Hundepool et al. 2012, 4.2.2 (the (n,k)
dominance rule); SDC Handbook, magnitude tables.
"""

from __future__ import annotations

from kimed.spe.airlock.base import ACRO, HUNDEPOOL, Check, CheckContext, cell_at, listing
from kimed.spe.airlock.errors import AirlockInputError
from kimed.spe.airlock.outputs import OutputFile, OutputKind
from kimed.spe.airlock.verdict import CheckResult, Rule, Verdict


class DominanceCheck(Check):
    id = "nk-dominance"
    title = "N-K dominance"
    kinds = frozenset({OutputKind.MAGNITUDE})

    def rule(self, ctx: CheckContext) -> Rule:
        return Rule(
            id="nk-dominance",
            name="(n,k) dominance rule",
            parameters={"n": ctx.appetite.nk_n, "k": ctx.appetite.nk_k},
            source=f"{ACRO}: safe_nk_n, safe_nk_k; {HUNDEPOOL}, 4.2.2",
        )

    def run(self, output: OutputFile, ctx: CheckContext) -> CheckResult:
        table = ctx.table(output)
        n, k = ctx.appetite.nk_n, ctx.appetite.nk_k
        flagged, odd = [], []
        for pos, stats in sorted(ctx.contributions(output).items()):
            if stats.count == 0:
                continue
            if stats.negative or stats.total <= 0:
                odd.append(cell_at(table, pos, stats.total, "negative contributions or total <= 0"))
                continue
            top = stats.top_sum(n)
            if top is None:
                raise AirlockInputError(
                    output.sidecar().name, f"top1..top{n}", "N-K dominance needs the n largest values",
                    f"cell {table.label(pos)} lists {len(stats.top)} of {stats.count}",
                )
            share = top / stats.total
            if share > k:
                flagged.append(cell_at(table, pos, round(share, 4), f"top {n} = {share:.1%} of total > {k:.0%}"))
        if flagged:
            return self.result(
                output, ctx, Verdict.FAIL, f"{len(flagged)} dominated cell(s): {listing(flagged)}", flagged
            )
        if odd:
            return self.result(
                output, ctx, Verdict.REVIEW,
                f"the rule assumes non-negative contributions; judge {listing(odd)}", odd,
            )
        return self.result(output, ctx, Verdict.PASS, f"no cell has its top {n} above {k:.0%} of its total")
