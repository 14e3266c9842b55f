"""API tokens for scripts, and web sessions for browsers.

Both are random secrets handed out once. Only the SHA-256 digest of the plaintext is stored, so
a copy of the database does not let anyone in. A token looks like ``kimed_<43 characters>``; the
first characters after the underscore are kept as ``prefix`` to recognise it in listings.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kimed.accounts.models import ApiToken, User, WebSession, utcnow
from kimed.accounts.validation import AccountError, UnknownToken, UnknownUser, check_token_name

TOKEN_PREFIX = "kimed_"
PREFIX_CHARS = 8
DEFAULT_SESSION_LIFETIME = timedelta(hours=12)


def digest(plaintext: str) -> str:
    """The stored form of a token or session key: SHA-256, hex."""
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def _owner(session: Session, user: User | str) -> User:
    if isinstance(user, User):
        return user
    found = session.scalar(sa.select(User).where(User.username == user))
    if found is None:
        raise UnknownUser(user)
    return found


def _expiry(expires: datetime | timedelta | None, now: datetime) -> datetime | None:
    if expires is None:
        return None
    if isinstance(expires, timedelta):
        expires = now + expires
    if expires.tzinfo is None:
        raise AccountError("expires", "must carry a time zone (UTC is stored)")
    if expires <= now:
        raise AccountError("expires", "must lie in the future")
    return expires


def issue_token(
    session: Session,
    user: User | str,
    name: str,
    expires: datetime | timedelta | None = None,
) -> tuple[str, ApiToken]:
    """A new token for ``user``: (plaintext, stored row). The plaintext is never seen again.

    ``expires`` is a moment, a lifetime from now, or None for a token that lives until revoked.
    """
    now = utcnow()
    name = check_token_name(name)
    expires_at = _expiry(expires, now)
    owner = _owner(session, user)
    secret = secrets.token_urlsafe(32)
    plaintext = TOKEN_PREFIX + secret
    token = ApiToken(user_id=owner.id, user=owner, name=name, token_hash=digest(plaintext),
                     prefix=secret[:PREFIX_CHARS], created_at=now, expires_at=expires_at)
    session.add(token)
    session.flush()
    return plaintext, token


def verify_token(session: Session, plaintext: str) -> User | None:
    """The active user a valid token belongs to; None when unknown, expired or revoked."""
    if not isinstance(plaintext, str) or not plaintext.startswith(TOKEN_PREFIX):
        return None
    token = session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == digest(plaintext)))
    now = utcnow()
    if token is None or token.state(now) != "active" or not token.user.is_active:
        return None
    token.last_used_at = now
    session.flush()
    return token.user


def list_tokens(session: Session, user: User | str) -> list[ApiToken]:
    """The tokens of ``user``, newest first, including expired and revoked ones."""
    owner = _owner(session, user)
    query = sa.select(ApiToken).where(ApiToken.user_id == owner.id).order_by(
        ApiToken.created_at.desc(), ApiToken.id.desc())
    return list(session.scalars(query))


def revoke_token(session: Session, token: ApiToken | int) -> ApiToken:
    """Revoke a token by row or id; revoking twice keeps the first time."""
    if not isinstance(token, ApiToken):
        found = session.get(ApiToken, token)
        if found is None:
            raise UnknownToken(token)
        token = found
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
    return token


def open_web_session(
    session: Session, user: User, lifetime: timedelta = DEFAULT_SESSION_LIFETIME
) -> tuple[str, WebSession]:
    """A login for a browser: (cookie value, stored row)."""
    now = utcnow()
    plaintext = secrets.token_urlsafe(32)
    row = WebSession(user_id=user.id, user=user, session_hash=digest(plaintext),
                     created_at=now, expires_at=now + lifetime)
    session.add(row)
    session.flush()
    return plaintext, row


def user_for_web_session(session: Session, plaintext: str) -> User | None:
    """The active user of a live web session, or None."""
    if not plaintext:
        return None
    row = session.scalar(sa.select(WebSession).where(WebSession.session_hash == digest(plaintext)))
    if row is None or row.expires_at <= utcnow() or not row.user.is_active:
        return None
    return row.user


def close_web_session(session: Session, plaintext: str) -> bool:
    """Log out: delete the web session. Whether there was one."""
    result = session.execute(
        sa.delete(WebSession).where(WebSession.session_hash == digest(plaintext or "")))
    return bool(result.rowcount)
