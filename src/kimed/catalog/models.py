"""ORM tables of the catalogue: each record keeps its canonical RDF and a typed projection."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from kimed.db import Base


def _now() -> datetime:
    return datetime.now(UTC)


class CatalogRow(Base):
    """A dcat:Catalog: its own triples (without the datasets' records)."""

    __tablename__ = "catalogs"

    id: Mapped[int] = mapped_column(primary_key=True)
    iri: Mapped[str] = mapped_column(sa.String(2048), unique=True)
    title: Mapped[str | None] = mapped_column(sa.Text)
    graph_nt: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=_now, onupdate=_now
    )


class DatasetRow(Base):
    """A dcat:Dataset record.

    ``graph_nt`` is the canonical RDF (N-Triples) of the record, so export is lossless;
    ``projection`` is the typed view (kimed.catalog.projection.DatasetRecord) as JSON; a few
    projected fields are columns so they can be listed and filtered in SQL.
    """

    __tablename__ = "datasets"

    id: Mapped[int] = mapped_column(primary_key=True)
    iri: Mapped[str] = mapped_column(sa.String(2048), unique=True)
    identifier: Mapped[str] = mapped_column(sa.String(512), unique=True)
    catalog_iri: Mapped[str | None] = mapped_column(sa.String(2048), index=True)
    title: Mapped[str] = mapped_column(sa.Text)
    access_rights: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    publisher: Mapped[str | None] = mapped_column(sa.Text)
    graph_nt: Mapped[str] = mapped_column(sa.Text)
    projection: Mapped[dict] = mapped_column(sa.JSON)
    findings: Mapped[list] = mapped_column(sa.JSON, default=list)
    violations: Mapped[int] = mapped_column(default=0)
    warnings: Mapped[int] = mapped_column(default=0)
    source: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=_now, onupdate=_now
    )
