"""An output request: files a project asks to take out of the SPE, their automated check results and
the reviewers' decisions. Plain values; storage comes later."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kimed.spe.airlock.errors import AirlockInputError
from kimed.spe.airlock.outputs import OutputFile, OutputKind, sha256_of
from kimed.spe.airlock.verdict import CheckResult, Verdict


def _now() -> datetime:
    return datetime.now(UTC)


class RequestFile(BaseModel):
    """One requested file: its name in the project's output directory, digest and declared kind."""

    model_config = ConfigDict(frozen=True)

    name: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    kind: OutputKind
    size: int = Field(ge=0)

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if not value or "/" in value or "\\" in value or value in (".", "..") or value.startswith("."):
            raise ValueError(f"{value!r} is not a plain file name")
        return value


class Outcome(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


class Decision(BaseModel):
    """A reviewer's decision on the whole request. ``justification`` is required to reject, and to
    approve a request with a failed check (an override)."""

    model_config = ConfigDict(frozen=True)

    reviewer: str = Field(min_length=1)
    outcome: Outcome
    justification: str = ""
    decided_at: datetime = Field(default_factory=_now)


class OutputRequest(BaseModel):
    """A request to release output files of a project."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    project: str = Field(min_length=1)
    requester: str = Field(min_length=1)
    authors: tuple[str, ...] = ()  # others who produced the outputs: they may not review either
    purpose: str = ""
    created_at: datetime = Field(default_factory=_now)
    files: tuple[RequestFile, ...] = Field(min_length=1)
    results: tuple[CheckResult, ...] = ()
    decisions: tuple[Decision, ...] = ()

    @classmethod
    def from_outputs(cls, project: str, requester: str, outputs: list[OutputFile], **fields) -> OutputRequest:
        """A request for these files, with their SHA-256 digests computed now."""
        names = [o.name for o in outputs]
        if len(set(names)) != len(names):
            raise AirlockInputError("(request)", "files", "file names in a request are unique", str(names))
        files = tuple(
            RequestFile(name=o.name, sha256=sha256_of(o.path), kind=o.kind, size=o.path.stat().st_size)
            for o in outputs
        )
        return cls(project=project, requester=requester, files=files, **fields)

    def file(self, name: str) -> RequestFile:
        for f in self.files:
            if f.name == name:
                return f
        raise KeyError(name)

    def failed(self) -> list[CheckResult]:
        return [r for r in self.results if r.verdict is Verdict.FAIL]

    def needing_review(self) -> list[CheckResult]:
        return [r for r in self.results if r.verdict is Verdict.REVIEW]

    def with_results(self, results: list[CheckResult]) -> OutputRequest:
        return self.model_copy(update={"results": tuple(results)})

    def output_dir_files(self, directory: Path) -> list[OutputFile]:
        return [OutputFile.of(directory / f.name, f.kind) for f in self.files]
