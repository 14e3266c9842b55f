"""Users, their roles and publisher bindings, and login by password.

Every function takes the caller's SQLAlchemy session and leaves committing to it (for example
``Database.session()``). Functions that change something validate all input first, so a broken
rule raises :class:`AccountError` before anything is written. API tokens and web sessions are in
kimed.accounts.tokens; their functions are re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kimed.accounts.models import User, UserPublisher, utcnow
from kimed.accounts.passwords import (
    burn_verification,
    hash_password,
    needs_rehash,
    verify_password,
)
from kimed.accounts.tokens import (
    close_web_session,
    issue_token,
    list_tokens,
    open_web_session,
    revoke_token,
    user_for_web_session,
    verify_token,
)
from kimed.accounts.validation import (
    AccountError,
    Role,
    UnknownUser,
    check_email,
    check_password,
    check_publisher_iri,
    check_role,
    check_username,
)

__all__ = [
    "AccountError", "Role", "UnknownUser", "authenticate", "bind_publisher",
    "close_web_session", "create_user", "get_user", "issue_token", "list_tokens", "list_users",
    "open_web_session", "revoke_token", "set_active", "set_password", "set_role",
    "unbind_publisher", "user_for_web_session", "verify_token",
]


def get_user(session: Session, username: str) -> User:
    """The user called ``username``; :class:`UnknownUser` when there is none."""
    user = session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise UnknownUser(username)
    return user


def _user(session: Session, user: User | str) -> User:
    return user if isinstance(user, User) else get_user(session, user)


def list_users(session: Session) -> list[User]:
    """Every account, by username, with its publisher bindings loaded."""
    return list(session.scalars(sa.select(User).order_by(User.username)))


def create_user(
    session: Session,
    username: str,
    email: str,
    password: str,
    role: str | Role = Role.READER,
    publishers: Iterable[str] = (),
    full_name: str | None = None,
) -> User:
    """A new active account. ``publishers`` (IRIs) may only be given for a data holder."""
    username = check_username(username)
    email = check_email(email)
    check_password(password, username)
    role = check_role(role)
    iris = sorted({check_publisher_iri(iri) for iri in publishers})
    if iris and role is not Role.DATA_HOLDER:
        raise AccountError(
            "publisher", f"only a data_holder account is bound to publishers, not a {role}"
        )
    if full_name is not None and len(full_name) > 200:
        raise AccountError("full_name", "must be at most 200 characters long")
    if session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise AccountError("username", f"{username!r} is already taken; nothing was written")
    user = User(username=username, email=email, full_name=full_name, role=role.value,
                password_hash=hash_password(password), is_active=True,
                publishers=[UserPublisher(publisher_iri=iri) for iri in iris])
    session.add(user)
    try:
        session.flush()
    except IntegrityError:  # another process took the name since our check; the caller's
        # transaction must roll back (Database.session() does)
        raise AccountError(
            "username", f"{username!r} is already taken; nothing was written"
        ) from None
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user whose password this is, or None.

    An unknown or inactive user costs one argon2 verification like a known one, so the answer's
    timing does not tell which usernames exist. A hash made with older parameters is redone.
    """
    name = username.strip().lower() if isinstance(username, str) else ""
    user = session.scalar(sa.select(User).where(User.username == name)) if name else None
    if user is None:
        burn_verification(password)
        return None
    if not verify_password(user.password_hash, password) or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    session.flush()
    return user


def set_password(session: Session, user: User | str, password: str) -> User:
    """Replace the password; the policy is that of :func:`create_user`."""
    user = _user(session, user)
    check_password(password, user.username)
    user.password_hash = hash_password(password)
    session.flush()
    return user


def _active_admins(session: Session) -> int:
    query = sa.select(sa.func.count()).select_from(User).where(
        User.role == Role.ADMIN.value, User.is_active.is_(True))
    return session.scalar(query) or 0


def _keep_one_admin(session: Session, user: User, what: str) -> None:
    if user.role == Role.ADMIN.value and user.is_active and _active_admins(session) <= 1:
        raise AccountError(
            "role", f"{user.username!r} is the only active admin; {what} would leave none"
        )


def set_role(session: Session, user: User | str, role: str | Role) -> User:
    """Change the role. Leaving data_holder drops the publisher bindings; the last active
    admin keeps the admin role."""
    user = _user(session, user)
    role = check_role(role)
    if role.value == user.role:
        return user
    _keep_one_admin(session, user, f"making it {role}")
    user.role = role.value
    if role is not Role.DATA_HOLDER:
        user.publishers.clear()
    session.flush()
    return user


def set_active(session: Session, user: User | str, active: bool) -> User:
    """Enable or disable an account; a disabled one cannot log in nor use its tokens."""
    user = _user(session, user)
    if not active:
        _keep_one_admin(session, user, "disabling it")
    user.is_active = active
    session.flush()
    return user


def bind_publisher(session: Session, user: User | str, publisher_iri: str) -> User:
    """Let a data holder write the records of ``publisher_iri``. Binding twice is harmless."""
    user = _user(session, user)
    iri = check_publisher_iri(publisher_iri)
    if user.role != Role.DATA_HOLDER.value:
        raise AccountError(
            "publisher", f"only a data_holder account is bound to publishers; "
            f"{user.username!r} is a {user.role}"
        )
    if iri not in user.publisher_iris:
        user.publishers.append(UserPublisher(publisher_iri=iri))
        session.flush()
    return user


def unbind_publisher(session: Session, user: User | str, publisher_iri: str) -> User:
    """Take a publisher away from a data holder; the binding must exist."""
    user = _user(session, user)
    iri = check_publisher_iri(publisher_iri)
    binding = next((p for p in user.publishers if p.publisher_iri == iri), None)
    if binding is None:
        raise AccountError("publisher", f"{user.username!r} is not bound to {iri}")
    user.publishers.remove(binding)
    session.flush()
    return user
