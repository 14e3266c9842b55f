"""Who may write what: admin anything, a data holder its publishers' records, a reader nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from kimed.accounts.permissions import (
    PermissionDenied,
    can_edit_dataset,
    can_read,
    can_write,
    require_edit_dataset,
    require_write,
)
from kimed.catalog.models import DatasetRow

OWN = "https://example.org/org/charite"
FOREIGN = "https://example.org/org/ukl"


@dataclass
class Account:
    username: str
    role: str
    publisher_iris: frozenset[str] = field(default_factory=frozenset)
    is_active: bool = True


ADMIN = Account("root", "admin")
HOLDER = Account("dh", "data_holder", frozenset({OWN}))
UNBOUND_HOLDER = Account("dh0", "data_holder")
READER = Account("rita", "reader")
DISABLED_ADMIN = Account("old", "admin", is_active=False)


def _row(publisher_iri: str | None) -> DatasetRow:
    projection = {"publisher": {"iri": publisher_iri, "name": {"en": "Somebody"}}}
    return DatasetRow(iri="https://example.org/ds/1", identifier="ds-1", title="t",
                      publisher="Somebody", graph_nt="", projection=projection, findings=[])


MATRIX = [
    (ADMIN, OWN, True),
    (ADMIN, FOREIGN, True),
    (ADMIN, None, True),
    (HOLDER, OWN, True),
    (HOLDER, FOREIGN, False),
    (HOLDER, None, False),
    (UNBOUND_HOLDER, OWN, False),
    (READER, OWN, False),
    (READER, FOREIGN, False),
    (DISABLED_ADMIN, OWN, False),
    (None, OWN, False),
]


@pytest.mark.parametrize(("user", "publisher", "allowed"), MATRIX, ids=[
    f"{getattr(u, 'username', 'anonymous')}-{'own' if p == OWN else 'foreign' if p else 'none'}"
    for u, p, _ in MATRIX])
def test_write_matrix(user, publisher, allowed):
    assert can_write(user, publisher) is allowed
    assert can_edit_dataset(user, _row(publisher)) is allowed
    assert can_read(user, _row(publisher))
    if allowed:
        require_write(user, publisher)
        require_edit_dataset(user, _row(publisher))
    else:
        with pytest.raises(PermissionDenied):
            require_write(user, publisher)
        with pytest.raises(PermissionDenied):
            require_edit_dataset(user, _row(publisher))


def test_denial_names_user_action_and_rule():
    with pytest.raises(PermissionDenied) as info:
        require_edit_dataset(HOLDER, _row(FOREIGN))
    message = str(info.value)
    assert "'dh' (data_holder)" in message
    assert "edit dataset 'ds-1'" in message
    assert "only records of a publisher bound to the account" in message
    assert FOREIGN in message and OWN in message
    assert info.value.username == "dh" and info.value.action == "edit dataset 'ds-1'"

    with pytest.raises(PermissionDenied, match="'rita' \\(reader\\) may not write a record of "
                       f"publisher {OWN}: a reader may read but not write"):
        require_write(READER, OWN)
    with pytest.raises(PermissionDenied, match="anonymous visitor may not .* signed-in"):
        require_write(None, OWN)


def test_row_without_projection_publisher():
    row = _row(None)
    row.projection = {}
    assert not can_edit_dataset(HOLDER, row)
    assert can_edit_dataset(ADMIN, row)
