"""The SPE audit log: append-only and hash-chained, so that tampering shows.

Each entry has a sequence number ``seq`` (1, 2, 3, ... without gaps), a UTC time, the actor, an
action (``login``, ``permit.apply``, ``role.grant``, ...), the object acted on, a JSON ``details``
object, the previous entry's hash ``prev_hash`` (64 zeros for the first) and its own ``hash``: the
SHA-256 of the canonical JSON of all the other fields (:func:`canonical`). :func:`verify` walks the
chain and names the first entry that is missing, changed, out of place or not linked to the one
before it.

Retention: access logs are kept for at least one year (:data:`RETENTION_MIN_DAYS`, EHDS Art. 73
and our operating rules); the application never deletes or changes an entry. This module offers no
function to do so, the ORM refuses updates and deletes of :class:`AuditEntry`, and triggers of
migration 0007 refuse them in the database. Pruning after the retention period is a deliberate
act of the database operator on an exported, verified log, outside this application.

A hash chain alone cannot stop someone with write access to the database who rewrites the whole
chain from some entry on. Exports (:func:`export`) are the defence: auditors keep the manifest's
head hash, and ``verify(session, reference=EXPORT_DIR)`` checks that the database still holds
exactly the exported entries.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from kimed.accounts.models import User, UTCDateTime, utcnow
from kimed.db import Base
from kimed.spe.errors import SpeError

GENESIS = "0" * 64
RETENTION_MIN_DAYS = 365
FORMAT = "kimed-spe-audit/1"
LOG_FILE = "audit.jsonl"
MANIFEST_FILE = "manifest.json"
_PG_LOCK_KEY = 73_0007  # serialises appends on PostgreSQL (pg_advisory_xact_lock)
FIELDS = ("seq", "ts", "actor", "action", "object", "details", "prev_hash")


class AuditEntry(Base):
    """One audit log entry; never updated or deleted once written."""

    __tablename__ = "spe_audit"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    ts: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(sa.String(128))
    action: Mapped[str] = mapped_column(sa.String(64))
    object: Mapped[str] = mapped_column(sa.String(512), default="")
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "ts": _iso(self.ts), "actor": self.actor,
                "action": self.action, "object": self.object, "details": self.details,
                "prev_hash": self.prev_hash, "hash": self.hash}


class AuditImmutable(SpeError):
    def __init__(self, operation: str) -> None:
        super().__init__("audit", f"entries are append-only; {operation} is refused "
                         f"(kept at least {RETENTION_MIN_DAYS} days)",
                         "EHDS Art. 73(1); KIM-TEC-LOG-003 (tamper-evident, kept >= 1 year)")


@sa.event.listens_for(AuditEntry, "before_update")
def _refuse_update(_mapper, _connection, _target) -> None:
    raise AuditImmutable("update")


@sa.event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(_mapper, _connection, _target) -> None:
    raise AuditImmutable("delete")


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(entry: dict[str, Any]) -> bytes:
    """The bytes that are hashed: the fields of FIELDS as sorted, compact UTF-8 JSON."""
    body = {name: entry[name] for name in FIELDS}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def entry_hash(entry: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


def jsonable(value: Any) -> Any:
    """``value`` after a JSON round trip: what a JSON column gives back (datetimes as text)."""
    return json.loads(json.dumps(value, default=str, allow_nan=False))


def actor_name(actor: User | str) -> str:
    name = actor.username if isinstance(actor, User) else str(actor)
    if not name.strip():
        raise SpeError("actor", "every audit entry names who acted (a username or 'system')")
    return name[:128]


def record(session: Session, actor: User | str, action: str, object: str = "",
           details: dict[str, Any] | None = None) -> AuditEntry:
    """Append one entry and return it (flushed, not committed: it commits with the caller's work).

    This is also the hook for logins: ``record(session, user, "login", details={"via": "web"})``.
    ``ts`` is always the clock's time of writing: an entry cannot be back- or forward-dated.
    """
    if not action or len(action) > 64:
        raise SpeError("action", "an audit action is 1 to 64 characters, e.g. 'permit.apply'")
    # A JSON round trip stores exactly what was hashed (datetimes and the like become strings).
    details = jsonable(details or {})
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    head = session.execute(sa.select(AuditEntry.seq, AuditEntry.hash)
                           .order_by(AuditEntry.seq.desc()).limit(1)).first()
    moment = utcnow()
    fields = {"seq": head.seq + 1 if head else 1, "ts": _iso(moment),
              "actor": actor_name(actor), "action": action, "object": str(object)[:512],
              "details": details, "prev_hash": head.hash if head else GENESIS}
    entry = AuditEntry(seq=fields["seq"], ts=moment, actor=fields["actor"], action=action,
                       object=fields["object"], details=details, prev_hash=fields["prev_hash"],
                       hash=entry_hash(fields))
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class Verification:
    """The outcome of a check: ``first_bad_seq`` and ``problem`` say where and why it broke."""

    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None = None
    problem: str | None = None

    def __bool__(self) -> bool:
        return self.ok

    def describe(self) -> str:
        if self.ok:
            return (f"audit log intact: {self.entries} entries, head seq {self.head_seq}, "
                    f"hash {self.head_hash}")
        return f"audit log broken at seq {self.first_bad_seq}: {self.problem}"


def verify_entries(entries: Iterable[dict[str, Any]],
                   reference: dict[int, str] | None = None) -> Verification:
    """Check a sequence of entries (dicts, ordered by seq) as they were stored or exported.

    ``reference`` maps seq to hash from an earlier export; each of those entries must still be
    there with the same hash.
    """
    expected, prev, count = 1, GENESIS, 0

    def broken(seq: int, problem: str) -> Verification:
        return Verification(False, count, expected - 1, prev, seq, problem)

    for entry in entries:
        seq = entry["seq"]
        if seq != expected:
            if seq > expected:
                return broken(expected, f"entry {expected} is missing (the log goes on with "
                              f"entry {seq}): an entry was deleted or renumbered")
            return broken(seq, f"entry {seq} appears again or out of order after {expected - 1}")
        if entry_hash(entry) != entry["hash"]:
            return broken(seq, "its content does not match its hash: the entry was changed, "
                          "renumbered or forged")
        if entry["prev_hash"] != prev:
            return broken(seq, f"prev_hash does not match the hash of entry {seq - 1}: an entry "
                          "was inserted, replaced or reordered")
        if reference is not None and seq in reference and reference[seq] != entry["hash"]:
            return broken(seq, "differs from the exported reference copy: the chain was "
                          "rewritten from here on")
        prev, expected, count = entry["hash"], expected + 1, count + 1
    if reference:
        last = max(reference)
        if last >= expected:
            return broken(expected, f"the reference export holds entries up to {last}, the "
                          f"log ends at {expected - 1}: entries were removed from the end")
    return Verification(True, count, expected - 1, prev)


def _stored(session: Session) -> Iterator[dict[str, Any]]:
    query = sa.select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=500)
    for entry in session.scalars(query):
        yield entry.to_dict()


def verify(session: Session, reference: str | Path | None = None) -> Verification:
    """Walk the stored chain; with ``reference`` (an export folder), compare against it too."""
    hashes = None
    if reference is not None:
        hashes = {e["seq"]: e["hash"] for e in _read_export(Path(reference))[1]}
    return verify_entries(_stored(session), hashes)


def tail(session: Session, count: int = 20) -> list[AuditEntry]:
    """The newest ``count`` entries, oldest first."""
    rows = session.scalars(sa.select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(count))
    return list(reversed(list(rows)))


def entries(session: Session, action: str | None = None, object: str | None = None,
            limit: int | None = None) -> list[AuditEntry]:
    """Entries in order, optionally only one action and/or object."""
    query = sa.select(AuditEntry).order_by(AuditEntry.seq)
    if action:
        query = query.where(AuditEntry.action == action)
    if object:
        query = query.where(AuditEntry.object == object)
    return list(session.scalars(query.limit(limit)))


def export(session: Session, folder: str | Path) -> dict[str, Any]:
    """Write the whole log to ``folder``/audit.jsonl plus manifest.json, after verifying it.

    The manifest records the count, the head seq and hash and the file's SHA-256; an auditor keeps
    it (or just the head hash) to check later that nothing before it was rewritten.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with (folder / LOG_FILE).open("wb") as out:
        for entry in _stored(session):
            line = json.dumps(entry, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n"
            digest.update(line)
            out.write(line)
    check = verify_entries(_read_lines(folder / LOG_FILE))
    manifest = {"format": FORMAT, "algorithm": "sha256(canonical JSON of seq, ts, actor, action, "
                "object, details, prev_hash)", "genesis_prev_hash": GENESIS,
                "exported_at": _iso(utcnow()), "entries": check.entries,
                "head_seq": check.head_seq, "head_hash": check.head_hash,
                "verified": check.ok, "problem": check.problem, "file": LOG_FILE,
                "file_sha256": digest.hexdigest(), "retention_min_days": RETENTION_MIN_DAYS}
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def _read_lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("r", encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise SpeError(str(path), f"line {number} is not JSON ({exc.msg})") from None


def _read_export(folder: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    manifest_path = folder / MANIFEST_FILE
    if not manifest_path.is_file():
        raise SpeError("export", f"{manifest_path} not found: an audit export is a folder with "
                       f"{LOG_FILE} and {MANIFEST_FILE}")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return manifest, list(_read_lines(folder / manifest.get("file", LOG_FILE)))


def verify_export(folder: str | Path) -> Verification:
    """Check an export on its own: the file's checksum, the chain, and the manifest's head."""
    folder = Path(folder)
    manifest, rows = _read_export(folder)
    data = (folder / manifest.get("file", LOG_FILE)).read_bytes()
    result = verify_entries(rows)
    if not result.ok:
        return result
    if (result.head_seq, result.head_hash) != (manifest.get("head_seq"),
                                               manifest.get("head_hash")):
        return Verification(False, result.entries, result.head_seq, result.head_hash,
                            result.head_seq + 1, "the file ends before the manifest's head "
                            f"(seq {manifest.get('head_seq')}): entries were cut off")
    if hashlib.sha256(data).hexdigest() != manifest.get("file_sha256"):
        return Verification(False, result.entries, result.head_seq, result.head_hash, None,
                            "the file's SHA-256 differs from the manifest's file_sha256")
    return result
