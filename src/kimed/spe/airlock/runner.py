"""Running the checks over output files."""

from __future__ import annotations

from pathlib import Path

from kimed.spe.airlock.appetite import RiskAppetite, risk_appetite_from_settings
from kimed.spe.airlock.base import Check, CheckContext
from kimed.spe.airlock.outputs import OutputFile, OutputKind, sha256_of
from kimed.spe.airlock.registry import all_checks
from kimed.spe.airlock.verdict import CheckResult, Verdict, worst


def make_context(appetite: RiskAppetite | None = None, **detectors) -> CheckContext:
    """A context with the given risk appetite (default: the one the settings select)."""
    return CheckContext(appetite=appetite or risk_appetite_from_settings(), **detectors)


def check_output(
    output: OutputFile, ctx: CheckContext | None = None, checks: list[Check] | None = None
) -> list[CheckResult]:
    """Every applicable check's result for one file, each stamped with the file's SHA-256.

    Raises ``AirlockInputError`` when the file cannot be read as declared.
    """
    ctx = ctx or make_context()
    digest = sha256_of(output.path)
    results = [
        check.run(output, ctx).model_copy(update={"sha256": digest})
        for check in (checks if checks is not None else all_checks())
        if check.applies(output)
    ]
    return results


def check_file(
    path: Path | str, kind: OutputKind | str | None = None, ctx: CheckContext | None = None, **options
) -> list[CheckResult]:
    return check_output(OutputFile.of(path, kind, **options), ctx)


def overall(results: list[CheckResult]) -> Verdict:
    return worst([r.verdict for r in results])
