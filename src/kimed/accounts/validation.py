"""The rules account input must follow; each broken rule is an :class:`AccountError` naming it."""

from __future__ import annotations

import re
from enum import StrEnum
from urllib.parse import urlsplit

USERNAME_RE = re.compile(r"[a-z0-9._-]{3,64}")
# One '@', no spaces, a dot in the domain; what a mail server decides beyond that is its business.
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
EMAIL_MAX = 254
PASSWORD_MIN = 12
PASSWORD_MAX = 1024
IRI_MAX = 2048
TOKEN_NAME_MAX = 100
_IRI_FORBIDDEN = re.compile(r'[\s<>"{}|\\^`\x00-\x1f\x7f]')


class Role(StrEnum):
    """What an account may do: see kimed.accounts.permissions."""

    ADMIN = "admin"
    DATA_HOLDER = "data_holder"
    READER = "reader"


class AccountError(ValueError):
    """Input broke an account rule. ``field`` names the input, ``rule`` says what it must be."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


class UnknownUser(AccountError):
    def __init__(self, username: str) -> None:
        super().__init__("username", f"no user named {username!r}")


class UnknownToken(AccountError):
    def __init__(self, token_id: object) -> None:
        super().__init__("token", f"no API token with id {token_id!r}")


def check_username(username: str) -> str:
    if not isinstance(username, str) or not USERNAME_RE.fullmatch(username):
        raise AccountError(
            "username",
            f"{username!r} must be 3 to 64 characters, each a lowercase letter a-z, a digit, "
            "'.', '_' or '-'",
        )
    return username


def check_email(email: str) -> str:
    email = email.strip() if isinstance(email, str) else email
    if not isinstance(email, str) or len(email) > EMAIL_MAX or not EMAIL_RE.fullmatch(email):
        raise AccountError(
            "email",
            f"{email!r} is not an e-mail address of the form name@domain.tld "
            f"(at most {EMAIL_MAX} characters, no spaces)",
        )
    return email


def check_password(password: str, username: str | None = None) -> str:
    """The password policy: 12 to 1024 characters, not only spaces, not the username."""
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        got = len(password) if isinstance(password, str) else 0
        raise AccountError(
            "password", f"must be at least {PASSWORD_MIN} characters long (got {got})"
        )
    if len(password) > PASSWORD_MAX:
        raise AccountError("password", f"must be at most {PASSWORD_MAX} characters long")
    if not password.strip():
        raise AccountError("password", "must not consist of spaces only")
    if username is not None and password.strip().lower() == username.lower():
        raise AccountError("password", "must not be the same as the username")
    return password


def check_role(role: str | Role) -> Role:
    try:
        return Role(role)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise AccountError("role", f"{role!r} is not a role; the roles are {allowed}") from None


def check_publisher_iri(iri: str) -> str:
    """A publisher is named by an absolute http(s) IRI, as in the record's dct:publisher."""
    rule = (f"{iri!r} must be an absolute http:// or https:// IRI with a host, without spaces or "
            f"<>\"{{}}|\\^` characters, at most {IRI_MAX} characters")
    if not isinstance(iri, str):
        raise AccountError("publisher", rule)
    iri = iri.strip()
    if len(iri) > IRI_MAX or _IRI_FORBIDDEN.search(iri):
        raise AccountError("publisher", rule)
    try:
        parts = urlsplit(iri)
    except ValueError:
        raise AccountError("publisher", rule) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AccountError("publisher", rule)
    return iri


def check_token_name(name: str) -> str:
    name = name.strip() if isinstance(name, str) else ""
    if not name or len(name) > TOKEN_NAME_MAX or any(ord(c) < 32 for c in name):
        raise AccountError(
            "name", f"a token name must be 1 to {TOKEN_NAME_MAX} printable characters"
        )
    return name
