"""Deleting a permit's data when its deletion falls due (EHDS Art. 68; KIM-GOV-RET-003).

``purge_due`` takes every ended permit whose ``deletion_due_at`` has passed and whose deletion is
not yet recorded (``permits.pending_deletions``). For each, it deletes from the vault the
datasets no other active permit of the project still covers, and, when the project has no active
permit left, the project's job outputs and logs and any decrypted inputs left behind. It then
reports the deletion (``permits.record_deletion``) and writes ``spe.purge`` to the audit log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kimed.accounts.models import User, utcnow
from kimed.spe import audit, permits
from kimed.spe.errors import SpeError
from kimed.spe.job_files import project_area, remove_tree, work_dir
from kimed.spe.permit_contents import GRANTING

RETENTION = "EHDS Art. 68; KIM-GOV-RET-003 (all copies deleted within six months of permit end)"


def purge_due(session: Session, now: datetime | None = None, *, actor: User | str = "system",
              vault: Any = None, settings: Any = None) -> list[dict[str, Any]]:
    """Delete the data of every permit whose deletion is due; one report per permit."""
    from kimed.spe.job_models import SpeJob
    from kimed.spe.vault import Vault, VaultError, VaultNotFound

    now = now or utcnow()
    if settings is None:
        from kimed.settings import get_settings

        settings = get_settings()
    reports = []
    for permit in permits.pending_deletions(session, at=now):
        if permit.deletion_due_at > now:
            continue
        project = permit.project
        others = [p for p in project.permits if p.id != permit.id and p.status in GRANTING]
        still_covered = {d.dataset_identifier for p in others for d in p.datasets}
        deleted, absent = [], []
        for scope in permit.datasets:
            identifier = scope.dataset_identifier
            if identifier in still_covered:
                continue
            try:
                vault = vault if vault is not None else Vault.from_settings(settings)
                vault.delete(project.slug, identifier)
                deleted.append(identifier)
            except VaultNotFound:
                absent.append(identifier)
            except VaultError as exc:
                raise SpeError("vault", f"could not delete {identifier} of project "
                               f"{project.slug}: {exc}", RETENTION) from None
        outputs_deleted = False
        if not others:
            for job in session.query(SpeJob).filter(SpeJob.project_id == project.id):
                remove_tree(work_dir(settings.data_dir, job.id))
            outputs_deleted = remove_tree(project_area(settings.data_dir, project.slug))
        report = {"permit": permit.id, "project": project.slug, "datasets_deleted": deleted,
                  "datasets_not_held": absent, "kept_for_other_permits": sorted(
                      still_covered & {d.dataset_identifier for d in permit.datasets}),
                  "outputs_deleted": outputs_deleted}
        permits.record_deletion(session, actor, permit, report, at=now)
        audit.record(session, actor, "spe.purge", f"permit:{permit.id}", report)
        reports.append(report)
    return reports
