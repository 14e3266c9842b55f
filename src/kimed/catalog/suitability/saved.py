"""Saved research profiles: a signed-in user keeps profiles under names of their own.

A saved profile is stored as the query string of its shareable URL (``cond=I63&age_min=18...``),
the same form ``/suitability`` and ``GET /api/suitability`` read, so opening one is following its
link. The query string is checked with :func:`profile_from_params` and stored in its short,
canonical form. Every operation takes the owner's id: a profile of another user is reported as
not found, so nobody learns that it exists. Errors name the field and the rule
(:class:`SavedProfileError`). The functions take the caller's session and leave committing to it.

The table is ``suitability_profiles`` (migration 0006); it refers to ``users`` by id only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from kimed.catalog.suitability.profile import ProfileError, ResearchProfile
from kimed.catalog.suitability.urlparams import profile_from_params, profile_query
from kimed.db import Base

MAX_NAME = 100
MAX_PARAMS = 8000


def _now() -> datetime:
    return datetime.now(UTC)


class SavedProfile(Base):
    """One user's profile under a name; ``params`` is the query string of its URL."""

    __tablename__ = "suitability_profiles"
    __table_args__ = (sa.UniqueConstraint("user_id", "name",
                                          name="uq_suitability_profiles_user_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(MAX_NAME))
    params: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now,
                                                 onupdate=_now)

    @property
    def url(self) -> str:
        """The shareable address of the assessment (path and query, no host)."""
        return "/suitability" + (f"?{self.params}" if self.params else "")

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "params": self.params, "url": self.url,
                "created_at": _iso(self.created_at), "updated_at": _iso(self.updated_at)}


def _iso(moment: datetime) -> str:
    """UTC time in ISO 8601 (SQLite gives the stored moment back without its zone)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


class SavedProfileError(ValueError):
    """A refused save, rename or lookup: ``field`` and ``rule`` say what is wrong."""

    def __init__(self, field: str, message: str, rule: str) -> None:
        self.field, self.message, self.rule = field, message, rule
        super().__init__(f"{field}: {message} [rule: {rule}]")


class SavedProfileNotFound(LookupError):
    """No profile with this id belongs to the user (it may not exist, or be someone else's)."""

    def __init__(self, profile_id: object) -> None:
        self.profile_id = profile_id
        super().__init__(f"id: no saved profile {profile_id!r} of yours")


def check_name(name: object) -> str:
    """The name, trimmed; refused when empty or longer than MAX_NAME characters."""
    text = name.strip() if isinstance(name, str) else ""
    if not text:
        raise SavedProfileError("name", "must not be empty", "non-empty name")
    if len(text) > MAX_NAME:
        raise SavedProfileError("name", f"must be at most {MAX_NAME} characters (got "
                                f"{len(text)})", f"name of at most {MAX_NAME} characters")
    return text


def canonical_params(params: object) -> tuple[str, ResearchProfile]:
    """The short query string of the profile in ``params`` (a query string), and the profile.
    Refused when it does not parse as a profile, or asks for nothing."""
    if not isinstance(params, str):
        raise SavedProfileError("params", "must be the query string of a /suitability link",
                                "query string")
    text = params.strip().removeprefix("?")
    if len(text) > MAX_PARAMS:
        raise SavedProfileError("params", f"must be at most {MAX_PARAMS} characters (got "
                                f"{len(text)})", f"query string of at most {MAX_PARAMS} "
                                "characters")
    try:
        profile = profile_from_params(parse_qs(text, keep_blank_values=True), source="params")
    except ProfileError as exc:
        first = exc.problems[0]
        raise SavedProfileError(f"params.{first.field}", first.message, first.rule) from None
    if profile.is_empty():
        raise SavedProfileError("params", "the profile asks for nothing; fill in at least one "
                                "part", "non-empty profile")
    return profile_query(profile), profile


def _taken(session: Session, user_id: int, name: str, other_than: int | None = None) -> bool:
    query = sa.select(SavedProfile.id).where(SavedProfile.user_id == user_id,
                                             SavedProfile.name == name)
    if other_than is not None:
        query = query.where(SavedProfile.id != other_than)
    return session.scalar(query) is not None


def _duplicate(name: str) -> SavedProfileError:
    return SavedProfileError("name", f"you already have a profile named {name!r}",
                             "unique name per user")


def list_profiles(session: Session, user_id: int) -> list[SavedProfile]:
    """The user's profiles, by name."""
    return list(session.scalars(sa.select(SavedProfile).where(SavedProfile.user_id == user_id)
                                .order_by(SavedProfile.name, SavedProfile.id)))


def get_profile(session: Session, user_id: int, profile_id: int) -> SavedProfile:
    """The user's profile with this id, or :class:`SavedProfileNotFound`."""
    row = session.get(SavedProfile, profile_id)
    if row is None or row.user_id != user_id:
        raise SavedProfileNotFound(profile_id)
    return row


def save_profile(session: Session, user_id: int, name: object, params: object) -> SavedProfile:
    """Store a new profile for the user; the name must be new among the user's profiles."""
    name = check_name(name)
    query, _profile = canonical_params(params)
    if _taken(session, user_id, name):
        raise _duplicate(name)
    row = SavedProfile(user_id=user_id, name=name, params=query)
    session.add(row)
    _flush(session, name)
    return row


def rename_profile(session: Session, user_id: int, profile_id: int, name: object) -> SavedProfile:
    row = get_profile(session, user_id, profile_id)
    name = check_name(name)
    if name != row.name:
        if _taken(session, user_id, name, other_than=row.id):
            raise _duplicate(name)
        row.name = name
        _flush(session, name)
    return row


def delete_profile(session: Session, user_id: int, profile_id: int) -> None:
    session.delete(get_profile(session, user_id, profile_id))
    session.flush()


def _flush(session: Session, name: str) -> None:
    """Flush; a concurrent save of the same name trips the unique constraint, which rolls the
    session back (the check before the flush catches every other duplicate)."""
    try:
        session.flush()
    except sa.exc.IntegrityError:
        session.rollback()
        raise _duplicate(name) from None
