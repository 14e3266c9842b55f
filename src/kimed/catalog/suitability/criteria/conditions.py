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
REQUIREMENT = {"icd10": "cond_icd10", "snomed": "cond_snomed"}


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
        code = condition.code
        if not record.health_categories:
            return Check.of("cond_category", Verdict.UNKNOWN, "category_silent", ev, code=code)
        if wanted in record.health_categories:
            return Check.of("cond_category", Verdict.MEETS, "category_stated", ev, code=code)
        return Check.of("cond_category", Verdict.FAILS, "category_other", ev, code=code)

    def _code(self, condition, record) -> Check:
        req, code = REQUIREMENT[condition.system], condition.code
        hits = [v for v in record.code_values if _matches(condition.system, code, v)]
        if hits:
            return Check.of(req, Verdict.MEETS, "code_found",
                            [evidence(HEALTH + "hasCodeValues", hits)], code=code)
        systems = [CODING_SYSTEMS + s for s in SYSTEMS_FOR[condition.system]]
        usable = [s for s in record.coding_systems if s in systems]
        if usable:
            return Check.of(req, Verdict.PARTLY, "code_system",
                            [evidence(HEALTH + "hasCodingSystem", usable)], code=code)
        if record.code_values:
            return Check.of(req, Verdict.FAILS, "code_other",
                            [evidence(HEALTH + "hasCodeValues", record.code_values)], code=code)
        return Check.of(req, Verdict.UNKNOWN, "code_silent",
                        [evidence(HEALTH + "hasCodeValues", []),
                         evidence(HEALTH + "hasCodingSystem", record.coding_systems)], code=code)
