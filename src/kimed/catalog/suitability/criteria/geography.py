"""Geography: the places the profile names against dct:spatial.

Meets when a spatial value is the wanted country or region (or a region inside the wanted one);
partly when the dataset covers only part of the wanted country (a region in it), or a whole
country that contains the wanted region; fails when dct:spatial names other places only; unknown
when the record has no dct:spatial. Names that are no country are matched against the labels
(rdfs:label, skos:prefLabel, locn:geographicName) of the spatial nodes in the stored RDF.
"""

from __future__ import annotations

from rdflib import Literal, URIRef

from kimed.catalog.suitability.criteria.base import DCT, Check, Criterion, Verdict, evidence
from kimed.catalog.suitability.places import Place, resolve

LABELS = ("http://www.w3.org/2000/01/rdf-schema#label",
          "http://www.w3.org/2004/02/skos/core#prefLabel",
          "http://www.w3.org/ns/locn#geographicName")


def _labels(subject, iri: str) -> set[str]:
    if not subject.graph_nt and subject._graph is None:
        return set()
    graph = subject.graph
    return {str(o).lower() for p in LABELS for o in graph.objects(URIRef(iri), URIRef(p))
            if isinstance(o, Literal)}


def _relation(wanted: Place, found: Place, labels: set[str]) -> str | None:
    """``meets``, ``partly`` or None for one wanted place against one spatial value."""
    if wanted.text.lower() in labels or wanted.text == found.text:
        return "meets"
    if wanted.country is None or found.country != wanted.country:
        return None
    if wanted.nuts is None:
        return "meets" if found.nuts is None else "partly"
    if found.nuts is None:
        return "partly"
    if found.nuts.startswith(wanted.nuts):
        return "meets"
    if wanted.nuts.startswith(found.nuts):
        return "partly"
    return None


class Geography(Criterion):
    name = "geography"
    label = "Place"

    def asked(self, profile) -> bool:
        return bool(profile.places)

    def checks(self, profile, subject) -> list[Check]:
        spatial = subject.record.spatial
        ev = [evidence(DCT + "spatial", spatial)]
        out = []
        for text in profile.places:
            wanted = resolve(text)
            if not spatial:
                out.append(Check.of("place", Verdict.UNKNOWN, "place_silent", ev,
                                    place=wanted.label))
                continue
            relations = {_relation(wanted, resolve(s), _labels(subject, s)) for s in spatial}
            if "meets" in relations:
                verdict, reason = Verdict.MEETS, "place_covered"
            elif "partly" in relations:
                verdict, reason = Verdict.PARTLY, "place_part"
            else:
                verdict, reason = Verdict.FAILS, "place_other"
            out.append(Check.of("place", verdict, reason, ev, place=wanted.label))
        return out
