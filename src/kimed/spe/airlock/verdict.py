"""What a check answers: a verdict, the rule it applied (with threshold and source) and the cells."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Verdict(StrEnum):
    """``pass``: no risk found by this rule. ``review``: a person must judge (the rule cannot
    decide, or the risk depends on context). ``fail``: the rule is broken; release is blocked."""

    PASS = "pass"
    REVIEW = "review"
    FAIL = "fail"

    @property
    def rank(self) -> int:
        return {"pass": 0, "review": 1, "fail": 2}[self.value]


def worst(verdicts: list[Verdict]) -> Verdict:
    """The most severe verdict of a list (``pass`` for an empty list)."""
    return max(verdicts, key=lambda v: v.rank, default=Verdict.PASS)


class Rule(BaseModel):
    """A disclosure-control rule, with the parameters it was applied with and where it comes from."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    parameters: dict[str, Any] = Field(default_factory=dict)
    source: str


class Cell(BaseModel):
    """A cell (or a column, or a text span) that a check flagged."""

    model_config = ConfigDict(frozen=True)

    row: str | None = None
    column: str | None = None
    value: Any = None
    reason: str = ""

    def where(self) -> str:
        parts = [p for p in (self.row, self.column) if p is not None]
        return " / ".join(parts) if parts else "(whole file)"


class CheckResult(BaseModel):
    """The answer of one check about one file."""

    model_config = ConfigDict(frozen=True)

    check: str
    file: str
    sha256: str | None = None
    verdict: Verdict
    rule: Rule
    message: str
    cells: list[Cell] = Field(default_factory=list)

    def public(self) -> dict[str, Any]:
        """The result for the release record: cell labels and reasons, but no cell values.

        A flagged value (a count of 3, a recovered suppressed cell, a phone number) is itself
        disclosive, so it stays inside the SPE.
        """
        data = self.model_dump(mode="json")
        for cell in data["cells"]:
            cell.pop("value", None)
        return data
