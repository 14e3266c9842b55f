"""Who may read and write catalogue records. Pure functions of the user and the record.

The rules:

- everyone, signed in or not, may read a record's metadata (HealthDCAT-AP metadata is published;
  ``access_rights`` governs the data it describes, not the description);
- an admin may write any record;
- a data holder may create and edit the records whose publisher IRI is bound to the account;
- a reader, a disabled account and an anonymous visitor may write nothing.

``user`` is anything with ``username``, ``role``, ``is_active`` and ``publisher_iris`` (a
kimed.accounts.models.User, whose bindings load with it), or None for an anonymous visitor.
"""

from __future__ import annotations

from typing import Any

from kimed.accounts.validation import Role


class PermissionDenied(PermissionError):
    """An action the rules do not allow; the message names the user, the action and the rule."""

    def __init__(self, user: Any, action: str, rule: str) -> None:
        who = "anonymous visitor" if user is None else f"user {user.username!r} ({user.role})"
        super().__init__(f"{who} may not {action}: {rule}")
        self.username = None if user is None else user.username
        self.action = action
        self.rule = rule


def dataset_publisher_iri(row: Any) -> str | None:
    """The publisher IRI of a dataset row (from its projection), or None."""
    projection = getattr(row, "projection", None) or {}
    publisher = projection.get("publisher") or {}
    return publisher.get("iri") if isinstance(publisher, dict) else None


def can_read(user: Any, row: Any) -> bool:
    """Record metadata is public: True for everyone."""
    return True


def _write_refusal(user: Any, publisher_iri: str | None) -> str | None:
    """Why ``user`` may not write a record of ``publisher_iri``, or None when they may."""
    if user is None:
        return "writing needs a signed-in account"
    if not user.is_active:
        return "the account is disabled"
    if user.role == Role.ADMIN:
        return None
    if user.role == Role.DATA_HOLDER:
        if publisher_iri and publisher_iri in user.publisher_iris:
            return None
        bound = ", ".join(sorted(user.publisher_iris)) or "none"
        if not publisher_iri:
            return ("a data holder writes only records of a publisher bound to the account, "
                    "and this record names no publisher IRI")
        return (f"a data holder writes only records of a publisher bound to the account; "
                f"the record's publisher is {publisher_iri}, the account's are: {bound}")
    if user.role == Role.READER:
        return "a reader may read but not write records"
    return f"the role {user.role!r} may not write records"


def can_write(user: Any, publisher_iri: str | None) -> bool:
    """Whether ``user`` may create or edit a record published by ``publisher_iri``."""
    return _write_refusal(user, publisher_iri) is None


def can_edit_dataset(user: Any, row: Any) -> bool:
    """Whether ``user`` may edit or delete the stored dataset ``row``."""
    return can_write(user, dataset_publisher_iri(row))


def require_write(user: Any, publisher_iri: str | None) -> None:
    """Raise :class:`PermissionDenied` unless ``user`` may write a record of ``publisher_iri``."""
    reason = _write_refusal(user, publisher_iri)
    if reason is not None:
        raise PermissionDenied(user, f"write a record of publisher {publisher_iri}", reason)


def require_edit_dataset(user: Any, row: Any) -> None:
    """Raise :class:`PermissionDenied` unless ``user`` may edit the dataset ``row``."""
    reason = _write_refusal(user, dataset_publisher_iri(row))
    if reason is not None:
        label = getattr(row, "identifier", None) or getattr(row, "iri", "?")
        raise PermissionDenied(user, f"edit dataset {label!r}", reason)


def algorithm_provider_iris(item: Any) -> list[str]:
    """The provider IRIs (``mldcat:hasProvider``) of an algorithm: a stored row (its projection)
    or an AlgorithmRecord."""
    providers = getattr(item, "providers", None)
    if providers is None:
        providers = (getattr(item, "projection", None) or {}).get("providers") or []
    iris = [p.get("iri") if isinstance(p, dict) else getattr(p, "iri", None) for p in providers]
    return sorted({iri for iri in iris if iri})


def can_edit_algorithm(user: Any, item: Any) -> bool:
    """Whether ``user`` may write the algorithm ``item``: an admin any, a data holder one of
    whose providers is bound to the account."""
    return any(can_write(user, iri) for iri in algorithm_provider_iris(item) or [None])


def require_edit_algorithm(user: Any, item: Any, action: str = "edit") -> None:
    """Raise :class:`PermissionDenied` unless ``user`` may ``action`` the algorithm ``item``."""
    if can_edit_algorithm(user, item):
        return
    providers = algorithm_provider_iris(item) or [None]
    reason = _write_refusal(user, providers[0]) or "not allowed"
    label = getattr(item, "identifier", None) or getattr(item, "iri", "?")
    raise PermissionDenied(user, f"{action} algorithm {label!r} of provider "
                           + ", ".join(str(p) for p in providers), reason)
