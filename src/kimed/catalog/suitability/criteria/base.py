"""What every criterion is: a name, a label, whether a profile asks for it, and an evaluation of one
dataset that returns a verdict with its evidence."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import cached_property

from rdflib import Graph, URIRef

from kimed.catalog.projection import DatasetRecord
from kimed.catalog.suitability.profile import ResearchProfile
from kimed.catalog.suitability.verdict import Check, CriterionResult, Evidence, Verdict, combine

HEALTH = "http://healthdataportal.eu/ns/health#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
DPV = "https://w3id.org/dpv#"
DCATAP = "http://data.europa.eu/r5r/"


@dataclass
class Subject:
    """One dataset as the criteria see it: its projection, and its stored RDF when needed."""

    record: DatasetRecord
    graph_nt: str | None = None
    _graph: Graph | None = field(default=None, repr=False)

    @cached_property
    def graph(self) -> Graph:
        if self._graph is not None:
            return self._graph
        from kimed.catalog.rdfio import from_ntriples

        return from_ntriples(self.graph_nt or "")

    @property
    def node(self) -> URIRef:
        return URIRef(self.record.iri)


def evidence(prop: str, values) -> Evidence:
    return Evidence(property=prop, values=[str(v) for v in values if v not in (None, "")])


class Criterion(ABC):
    """A built-in criterion; subclasses set ``name`` and ``label`` and implement two methods."""

    name: str
    label: str

    @abstractmethod
    def asked(self, profile: ResearchProfile) -> bool:
        """Whether the profile states a requirement for this criterion."""

    @abstractmethod
    def checks(self, profile: ResearchProfile, subject: Subject) -> list[Check]:
        """One check per requirement of the profile."""

    def evaluate(self, profile: ResearchProfile, subject: Subject) -> CriterionResult:
        checks = self.checks(profile, subject)
        return CriterionResult(criterion=self.name, verdict=combine([c.verdict for c in checks]),
                               checks=checks)


__all__ = ["DCAT", "DCATAP", "DCT", "DPV", "HEALTH", "Check", "Criterion", "Evidence", "Subject",
           "Verdict", "evidence"]
