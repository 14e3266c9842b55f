"""Password hashing is argon2id, verifies, and notices hashes made with old parameters."""

from __future__ import annotations

from argon2 import PasswordHasher

from kimed.accounts.passwords import hash_password, needs_rehash, verify_password


def test_hash_is_argon2id_and_salted():
    first, second = hash_password("a long enough secret"), hash_password("a long enough secret")
    assert first.startswith("$argon2id$")
    assert first != second  # each hash has its own salt


def test_verify_right_wrong_and_malformed():
    encoded = hash_password("a long enough secret")
    assert verify_password(encoded, "a long enough secret")
    assert not verify_password(encoded, "a long enough secreT")
    assert not verify_password("not a hash", "a long enough secret")
    assert not verify_password("", "")


def test_needs_rehash_for_old_parameters_only():
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("a long enough secret")
    assert needs_rehash(weak)
    assert not needs_rehash(hash_password("a long enough secret"))
    assert needs_rehash("garbage")
