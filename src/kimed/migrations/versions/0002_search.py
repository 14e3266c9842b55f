"""Search: full-text index, facet values and the numbers that search filters and sorts by.

On SQLite the words live in an FTS5 table ``dataset_fts`` (rowid = dataset id); on PostgreSQL in
the tsvector column ``dataset_search.document`` with a GIN index. ``search_meta`` holds the index
generation that every (un)indexing changes, so each process knows when its in-memory facet index
(kimed.catalog.search.memory) is stale. See kimed.catalog.search.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "search_values",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("facet", sa.String(32), nullable=False),
        sa.Column("value", sa.String(2048), nullable=False),
        sa.Column("label", sa.Text),
        sa.Column("total", sa.Integer, nullable=False, server_default="0"),
        sa.UniqueConstraint("facet", "value", name="uq_search_values_facet_value"),
    )
    columns = [
        sa.Column("dataset_id", sa.Integer,
                  sa.ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("sort_en", sa.Text),
        sa.Column("sort_de", sa.Text),
        sa.Column("modified", sa.Date),
        sa.Column("created", sa.DateTime(timezone=True)),
        sa.Column("population", sa.BigInteger),
        sa.Column("min_age", sa.Integer),
        sa.Column("max_age", sa.Integer),
    ]
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import TSVECTOR

        columns.append(sa.Column("document", TSVECTOR, nullable=False))
    op.create_table("dataset_search", *columns)
    op.create_index("ix_dataset_search_sort_en", "dataset_search", ["sort_en", "dataset_id"])
    op.create_index("ix_dataset_search_sort_de", "dataset_search", ["sort_de", "dataset_id"])
    op.create_index("ix_dataset_search_modified", "dataset_search", ["modified", "dataset_id"])
    op.create_index("ix_dataset_search_population", "dataset_search",
                    ["population", "dataset_id"])
    op.create_index("ix_dataset_search_created", "dataset_search", ["created", "dataset_id"])
    op.create_table(
        "search_meta",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.execute("INSERT INTO search_meta (name, value) VALUES ('generation', 0)")
    # No foreign keys on the two tables below: they take a row per facet value or period, and a
    # foreign-key check per row would cost more than the insert. Their rows are removed by
    # unindex_dataset (called by delete_dataset) and by reindex_all.
    op.create_table(
        "dataset_facets",
        sa.Column("dataset_id", sa.Integer, nullable=False),
        sa.Column("value_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("dataset_id", "value_id", name="pk_dataset_facets"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_dataset_facets_value", "dataset_facets", ["value_id", "dataset_id"])
    op.create_table(
        "search_periods",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dataset_id", sa.Integer, nullable=False, index=True),
        sa.Column("start_date", sa.Date),
        sa.Column("end_date", sa.Date),
    )
    if dialect == "postgresql":
        op.create_index("ix_dataset_search_document", "dataset_search", ["document"],
                        postgresql_using="gin")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE dataset_fts USING fts5("
            "title, keywords, description, labels, "
            "tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TABLE IF EXISTS dataset_fts")
    op.drop_table("search_meta")
    op.drop_table("search_periods")
    op.drop_table("dataset_facets")
    op.drop_table("dataset_search")
    op.drop_table("search_values")
