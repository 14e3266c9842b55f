"""Standards and coding systems: codes of the vocabularies standards (dct:conformsTo) and
coding-systems (healthdcatap:hasCodingSystem), or any standard's IRI (dct:conformsTo).

Meets when the record states the standard; partly when it states a national variant of the wanted
coding system (ICD-10-NAT for ICD-10) or a member of a wanted group of standards; fails when the
property lists other values only; unknown when the property is absent.
"""

from __future__ import annotations

from kimed.catalog.suitability.criteria.base import DCT, HEALTH, Check, Criterion, Verdict, evidence

CS = "https://hdeu-dcat.data.health.europa.eu/resource/authority/coding-system/"
STD = "https://hdeu-dcat.data.health.europa.eu/resource/authority/standard/"
VARIANTS = {"ICD-10": ("ICD-10-NAT",), "ICD-10-NAT": ("ICD-10",)}


def _kind(code: str) -> tuple[str, str]:
    """(property, IRI) of a profile standard."""
    from kimed.vocab import get_vocabulary

    if code.startswith(("http://", "https://")):
        return DCT + "conformsTo", code
    if get_vocabulary("coding-systems").by_code(code):
        return HEALTH + "hasCodingSystem", CS + code
    return DCT + "conformsTo", STD + code


def _members(iri: str) -> set[str]:
    from kimed.vocab import get_vocabulary

    return {c.uri for c in get_vocabulary("standards").concepts if c.broader == iri}


class Standards(Criterion):
    name = "standards"
    label = "Standards"

    def asked(self, profile) -> bool:
        return bool(profile.standards)

    def checks(self, profile, subject) -> list[Check]:
        record = subject.record
        out = []
        for code in profile.standards:
            prop, iri = _kind(code)
            stated = record.coding_systems if prop.endswith("hasCodingSystem") else record.standards
            name = code.rsplit('/', 1)[-1] if '://' in code else code
            ev = [evidence(prop, stated)]
            close = {CS + v for v in VARIANTS.get(code, ())} | _members(iri)
            if iri in stated:
                verdict, reason = Verdict.MEETS, "std_stated"
            elif close & set(stated):
                verdict, reason = Verdict.PARTLY, "std_variant"
            elif stated:
                verdict, reason = Verdict.FAILS, "std_other"
            else:
                verdict, reason = Verdict.UNKNOWN, "std_silent"
            out.append(Check.of("standard", verdict, reason, ev, standard=name))
        return out
