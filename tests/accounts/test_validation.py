"""Every broken input rule is an AccountError that names the field, and nothing is written."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kimed.accounts.models import User
from kimed.accounts.service import AccountError, create_user

from .conftest import PASSWORD

GOOD = {"username": "alice", "email": "alice@example.org", "password": PASSWORD,
        "role": "reader", "publishers": ()}

BAD = [
    ("username", {"username": "al"}, "3 to 64"),
    ("username", {"username": "a" * 65}, "3 to 64"),
    ("username", {"username": "Alice"}, "lowercase"),
    ("username", {"username": "al ice"}, "lowercase"),
    ("username", {"username": "alice@x"}, "lowercase"),
    ("email", {"email": "alice"}, "e-mail address"),
    ("email", {"email": "alice@localhost"}, "name@domain.tld"),
    ("email", {"email": "a b@example.org"}, "no spaces"),
    ("email", {"email": "a@@example.org"}, "e-mail address"),
    ("password", {"password": "short"}, "at least 12 characters"),
    ("password", {"password": " " * 14}, "spaces only"),
    ("password", {"password": "x" * 1025}, "at most 1024"),
    ("password", {"username": "alice.long.name", "password": "alice.long.name"}, "username"),
    ("role", {"role": "superuser"}, "admin, data_holder, reader"),
    ("publisher", {"role": "data_holder", "publishers": ["example.org/org"]}, "absolute"),
    ("publisher", {"role": "data_holder", "publishers": ["ftp://example.org/x"]}, "http"),
    ("publisher", {"role": "data_holder", "publishers": ["urn:uuid:1234"]}, "http"),
    ("publisher", {"role": "data_holder", "publishers": ["https://"]}, "host"),
    ("publisher", {"role": "data_holder", "publishers": ["https://ex.org/a b"]}, "spaces"),
    ("publisher", {"role": "reader", "publishers": ["https://ex.org/p"]}, "data_holder"),
]


@pytest.mark.parametrize(("field", "change", "says"), BAD,
                         ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(BAD)])
def test_bad_input_names_field_and_rule(db, field, change, says):
    with pytest.raises(AccountError) as info, db.session() as s:
        create_user(s, **{**GOOD, **change})
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")
    assert says in str(info.value)
    if field == "password":
        assert change["password"] not in str(info.value)  # a password is never echoed
    with db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_good_input_passes(db):
    with db.session() as s:
        user = create_user(s, **{**GOOD, "username": "a.b_c-9", "role": "data_holder",
                                 "publishers": ["http://example.org/p#x"]})
    assert user.publisher_iris == {"http://example.org/p#x"}
