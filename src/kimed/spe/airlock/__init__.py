"""The airlock: automated disclosure checks on job outputs, and the rules of human review.

Outputs stay inside the project until they are requested for release. Each requested file is
checked (``runner.check_output``) under the configured risk appetite (``appetite``); two output
checkers then decide (``review``); an approved request becomes a release package (``package``).
Storage, web pages and the audit log are wired elsewhere. Nothing here imports web or CLI code.
"""

from kimed.spe.airlock.appetite import RiskAppetite, load_risk_appetite
from kimed.spe.airlock.errors import AirlockError, AirlockInputError, ReleaseError, ReviewError
from kimed.spe.airlock.outputs import OutputFile, OutputKind
from kimed.spe.airlock.verdict import Cell, CheckResult, Rule, Verdict

__all__ = [
    "AirlockError",
    "AirlockInputError",
    "Cell",
    "CheckResult",
    "OutputFile",
    "OutputKind",
    "ReleaseError",
    "ReviewError",
    "RiskAppetite",
    "Rule",
    "Verdict",
    "load_risk_appetite",
]
