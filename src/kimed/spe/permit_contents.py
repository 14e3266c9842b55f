"""What a data permit contains, and the rules each part must follow (EHDS Art. 53, 66 and 68).

Kept apart from the lifecycle in kimed.spe.permits: here are the vocabularies (purpose categories,
data forms, statuses) and the checks that turn raw input into valid values or raise
:class:`~kimed.spe.errors.SpeError` naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from kimed.spe.errors import EHDS, SpeError

ART_53 = f"{EHDS} Art. 53(1)"
ART_66 = f"{EHDS} Art. 66"
ART_68 = f"{EHDS} Art. 68"
PRM_004 = f"{ART_68}; KIM-GOV-PRM-004 (permit content the SPE can enforce)"
RET_003 = f"{ART_68}; KIM-GOV-RET-003 (deletion at most six months after the permit ends)"
MAX_RETENTION_AFTER_END = timedelta(days=183)
MAX_PERMIT_YEARS = 10
IDENTIFIER_MAX = 512
VARIABLE_MAX = 200
_BAD_IDENTIFIER = re.compile(r"[\s\x00-\x1f\x7f]")


class PurposeCategory(StrEnum):
    """The purposes for which EHDS Art. 53(1) lets health data be processed for secondary use."""

    PUBLIC_HEALTH = "public_health"            # (a) public and occupational health
    POLICY_MAKING = "policy_making"            # (b) policy-making and regulatory activities
    STATISTICS = "statistics"                  # (c) official statistics
    EDUCATION = "education"                    # (d) education or teaching
    SCIENTIFIC_RESEARCH = "scientific_research"  # (e) scientific research, incl. AI training
    CARE_IMPROVEMENT = "care_improvement"      # (f) improving care and treatment


PURPOSE_LETTER = dict(zip(PurposeCategory, "abcdef", strict=True))


class DataForm(StrEnum):
    """EHDS Art. 66: anonymised by default; pseudonymised only when the purpose needs it."""

    ANONYMISED = "anonymised"
    PSEUDONYMISED = "pseudonymised"


class Status(StrEnum):
    """The permit lifecycle: application -> (rejected | active) -> amended -> expired | revoked."""

    APPLICATION = "application"
    REJECTED = "rejected"
    ACTIVE = "active"
    AMENDED = "amended"
    EXPIRED = "expired"
    REVOKED = "revoked"


GRANTING = frozenset({Status.ACTIVE, Status.AMENDED})  # the states in which a permit gives access


@dataclass(frozen=True)
class DatasetScope:
    """A catalogue dataset by identifier, with the variables covered (None: all of them)."""

    identifier: str
    variables: tuple[str, ...] | None = None

    def to_json(self) -> dict:
        return {"identifier": self.identifier,
                "variables": list(self.variables) if self.variables is not None else None}


def _enum(enum, value, field: str, source: str):
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(v.value for v in enum)
        raise SpeError(field, f"{value!r} is not one of {allowed}", source) from None


def check_purpose(category: str, description: str) -> tuple[PurposeCategory, str]:
    category = _enum(PurposeCategory, category, "purpose_category", ART_53)
    description = (description or "").strip()
    if len(description) < 20:
        raise SpeError("purpose_description", "describe the purpose in at least 20 characters "
                       "(what is studied and why the data are needed)", ART_68)
    return category, description


def check_data_form(form: str) -> DataForm:
    return _enum(DataForm, form, "data_form", ART_66)


def check_text(field: str, value: str, limit: int, source: str = ART_68,
               required: bool = True) -> str:
    value = (value or "").strip()
    if (required and not value) or len(value) > limit:
        need = "1" if required else "0"
        raise SpeError(field, f"must be {need} to {limit} characters", source)
    return value


def aware(field: str, moment: datetime) -> datetime:
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise SpeError(field, f"{moment!r} must be a date and time with a time zone")
    return moment.astimezone(UTC)


def check_period(start: datetime, end: datetime,
                 retention_end: datetime) -> tuple[datetime, datetime, datetime]:
    """Access from ``start`` until ``end``; data kept until ``retention_end`` at the latest."""
    start, end = aware("access_start", start), aware("access_end", end)
    retention_end = aware("retention_end", retention_end)
    if end <= start:
        raise SpeError("access_end", f"{end.date()} must be after access_start {start.date()}",
                       ART_68)
    if end - start > timedelta(days=365 * MAX_PERMIT_YEARS + 3):
        raise SpeError("access_end", f"a permit runs for at most {MAX_PERMIT_YEARS} years",
                       f"{ART_68} (duration)")
    if retention_end < end:
        raise SpeError("retention_end", f"{retention_end.date()} must not be before access_end "
                       f"{end.date()}: data are deleted after access ends, not before", RET_003)
    if retention_end > end + MAX_RETENTION_AFTER_END:
        raise SpeError("retention_end", f"{retention_end.date()} is more than six months "
                       f"after access_end {end.date()}", RET_003)
    return start, end, retention_end


def check_identifier(identifier: str) -> str:
    identifier = identifier.strip() if isinstance(identifier, str) else ""
    if not identifier or len(identifier) > IDENTIFIER_MAX or _BAD_IDENTIFIER.search(identifier):
        raise SpeError("datasets", f"{identifier!r} is not a catalogue dataset identifier (1 to "
                       f"{IDENTIFIER_MAX} characters, no spaces); permits name datasets by "
                       "their catalogue identifier", ART_68)
    return identifier


def check_variables(identifier: str, variables: Iterable[str] | None) -> tuple[str, ...] | None:
    if variables is None:
        return None
    names = tuple(dict.fromkeys(v.strip() for v in variables if v and v.strip()))
    if not names:
        return None
    for name in names:
        if len(name) > VARIABLE_MAX or _BAD_IDENTIFIER.search(name):
            raise SpeError("variables", f"{name!r} (dataset {identifier}) is not a variable "
                           f"name: 1 to {VARIABLE_MAX} characters, no spaces", ART_68)
    return tuple(sorted(names))


def check_datasets(datasets: Iterable[DatasetScope | str | Mapping],
                   required: bool = True) -> list[DatasetScope]:
    """Normalise datasets given as scopes, identifiers, or {identifier, variables} mappings."""
    out: dict[str, DatasetScope] = {}
    for item in datasets:
        if isinstance(item, DatasetScope):
            identifier, variables = item.identifier, item.variables
        elif isinstance(item, str):
            identifier, variables = item, None
        else:
            identifier, variables = item.get("identifier", ""), item.get("variables")
        identifier = check_identifier(identifier)
        if identifier in out:
            raise SpeError("datasets", f"{identifier} is listed twice")
        out[identifier] = DatasetScope(identifier, check_variables(identifier, variables))
    if required and not out:
        raise SpeError("datasets", "a permit covers at least one dataset", PRM_004)
    return list(out.values())


def check_tools(tools: Iterable[str]) -> list[str]:
    return [check_text("tools", t, 200) for t in tools]
