"""Request and answer models of the SPE runtime's JSON API (kimed.web.routes.api.spe_runtime and
spe_jobs)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class ProjectIn(BaseModel):
    slug: str
    title: str
    description: str = ""


class ProjectOut(BaseModel):
    slug: str
    title: str
    description: str
    created_by: str
    permits: list[dict[str, Any]] = Field(description="id and status of each permit")


class DatasetScopeIn(BaseModel):
    identifier: str
    variables: list[str] | None = Field(None, description="null: the whole dataset")


class PermitApplication(BaseModel):
    """An application with the EHDS Art. 68 contents; the applicant is the principal
    investigator and always a named person."""

    project: str
    holder: str
    purpose_category: str = Field(description="An Art. 53 purpose, e.g. scientific_research")
    purpose_description: str
    data_form: str = Field(description="pseudonymised or anonymised")
    access_start: datetime
    access_end: datetime
    retention_end: datetime
    datasets: list[str | DatasetScopeIn]
    persons: list[str] = Field(default_factory=list, description="usernames")
    spe: str = "KIMed SPE"
    tools: list[str] = Field(default_factory=list)
    conditions: str = ""


class Decision(BaseModel):
    decision: Literal["approve", "reject"]
    note: str = Field("", description="required for a rejection")


class AmendmentIn(BaseModel):
    reason: str
    add_persons: list[str] = Field(default_factory=list)
    remove_persons: list[str] = Field(default_factory=list)
    add_datasets: list[str | DatasetScopeIn] = Field(default_factory=list)
    remove_datasets: list[str] = Field(default_factory=list)
    access_end: datetime | None = None
    retention_end: datetime | None = None


class AmendmentOut(BaseModel):
    id: int
    permit: int
    status: str
    changes: dict[str, Any]


class Revocation(BaseModel):
    reason: str


class JobIn(BaseModel):
    """A job: either ``pipeline`` (a registered pipeline) or ``algorithm`` (a catalogue
    algorithm's identifier or IRI, runnable in the SPE, resolved to its pipeline)."""

    project: str
    pipeline: str | None = None
    algorithm: str | None = None
    datasets: list[str]
    params: dict[str, Any] = Field(default_factory=dict)


class JobOut(BaseModel):
    id: str
    project: str
    submitted_by: str
    pipeline: str
    pipeline_version: str
    algorithm: str | None = None
    params: dict[str, Any]
    datasets: list[str]
    executor: str
    status: str
    sandboxed: bool | None
    progress: float | None = Field(None, description="0 to 1 while it runs here")
    message: str
    submitted_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    exit_code: int | None
    input_digest: str | None
    code_version: str
    outputs: list[str] = Field(description="Output file names, once the job has succeeded")


class JobLogs(BaseModel):
    id: str
    status: str
    lines: list[str]


class OutputRequestIn(BaseModel):
    job: str
    files: list[str]
    kinds: dict[str, str] = Field(default_factory=dict,
                                  description="file name -> output kind (e.g. frequency)")
    purpose: str = ""


class OutputCheck(BaseModel):
    """One automated check of one file: verdict, rule, and flagged cells by label only."""

    check: str
    verdict: str
    message: str
    rule: str
    rule_id: str
    source: str
    cells: list[dict[str, str]]


class OutputRequestOut(BaseModel):
    id: str
    job: str
    project: str
    requester: str
    purpose: str
    status: str
    created_at: datetime | None
    files: list[dict[str, Any]]
    checks: dict[str, list[OutputCheck]] = Field(description="Per file")
    decisions: list[dict[str, Any]]
    released_at: datetime | None


class ReviewIn(BaseModel):
    outcome: Literal["approve", "reject"]
    justification: str = ""


class AuditVerification(BaseModel):
    ok: bool
    message: str
