"""Helpers of the SPE governance pages (kimed.web.routes.spe_governance): who may see what, form
input turned into the arguments of kimed.spe, the vault's dataset names of a project, the audit
log filtered and paged, and the audit export as one zip file.

The rules themselves stay in kimed.spe; this module only decides which pages and forms a user is
shown, and the library refuses anything it does not allow.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kimed.accounts.models import User
from kimed.accounts.permissions import PermissionDenied
from kimed.spe import audit
from kimed.spe.errors import SpeError
from kimed.spe.governance_models import Permit
from kimed.spe.permit_contents import GRANTING, Status
from kimed.spe.roles import SpeRoleName, roles_of

AUDIT_PAGE_SIZE = 50
AUDIT_VIEWERS = (SpeRoleName.SPE_OPERATOR, SpeRoleName.ACCESS_COMMITTEE)
PERMIT_OVERSIGHT = (SpeRoleName.SPE_OPERATOR, SpeRoleName.ACCESS_COMMITTEE)
PROJECT_CREATORS = (SpeRoleName.SPE_OPERATOR, SpeRoleName.PRINCIPAL_INVESTIGATOR)


def is_admin(user: User) -> bool:
    return user.is_active and user.role == "admin"


def spe_roles(session: Session, user: User) -> set[str]:
    """The SPE roles that count for ``user``: none at all for a deactivated account."""
    return roles_of(session, user) if user.is_active else set()


def require(session: Session, user: User, roles: tuple[str, ...], action: str,
            admin_too: bool = True) -> set[str]:
    """The user's SPE roles, or PermissionDenied (403) naming the roles ``action`` needs."""
    held = spe_roles(session, user)
    if (admin_too and is_admin(user)) or held & set(roles):
        return held
    needed = " or ".join(roles) or "any SPE role"
    extra = " (or be a portal admin)" if admin_too else ""
    raise PermissionDenied(user, action, f"that needs the SPE role {needed}{extra}")


def require_any_role(session: Session, user: User, action: str) -> set[str]:
    return require(session, user, tuple(SpeRoleName), action)


def is_party(permit: Permit, user: User) -> bool:
    return user.id in {permit.applicant_id, permit.principal_investigator_id,
                       *(p.user_id for p in permit.persons)}


def can_view_permit(session: Session, user: User, permit: Permit) -> bool:
    return is_admin(user) or bool(spe_roles(session, user) & set(PERMIT_OVERSIGHT)) \
        or is_party(permit, user)


@dataclass
class PermitActions:
    """The lifecycle forms the permit page offers this user (the library still decides)."""

    decide: bool = False
    amend: bool = False
    decide_amendments: bool = False
    revoke: bool = False


def permit_actions(session: Session, user: User, permit: Permit) -> PermitActions:
    held = spe_roles(session, user)
    committee = SpeRoleName.ACCESS_COMMITTEE in held and not is_party(permit, user)
    granting = permit.status in GRANTING
    lead = SpeRoleName.PRINCIPAL_INVESTIGATOR in held and user.id in (
        permit.principal_investigator_id, permit.applicant_id)
    return PermitActions(
        decide=committee and permit.status == Status.APPLICATION,
        amend=lead and granting,
        decide_amendments=committee and granting and any(
            a.status == "pending" for a in permit.amendments),
        revoke=committee and granting)


# -- form input ------------------------------------------------------------------------------

def lines(text: str | None) -> list[str]:
    """Non-empty lines (or comma-separated items) of a textarea."""
    out = []
    for line in (text or "").replace(",", "\n").splitlines():
        if line.strip():
            out.append(line.strip())
    return out


def parse_datasets(text: str | None) -> list[dict]:
    """One dataset a line: its catalogue identifier (no spaces), then optionally the variables
    covered, separated by spaces or commas (``ds-labs hba1c, ldl``); none listed means all."""
    out = []
    for line in (text or "").splitlines():
        words = line.replace(",", " ").split()
        if words:
            out.append({"identifier": words[0], "variables": words[1:] or None})
    return out


def parse_date(field_name: str, value: str | None, required: bool = True) -> datetime | None:
    """A date from an ``<input type=date>`` as midnight UTC; SpeError naming the field."""
    value = (value or "").strip()
    if not value:
        if required:
            raise SpeError(field_name, "a date is required (YYYY-MM-DD)")
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        raise SpeError(field_name, f"{value!r} is not a date (YYYY-MM-DD)") from None


# -- the vault -------------------------------------------------------------------------------

def vault_dataset_names(settings, slug: str) -> list[str]:
    """Catalogue identifiers of the datasets the vault holds for project ``slug``: names only.

    With a master key configured the manifests are authenticated; without one their names are
    read as the catalogue link does (kimed.spe.vault.catalogue), so the page works on a Portal
    that runs without the key.
    """
    from kimed.spe.vault import Vault
    from kimed.spe.vault.errors import VaultError
    from kimed.spe.vault.layout import dataset_dirname, vault_root
    from kimed.spe.vault.metadata import MANIFEST_FORMAT

    try:
        return sorted(m.dataset for m in Vault.from_settings(settings).datasets(slug))
    except VaultError:
        pass
    base = vault_root(settings.data_dir) / slug / "datasets"
    names = set()
    for path in sorted(base.glob("ds-*/manifest.json")) if base.is_dir() else []:
        try:
            doc = json.loads(path.read_bytes())
        except (ValueError, OSError):
            continue
        name = doc.get("dataset")
        if (doc.get("format") == MANIFEST_FORMAT and doc.get("project") == slug
                and isinstance(name, str) and dataset_dirname(name) == path.parent.name):
            names.add(name)
    return sorted(names)


# -- the audit log ---------------------------------------------------------------------------

@dataclass
class AuditFilter:
    actor: str = ""
    action: str = ""
    object: str = ""
    date_from: str = ""
    date_to: str = ""
    page: int = 1
    errors: dict[str, str] = field(default_factory=dict)

    def params(self) -> dict[str, str]:
        return {k: v for k, v in (("actor", self.actor), ("action", self.action),
                                  ("object", self.object), ("date_from", self.date_from),
                                  ("date_to", self.date_to)) if v}


def audit_page(session: Session, chosen: AuditFilter) -> tuple[list[audit.AuditEntry], int]:
    """One page of entries (newest first) matching the filter, and how many match in all.

    ``actor`` is matched exactly, ``action`` as a prefix (``permit.`` finds every permit event),
    ``object`` as a substring, and the dates (UTC, inclusive) bound the entry's time.
    """
    query = sa.select(audit.AuditEntry)
    if chosen.actor:
        query = query.where(audit.AuditEntry.actor == chosen.actor)
    if chosen.action:
        query = query.where(audit.AuditEntry.action.startswith(chosen.action, autoescape=True))
    if chosen.object:
        query = query.where(audit.AuditEntry.object.contains(chosen.object, autoescape=True))
    for name, shift in (("date_from", 0), ("date_to", 1)):
        value = getattr(chosen, name)
        if not value:
            continue
        try:
            moment = parse_date(name, value) + timedelta(days=shift)
        except SpeError as exc:
            chosen.errors[name] = exc.rule
            continue
        column = audit.AuditEntry.ts
        query = query.where(column >= moment if shift == 0 else column < moment)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(audit.AuditEntry.seq.desc())
                           .offset((chosen.page - 1) * AUDIT_PAGE_SIZE).limit(AUDIT_PAGE_SIZE))
    return list(rows), total


def audit_zip(session: Session) -> tuple[bytes, dict]:
    """The audit export (audit.jsonl and manifest.json, as kimed.spe.audit.export writes them)
    packed in one zip, and the manifest."""
    with tempfile.TemporaryDirectory(prefix="kimed-audit-") as tmp:
        manifest = audit.export(session, tmp)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in (audit.LOG_FILE, audit.MANIFEST_FILE):
                archive.write(Path(tmp) / name, name)
    return buffer.getvalue(), manifest
