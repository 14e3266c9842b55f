"""Pydantic models of the requirements catalogue, exactly as the shared format describes them.

A requirement file holds one category of one area; the catalogue is all of them together with
the version metadata of ``data/catalogue.yaml``. The JSON Schema (``kimed spe requirements
schema``) is generated from these models.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

AREAS: dict[str, str] = {"technical": "TEC", "regulatory": "REG", "organisational": "ORG",
                         "governance": "GOV"}
CATEGORIES: dict[str, dict[str, str]] = {
    "technical": {"identity-access": "IAM", "isolation-egress": "ISO",
                  "storage-encryption": "STO", "compute-ai": "CMP",
                  "logging-monitoring": "LOG", "backup": "BAK", "supply-chain": "SUP",
                  "ai-models": "AIM"},
    "regulatory": {"ehds": "EHD", "gdpr": "GDP", "gdng": "GDN", "security-certification": "SEC",
                   "mdr-ai-act": "MDA"},
    "organisational": {"roles": "ROL", "training": "TRN", "incident-reporting": "INC",
                       "audit": "AUD"},
    "governance": {"permits-committees": "PRM", "public-register": "REG",
                   "output-checking": "OUT", "retention-deletion": "RET",
                   "onboarding-fees-support": "ONB"},
}
LEVELS = ("MUST", "SHOULD", "MAY")
FIVE_SAFES = ("people", "projects", "settings", "data", "outputs")
APPLIES_TO = ("data_holder", "spe_operator", "data_user", "hdab")
METHODS = ("document-review", "technical-test", "automated-test", "audit", "interview",
           "log-inspection")
STATUSES = ("implemented", "partial", "planned", "organisational")
ID_PATTERN = r"^KIM-(TEC|REG|ORG|GOV)-[A-Z]{3}-\d{3}$"

Level = Literal["MUST", "SHOULD", "MAY"]
FiveSafe = Literal["people", "projects", "settings", "data", "outputs"]
Party = Literal["data_holder", "spe_operator", "data_user", "hdab"]
Method = Literal["document-review", "technical-test", "automated-test", "audit", "interview",
                 "log-inspection"]
Status = Literal["implemented", "partial", "planned", "organisational"]
Area = Literal["technical", "regulatory", "organisational", "governance"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sources(_Strict):
    """Where a requirement comes from. Every list is optional; at least one entry overall."""

    legal: list[str] = Field(default_factory=list, description='"<ACT> Art. <n>[(<para>)]'
                             '[(<point>)]" or "GDNG § <n>[(<para>)]"; ACT from data/sources.yaml')
    satre: list[str] = Field(default_factory=list, description="SATRE v2 requirement_index values")
    tehdas2: list[str] = Field(default_factory=list, description="TEHDAS2 draft requirement ids")
    standards: list[str] = Field(default_factory=list, description="e.g. ISO/IEC 27001:2022 "
                                 "A.5.16, BSI C5:2020 IDM-01")

    def count(self) -> int:
        return len(self.legal) + len(self.satre) + len(self.tehdas2) + len(self.standards)


class Verification(_Strict):
    method: Method
    how: str = Field(min_length=1)


class Implementation(_Strict):
    """Whether the KIMed runtime implements the requirement, and which pytest node ids prove it."""

    status: Status
    tests: list[str] = Field(default_factory=list)


class Requirement(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    level: Level
    statement: str = Field(min_length=1)
    rationale: str = Field(min_length=1)
    five_safes: list[FiveSafe] = Field(min_length=1)
    applies_to: list[Party] = Field(min_length=1)
    sources: Sources
    verification: Verification
    implementation: Implementation
    # set by the loader from the enclosing file, not written in each entry
    area: Area | None = Field(default=None, exclude=True)
    category: str | None = Field(default=None, exclude=True)

    def to_dict(self) -> dict:
        """A plain dict with area and category first (exports, API)."""
        return {"id": self.id, "area": self.area, "category": self.category,
                **self.model_dump(mode="json", exclude={"id"})}


class RequirementFile(_Strict):
    """One file ``data/requirements/<area>-<category>.yaml``."""

    area: Area
    category: str
    requirements: list[Requirement] = Field(min_length=1)


class Change(_Strict):
    version: str
    date: dt.date
    changes: list[str] = Field(min_length=1)


class CatalogueInfo(_Strict):
    """``data/catalogue.yaml``: the catalogue's version, release date and change log."""

    title: str
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    date: dt.date
    changelog: list[Change] = Field(default_factory=list)


class Act(_Strict):
    id: str
    title: str
    url: str
    style: Literal["article", "section"] = "article"
    articles: list[str]


class Exclusion(_Strict):
    """An external statement deliberately left out of the concept, with the reason."""

    framework: Literal["satre", "tehdas2"]
    ref: str
    reason: str = Field(min_length=10)


class Catalogue(BaseModel):
    """Everything loaded: metadata, requirements in file order, acts, and the out-of-scope list."""

    info: CatalogueInfo
    requirements: list[Requirement]
    acts: dict[str, Act]
    exclusions: list[Exclusion] = Field(default_factory=list)
    locations: dict[str, tuple[str, int]] = Field(default_factory=dict, exclude=True)

    def where(self, requirement_id: str) -> tuple[str, int | None]:
        """(file, line) a requirement was read from."""
        return self.locations.get(requirement_id, ("?", None))

    def get(self, requirement_id: str) -> Requirement | None:
        return next((r for r in self.requirements if r.id == requirement_id), None)

    def categories(self) -> list[tuple[str, str]]:
        """(area, category) pairs in the canonical order, those with requirements only."""
        present = {(r.area, r.category) for r in self.requirements}
        return [(a, c) for a, cats in CATEGORIES.items() for c in cats if (a, c) in present]

    def filter(self, *, area: str | None = None, category: str | None = None,
               level: str | None = None, five_safes: str | None = None,
               applies_to: str | None = None, status: str | None = None,
               text: str | None = None) -> list[Requirement]:
        needle = (text or "").casefold().strip()
        return [r for r in self.requirements
                if (not area or r.area == area) and (not category or r.category == category)
                and (not level or r.level == level.upper())
                and (not five_safes or five_safes in r.five_safes)
                and (not applies_to or applies_to in r.applies_to)
                and (not status or r.implementation.status == status)
                and (not needle or needle in r.id.casefold() or needle in r.title.casefold()
                     or needle in r.statement.casefold())]


def json_schema() -> dict:
    """JSON Schema (draft 2020-12) of one requirement file, generated from the models."""
    schema = RequirementFile.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "KIMed SPE requirement file"
    props = schema["$defs"]["Requirement"]["properties"]
    props.pop("area", None)
    props.pop("category", None)
    schema["properties"]["category"]["enum"] = sorted({c for v in CATEGORIES.values() for c in v})
    return schema
