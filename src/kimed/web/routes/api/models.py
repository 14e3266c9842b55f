"""Response models of the JSON API, layered per use: a summary in lists, the public record alone."""

from __future__ import annotations

from pydantic import BaseModel, Field

from kimed.catalog.projection import AgentRef, DatasetRecord

LangMap = dict[str, str]


class ErrorItem(BaseModel):
    loc: list[str | int] = Field(description="Where the error is, e.g. [\"query\", \"sort\"]")
    msg: str
    rule: str = Field(description="The rule the value breaks")


class ErrorResponse(BaseModel):
    detail: list[ErrorItem]


class AccessRights(BaseModel):
    uri: str | None
    label: str


class DatasetSummary(BaseModel):
    """One search hit."""

    identifier: str
    iri: str
    title: str
    snippet: str = Field(description="A passage of the description around the first match")
    publisher: str | None
    access_rights: AccessRights
    score: float | None = Field(None, description="Relevance (higher is better) when ranked")
    links: dict[str, str]
    type: str = Field("dataset", description='"dataset" or "algorithm"')


class FacetValueOut(BaseModel):
    value: str
    label: str
    count: int
    selected: bool


class FacetOut(BaseModel):
    key: str
    title: str
    kind: str = Field(description="value (filter by value) or range (age_min/age_max, from/to)")
    values: list[FacetValueOut]


class PageLinks(BaseModel):
    self: str
    first: str
    last: str
    prev: str | None = None
    next: str | None = None


class SearchResponse(BaseModel):
    total: int
    page: int
    per_page: int
    pages: int
    query: dict[str, list[str]] = Field(description="The search as URL parameters")
    hits: list[DatasetSummary]
    facets: list[FacetOut]
    links: PageLinks


class Finding(BaseModel):
    severity: str
    focus: str | None = None
    path: str | None = None
    tier: str | None = None
    message: str
    value: str | int | float | bool | None = None


class DatasetPublic(BaseModel):
    """A dataset's typed projection with the SHACL findings stored with it."""

    identifier: str
    iri: str
    record: DatasetRecord
    violations: int
    warnings: int
    findings: list[Finding]
    links: dict[str, str]


class PublisherSummary(BaseModel):
    slug: str
    value: str = Field(description="The value of the `publisher` search parameter")
    agent: AgentRef
    datasets: int
    links: dict[str, str]


class FacetDefinition(BaseModel):
    key: str
    titles: LangMap
    kind: str
    source: str = Field(description="The HealthDCAT-AP property the values come from")
    params: list[str] = Field(description="The URL parameters that filter on this facet")


class ConceptOut(BaseModel):
    uri: str
    code: str
    labels: LangMap
    broader: str | None = None


class VocabularySummary(BaseModel):
    key: str
    titles: LangMap
    scheme: str
    namespace: str
    source: str
    complete: bool
    properties: list[str]
    size: int


class VocabularyPublic(VocabularySummary):
    concepts: list[ConceptOut]
