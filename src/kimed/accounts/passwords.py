"""Password hashing with argon2id (argon2-cffi), and upgrading old hashes on login."""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


@cache
def hasher() -> PasswordHasher:
    """argon2-cffi's default parameters (RFC 9106, low-memory profile), built on first use."""
    return PasswordHasher()


def hash_password(password: str) -> str:
    """An encoded ``$argon2id$...`` hash with its own random salt."""
    return hasher().hash(password)


def verify_password(encoded: str, password: str) -> bool:
    """Whether ``password`` matches ``encoded``; a malformed hash never matches."""
    try:
        return hasher().verify(encoded, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(encoded: str) -> bool:
    """Whether ``encoded`` was made with other parameters than today's (and should be redone)."""
    try:
        return hasher().check_needs_rehash(encoded)
    except (InvalidHashError, ValueError):
        return True


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(24))


def burn_verification(password: str) -> None:
    """Spend the time of one verification, so that an unknown username answers no faster."""
    verify_password(_dummy_hash(), password)
