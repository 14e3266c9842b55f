"""Catalogue: catalogs and dataset records.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalogs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("iri", sa.String(2048), nullable=False, unique=True),
        sa.Column("title", sa.Text),
        sa.Column("graph_nt", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "datasets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("iri", sa.String(2048), nullable=False, unique=True),
        sa.Column("identifier", sa.String(512), nullable=False, unique=True),
        sa.Column("catalog_iri", sa.String(2048), index=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("access_rights", sa.String(32), index=True),
        sa.Column("publisher", sa.Text),
        sa.Column("graph_nt", sa.Text, nullable=False),
        sa.Column("projection", sa.JSON, nullable=False),
        sa.Column("findings", sa.JSON, nullable=False),
        sa.Column("violations", sa.Integer, nullable=False, server_default="0"),
        sa.Column("warnings", sa.Integer, nullable=False, server_default="0"),
        sa.Column("source", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("datasets")
    op.drop_table("catalogs")
