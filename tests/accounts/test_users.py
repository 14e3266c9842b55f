"""Accounts on both databases: creation, login, rehash, roles, publisher bindings."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from kimed.accounts import passwords
from kimed.accounts.models import User, UserPublisher
from kimed.accounts.service import (
    AccountError,
    authenticate,
    bind_publisher,
    create_user,
    get_user,
    list_users,
    set_active,
    set_password,
    set_role,
    unbind_publisher,
)
from kimed.accounts.validation import UnknownUser

from .conftest import PASSWORD

PUB_A = "https://example.org/org/charite"
PUB_B = "https://example.org/org/ukl"


def _count(session, table) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(table))


def test_create_and_authenticate(db):
    with db.session() as s:
        user = create_user(s, "alice", "alice@example.org", PASSWORD, role="admin")
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
    with db.session() as s:
        assert authenticate(s, "alice", PASSWORD).username == "alice"
        assert authenticate(s, " Alice ", PASSWORD).username == "alice"
        assert authenticate(s, "alice", PASSWORD + "x") is None
        assert authenticate(s, "nobody", PASSWORD) is None
        assert authenticate(s, "", PASSWORD) is None
        assert get_user(s, "alice").last_login_at is not None


def test_unknown_user_costs_a_verification(db):
    with db.session() as s:
        create_user(s, "alice", "alice@example.org", PASSWORD)
    passwords._dummy_hash.cache_clear()
    with db.session() as s:
        assert authenticate(s, "nobody", PASSWORD) is None
    assert passwords._dummy_hash.cache_info().currsize == 1



def test_old_hash_is_redone_on_login(db):
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    with db.session() as s:
        create_user(s, "alice", "alice@example.org", PASSWORD).password_hash = weak
    with db.session() as s:
        assert authenticate(s, "alice", PASSWORD) is not None
    with db.session() as s:
        renewed = get_user(s, "alice").password_hash
    assert renewed != weak and not passwords.needs_rehash(renewed)
    with db.session() as s:
        assert authenticate(s, "alice", PASSWORD) is not None


def test_disabled_user_cannot_log_in(db):
    with db.session() as s:
        create_user(s, "root", "root@example.org", PASSWORD, role="admin")
        create_user(s, "bob", "bob@example.org", PASSWORD)
        set_active(s, "bob", False)
    with db.session() as s:
        assert authenticate(s, "bob", PASSWORD) is None
        set_active(s, "bob", True)
        assert authenticate(s, "bob", PASSWORD) is not None


def test_set_password(db):
    with db.session() as s:
        create_user(s, "alice", "alice@example.org", PASSWORD)
        set_password(s, "alice", "a new and long password")
    with db.session() as s:
        assert authenticate(s, "alice", PASSWORD) is None
        assert authenticate(s, "alice", "a new and long password") is not None
        with pytest.raises(AccountError) as info:
            set_password(s, "alice", "short")
        assert info.value.field == "password" and "12 characters" in str(info.value)


def test_duplicate_username_writes_nothing(db):
    with db.session() as s:
        create_user(s, "alice", "alice@example.org", PASSWORD)
    with pytest.raises(AccountError) as info, db.session() as s:
        create_user(s, "alice", "other@example.org", "another long password")
    assert info.value.field == "username"
    assert "already taken" in str(info.value)
    with db.session() as s:
        assert _count(s, User) == 1
        assert get_user(s, "alice").email == "alice@example.org"


def test_roles_and_publisher_bindings(db):
    with db.session() as s:
        create_user(s, "root", "root@example.org", PASSWORD, role="admin")
        holder = create_user(s, "holder", "holder@example.org", PASSWORD, role="data_holder",
                             publishers=[PUB_A])
        assert holder.publisher_iris == {PUB_A}
        bind_publisher(s, "holder", PUB_B)
        bind_publisher(s, "holder", PUB_B)  # twice is harmless
    with db.session() as s:
        assert get_user(s, "holder").publisher_iris == {PUB_A, PUB_B}
        unbind_publisher(s, "holder", PUB_A)
        with pytest.raises(AccountError, match="not bound"):
            unbind_publisher(s, "holder", PUB_A)
    with db.session() as s:
        assert get_user(s, "holder").publisher_iris == {PUB_B}
        set_role(s, "holder", "reader")  # leaving data_holder drops the bindings
    with db.session() as s:
        assert get_user(s, "holder").role == "reader"
        assert _count(s, UserPublisher) == 0
        with pytest.raises(AccountError) as info:
            bind_publisher(s, "holder", PUB_A)
        assert info.value.field == "publisher" and "data_holder" in str(info.value)
        assert [u.username for u in list_users(s)] == ["holder", "root"]


def test_the_last_admin_stays(db):
    with db.session() as s:
        create_user(s, "root", "root@example.org", PASSWORD, role="admin")
        with pytest.raises(AccountError, match="only active admin"):
            set_role(s, "root", "reader")
        with pytest.raises(AccountError, match="only active admin"):
            set_active(s, "root", False)
        create_user(s, "root2", "root2@example.org", PASSWORD, role="admin")
        assert set_role(s, "root", "reader").role == "reader"


def test_unknown_user_is_named(db):
    with pytest.raises(UnknownUser) as info, db.session() as s:
        set_role(s, "ghost", "admin")
    assert info.value.field == "username" and "'ghost'" in str(info.value)


def test_users_survive_the_session(db):
    """Bindings load with the user, so permission checks work on a detached user."""
    with db.session() as s:
        create_user(s, "holder", "holder@example.org", PASSWORD, role="data_holder", publishers=[PUB_A])
    with db.session() as s:
        user = authenticate(s, "holder", PASSWORD)
    assert user.publisher_iris == {PUB_A}
