"""SPE jobs and the airlock's output requests, their files and reviewers' decisions.

A job row records who ran which pipeline (name and version) on which permitted datasets, with which
executor and sandbox, the digest of its decrypted inputs, the code version, where its outputs are
kept and how it ended. An output request keeps the files asked for (name, SHA-256, kind, size),
the automated check results (JSON, as the airlock produced them) and each decision.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _user(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer, sa.ForeignKey("users.id", ondelete="RESTRICT"),
                     nullable=nullable)


def _request() -> sa.Column:
    return sa.Column("request_id", sa.String(32),
                     sa.ForeignKey("spe_output_requests.id", ondelete="CASCADE"),
                     nullable=False, index=True)


def upgrade() -> None:
    op.create_table(
        "spe_jobs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("project_id", sa.Integer,
                  sa.ForeignKey("spe_projects.id", ondelete="RESTRICT"), nullable=False,
                  index=True),
        _user("submitted_by_id"),
        sa.Column("pipeline", sa.String(128), nullable=False),
        sa.Column("pipeline_version", sa.String(64), nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("datasets", sa.JSON, nullable=False),
        sa.Column("executor", sa.String(32), nullable=False),
        sa.Column("sandboxed", sa.Boolean, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("submitted_at", TZ, nullable=False),
        sa.Column("started_at", TZ, nullable=True),
        sa.Column("ended_at", TZ, nullable=True),
        sa.Column("input_digest", sa.String(64), nullable=True),
        sa.Column("code_version", sa.String(128), nullable=False),
        sa.Column("output_dir", sa.Text, nullable=False),
        sa.Column("exit_code", sa.Integer, nullable=True),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("cancel_requested", sa.Boolean, nullable=False),
    )
    op.create_table(
        "spe_output_requests",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("job_id", sa.String(32), sa.ForeignKey("spe_jobs.id", ondelete="RESTRICT"),
                  nullable=False, index=True),
        sa.Column("project_id", sa.Integer,
                  sa.ForeignKey("spe_projects.id", ondelete="RESTRICT"), nullable=False),
        _user("requester_id"),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("results", sa.JSON, nullable=False),
        sa.Column("released_at", TZ, nullable=True),
        sa.Column("release_path", sa.Text, nullable=True),
    )
    op.create_table(
        "spe_output_files",
        sa.Column("id", sa.Integer, primary_key=True),
        _request(),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("request_id", "name", name="uq_spe_output_files"),
    )
    op.create_table(
        "spe_output_decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        _request(),
        _user("reviewer_id"),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("justification", sa.Text, nullable=False),
        sa.Column("decided_at", TZ, nullable=False),
        sa.UniqueConstraint("request_id", "reviewer_id", name="uq_spe_output_decisions"),
    )


def downgrade() -> None:
    op.drop_table("spe_output_decisions")
    op.drop_table("spe_output_files")
    op.drop_table("spe_output_requests")
    op.drop_table("spe_jobs")
