"""People in the SPE: portal accounts holding SPE roles.

An account may hold several roles. Roles are granted and revoked by a portal admin, an SPE
operator, or the local command line (actor ``"cli"``, someone with shell access to the server);
each grant and revoke is written to the audit log. Functions take the caller's session and leave
committing to it.
"""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kimed.accounts.models import User
from kimed.spe import audit
from kimed.spe.errors import EHDS, Forbidden, NotFound, SpeError
from kimed.spe.governance_models import SpeRole


class SpeRoleName(StrEnum):
    """The roles of the SPE (issue 7; EHDS Chapter IV names applicants, holders and HDABs)."""

    DATA_USER = "data_user"
    PRINCIPAL_INVESTIGATOR = "principal_investigator"
    DATA_HOLDER = "data_holder"
    SPE_OPERATOR = "spe_operator"
    OUTPUT_CHECKER = "output_checker"
    ACCESS_COMMITTEE = "access_committee"


TRUSTED_ACTORS = ("cli", "system")

ROLE_HELP = {
    SpeRoleName.DATA_USER: "named in permits; runs jobs on permitted data",
    SpeRoleName.PRINCIPAL_INVESTIGATOR: "applies for permits and amendments; leads a project",
    SpeRoleName.DATA_HOLDER: "uploads datasets into the SPE vault",
    SpeRoleName.SPE_OPERATOR: "runs the SPE: grants roles, creates projects, halts jobs",
    SpeRoleName.OUTPUT_CHECKER: "reviews output release requests in the airlock",
    SpeRoleName.ACCESS_COMMITTEE: "decides permit applications and amendments (the HDAB role)",
}


def check_role(role: str | SpeRoleName) -> SpeRoleName:
    try:
        return SpeRoleName(role)
    except ValueError:
        allowed = ", ".join(r.value for r in SpeRoleName)
        raise SpeError("role", f"{role!r} is not an SPE role; the roles are {allowed}") from None


def get_user(session: Session, user: User | str) -> User:
    """The account ``user`` (a User, or a username); :class:`NotFound` when there is none."""
    if isinstance(user, User):
        return user
    found = session.scalar(sa.select(User).where(User.username == user))
    if found is None:
        raise NotFound("user", f"no account named {user!r} (create it with `kimed users add`)")
    return found


def roles_of(session: Session, user: User | str) -> set[str]:
    user = get_user(session, user)
    return set(session.scalars(sa.select(SpeRole.role).where(SpeRole.user_id == user.id)))


def has_role(session: Session, user: User | str, *roles: str) -> bool:
    """True when ``user`` is an active account holding at least one of ``roles``."""
    user = get_user(session, user)
    return user.is_active and bool(roles_of(session, user) & {check_role(r) for r in roles})


def require_role(session: Session, user: User | str, roles: tuple[str, ...], field: str,
                 purpose: str, source: str) -> User:
    """Return the account, or raise :class:`Forbidden` naming the roles ``purpose`` needs."""
    user = get_user(session, user)
    if not has_role(session, user, *roles):
        needed = " or ".join(roles)
        state = "" if user.is_active else " (the account is deactivated)"
        raise Forbidden(field, f"{user.username} may not {purpose}: that needs the SPE role "
                        f"{needed}{state}", source)
    return user


def resolve_actor(session: Session, actor: User | str) -> User | str:
    """An account, or one of TRUSTED_ACTORS when no account has that name.

    ``"cli"`` is someone with shell access to the server (as for `kimed users`), ``"system"``
    the runtime itself; any other name must be an account, so its roles are checked.
    """
    if isinstance(actor, User):
        return actor
    found = session.scalar(sa.select(User).where(User.username == actor))
    if found is not None:
        return found
    if actor in TRUSTED_ACTORS:
        return actor
    return get_user(session, actor)


def _authorise_granter(session: Session, actor: User | str) -> str:
    actor = resolve_actor(session, actor)
    if not isinstance(actor, User):
        return actor
    if actor.role == "admin" and actor.is_active:
        return actor.username
    require_role(session, actor, (SpeRoleName.SPE_OPERATOR,), "actor",
                 "grant or revoke SPE roles (or be a portal admin)",
                 "our operating model: SPE operators administer access")
    return actor.username


def grant(session: Session, actor: User | str, user: User | str,
          role: str | SpeRoleName) -> SpeRole:
    """Give ``user`` the SPE ``role``; audited as ``role.grant``."""
    role = check_role(role)
    user = get_user(session, user)
    actor = by = _authorise_granter(session, actor)
    if by == user.username:
        raise Forbidden("actor", f"{by} may not grant roles to themselves",
                        "KIM-ORG-ROL-003 (separation of duties)")
    if role in roles_of(session, user):
        raise SpeError("role", f"{user.username} already holds {role.value}")
    row = SpeRole(user_id=user.id, role=role.value, granted_by=by)
    session.add(row)
    session.flush()
    audit.record(session, actor, "role.grant", f"user:{user.username}", {"role": role.value})
    return row


def revoke(session: Session, actor: User | str, user: User | str,
           role: str | SpeRoleName) -> None:
    """Take the SPE ``role`` from ``user``; audited as ``role.revoke``.

    Permits that name the person stay as they are, but the access check also asks for the role
    data_user or principal_investigator, so taking both away ends the person's access at once.
    """
    role = check_role(role)
    user = get_user(session, user)
    actor = _authorise_granter(session, actor)
    row = session.scalar(sa.select(SpeRole).where(SpeRole.user_id == user.id,
                                                  SpeRole.role == role.value))
    if row is None:
        raise SpeError("role", f"{user.username} does not hold {role.value}")
    session.delete(row)
    session.flush()
    audit.record(session, actor, "role.revoke", f"user:{user.username}", {"role": role.value})


def list_roles(session: Session, role: str | None = None) -> list[SpeRole]:
    """Every grant, by username and role; only one role's holders when ``role`` is given."""
    query = sa.select(SpeRole).join(User, SpeRole.user_id == User.id)
    if role is not None:
        query = query.where(SpeRole.role == check_role(role).value)
    return list(session.scalars(query.order_by(User.username, SpeRole.role)))


__all__ = ["EHDS", "ROLE_HELP", "SpeRoleName", "check_role", "get_user", "grant", "has_role",
           "list_roles", "require_role", "resolve_actor", "revoke", "roles_of"]
