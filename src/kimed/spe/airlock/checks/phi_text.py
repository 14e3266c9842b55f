"""Text that may contain PHI. Any text output (and any CSV or JSON) goes through a
``PhiDetector``: identifiers such as phone numbers, e-mail addresses, insurance numbers or a
labelled date of birth fail; bare dates go to review. The built-in detector is a pattern matcher,
not the de-identification model (see ``detectors.phi``). Source: GDPR Art. 4(1) and 9 (personal
and health data); SDC Handbook (outputs must not contain identifying information).
"""

from __future__ import annotations

from kimed.spe.airlock.base import SDC_HANDBOOK, Check, CheckContext, listing
from kimed.spe.airlock.detectors.phi import RegexPhiDetector
from kimed.spe.airlock.outputs import OutputFile, OutputKind
from kimed.spe.airlock.verdict import Cell, CheckResult, Rule, Verdict


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


class PhiTextCheck(Check):
    id = "phi-text"
    title = "Text that may contain PHI"
    kinds = frozenset(k for k in OutputKind if k is not OutputKind.IMAGE)

    def rule(self, ctx: CheckContext) -> Rule:
        detector = ctx.phi_detector or RegexPhiDetector()
        return Rule(
            id="phi-text",
            name="no direct identifiers in text",
            parameters={"detector": detector.name},
            source=f"GDPR Art. 4(1), 9; {SDC_HANDBOOK}",
        )

    def run(self, output: OutputFile, ctx: CheckContext) -> CheckResult:
        text = output.read_text()
        if text is None:
            return self.result(output, ctx, Verdict.PASS, "not text; the file-type check covers it")
        detector = ctx.phi_detector or RegexPhiDetector()
        cells = [
            Cell(row=f"line {_line_of(text, f.start)}", column=f.kind, value=f.text,
                 reason="identifier" if f.severe else "date: check it is not about a person")
            for f in detector.detect(text)
        ]
        severe = [c for c in cells if c.reason == "identifier"]
        if severe:
            return self.result(output, ctx, Verdict.FAIL, f"possible PHI: {listing(severe)}", cells)
        if cells:
            return self.result(output, ctx, Verdict.REVIEW, f"dates to judge: {listing(cells)}", cells)
        return self.result(output, ctx, Verdict.PASS, f"detector {detector.name!r} found nothing")
