"""Concept codes of variables: short forms like ``LOINC:8480-6`` and the IRIs they stand for.

A code written as ``SYSTEM:CODE`` with a system below is stored as the IRI of that concept
(``dct:subject``); a full IRI is stored as it is; anything else (a local code, a system we do
not know) is stored verbatim as ``skos:notation``. The IRI bases follow BioPortal, which the
HealthDCAT-AP example uses for ICD-10, except SNOMED CT, which has its own.
"""

from __future__ import annotations

import re

SYSTEMS: dict[str, str] = {
    "LOINC": "http://purl.bioontology.org/ontology/LNC/",
    "SNOMED": "http://snomed.info/id/",
    "ICD10": "http://purl.bioontology.org/ontology/ICD10/",
    "ATC": "http://purl.bioontology.org/ontology/ATC/",
    "ORPHA": "http://www.orpha.net/ORDO/Orphanet_",
    "HP": "http://purl.obolibrary.org/obo/HP_",
}
SYSTEM_ALIASES = {"LNC": "LOINC", "SCT": "SNOMED", "SNOMEDCT": "SNOMED", "SNOMED-CT": "SNOMED",
                  "ICD-10": "ICD10", "ORDO": "ORPHA", "HPO": "HP"}
_IRI = re.compile(r"^(https?|urn):[^\s<>\"{}|\\^`]+$", re.IGNORECASE)


def is_iri(code: str) -> bool:
    return bool(_IRI.match(code))


def expand_code(code: str) -> str | None:
    """The concept IRI of ``code`` (an IRI, or ``SYSTEM:CODE`` of a known system), else None."""
    if is_iri(code):
        return code
    system, sep, local = code.partition(":")
    if not sep or not local:
        return None
    key = SYSTEM_ALIASES.get(system.upper(), system.upper())
    base = SYSTEMS.get(key)
    return base + local if base else None


def compact_code(code: str) -> str:
    """``SYSTEM:CODE`` for an IRI under a known system, else the code as given."""
    for system, base in SYSTEMS.items():
        if code.startswith(base) and len(code) > len(base):
            return f"{system}:{code[len(base):]}"
    return code


def code_terms(code: str) -> list[str]:
    """Words a code should be found by: as given, its short form and its bare local code."""
    short = compact_code(code)
    out = [code]
    if short != code:
        out.append(short)
    if not is_iri(short) and ":" in short:
        out.append(short.split(":", 1)[1])
    return list(dict.fromkeys(out))
