"""ORM tables of SPE jobs and output requests (migration 0008).

Datasets are named by catalogue identifier only. The airlock's check results are kept as the JSON
the airlock produced (``CheckResult.model_dump``); files and decisions have rows of their own so
that queues and histories can be queried.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kimed.accounts.models import User, UTCDateTime, utcnow
from kimed.db import Base
from kimed.spe.governance_models import Project


class SpeJob(Base):
    """One run of a registered pipeline on a project's permitted datasets."""

    __tablename__ = "spe_jobs"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("spe_projects.id", ondelete="RESTRICT"), index=True)
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    pipeline: Mapped[str] = mapped_column(sa.String(128))
    pipeline_version: Mapped[str] = mapped_column(sa.String(64))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    datasets: Mapped[list] = mapped_column(sa.JSON, default=list)  # [{identifier, dir}]
    executor: Mapped[str] = mapped_column(sa.String(32))
    sandboxed: Mapped[bool | None] = mapped_column(sa.Boolean)
    status: Mapped[str] = mapped_column(sa.String(16))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    input_digest: Mapped[str | None] = mapped_column(sa.String(64))
    code_version: Mapped[str] = mapped_column(sa.String(128))
    output_dir: Mapped[str] = mapped_column(sa.Text)
    exit_code: Mapped[int | None] = mapped_column()
    message: Mapped[str] = mapped_column(sa.Text, default="")
    cancel_requested: Mapped[bool] = mapped_column(sa.Boolean, default=False)

    project: Mapped[Project] = relationship(lazy="joined")
    submitted_by: Mapped[User] = relationship(lazy="joined")

    @property
    def identifiers(self) -> list[str]:
        return [d["identifier"] for d in self.datasets]


class SpeOutputRequest(Base):
    """A request to release files a job wrote; see kimed.spe.airlock.request.OutputRequest."""

    __tablename__ = "spe_output_requests"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    job_id: Mapped[str] = mapped_column(sa.ForeignKey("spe_jobs.id", ondelete="RESTRICT"),
                                        index=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("spe_projects.id", ondelete="RESTRICT"))
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    purpose: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(sa.String(16))
    results: Mapped[list] = mapped_column(sa.JSON, default=list)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    release_path: Mapped[str | None] = mapped_column(sa.Text)

    job: Mapped[SpeJob] = relationship(lazy="joined")
    project: Mapped[Project] = relationship(lazy="joined")
    requester: Mapped[User] = relationship(lazy="joined")
    files: Mapped[list[SpeOutputFile]] = relationship(
        cascade="all, delete-orphan", order_by="SpeOutputFile.id", lazy="selectin")
    decisions: Mapped[list[SpeOutputDecision]] = relationship(
        cascade="all, delete-orphan", order_by="SpeOutputDecision.id", lazy="selectin")


class SpeOutputFile(Base):
    __tablename__ = "spe_output_files"
    __table_args__ = (sa.UniqueConstraint("request_id", "name", name="uq_spe_output_files"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[str] = mapped_column(
        sa.ForeignKey("spe_output_requests.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(16))
    size: Mapped[int] = mapped_column(sa.BigInteger)


class SpeOutputDecision(Base):
    __tablename__ = "spe_output_decisions"
    __table_args__ = (sa.UniqueConstraint("request_id", "reviewer_id",
                                          name="uq_spe_output_decisions"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[str] = mapped_column(
        sa.ForeignKey("spe_output_requests.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    outcome: Mapped[str] = mapped_column(sa.String(16))
    justification: Mapped[str] = mapped_column(sa.Text, default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reviewer: Mapped[User] = relationship(lazy="joined")
