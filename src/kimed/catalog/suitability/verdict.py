"""Verdicts, the evidence behind them, and how several checks combine into one verdict.

A verdict is one of four words, and two of them must never be confused:

- ``unknown``: the metadata is silent (the property is absent), so nothing can be said;
- ``fails``: the metadata states a value that contradicts the profile.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class Verdict(StrEnum):
    MEETS = "meets"
    PARTLY = "partly"
    UNKNOWN = "unknown"
    FAILS = "fails"


# Points a verdict earns towards the fit score (see docs/suitability.md). Silence earns a little
# more than a contradiction, so a silent dataset ranks above one that is known not to fit.
POINTS: dict[Verdict, float] = {
    Verdict.MEETS: 1.0,
    Verdict.PARTLY: 0.5,
    Verdict.UNKNOWN: 0.25,
    Verdict.FAILS: 0.0,
}


class Evidence(BaseModel):
    """One property of the record and the value(s) a verdict rests on (empty: the property is
    absent)."""

    property: str
    """The property IRI."""
    values: list[str] = Field(default_factory=list)


class Check(BaseModel):
    """One requirement of the profile tested against one dataset.

    ``requirement`` and ``reason`` are English text; ``requirement_key``, ``reason_key`` and
    ``params`` say the same as message keys (see messages.py), so that pages can translate them.
    """

    requirement: str
    """What was asked, in words (``age 18-65``, ``ICD-10 I63``)."""
    verdict: Verdict
    reason: str
    evidence: list[Evidence] = Field(default_factory=list)
    requirement_key: str | None = None
    reason_key: str | None = None
    params: dict[str, str | int | float] = Field(default_factory=dict)

    @classmethod
    def of(cls, requirement: str, verdict: Verdict, reason: str, evidence: list[Evidence],
           **params: str | int | float) -> Check:
        """A check from a requirement key and a reason key (both in messages.py) and the
        parameters both share; the English text is filled in."""
        from kimed.catalog.suitability.messages import REASONS, REQUIREMENTS, english

        return cls(requirement=english(REQUIREMENTS, requirement, params), verdict=verdict,
                   reason=english(REASONS, reason, params), evidence=evidence,
                   requirement_key=requirement, reason_key=reason, params=params)


class CriterionResult(BaseModel):
    """The verdict of one criterion for one dataset, with the checks it combines."""

    criterion: str
    verdict: Verdict
    checks: list[Check] = Field(default_factory=list)

    @property
    def evidence(self) -> list[Evidence]:
        return [e for check in self.checks for e in check.evidence]


def combine(verdicts: list[Verdict]) -> Verdict:
    """One verdict for several requirements that must all hold.

    All meet: meets. Any meets or partly (but not all meet): partly. Otherwise, any contradiction:
    fails. Otherwise (all silent): unknown. An empty list is unknown.
    """
    if not verdicts:
        return Verdict.UNKNOWN
    if all(v is Verdict.MEETS for v in verdicts):
        return Verdict.MEETS
    if any(v in (Verdict.MEETS, Verdict.PARTLY) for v in verdicts):
        return Verdict.PARTLY
    if any(v is Verdict.FAILS for v in verdicts):
        return Verdict.FAILS
    return Verdict.UNKNOWN
