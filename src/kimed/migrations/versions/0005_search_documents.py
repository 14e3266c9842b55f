"""Search: each record's own words only, a ranking table, and room for algorithms.

- The text index holds the record's own words: title, keywords, description, and ``extra`` (the
  identifier and the names, titles and codes of its variables). Vocabulary labels and publisher
  names are matched through the facet values instead (kimed.catalog.search.labels); on SQLite
  ``dataset_fts`` gets an ``extra`` column in place of ``labels``.
- PostgreSQL: ``dataset_head`` holds the title and keywords of each record as a small tsvector,
  so ranking a common word reads a few MB instead of the whole text index.
- ``dataset_search`` loses its foreign key to ``datasets``: algorithms are indexed in the same
  tables under search ids above kimed.catalog.search.ids.ALGORITHM_BASE.

Every search table is derived from the stored projections. They are emptied here and rebuilt from
the records when the database is next opened (``search_meta.generation`` = -1 marks the rebuild as
pending; see kimed.catalog.search.indexer.rebuild_pending).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

PENDING = -1


def _search_table(pg: bool, foreign_key: bool) -> None:
    key = (sa.ForeignKey("datasets.id", ondelete="CASCADE"),) if foreign_key else ()
    columns = [
        sa.Column("dataset_id", sa.Integer, *key, primary_key=True, autoincrement=False),
        sa.Column("sort_en", sa.Text),
        sa.Column("sort_de", sa.Text),
        sa.Column("modified", sa.Date),
        sa.Column("created", sa.DateTime(timezone=True)),
        sa.Column("population", sa.BigInteger),
        sa.Column("min_age", sa.Integer),
        sa.Column("max_age", sa.Integer),
    ]
    if pg:
        from sqlalchemy.dialects.postgresql import TSVECTOR

        columns.append(sa.Column("document", TSVECTOR, nullable=False))
    op.create_table("dataset_search", *columns)
    for name in ("sort_en", "sort_de", "modified", "population", "created"):
        op.create_index(f"ix_dataset_search_{name}", "dataset_search", [name, "dataset_id"])
    if pg:
        op.create_index("ix_dataset_search_document", "dataset_search", ["document"],
                        postgresql_using="gin")


def _empty_derived(pg: bool) -> bool:
    """Drop the text tables and empty the rest; True when there are records to index again."""
    bind = op.get_bind()
    pending = bind.execute(sa.text("SELECT count(*) FROM datasets")).scalar_one() > 0
    op.drop_table("dataset_search")
    if not pg:
        op.execute("DROP TABLE IF EXISTS dataset_fts")
    for table in ("dataset_facets", "search_periods", "search_values"):
        op.execute(f"DELETE FROM {table}")
    return pending


def _mark(pending: bool) -> None:
    op.execute(f"UPDATE search_meta SET value = {PENDING if pending else 1} "
               "WHERE name = 'generation'")


def upgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    pending = _empty_derived(pg)
    _search_table(pg, foreign_key=False)
    if pg:
        from sqlalchemy.dialects.postgresql import TSVECTOR

        op.create_table(
            "dataset_head",
            sa.Column("dataset_id", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("head", TSVECTOR, nullable=False),
        )
        op.create_index("ix_dataset_head_head", "dataset_head", ["head"], postgresql_using="gin")
    else:
        op.execute("CREATE VIRTUAL TABLE dataset_fts USING fts5("
                   "title, keywords, description, extra, "
                   "tokenize='unicode61 remove_diacritics 2', prefix='2 3')")
    _mark(pending)


def downgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    if pg:
        op.drop_table("dataset_head")
    pending = _empty_derived(pg)
    _search_table(pg, foreign_key=True)
    if not pg:
        op.execute("CREATE VIRTUAL TABLE dataset_fts USING fts5("
                   "title, keywords, description, labels, "
                   "tokenize='unicode61 remove_diacritics 2', prefix='2 3')")
    _mark(pending)
