"""API tokens and web sessions on both databases: only hashes are stored; expiry and revoking."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from kimed.accounts.models import ApiToken, WebSession, utcnow
from kimed.accounts.service import (
    AccountError,
    close_web_session,
    create_user,
    issue_token,
    list_tokens,
    open_web_session,
    revoke_token,
    set_active,
    user_for_web_session,
    verify_token,
)
from kimed.accounts.validation import UnknownToken

from .conftest import PASSWORD


@pytest.fixture
def alice(db):
    with db.session() as s:
        create_user(s, "root", "root@example.org", PASSWORD, role="admin")
        return create_user(s, "alice", "alice@example.org", PASSWORD, role="reader")


def _raw_rows(db, table: str) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(f"select * from {table}"))]


def test_issue_and_verify(db, alice):
    with db.session() as s:
        plaintext, token = issue_token(s, "alice", "nightly import", timedelta(days=30))
    assert plaintext.startswith("kimed_") and len(plaintext) > 40
    with db.session() as s:
        user = verify_token(s, plaintext)
        assert user is not None and user.username == "alice"
        assert verify_token(s, plaintext + "x") is None
        assert verify_token(s, "kimed_" + "A" * 43) is None
        assert verify_token(s, "") is None
        [listed] = list_tokens(s, "alice")
        assert listed.name == "nightly import" and listed.state() == "active"
        assert listed.last_used_at is not None


def test_only_the_hash_is_stored(db, alice):
    with db.session() as s:
        plaintext, token = issue_token(s, "alice", "script")
    [row] = _raw_rows(db, "api_tokens")
    assert not any(plaintext in str(value) for value in row)
    assert not any(plaintext[len("kimed_"):] in str(value) for value in row)
    assert hashlib.sha256(plaintext.encode()).hexdigest() in row
    assert token.expires_at is None


def test_expired_token_is_refused(db, alice):
    with db.session() as s:
        plaintext, token = issue_token(s, "alice", "short-lived", timedelta(hours=1))
    with db.session() as s:
        s.get(ApiToken, token.id).expires_at = utcnow() - timedelta(seconds=1)
    with db.session() as s:
        assert verify_token(s, plaintext) is None
        assert list_tokens(s, "alice")[0].state() == "expired"


def test_revoked_token_is_refused(db, alice):
    with db.session() as s:
        plaintext, token = issue_token(s, "alice", "to revoke")
    with db.session() as s:
        first = revoke_token(s, token.id).revoked_at
        assert revoke_token(s, token.id).revoked_at == first
    with db.session() as s:
        assert verify_token(s, plaintext) is None
        assert list_tokens(s, "alice")[0].state() == "revoked"
        with pytest.raises(UnknownToken) as info:
            revoke_token(s, 999)
        assert info.value.field == "token"


def test_disabled_users_tokens_are_refused(db, alice):
    with db.session() as s:
        plaintext, _ = issue_token(s, "alice", "script")
        set_active(s, "alice", False)
    with db.session() as s:
        assert verify_token(s, plaintext) is None


@pytest.mark.parametrize(("name", "expires", "field"), [
    ("", None, "name"),
    ("x" * 101, None, "name"),
    ("ok", timedelta(seconds=-1), "expires"),
    ("ok", datetime(2020, 1, 1, tzinfo=UTC), "expires"),
    ("ok", datetime(2999, 1, 1), "expires"),  # no time zone
])
def test_bad_token_input_names_field(db, alice, name, expires, field):
    with pytest.raises(AccountError) as info, db.session() as s:
        issue_token(s, "alice", name, expires)
    assert info.value.field == field
    assert _raw_rows(db, "api_tokens") == []


def test_web_sessions(db, alice):
    with db.session() as s:
        cookie, row = open_web_session(s, alice)
    assert not any(cookie in str(value) for value in _raw_rows(db, "web_sessions")[0])
    with db.session() as s:
        assert user_for_web_session(s, cookie).username == "alice"
        assert user_for_web_session(s, "nope") is None
        s.get(WebSession, row.id).expires_at = utcnow() - timedelta(seconds=1)
    with db.session() as s:
        assert user_for_web_session(s, cookie) is None
        assert close_web_session(s, cookie)
        assert not close_web_session(s, cookie)
