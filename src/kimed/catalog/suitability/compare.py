"""Side-by-side comparison of a few datasets against one profile (at most MAX_COMPARE)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kimed.catalog.suitability.assess import Assessment, assess_subjects, subjects_from_store
from kimed.catalog.suitability.feasibility import FeasibilityProvider
from kimed.catalog.suitability.profile import ResearchProfile

MAX_COMPARE = 4


class CompareError(ValueError):
    """Too many, too few or unknown datasets to compare; ``field`` and ``rule`` name the problem."""

    def __init__(self, message: str, rule: str, field: str = "ids") -> None:
        self.rule, self.field = rule, field
        super().__init__(message)


def parse_ids(value: str | list[str] | None) -> list[str]:
    """Identifiers from ``a,b,c`` (or a list of such), without blanks or repeats."""
    items = value if isinstance(value, list) else [value or ""]
    out = [p.strip() for item in items for p in item.split(",") if p.strip()]
    return list(dict.fromkeys(out))


def check_ids(ids: list[str]) -> list[str]:
    if not ids:
        raise CompareError("ids: name at least one dataset to compare", "at least 1 dataset")
    if len(ids) > MAX_COMPARE:
        raise CompareError(f"ids: {len(ids)} datasets given, but at most {MAX_COMPARE} can be "
                           "compared side by side", f"at most {MAX_COMPARE} datasets")
    return ids


def compare(session: Session, profile: ResearchProfile, ids: list[str],
            weights: dict | None = None,
            provider: FeasibilityProvider | None = None) -> Assessment:
    """The assessment of the named datasets, in the order given (not ranked)."""
    from kimed.catalog.store import NotFound

    ids = check_ids(ids)
    try:
        subjects = subjects_from_store(session, ids)
    except NotFound as exc:
        raise CompareError(f"ids: {exc}", "known dataset") from None
    assessment = assess_subjects(profile, subjects, weights, provider)
    order = {s.record.identifier: i for i, s in enumerate(subjects)}
    assessment.datasets.sort(key=lambda d: order[d.identifier])
    return assessment
