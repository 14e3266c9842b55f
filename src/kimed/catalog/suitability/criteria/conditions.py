"""Conditions: ICD-10 or SNOMED CT codes, or EHDS health categories.

- health category: meets when healthdcatap:healthCategory holds it; fails when the record names
  other categories only; unknown when it names none.
- ICD-10 / SNOMED CT code: meets when healthdcatap:hasCodeValues holds the code (or, for ICD-10,
  a code below it, e.g. I63.9 for I63); partly when the record is coded in a system that can
  express it (healthdcatap:hasCodingSystem); fails when the record lists code values and none
  matches; unknown when it says neither.
"""

from __future__ import annotations

from kimed.catalog.suitability.criteria.base import HEALTH, Check, Criterion, Verdict, evidence

CODING_SYSTEMS = "https://hdeu-dcat.data.health.europa.eu/resource/authority/coding-system/"
CATEGORIES = "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/"
SYSTEMS_FOR = {"icd10": ("ICD-10", "ICD-10-NAT"), "snomed": ("SNOMED-CT",)}


def _code_of(value: str) -> str:
    """The bare code of a code value: the last path or fragment part of an IRI, else the text."""
    text = value.strip()
    if "://" in text:
        text = text.replace("#", "/").rstrip("/").rsplit("/", 1)[-1]
    elif ":" in text:
        text = text.rsplit(":", 1)[-1]
    return text.upper()


def _matches(system: str, wanted: str, value: str) -> bool:
    code = _code_of(value)
    if system == "icd10":
        return code == wanted or code.startswith(wanted + ".") or (
            "." not in wanted and code.startswith(wanted) and len(code) > len(wanted)
            and code[len(wanted)].isdigit())
    return code == wanted


class Conditions(Criterion):
    name = "conditions"
    label = "Conditions"

    def asked(self, profile) -> bool:
        return bool(profile.conditions)

    def checks(self, profile, subject) -> list[Check]:
        record = subject.record
        out = []
        for condition in profile.conditions:
            if condition.system == "health-category":
                out.append(self._category(condition, record))
            else:
                out.append(self._code(condition, record))
        return out

    def _category(self, condition, record) -> Check:
        ev = [evidence(HEALTH + "healthCategory", record.health_categories)]
        wanted = CATEGORIES + condition.code
        if not record.health_categories:
            return Check(requirement=str(condition), verdict=Verdict.UNKNOWN, evidence=ev,
                         reason="the record names no health category")
        if wanted in record.health_categories:
            return Check(requirement=str(condition), verdict=Verdict.MEETS, evidence=ev,
                         reason=f"health category {condition.code} is stated")
        return Check(requirement=str(condition), verdict=Verdict.FAILS, evidence=ev,
                     reason=f"the record's health categories do not include {condition.code}")

    def _code(self, condition, record) -> Check:
        requirement = str(condition)
        hits = [v for v in record.code_values if _matches(condition.system, condition.code, v)]
        if hits:
            return Check(requirement=requirement, verdict=Verdict.MEETS,
                         evidence=[evidence(HEALTH + "hasCodeValues", hits)],
                         reason=f"the code values include {condition.code}")
        systems = [CODING_SYSTEMS + s for s in SYSTEMS_FOR[condition.system]]
        usable = [s for s in record.coding_systems if s in systems]
        if usable:
            return Check(requirement=requirement, verdict=Verdict.PARTLY,
                         evidence=[evidence(HEALTH + "hasCodingSystem", usable)],
                         reason="the data are coded in a system that can express the condition; "
                                "whether it occurs is not stated")
        if record.code_values:
            return Check(requirement=requirement, verdict=Verdict.FAILS,
                         evidence=[evidence(HEALTH + "hasCodeValues", record.code_values)],
                         reason=f"the record lists its code values and {condition.code} is not "
                                "among them")
        return Check(requirement=requirement, verdict=Verdict.UNKNOWN,
                     evidence=[evidence(HEALTH + "hasCodeValues", []),
                               evidence(HEALTH + "hasCodingSystem", record.coding_systems)],
                     reason="the record states no code values and no coding system for this code")
