"""Access needs: the purpose (Regulation (EU) 2025/327, Art. 53(1)), commercial use and
cross-border use.

- purpose: meets when a stated purpose (dpv:hasPurpose: its DPV type or its description) names
  the wanted purpose (a stated general research purpose counts as partly for (e)(i) and (e)(ii)),
  or the dataset is public (dct:accessRights PUBLIC: no purpose is asked); fails when purposes are
  stated and none is the wanted one; partly when none is stated but the EHDS applies
  (dcatap:applicableLegislation), so that a health data access body may grant access for any
  Art. 53 purpose; unknown otherwise.
- commercial use: fails on a non-commercial licence (Creative Commons -NC) or a non-commercial
  purpose (dpv:NonCommercialResearch, "non-commercial" in a purpose); meets on an open licence
  that allows it (CC0, CC BY, CC BY-SA, Apache, BSD, MIT, GPL, ODbL, PDDL) or
  dpv:CommercialResearch; unknown otherwise.
- cross-border use: meets for public datasets; partly when the EHDS applies (HealthData@EU is the
  Regulation's infrastructure for cross-border access); unknown otherwise. No HealthDCAT-AP
  property forbids cross-border use, so this check never fails on metadata alone.
"""

from __future__ import annotations

import re

from rdflib import URIRef

from kimed.catalog.suitability import purposes
from kimed.catalog.suitability.criteria.base import (
    DCATAP,
    DCT,
    DPV,
    Check,
    Criterion,
    Verdict,
    evidence,
)

PUBLIC = "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DPV_PURPOSES = {"ScientificResearch": "e", "AcademicResearch": "e", "ResearchAndDevelopment": "e",
                "CommercialResearch": "e", "NonCommercialResearch": "e",
                "ProductDevelopment": "e-i", "PublicBenefit": "a"}
OPEN = re.compile(r"creativecommons\.org/(publicdomain/zero|licenses/by(-sa)?/)|apache\.org/licenses|"
                  r"opensource\.org/licenses/(mit|bsd)|gnu\.org/licenses|opendatacommons\.org/"
                  r"licenses/(odbl|pddl)", re.IGNORECASE)
NON_COMMERCIAL = re.compile(r"creativecommons\.org/licenses/by(-sa)?-nc", re.IGNORECASE)
NC_WORDS = re.compile(r"non-?commercial|nicht[- ]?kommerziell", re.IGNORECASE)


def _purpose_types(subject) -> set[str]:
    if not subject.graph_nt and subject._graph is None:
        return set()
    graph = subject.graph
    out = set()
    for node in graph.objects(subject.node, URIRef(DPV + "hasPurpose")):
        for kind in {node, *graph.objects(node, RDF_TYPE)}:
            if str(kind).startswith(DPV) and str(kind) != DPV + "Purpose":
                out.add(str(kind)[len(DPV):])
    return out


def _ehds(record) -> bool:
    return purposes.EHDS_ELI in record.applicable_legislation


class Access(Criterion):
    name = "access"
    label = "Access"

    def asked(self, profile) -> bool:
        a = profile.access
        return a.purpose is not None or a.commercial or a.cross_border

    def checks(self, profile, subject) -> list[Check]:
        a = profile.access
        out = []
        if a.purpose:
            out.append(self._purpose(a.purpose, subject))
        if a.commercial:
            out.append(self._commercial(subject))
        if a.cross_border:
            out.append(self._cross_border(subject.record))
        return out

    def _purpose(self, code: str, subject) -> Check:
        record, wanted = subject.record, purposes.purpose(code)
        point = wanted.point
        types = _purpose_types(subject)
        stated = {c for t in record.purpose for c in purposes.purposes_in_text(t)}
        stated |= {DPV_PURPOSES[t] for t in types if t in DPV_PURPOSES}
        ev = [evidence(DPV + "hasPurpose", record.purpose + sorted(types))]
        if record.access_rights == PUBLIC:
            return Check.of("purpose", Verdict.MEETS, "purpose_public",
                            [evidence(DCT + "accessRights", [PUBLIC])], point=point)
        if code in stated:
            return Check.of("purpose", Verdict.MEETS, "purpose_named", ev, point=point)
        if wanted.parent and wanted.parent in stated:
            return Check.of("purpose", Verdict.PARTLY, "purpose_general", ev, point=point)
        if record.purpose or types:
            return Check.of("purpose", Verdict.FAILS, "purpose_other", ev, point=point)
        if _ehds(record):
            return Check.of("purpose", Verdict.PARTLY, "purpose_ehds",
                            [evidence(DCATAP + "applicableLegislation", [purposes.EHDS_ELI])],
                            point=point)
        return Check.of("purpose", Verdict.UNKNOWN, "purpose_silent", ev, point=point)

    def _commercial(self, subject) -> Check:
        record = subject.record
        licences = sorted({d.license for d in record.distributions if d.license})
        types = _purpose_types(subject)
        nc = [x for x in licences if NON_COMMERCIAL.search(x)]
        nc_purpose = [t for t in record.purpose if NC_WORDS.search(t)]
        if nc or nc_purpose or "NonCommercialResearch" in types:
            return Check.of("commercial", Verdict.FAILS, "commercial_excluded",
                            [evidence(DCT + "license", nc),
                             evidence(DPV + "hasPurpose",
                                      nc_purpose + sorted(types & {"NonCommercialResearch"}))])
        allowed = [x for x in licences if OPEN.search(x)]
        if allowed or "CommercialResearch" in types:
            return Check.of("commercial", Verdict.MEETS, "commercial_allowed",
                            [evidence(DCT + "license", allowed),
                             evidence(DPV + "hasPurpose", sorted(types & {"CommercialResearch"}))])
        return Check.of("commercial", Verdict.UNKNOWN, "commercial_silent",
                        [evidence(DCT + "license", licences)])

    def _cross_border(self, record) -> Check:
        if record.access_rights == PUBLIC:
            return Check.of("cross_border", Verdict.MEETS, "border_public",
                            [evidence(DCT + "accessRights", [PUBLIC])])
        if _ehds(record):
            return Check.of("cross_border", Verdict.PARTLY, "border_ehds",
                            [evidence(DCATAP + "applicableLegislation", [purposes.EHDS_ELI])])
        return Check.of("cross_border", Verdict.UNKNOWN, "border_silent",
                        [evidence(DCT + "accessRights",
                                  [record.access_rights] if record.access_rights else [])])
