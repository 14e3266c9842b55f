"""File types. Blocked extensions (ACRO ``blocked_extensions``: formats that can hide data, such
as SVG and Stata graphs) fail. A file that no content check can read (binary, not an image,
not declared as a table or regression) goes to review: SATRE 3.3.07 asks for a documented policy
for outputs that cannot be checked, and ours is that people look at them.
"""

from __future__ import annotations

from kimed.spe.airlock.base import ACRO, Check, CheckContext
from kimed.spe.airlock.outputs import OutputFile, OutputKind
from kimed.spe.airlock.verdict import Cell, CheckResult, Rule, Verdict


class FileTypeCheck(Check):
    id = "file-type"
    title = "Blocked or uncheckable file types"
    kinds = frozenset(OutputKind)

    def rule(self, ctx: CheckContext) -> Rule:
        return Rule(
            id="file-type",
            name="blocked extensions; files no automated check can read",
            parameters={"blocked_extensions": list(ctx.appetite.blocked_extensions)},
            source=f"{ACRO}: blocked_extensions; SATRE 3.3.07",
        )

    def run(self, output: OutputFile, ctx: CheckContext) -> CheckResult:
        if output.suffix in ctx.appetite.blocked_extensions:
            return self.result(
                output, ctx, Verdict.FAIL, f"extension {output.suffix} is blocked",
                [Cell(value=output.suffix, reason="blocked extension")],
            )
        if output.kind is OutputKind.FILE and output.read_text() is None:
            return self.result(
                output, ctx, Verdict.REVIEW,
                "binary file that no automated check can read; a person must judge it",
            )
        return self.result(output, ctx, Verdict.PASS, f"{output.suffix or 'no extension'} is allowed")
