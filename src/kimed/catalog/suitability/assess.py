"""Assess datasets against a profile: per-criterion verdicts, an overall fit score, a ranking.

The fit score (0-100) is the weighted mean of the points each asked criterion earns
(meets 1, partly 0.5, unknown 0.25, fails 0; see verdict.POINTS). Criteria the profile does not
ask about are left out. Ties are broken by fewer fails, then fewer unknowns, then the title.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kimed.catalog.projection import DatasetRecord
from kimed.catalog.suitability.criteria import Subject, criteria
from kimed.catalog.suitability.feasibility import (
    FeasibilityProvider,
    FeasibilityResult,
    SpeNotBuilt,
    held_in_spe,
)
from kimed.catalog.suitability.profile import ResearchProfile
from kimed.catalog.suitability.verdict import POINTS, CriterionResult, Verdict
from kimed.catalog.suitability.weights import effective_weights, validate_weights


class DatasetAssessment(BaseModel):
    identifier: str
    iri: str
    title: dict[str, str] = Field(default_factory=dict)
    score: float
    results: list[CriterionResult] = Field(default_factory=list)
    held_in_spe: bool = False
    feasibility: FeasibilityResult | None = None

    def label(self, lang: str = "en") -> str:
        return self.title.get(lang) or self.title.get("en") or next(
            iter(self.title.values()), self.identifier)

    def counts(self) -> dict[str, int]:
        found = Counter(r.verdict.value for r in self.results)
        return {v.value: found.get(v.value, 0) for v in Verdict}

    def result(self, criterion: str) -> CriterionResult | None:
        return next((r for r in self.results if r.criterion == criterion), None)


class Assessment(BaseModel):
    profile: ResearchProfile
    weights: dict[str, float]
    criteria: list[str]
    """The criteria the profile asks about, in display order."""
    datasets: list[DatasetAssessment] = Field(default_factory=list)


def fit_score(results: list[CriterionResult], weights: dict[str, float]) -> float:
    """The weighted mean of the verdict points, 0-100 (0 when every weight is 0)."""
    total = sum(weights[r.criterion] for r in results)
    if total <= 0:
        return 0.0
    earned = sum(weights[r.criterion] * POINTS[r.verdict] for r in results)
    return round(100 * earned / total, 1)


def weights_for(profile: ResearchProfile, overrides: dict | None = None) -> dict[str, float]:
    """Defaults, then the profile's weights, then the request's (each checked)."""
    return effective_weights({**profile.weights, **validate_weights(overrides or {}, "weights")})


def assess_subject(profile: ResearchProfile, subject: Subject, weights: dict[str, float],
                   provider: FeasibilityProvider | None = None) -> DatasetAssessment:
    record = subject.record
    results = [c.evaluate(profile, subject) for c in criteria() if c.asked(profile)]
    in_spe = held_in_spe(record)
    feasibility = (provider or SpeNotBuilt()).count_matching(record.identifier, profile) \
        if in_spe else None
    return DatasetAssessment(identifier=record.identifier, iri=record.iri, title=record.title,
                             score=fit_score(results, weights), results=results,
                             held_in_spe=in_spe, feasibility=feasibility)


def rank(items: Iterable[DatasetAssessment]) -> list[DatasetAssessment]:
    def key(a: DatasetAssessment):
        counts = a.counts()
        return (-a.score, counts["fails"], counts["unknown"], a.label().lower(), a.identifier)

    return sorted(items, key=key)


def assess_subjects(profile: ResearchProfile, subjects: Iterable[Subject],
                    weights: dict | None = None,
                    provider: FeasibilityProvider | None = None) -> Assessment:
    effective = weights_for(profile, weights)
    asked = [c.name for c in criteria() if c.asked(profile)]
    ranked = rank(assess_subject(profile, s, effective, provider) for s in subjects)
    return Assessment(profile=profile, weights=effective, criteria=asked, datasets=ranked)


def subjects_from_store(session: Session, keys: list[str] | None = None) -> list[Subject]:
    """The stored datasets (all, or those named by identifier/IRI/id) as subjects."""
    from kimed.catalog.store import get_dataset, list_datasets

    rows = [get_dataset(session, k) for k in keys] if keys else list_datasets(session)
    return [Subject(record=DatasetRecord.model_validate(r.projection), graph_nt=r.graph_nt)
            for r in rows]


def assess(session: Session, profile: ResearchProfile, weights: dict | None = None,
           keys: list[str] | None = None,
           provider: FeasibilityProvider | None = None) -> Assessment:
    """Assess every stored dataset (or the named ones) and rank them by fit."""
    return assess_subjects(profile, subjects_from_store(session, keys), weights, provider)
