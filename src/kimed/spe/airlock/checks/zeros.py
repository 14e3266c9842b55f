"""Zeros: a zero cell can reveal that every unit of a group shares an attribute (class
disclosure), unless the zero is structural (the combination cannot occur). Telling a structural
zero from a sampling zero needs a person, so zeros go to review; cells declared structural
(``OutputFile.structural_zeros``) pass. Source: ACRO ``zeros_are_disclosive``
(RequiredZeroCheck / PresenceOfZeroCheck, risk ClassDisclosure); Hundepool et al. 2012, 5.2.
"""

from __future__ import annotations

from kimed.spe.airlock.base import ACRO, HUNDEPOOL, Check, CheckContext, cell_at, listing
from kimed.spe.airlock.outputs import OutputFile, OutputKind
from kimed.spe.airlock.verdict import CheckResult, Rule, Verdict


class ZerosCheck(Check):
    id = "zeros"
    title = "Zero cells (structural or sampling)"
    kinds = frozenset({OutputKind.FREQUENCY})

    def rule(self, ctx: CheckContext) -> Rule:
        return Rule(
            id="zeros",
            name="zero cells reviewed for class disclosure",
            parameters={"zeros_are_disclosive": ctx.appetite.zeros_are_disclosive},
            source=f"{ACRO}: zeros_are_disclosive; {HUNDEPOOL}",
        )

    def run(self, output: OutputFile, ctx: CheckContext) -> CheckResult:
        table = ctx.table(output)
        structural = set(output.structural_zeros)
        zeros = []
        for pos, value in sorted(table.values.items()):
            if value != 0:
                continue
            row, column = table.label(pos)
            if f"{row}/{column}" in structural:
                continue
            zeros.append(cell_at(table, pos, 0, "zero: structural or sampling?"))
        if not zeros:
            return self.result(output, ctx, Verdict.PASS, "no zero cells (or all declared structural)")
        if not ctx.appetite.zeros_are_disclosive:
            return self.result(
                output, ctx, Verdict.PASS, f"{len(zeros)} zero cell(s); zeros are not disclosive here"
            )
        return self.result(
            output,
            ctx,
            Verdict.REVIEW,
            f"{len(zeros)} zero cell(s) to judge (structural or sampling zero): {listing(zeros)}",
            zeros,
        )
