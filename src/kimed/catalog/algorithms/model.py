"""The typed projection of an algorithm record: what the UI, search and facets read.

Field names follow MLDCAT-AP 3.1.0 (and, for the health context, KIMed's own properties under
``https://w3id.org/kimed/ns#``). The canonical RDF stays the source of truth; the projection is
derived from it by :func:`kimed.catalog.algorithms.rdf.project_model`.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from kimed.catalog.projection import LangMap, pick

SPEC = "MLDCAT-AP 3.1.0"


class AgentRef(BaseModel):
    iri: str | None = None
    name: LangMap = Field(default_factory=dict)


class FileRef(BaseModel):
    """An ``mldcat:File`` (the model weights, a container image, ...)."""

    iri: str | None = None
    identifier: str | None = None
    title: str | None = None
    url: str | None = None
    format: str | None = None


class Modality(BaseModel):
    """An ``mldcat:Modality``: concept URIs from ``mldcat:classification`` and a size text."""

    concepts: list[str] = Field(default_factory=list)
    size: str | None = None


class DatasetLink(BaseModel):
    """A dataset the model was trained, tested, validated or evaluated on (as written)."""

    relation: str  # trainedOn | testedOn | validatedOn | evaluatedOn
    iri: str | None = None
    identifier: str | None = None
    title: str | None = None


class EvaluationResult(BaseModel):
    """One measured value: metric, value, dataset and split (a ``dqv:QualityMeasurement``)."""

    metric: str
    metric_name: str | None = None
    value: float | str
    dataset: str | None = None
    split: str | None = None


class UseCase(BaseModel):
    """Where the algorithm was applied (``kimed:UseCase``)."""

    institution: str | None = None
    setting: str | None = None
    outcome: str | None = None
    publication: str | None = None


class Regulatory(BaseModel):
    """Regulatory status: classes (MDR/IVDR/AI Act/FDA), CE mark, notified body, FDA number."""

    classes: list[str] = Field(default_factory=list)
    ce_marked: bool | None = None
    notified_body: str | None = None
    fda_clearance: str | None = None


class AlgorithmRecord(BaseModel):
    """The projection of one ``mldcat:MachineLearningModel``."""

    iri: str
    identifier: str
    title: LangMap = Field(default_factory=dict)
    description: LangMap = Field(default_factory=dict)
    short_description: str | None = None
    keywords: list[str] = Field(default_factory=list)
    version: str | None = None
    created: date | None = None
    modified: date | None = None
    release_date: date | None = None
    licenses: list[str] = Field(default_factory=list)
    providers: list[AgentRef] = Field(default_factory=list)
    creators: list[AgentRef] = Field(default_factory=list)
    files: list[FileRef] = Field(default_factory=list)
    repositories: list[str] = Field(default_factory=list)
    intended_use: list[str] = Field(default_factory=list)
    limitations: str | None = None
    bias: str | None = None
    risks: list[str] = Field(default_factory=list)
    how_to_use: str | None = None
    architecture: list[str] = Field(default_factory=list)
    parameters: int | None = None
    input_modalities: list[Modality] = Field(default_factory=list)
    output_modalities: list[Modality] = Field(default_factory=list)
    datasets: list[DatasetLink] = Field(default_factory=list)
    fine_tuned_from: str | None = None
    evaluation: list[EvaluationResult] = Field(default_factory=list)
    evaluation_summary: str | None = None
    task_types: list[str] = Field(default_factory=list)
    tasks: list[str] = Field(default_factory=list)
    health_categories: list[str] = Field(default_factory=list)
    regulatory: Regulatory = Field(default_factory=Regulatory)
    use_cases: list[UseCase] = Field(default_factory=list)
    runnable_in_spe: bool = False
    pipeline: str | None = None

    def label(self, lang: str = "en") -> str:
        return pick(self.title, lang) or self.identifier

    def modality_concepts(self, which: str = "input") -> list[str]:
        mods = self.input_modalities if which == "input" else self.output_modalities
        return sorted({c for m in mods for c in m.concepts})

    def dataset_iris(self, relation: str | None = None) -> list[str]:
        return [d.iri for d in self.datasets if d.iri and (relation is None or d.relation == relation)]
