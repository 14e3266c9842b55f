"""The feasibility hook: how many individuals of a dataset match a profile.

Counts can only come from the data themselves, so only for datasets held in the KIMed Secure
Processing Environment, and only under disclosure control (small counts suppressed, the rest
rounded). This module defines the interface; the SPE runtime implements it. Until then the default
provider answers, for every dataset, that counts are not available, and why. It never invents a
number.

Which datasets are held in the KIMed SPE is read from the metadata: the record names the KIMed
network (``https://w3id.org/kimed/agent/kimed``) as custodian (geodcatap:custodian), or one of its
distributions has an access URL under ``https://w3id.org/kimed/spe/``.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from pydantic import BaseModel, model_validator

from kimed.catalog.projection import DatasetRecord
from kimed.catalog.suitability.profile import ResearchProfile

KIMED_AGENT = "https://w3id.org/kimed/agent/kimed"
SPE_ACCESS_PREFIX = "https://w3id.org/kimed/spe/"
NOT_BUILT = ("counts are not available here: no SPE feasibility service is connected (the KIMed "
             "SPE runtime gives them, kimed.spe.feasibility_provider)")


class FeasibilityResult(BaseModel):
    """A disclosure-controlled count, or the statement that none is available and why."""

    dataset: str
    available: bool
    count: int | None = None
    """The count after disclosure control (rounded to ``rounded_to``); None when not available or
    below the threshold."""
    below_threshold: int | None = None
    """Set instead of ``count`` when the true count is under this threshold."""
    rounded_to: int | None = None
    reason: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> FeasibilityResult:
        if not self.available:
            if self.count is not None or self.below_threshold is not None:
                raise ValueError("a result that is not available carries no count")
            if not self.reason:
                raise ValueError("a result that is not available must say why")
        elif self.count is None and self.below_threshold is None:
            raise ValueError("an available result has a count or a threshold")
        return self


@runtime_checkable
class FeasibilityProvider(Protocol):
    """Counts individuals of one dataset that match a profile, under disclosure control."""

    def count_matching(self, dataset_id: str, profile: ResearchProfile) -> FeasibilityResult:
        ...


class SpeNotBuilt:
    """The default provider, used where no SPE feasibility service is passed in (the catalogue does
    not import the SPE): no counts, for any dataset."""

    def count_matching(self, dataset_id: str, profile: ResearchProfile) -> FeasibilityResult:
        return FeasibilityResult(dataset=dataset_id, available=False, reason=NOT_BUILT)


def held_in_spe(record: DatasetRecord) -> bool:
    """Whether the metadata say that the KIMed SPE holds this dataset (see the module text)."""
    if any(agent.iri == KIMED_AGENT for agent in record.custodians):
        return True
    return any((d.access_url or "").startswith(SPE_ACCESS_PREFIX) for d in record.distributions)
