"""SPE governance core: roles, projects, data permits with their history, and the audit log.

``spe_audit`` is append-only: the application has no way to change or delete an entry, and
database triggers refuse UPDATE and DELETE on it (an administrator who drops the triggers is
still caught by the hash chain, see kimed.spe.audit).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION spe_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'spe_audit is append-only: % is refused (EHDS Art. 73, access logs kept >= 1 year)', TG_OP;
END;
$$ LANGUAGE plpgsql
"""


def _user(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer, sa.ForeignKey("users.id", ondelete="RESTRICT"),
                     nullable=nullable)


def _permit() -> sa.Column:
    return sa.Column("permit_id", sa.Integer,
                     sa.ForeignKey("spe_permits.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "spe_roles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("granted_by", sa.String(128), nullable=False),
        sa.Column("granted_at", TZ, nullable=False),
        sa.UniqueConstraint("user_id", "role", name="uq_spe_roles_user_role"),
    )
    op.create_table(
        "spe_projects",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("slug", sa.String(64), nullable=False, unique=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "spe_permits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("project_id", sa.Integer,
                  sa.ForeignKey("spe_projects.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("holder", sa.String(300), nullable=False),
        _user("principal_investigator_id"),
        _user("applicant_id"),
        sa.Column("purpose_category", sa.String(32), nullable=False),
        sa.Column("purpose_description", sa.Text, nullable=False),
        sa.Column("data_form", sa.String(16), nullable=False),
        sa.Column("access_start", TZ, nullable=False),
        sa.Column("access_end", TZ, nullable=False),
        sa.Column("retention_end", TZ, nullable=False),
        sa.Column("spe", sa.String(200), nullable=False),
        sa.Column("tools", sa.JSON, nullable=False),
        sa.Column("conditions", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("applied_at", TZ, nullable=False),
        _user("decided_by_id", nullable=True),
        sa.Column("decided_at", TZ),
        sa.Column("decision_note", sa.Text),
        sa.Column("ended_at", TZ),
        sa.Column("deletion_due_at", TZ),
        sa.Column("deletion_done_at", TZ),
    )
    op.create_index("ix_spe_permits_project_id", "spe_permits", ["project_id"])
    op.create_table(
        "spe_permit_persons",
        sa.Column("id", sa.Integer, primary_key=True),
        _permit(),
        _user("user_id"),
        sa.Column("added_version", sa.Integer, nullable=False),
        sa.Column("added_at", TZ, nullable=False),
        sa.UniqueConstraint("permit_id", "user_id", name="uq_spe_permit_persons"),
    )
    op.create_table(
        "spe_permit_datasets",
        sa.Column("id", sa.Integer, primary_key=True),
        _permit(),
        sa.Column("dataset_identifier", sa.String(512), nullable=False),
        sa.Column("variables", sa.JSON),
        sa.Column("added_version", sa.Integer, nullable=False),
        sa.UniqueConstraint("permit_id", "dataset_identifier", name="uq_spe_permit_datasets"),
    )
    op.create_table(
        "spe_permit_amendments",
        sa.Column("id", sa.Integer, primary_key=True),
        _permit(),
        _user("requested_by_id"),
        sa.Column("requested_at", TZ, nullable=False),
        sa.Column("changes", sa.JSON, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _user("decided_by_id", nullable=True),
        sa.Column("decided_at", TZ),
        sa.Column("note", sa.Text),
    )
    op.create_index("ix_spe_permit_amendments_permit_id", "spe_permit_amendments", ["permit_id"])
    op.create_table(
        "spe_permit_events",
        sa.Column("id", sa.Integer, primary_key=True),
        _permit(),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("from_status", sa.String(16)),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
    )
    op.create_index("ix_spe_permit_events_permit_id", "spe_permit_events", ["permit_id"])
    op.create_table(
        "spe_audit",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("ts", TZ, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("object", sa.String(512), nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    _append_only_triggers()


def _append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute("CREATE TRIGGER spe_audit_append_only BEFORE UPDATE OR DELETE ON spe_audit "
                   "FOR EACH ROW EXECUTE FUNCTION spe_audit_append_only()")
        return
    for operation in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER spe_audit_no_{operation.lower()} BEFORE {operation} ON spe_audit "
            f"BEGIN SELECT RAISE(ABORT, 'spe_audit is append-only: {operation} is refused'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS spe_audit_append_only ON spe_audit")
        op.execute("DROP FUNCTION IF EXISTS spe_audit_append_only()")
    op.drop_table("spe_audit")
    op.drop_table("spe_permit_events")
    op.drop_table("spe_permit_amendments")
    op.drop_table("spe_permit_datasets")
    op.drop_table("spe_permit_persons")
    op.drop_table("spe_permits")
    op.drop_table("spe_projects")
    op.drop_table("spe_roles")
