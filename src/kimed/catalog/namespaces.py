"""RDF namespaces used by HealthDCAT-AP Release 8 and DCAT-AP 3 (prefixes as in the specification)."""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

ADMS = Namespace("http://www.w3.org/ns/adms#")
CSVW = Namespace("http://www.w3.org/ns/csvw#")
CV = Namespace("http://data.europa.eu/m8g/")
DCATAP = Namespace("http://data.europa.eu/r5r/")
DPV = Namespace("https://w3id.org/dpv#")
DPVPD = Namespace("https://w3id.org/dpv/dpv-pd#")
DQV = Namespace("http://www.w3.org/ns/dqv#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
GEODCATAP = Namespace("http://data.europa.eu/930/")
HEALTHDCATAP = Namespace("http://healthdataportal.eu/ns/health#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
OA = Namespace("http://www.w3.org/ns/oa#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
TIME = Namespace("http://www.w3.org/2006/time#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

PREFIXES: dict[str, Namespace] = {
    "adms": ADMS,
    "csvw": CSVW,
    "cv": CV,
    "dcat": Namespace(str(DCAT)),
    "dcatap": DCATAP,
    "dct": Namespace(str(DCTERMS)),
    "dpv": DPV,
    "dpvpd": DPVPD,
    "dqv": DQV,
    "eli": ELI,
    "foaf": Namespace(str(FOAF)),
    "geodcatap": GEODCATAP,
    "healthdcatap": HEALTHDCATAP,
    "locn": LOCN,
    "oa": OA,
    "owl": Namespace(str(OWL)),
    "prov": Namespace(str(PROV)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "skos": Namespace(str(SKOS)),
    "spdx": SPDX,
    "time": TIME,
    "vcard": VCARD,
    "xsd": Namespace(str(XSD)),
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the HealthDCAT-AP prefixes on ``graph`` (for readable Turtle output) and return it."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


__all__ = [
    "ADMS", "CSVW", "CV", "DCAT", "DCATAP", "DCTERMS", "DPV", "DPVPD", "DQV", "ELI", "FOAF",
    "GEODCATAP", "HEALTHDCATAP", "LOCN", "OA", "OWL", "PREFIXES", "PROV", "RDF", "RDFS", "SKOS",
    "SPDX", "TIME", "VCARD", "XSD", "bind_prefixes",
]
