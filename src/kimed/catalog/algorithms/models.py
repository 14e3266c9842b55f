"""ORM tables of the algorithm catalogue: records (canonical RDF + projection) and dataset links."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from kimed.db import Base

RELATIONS = ("trainedOn", "testedOn", "validatedOn", "evaluatedOn", "fineTunedFrom")


def _now() -> datetime:
    return datetime.now(UTC)


class AlgorithmRow(Base):
    """An ``mldcat:MachineLearningModel`` record.

    ``graph_nt`` is the canonical RDF (sorted N-Triples), so export is lossless; ``projection`` is
    the typed view (:class:`kimed.catalog.algorithms.model.AlgorithmRecord`) as JSON.
    """

    __tablename__ = "algorithms"

    id: Mapped[int] = mapped_column(primary_key=True)
    iri: Mapped[str] = mapped_column(sa.String(2048), unique=True)
    identifier: Mapped[str] = mapped_column(sa.String(512), unique=True)
    title: Mapped[str] = mapped_column(sa.Text)
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


class AlgorithmDatasetRow(Base):
    """One link from an algorithm to a dataset (or, for ``fineTunedFrom``, to a base model).

    ``target_iri`` is the IRI as the record writes it; ``dataset_iri`` is the catalogue dataset it
    resolved to (by IRI or ``dct:identifier``) or, for an external link, the target itself.
    ``external`` is true when no catalogue dataset matched at import time.
    """

    __tablename__ = "algorithm_datasets"

    algorithm_id: Mapped[int] = mapped_column(
        sa.ForeignKey("algorithms.id", ondelete="CASCADE"), primary_key=True)
    relation: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    target_iri: Mapped[str] = mapped_column(sa.String(2048), primary_key=True)
    dataset_iri: Mapped[str] = mapped_column(sa.String(2048), index=True)
    external: Mapped[bool] = mapped_column(default=False)
