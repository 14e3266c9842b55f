"""The SPE's side of the suitability module's feasibility hook, and the cheap "held in the vault"
lookup of the Portal pages.

:class:`SpeFeasibility` implements ``kimed.catalog.suitability.feasibility.FeasibilityProvider``
(structurally: the catalogue does not import the SPE, and the SPE needs only the profile's
fields). The web layer passes it to the assessment for accounts that may ask
(:func:`kimed.spe.feasibility.may_ask`). Datasets not in the vault, and profiles that cannot be
counted on OMOP data, get a result that is not available, with the reason.

:func:`held` caches ``held_datasets`` per data directory, keyed by the modification times of the
vault's directories, which change whenever a dataset is added or removed.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kimed.spe import feasibility
from kimed.spe.errors import SpeError

_HELD: dict[Path, tuple[tuple, frozenset[str]]] = {}
_LOCK = threading.Lock()


def _signature(root: Path) -> tuple:
    try:
        dirs = [root, *sorted(p for p in root.glob("*/datasets") if p.is_dir())]
        return tuple((str(d), d.stat().st_mtime_ns) for d in dirs)
    except OSError:
        return ()


def held(data_dir: Path) -> frozenset[str]:
    """Catalogue identifiers held in the vault, re-read only when the vault's directories change."""
    from kimed.spe.vault import held_datasets
    from kimed.spe.vault.layout import vault_root

    root = vault_root(data_dir)
    if not root.is_dir():
        return frozenset()
    signature = _signature(root)
    with _LOCK:
        cached = _HELD.get(root)
        if cached is not None and cached[0] == signature:
            return cached[1]
    found = frozenset(held_datasets(data_dir))
    with _LOCK:
        _HELD[root] = (signature, found)
    return found


def criteria_from_profile(profile: Any) -> feasibility.Criteria:
    """The count's criteria from a research profile: age bounds, sex, and conditions (ICD-10 codes
    as prefixes of condition_source_value, SNOMED CT ids as exact source values). A health
    category cannot be counted on OMOP data: ValueError."""
    prefixes, exact = [], []
    for condition in profile.conditions:
        if condition.system == "icd10":
            prefixes.append(condition.code)
        elif condition.system == "snomed":
            exact.append(condition.code)
        else:
            raise ValueError(f"{condition} cannot be counted: only ICD-10 and SNOMED CT codes "
                             "can be matched in OMOP condition data")
    population = profile.population
    return feasibility.Criteria(age_min=population.age_min, age_max=population.age_max,
                                sex=population.sex, source_codes=tuple(sorted(exact)),
                                source_prefixes=tuple(sorted(prefixes)))


class SpeFeasibility:
    """Feasibility counts from the KIMed SPE for one account (see the module text)."""

    def __init__(self, session: Session, user: Any, settings: Any = None,
                 executor: Any = None) -> None:
        from kimed.settings import get_settings

        self.session, self.user = session, user
        self.settings = settings or get_settings()
        self.executor = executor

    def count_matching(self, dataset_id: str, profile: Any) -> Any:
        from kimed.catalog.suitability.feasibility import FeasibilityResult

        if dataset_id not in held(self.settings.data_dir):
            return FeasibilityResult(dataset=dataset_id, available=False,
                                     reason=f"{dataset_id} is not held in the KIMed SPE vault")
        try:
            criteria = criteria_from_profile(profile)
            release = feasibility.count(self.session, self.user, dataset_id, criteria,
                                        settings=self.settings, executor=self.executor)
        except (ValueError, SpeError) as exc:
            return FeasibilityResult(dataset=dataset_id, available=False,
                                     reason=getattr(exc, "rule", None) or str(exc))
        if release.suppressed:
            return FeasibilityResult(dataset=dataset_id, available=True,
                                     below_threshold=release.threshold,
                                     rounded_to=release.rounded_to)
        return FeasibilityResult(dataset=dataset_id, available=True, count=release.value,
                                 rounded_to=release.rounded_to)


def provider_for(session: Session, user: Any, settings: Any = None) -> SpeFeasibility | None:
    """A provider for ``user`` when they may ask for counts, else None (the default applies)."""
    if user is None or not feasibility.may_ask(session, user):
        return None
    return SpeFeasibility(session, user, settings)
