"""ORM tables of the SPE governance core: roles, projects, data permits and their history.

The schema is migration 0007. Datasets are named by their catalogue identifier only (DESIGN: the
catalogue and the SPE refer to each other's objects by identifier). Times are UTC. The audit log's
table lives with its logic in kimed.spe.audit.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kimed.accounts.models import User, UTCDateTime, utcnow
from kimed.db import Base


class SpeRole(Base):
    """One SPE role held by one portal account (see kimed.spe.roles.SpeRoleName)."""

    __tablename__ = "spe_roles"
    __table_args__ = (sa.UniqueConstraint("user_id", "role", name="uq_spe_roles_user_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(sa.String(32))
    granted_by: Mapped[str] = mapped_column(sa.String(128))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


class Project(Base):
    """A research project: the frame in which permits are granted and jobs run."""

    __tablename__ = "spe_projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    created_by: Mapped[str] = mapped_column(sa.String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    permits: Mapped[list[Permit]] = relationship(back_populates="project",
                                                 order_by="Permit.id")


class Permit(Base):
    """A data permit with the contents EHDS Art. 68 asks for; ``status`` follows the lifecycle."""

    __tablename__ = "spe_permits"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("spe_projects.id", ondelete="RESTRICT"), index=True)
    holder: Mapped[str] = mapped_column(sa.String(300))
    principal_investigator_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"))
    applicant_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    purpose_category: Mapped[str] = mapped_column(sa.String(32))
    purpose_description: Mapped[str] = mapped_column(sa.Text)
    data_form: Mapped[str] = mapped_column(sa.String(16))
    access_start: Mapped[datetime] = mapped_column(UTCDateTime)
    access_end: Mapped[datetime] = mapped_column(UTCDateTime)
    retention_end: Mapped[datetime] = mapped_column(UTCDateTime)
    spe: Mapped[str] = mapped_column(sa.String(200))
    tools: Mapped[list] = mapped_column(sa.JSON, default=list)
    conditions: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(16))
    version: Mapped[int] = mapped_column(default=1)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(sa.Text)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deletion_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deletion_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    project: Mapped[Project] = relationship(back_populates="permits", lazy="joined")
    principal_investigator: Mapped[User] = relationship(
        foreign_keys=[principal_investigator_id], lazy="joined")
    applicant: Mapped[User] = relationship(foreign_keys=[applicant_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id], lazy="joined")
    persons: Mapped[list[PermitPerson]] = relationship(
        back_populates="permit", cascade="all, delete-orphan", order_by="PermitPerson.id",
        lazy="selectin")
    datasets: Mapped[list[PermitDataset]] = relationship(
        back_populates="permit", cascade="all, delete-orphan",
        order_by="PermitDataset.dataset_identifier", lazy="selectin")
    amendments: Mapped[list[PermitAmendment]] = relationship(
        back_populates="permit", cascade="all, delete-orphan", order_by="PermitAmendment.id")
    events: Mapped[list[PermitEvent]] = relationship(
        back_populates="permit", cascade="all, delete-orphan", order_by="PermitEvent.id")

    @property
    def person_names(self) -> list[str]:
        return sorted(p.user.username for p in self.persons)

    def dataset(self, identifier: str) -> PermitDataset | None:
        return next((d for d in self.datasets if d.dataset_identifier == identifier), None)


class PermitPerson(Base):
    """A person named in a permit: only they may reach its data."""

    __tablename__ = "spe_permit_persons"
    __table_args__ = (sa.UniqueConstraint("permit_id", "user_id", name="uq_spe_permit_persons"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    permit_id: Mapped[int] = mapped_column(sa.ForeignKey("spe_permits.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    added_version: Mapped[int] = mapped_column(default=1)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    permit: Mapped[Permit] = relationship(back_populates="persons")
    user: Mapped[User] = relationship(lazy="joined")


class PermitDataset(Base):
    """A catalogue dataset (by identifier) a permit covers; ``variables`` None means all."""

    __tablename__ = "spe_permit_datasets"
    __table_args__ = (sa.UniqueConstraint("permit_id", "dataset_identifier",
                                          name="uq_spe_permit_datasets"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    permit_id: Mapped[int] = mapped_column(sa.ForeignKey("spe_permits.id", ondelete="CASCADE"))
    dataset_identifier: Mapped[str] = mapped_column(sa.String(512))
    variables: Mapped[list | None] = mapped_column(sa.JSON)
    added_version: Mapped[int] = mapped_column(default=1)

    permit: Mapped[Permit] = relationship(back_populates="datasets")


class PermitAmendment(Base):
    """A requested change to a permit; it takes effect only once the committee approves it."""

    __tablename__ = "spe_permit_amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    permit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("spe_permits.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changes: Mapped[dict] = mapped_column(sa.JSON)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(sa.Text)

    permit: Mapped[Permit] = relationship(back_populates="amendments")
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id], lazy="joined")


class PermitEvent(Base):
    """One step in a permit's history (applied, approved, amended, expired, revoked, ...)."""

    __tablename__ = "spe_permit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    permit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("spe_permits.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(sa.String(128))
    event: Mapped[str] = mapped_column(sa.String(32))
    from_status: Mapped[str | None] = mapped_column(sa.String(16))
    to_status: Mapped[str] = mapped_column(sa.String(16))
    version: Mapped[int] = mapped_column()
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    permit: Mapped[Permit] = relationship(back_populates="events")
