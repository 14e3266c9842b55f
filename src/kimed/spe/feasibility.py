"""Feasibility counts: how many individuals of a vault-held dataset match a profile, released only
under disclosure control.

``count(session, user, dataset, criteria)`` runs the ``cohort-count`` pipeline as an SPE job on
the vault copy of the dataset and answers with a released value, never the raw count:

* **Who runs the job.** The feasibility service itself (audit actor ``system``), not the person
  asking: no data permit is needed, because nothing but a disclosure-controlled number leaves the
  SPE. The configuration allows it (``KIMED_SPE_FEASIBILITY_RATE`` > 0), and only this one
  pipeline, whose raw output is read here and deleted with the job's directories.
* **Who may ask.** An active account that is a portal admin or holds one of the SPE roles in
  :data:`ASKING_ROLES`.
* **Disclosure control.** A count at or below ``KIMED_SPE_FEASIBILITY_MIN`` (7) is suppressed
  ("fewer than 8"); a larger one is rounded to the nearest multiple of
  ``KIMED_SPE_FEASIBILITY_ROUND`` (5), and never down to the minimum or below.
* **Rate limit.** ``KIMED_SPE_FEASIBILITY_RATE`` (20) queries per account per hour, counted from
  the audit log; the next one is refused with a message naming the limit.
* **Audit and cache.** Each answer is audited as ``feasibility.count`` with the actor, the
  dataset, the criteria and their digest, the data version and the released value. The audit log
  is also the cache: the same criteria on the same data version get the answer released first,
  so repeating a query cannot average out the rounding.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kimed.accounts.models import User
from kimed.spe import audit
from kimed.spe.errors import Forbidden, SpeError
from kimed.spe.roles import get_user, has_role

PIPELINE = "cohort-count"
ASKING_ROLES = ("data_user", "principal_investigator", "data_holder", "spe_operator",
                "access_committee")
SOURCE = "KIMed feasibility counts (docs/spe-runtime.md, 'Feasibility counts')"
WAIT_SECONDS = 120.0


@dataclass(frozen=True)
class Criteria:
    """What a feasibility count asks: age bounds, sex and condition codes (any of them)."""

    age_min: int | None = None
    age_max: int | None = None
    sex: str = "any"
    concept_ids: tuple[int, ...] = ()
    source_codes: tuple[str, ...] = ()
    source_prefixes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    def digest(self) -> str:
        canonical = {k: sorted(v) if isinstance(v, list) else v
                     for k, v in self.as_dict().items()}
        return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Release:
    """What leaves the SPE: a rounded count, or the statement that it is below the threshold."""

    dataset: str
    value: int | None
    threshold: int
    """Suppressed counts are "fewer than" this (the minimum + 1)."""
    rounded_to: int
    cached: bool = field(default=False, compare=False)

    @property
    def suppressed(self) -> bool:
        return self.value is None

    @property
    def text(self) -> str:
        return f"fewer than {self.threshold}" if self.value is None else str(self.value)

    def record(self) -> dict[str, Any]:
        return {"value": self.value, "threshold": self.threshold, "rounded_to": self.rounded_to,
                "text": self.text}


def disclose(raw: int, minimum: int, base: int) -> int | None:
    """The released value of ``raw``: None at or below ``minimum``, else rounded to ``base``."""
    if raw <= minimum:
        return None
    rounded = (raw + base // 2) // base * base
    floor = (minimum // base + 1) * base  # the smallest multiple of base above the minimum
    return max(rounded, floor)


def may_ask(session: Session, user: User | str) -> bool:
    """Whether ``user`` may ask for feasibility counts (see the module text)."""
    try:
        account = get_user(session, user)
    except SpeError:
        return False
    return account.is_active and (account.role == "admin" or has_role(session, account,
                                                                       *ASKING_ROLES))


def _refuse(session: Session, actor: str, dataset: str, error: SpeError) -> SpeError:
    audit.record(session, actor or "unknown", "feasibility.refused", f"dataset:{dataset}",
                 {"field": error.field, "reason": error.rule})
    session.commit()
    return error


def _queries_last_hour(session: Session, actor: str, now: datetime) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(audit.AuditEntry).where(
        audit.AuditEntry.action == "feasibility.count", audit.AuditEntry.actor == actor,
        audit.AuditEntry.ts > now - timedelta(hours=1))) or 0


def _cached(session: Session, dataset: str, digest: str, version: str) -> dict | None:
    for entry in reversed(audit.entries(session, "feasibility.count", f"dataset:{dataset}")):
        details = entry.details or {}
        if details.get("criteria_digest") == digest and details.get("data_version") == version:
            return details
    return None


def _data_version(manifest: Any) -> str:
    lines = "".join(f"{f.sha256}  {f.name}\n" for f in sorted(manifest.files, key=lambda f: f.name))
    return hashlib.sha256(lines.encode()).hexdigest()


def count(session: Session, user: User | str, dataset: str, criteria: Criteria, *,
          settings: Any = None, executor: Any = None, vault: Any = None,
          now: datetime | None = None) -> Release:
    """Count the individuals of ``dataset`` matching ``criteria``; the disclosure-controlled
    answer. Refusals raise an :class:`SpeError` (audited as ``feasibility.refused``)."""
    from kimed.settings import get_settings
    from kimed.spe.vault import Vault, VaultError

    settings = settings or get_settings()
    now = now or datetime.now(UTC)
    name = user.username if isinstance(user, User) else str(user)
    if not may_ask(session, user):
        raise _refuse(session, name, dataset, Forbidden(
            "user", f"{name} may not ask for feasibility counts: only active portal admins and "
            f"holders of the SPE roles {', '.join(ASKING_ROLES)} may", SOURCE))
    limit = settings.spe_feasibility_rate
    if limit <= 0:
        raise _refuse(session, name, dataset, SpeError(
            "dataset", "feasibility counts are switched off (KIMED_SPE_FEASIBILITY_RATE=0)",
            SOURCE))
    if _queries_last_hour(session, name, now) >= limit:
        raise _refuse(session, name, dataset, SpeError(
            "rate", f"rate limit reached: {limit} feasibility queries per hour per account "
            "(KIMED_SPE_FEASIBILITY_RATE); try again later", SOURCE))
    try:
        vault = vault if vault is not None else Vault.from_settings(settings)
        manifest = next((m for m in vault.datasets() if m.dataset == dataset), None)
    except VaultError as exc:
        raise _refuse(session, name, dataset, SpeError(
            "dataset", f"the SPE vault cannot be read: {exc}", SOURCE)) from None
    if manifest is None:
        raise _refuse(session, name, dataset, SpeError(
            "dataset", f"{dataset} is not held in the KIMed SPE vault", SOURCE))
    minimum, base = settings.spe_feasibility_min, settings.spe_feasibility_round
    digest, version = criteria.digest(), _data_version(manifest)
    details: dict[str, Any] = {"project": manifest.project, "criteria": criteria.as_dict(),
                               "criteria_digest": digest, "data_version": version}
    hit = _cached(session, dataset, digest, version)
    if hit is not None:
        released = hit["released"]
        release = Release(dataset, released["value"], released["threshold"],
                          released["rounded_to"], cached=True)
        details.update(reference_date=hit.get("reference_date"), job=hit.get("job"))
    else:
        reference = now.date().isoformat()
        try:
            raw, job_id = _run(settings, executor, vault, manifest, criteria, reference)
        except SpeError as exc:
            raise _refuse(session, name, dataset, exc) from None
        release = Release(dataset, disclose(raw, minimum, base), minimum + 1, base)
        details.update(reference_date=reference, job=job_id)
    audit.record(session, name, "feasibility.count", f"dataset:{dataset}",
                 {**details, "released": release.record(), "cached": release.cached})
    session.commit()
    return release


def _service_permission(user: Any, project: str, dataset: str, at: Any = None) -> bool:
    """The vault's permission check for the feasibility service: allowed by configuration."""
    from kimed.settings import get_settings

    return user == "system" and get_settings().spe_feasibility_rate > 0


def _run(settings: Any, executor: Any, vault: Any, manifest: Any, criteria: Criteria,
         reference: str) -> tuple[int, str]:
    """Run cohort-count on the vault copy; return the raw count (it stays in this process) and
    the job id. The decrypted inputs and the raw output are removed whatever happens."""
    from kimed.spe.executors import Job
    from kimed.spe.job_files import make_read_only, remove_tree, work_dir
    from kimed.spe.jobs import default_executor

    executor = executor if executor is not None else default_executor()
    job_id = f"feasibility-{uuid.uuid4().hex}"
    work = work_dir(settings.data_dir, job_id)
    inputs, output = work / "inputs", work / "output"
    params = {"reference_date": reference,
              **{k: v for k, v in criteria.as_dict().items() if v is not None}}
    try:
        vault.open_for_job(manifest.project, manifest.dataset, inputs / "data", user="system",
                           permission=_service_permission)
        make_read_only(inputs)
        output.mkdir(parents=True)
        record = executor.submit(Job(project=manifest.project, pipeline=PIPELINE, inputs=inputs,
                                     output=output, params=params, id=job_id))
        state = record.wait(WAIT_SECONDS)
        if state.value != "succeeded":
            executor.cancel(job_id)
            raise SpeError("job", f"the counting job ended {state.value}: {record.message}",
                           SOURCE)
        return int(json.loads(Path(output / "count.json").read_text())["count"]), job_id
    except SpeError:
        raise
    except Exception as exc:  # vault, sandbox, halt, pipeline: no count, and say why
        raise SpeError("job", f"the count could not be made: {exc}", SOURCE) from None
    finally:
        remove_tree(work)
