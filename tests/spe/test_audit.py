"""The audit log on both databases: hash chain, append-only guards, tampering found, export."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from kimed.accounts.models import User
from kimed.spe import audit
from kimed.spe.audit import GENESIS, AuditEntry, AuditImmutable, entry_hash

N = 6


@pytest.fixture
def logged(spe_db):
    """A log of N entries (seq 1..N) with varied details."""
    with spe_db.session() as session:
        for i in range(1, N + 1):
            audit.record(session, f"user{i}", "test.event", f"object:{i}",
                         {"i": i, "text": "Grüße", "nested": {"ok": i % 2 == 0}})
    return spe_db


def verify(db, **kwargs):
    with db.session() as session:
        return audit.verify(session, **kwargs)


def drop_guards(db) -> None:
    """What an attacker with database rights does first: remove the append-only triggers."""
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(sa.text("DROP TRIGGER spe_audit_append_only ON spe_audit"))
        else:
            conn.execute(sa.text("DROP TRIGGER spe_audit_no_update"))
            conn.execute(sa.text("DROP TRIGGER spe_audit_no_delete"))


def raw(db, sql: str, **params) -> None:
    with db.engine.begin() as conn:
        conn.execute(sa.text(sql), params)


def row(db, seq: int) -> dict:
    with db.session() as session:
        return session.get(AuditEntry, seq).to_dict()


def test_entries_form_a_hash_chain(logged):
    with logged.session() as session:
        entries = [e.to_dict() for e in audit.entries(session)]
    assert [e["seq"] for e in entries] == list(range(1, N + 1))
    assert entries[0]["prev_hash"] == GENESIS
    for before, entry in zip(entries, entries[1:], strict=False):
        assert entry["prev_hash"] == before["hash"]
    assert all(entry_hash(e) == e["hash"] for e in entries)
    result = verify(logged)
    assert result.ok and result.entries == N and result.head_hash == entries[-1]["hash"]
    assert "intact" in result.describe()


def test_login_hook_and_tail(spe_db):
    with spe_db.session() as session:
        user = User(username="lena", email="l@example.org", password_hash="!", role="reader")
        session.add(user)
        session.flush()
        audit.record(session, user, "login", details={"via": "web", "ip": "10.0.0.1"})
        audit.record(session, "system", "test.other")
        (login,) = audit.entries(session, action="login")
        assert login.actor == "lena" and login.details == {"via": "web", "ip": "10.0.0.1"}
        assert [e.action for e in audit.tail(session, 1)] == ["test.other"]
        with pytest.raises(Exception, match="actor"):
            audit.record(session, " ", "login")


def test_append_only_in_the_orm_and_the_database(logged):
    with pytest.raises(AuditImmutable, match="append-only; delete is refused"), \
            logged.session() as session:
        session.delete(session.get(AuditEntry, 2))
        session.flush()
    with pytest.raises(AuditImmutable, match="update is refused"), logged.session() as session:
        session.get(AuditEntry, 2).actor = "someone else"
        session.flush()
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        raw(logged, "DELETE FROM spe_audit WHERE seq = 2")
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        raw(logged, "UPDATE spe_audit SET actor = 'x' WHERE seq = 2")
    assert not any(hasattr(audit, name) for name in ("delete", "prune", "purge", "truncate"))
    assert verify(logged).ok


def test_changed_details_value_is_detected(logged):
    drop_guards(logged)
    details = dict(row(logged, 3)["details"], text="Hallo")
    cast = "CAST(:d AS json)" if logged.engine.dialect.name == "postgresql" else ":d"
    raw(logged, f"UPDATE spe_audit SET details = {cast} WHERE seq = 3", d=json.dumps(details))
    result = verify(logged)
    assert not result.ok and result.first_bad_seq == 3 and "changed" in result.problem
    assert result.entries == 2


def test_deleted_entry_is_detected(logged):
    drop_guards(logged)
    raw(logged, "DELETE FROM spe_audit WHERE seq = 4")
    result = verify(logged)
    assert not result.ok and result.first_bad_seq == 4 and "missing" in result.problem


def test_swapped_entries_are_detected(logged):
    drop_guards(logged)
    raw(logged, "UPDATE spe_audit SET seq = -1 WHERE seq = 2")
    raw(logged, "UPDATE spe_audit SET seq = 2 WHERE seq = 5")
    raw(logged, "UPDATE spe_audit SET seq = 5 WHERE seq = -1")
    result = verify(logged)
    assert not result.ok and result.first_bad_seq == 2


def _insert(db, entry: dict) -> None:
    cast = "CAST(:details AS json)" if db.engine.dialect.name == "postgresql" else ":details"
    raw(db, "INSERT INTO spe_audit (seq, ts, actor, action, object, details, prev_hash, hash) "
        f"VALUES (:seq, :ts, :actor, :action, :object, {cast}, :prev_hash, :hash)",
        **{**entry, "details": json.dumps(entry["details"])})


def test_forged_entry_appended_is_detected(logged):
    head = row(logged, N)
    forged = {**head, "seq": N + 1, "actor": "mallory", "prev_hash": head["hash"],
              "hash": "f" * 64}
    _insert(logged, forged)
    result = verify(logged)
    assert not result.ok and result.first_bad_seq == N + 1


def test_forged_entry_inserted_in_the_middle_is_detected(logged):
    """A correctly hashed forgery slotted in after entry 2: the entry it displaces breaks."""
    drop_guards(logged)
    for seq in range(N, 2, -1):
        raw(logged, "UPDATE spe_audit SET seq = :new WHERE seq = :old", new=seq + 1, old=seq)
    forged = {**row(logged, 2), "seq": 3, "actor": "mallory", "prev_hash": row(logged, 2)["hash"]}
    forged["hash"] = entry_hash(forged)
    _insert(logged, forged)
    result = verify(logged)
    assert not result.ok and result.first_bad_seq == 4


def test_export_and_reverify_from_the_file(logged, tmp_path):
    with logged.session() as session:
        manifest = audit.export(session, tmp_path / "export")
    result = verify(logged)
    assert manifest["entries"] == N and manifest["head_hash"] == result.head_hash
    assert manifest["verified"] is True
    lines = (tmp_path / "export" / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["seq"] for line in lines] == list(range(1, N + 1))
    assert audit.verify_export(tmp_path / "export").ok

    tampered = [json.loads(line) for line in lines]
    tampered[1]["details"]["i"] = 99
    (tmp_path / "export" / "audit.jsonl").write_text(
        "".join(json.dumps(e) + "\n" for e in tampered), encoding="utf-8")
    broken = audit.verify_export(tmp_path / "export")
    assert not broken.ok and broken.first_bad_seq == 2

    (tmp_path / "export" / "audit.jsonl").write_text(
        "".join(line + "\n" for line in lines[:-1]), encoding="utf-8")
    cut = audit.verify_export(tmp_path / "export")
    assert not cut.ok and cut.first_bad_seq == N and "cut off" in cut.problem


def test_rewritten_chain_is_caught_by_an_earlier_export(logged, tmp_path):
    with logged.session() as session:
        audit.export(session, tmp_path / "export")
    drop_guards(logged)
    entries = [row(logged, seq) for seq in range(1, N + 1)]
    entries[1]["actor"] = "mallory"  # rewrite entry 2 and re-hash everything after it
    for i in range(1, N):
        entries[i]["prev_hash"] = entries[i - 1]["hash"]
        entries[i]["hash"] = entry_hash(entries[i])
        raw(logged, "UPDATE spe_audit SET actor = :actor, prev_hash = :prev_hash, hash = :hash "
            "WHERE seq = :seq", **{k: entries[i][k] for k in ("actor", "prev_hash", "hash",
                                                                "seq")})
    assert verify(logged).ok  # a chain without a secret can be recomputed ...
    result = verify(logged, reference=tmp_path / "export")  # ... but not the auditor's copy
    assert not result.ok and result.first_bad_seq == 2 and "reference" in result.problem


def test_removed_tail_is_caught_by_an_earlier_export(logged, tmp_path):
    with logged.session() as session:
        audit.export(session, tmp_path / "export")
    drop_guards(logged)
    raw(logged, "DELETE FROM spe_audit WHERE seq = :seq", seq=N)
    assert verify(logged).ok
    result = verify(logged, reference=tmp_path / "export")
    assert not result.ok and result.first_bad_seq == N and "removed from the end" in result.problem
