"""Algorithms: MLDCAT-AP model records and their links to datasets.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "algorithms",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("iri", sa.String(2048), nullable=False, unique=True),
        sa.Column("identifier", sa.String(512), nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("graph_nt", sa.Text, nullable=False),
        sa.Column("projection", sa.JSON, nullable=False),
        sa.Column("findings", sa.JSON, nullable=False),
        sa.Column("violations", sa.Integer, nullable=False),
        sa.Column("warnings", sa.Integer, nullable=False),
        sa.Column("source", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "algorithm_datasets",
        sa.Column("algorithm_id", sa.Integer,
                  sa.ForeignKey("algorithms.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("relation", sa.String(32), primary_key=True),
        sa.Column("target_iri", sa.String(2048), primary_key=True),
        sa.Column("dataset_iri", sa.String(2048), nullable=False),
        sa.Column("external", sa.Boolean, nullable=False),
    )
    op.create_index("ix_algorithm_datasets_dataset_iri", "algorithm_datasets", ["dataset_iri"])


def downgrade() -> None:
    op.drop_index("ix_algorithm_datasets_dataset_iri", "algorithm_datasets")
    op.drop_table("algorithm_datasets")
    op.drop_table("algorithms")
