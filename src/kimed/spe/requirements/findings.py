"""A validation finding: which file and line, which requirement and field, which rule."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Finding:
    file: str
    rule: str
    message: str
    line: int | None = None
    requirement: str | None = None
    field: str | None = None
    severity: str = "error"  # error | warning

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        who = f" {self.requirement}" if self.requirement else ""
        what = f" {self.field}:" if self.field else ""
        return f"{where}:{who}{what} {self.message} [{self.severity}: {self.rule}]"

    def to_dict(self) -> dict:
        return asdict(self)


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]
