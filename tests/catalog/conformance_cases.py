"""Conformance cases: the official HealthDCAT-AP Release 8 example and broken variants of it.

Kept as data. Each case names the tier whose official shapes act as the oracle, the edits made to the
official example (``example-healthdcat-dataset.ttl``), and whether the mandatory-cardinality paths we
report must equal the official ones. Nodes are prefixed names; ``DATASET`` is the example's dataset.
Edits: ("drop", node, property) removes every value; ("set", node, property, turtle_value) replaces them;
("add", node, property, turtle_value) adds one.
"""

from __future__ import annotations

from dataclasses import dataclass

NON_PUBLIC, RESTRICTED, PUBLIC = "NON_PUBLIC", "RESTRICTED", "PUBLIC"
AR = "<http://publications.europa.eu/resource/authority/access-right/{}>"

# What NON_PUBLIC asks for beyond PUBLIC and RESTRICTED (Release 8 cardinality tables).
_NON_PUBLIC_ONLY = [("drop", "DATASET", p) for p in
                    ("dcat:contactPoint", "dcat:keyword", "dct:type", "dct:provenance")]


@dataclass(frozen=True)
class Case:
    id: str
    tier: str  # the oracle tier: whose official shapes judge the variant
    edits: tuple = ()
    compare_paths: bool = True  # compare (focus, path) of missing mandatory properties


CASES: tuple[Case, ...] = (
    Case("example-as-published", NON_PUBLIC),
    Case("no-title", NON_PUBLIC, (("drop", "DATASET", "dct:title"),)),
    Case("no-description", NON_PUBLIC, (("drop", "DATASET", "dct:description"),)),
    Case("no-health-category", NON_PUBLIC, (("drop", "DATASET", "healthdcatap:healthCategory"),)),
    Case("no-access-rights", NON_PUBLIC, (("drop", "DATASET", "dct:accessRights"),)),
    Case("no-applicable-legislation", NON_PUBLIC,
         (("drop", "DATASET", "dcatap:applicableLegislation"),)),
    Case("no-identifier", NON_PUBLIC, (("drop", "DATASET", "dct:identifier"),)),
    Case("no-theme", NON_PUBLIC, (("drop", "DATASET", "dcat:theme"),)),
    Case("no-hdab", NON_PUBLIC, (("drop", "DATASET", "healthdcatap:hdab"),)),
    Case("no-distribution", NON_PUBLIC, (("drop", "DATASET", "dcat:distribution"),)),
    Case("no-structured-data-flag", NON_PUBLIC,
         (("drop", "DATASET", "healthdcatap:hasStructuredData"),)),
    Case("structured-without-variables", NON_PUBLIC,
         (("drop", "DATASET", "healthdcatap:hasVariables"),), compare_paths=False),
    Case("records-many", NON_PUBLIC, (("set", "DATASET", "healthdcatap:numberOfRecords", '"many"'),)),
    Case("min-age-negative", NON_PUBLIC,
         (("set", "DATASET", "healthdcatap:minTypicalAge", '"-5"^^xsd:integer'),)),
    Case("min-age-negative-ill-typed", NON_PUBLIC,
         (("set", "DATASET", "healthdcatap:minTypicalAge", '"-5"^^xsd:nonNegativeInteger'),)),
    Case("two-publishers", NON_PUBLIC, (("add", "DATASET", "dct:publisher", "ex:creator-agent"),)),
    Case("no-publisher", NON_PUBLIC, (("drop", "DATASET", "dct:publisher"),)),
    Case("no-contact-point", NON_PUBLIC, (("drop", "DATASET", "dcat:contactPoint"),)),
    Case("no-keyword", NON_PUBLIC, (("drop", "DATASET", "dcat:keyword"),)),
    Case("no-type", NON_PUBLIC, (("drop", "DATASET", "dct:type"),)),
    Case("no-provenance", NON_PUBLIC, (("drop", "DATASET", "dct:provenance"),)),
    Case("distribution-no-access-url", NON_PUBLIC,
         (("drop", "ex:distribution-main-csv", "dcat:accessURL"),)),
    Case("distribution-no-legislation", NON_PUBLIC,
         (("drop", "ex:distribution-fhir-package", "dcatap:applicableLegislation"),)),
    Case("hdab-no-contact-point", NON_PUBLIC, (("drop", "ex:hdab-agent", "cv:contactPoint"),)),
    Case("agent-no-name", NON_PUBLIC, (("drop", "ex:custodian-agent", "foaf:name"),)),
    Case("contact-no-url-or-email", NON_PUBLIC,
         (("drop", "ex:dataset-contact-point", "vcard:hasURL"),
          ("drop", "ex:dataset-contact-point", "vcard:hasEmail"))),
    Case("column-no-name", NON_PUBLIC, (("drop", "ex:col-tumour-stage", "csvw:name"),)),
    # re-tiered variants, as the demo records are
    Case("public", PUBLIC, (("set", "DATASET", "dct:accessRights", AR.format(PUBLIC)),)),
    Case("public-minimal", PUBLIC,
         (("set", "DATASET", "dct:accessRights", AR.format(PUBLIC)), *_NON_PUBLIC_ONLY)),
    Case("public-no-title", PUBLIC,
         (("set", "DATASET", "dct:accessRights", AR.format(PUBLIC)), ("drop", "DATASET", "dct:title"))),
    Case("restricted", RESTRICTED, (("set", "DATASET", "dct:accessRights", AR.format(RESTRICTED)),)),
    Case("restricted-minimal", RESTRICTED,
         (("set", "DATASET", "dct:accessRights", AR.format(RESTRICTED)), *_NON_PUBLIC_ONLY)),
    Case("restricted-no-hdab", RESTRICTED,
         (("set", "DATASET", "dct:accessRights", AR.format(RESTRICTED)),
          ("drop", "DATASET", "healthdcatap:hdab"))),
    Case("non-public-minimal-is-not-enough", NON_PUBLIC, tuple(_NON_PUBLIC_ONLY)),
)

# Official findings the comparison leaves out, each with its reason. They are about the environment
# the official validator runs in, not about the record's structure.
ORACLE_IGNORES = (
    ("sh:class on values from authority tables",
     "The official validator merges the EU and HealthData@EU vocabularies (owl:imports) into the data, "
     "which makes e.g. data-theme/HEAL a skos:Concept. Offline they are absent; kimed.vocab checks "
     "membership instead."),
    ("controlled-vocabulary shapes (*_ShapeCV, *Restriction)",
     "Vocabulary membership (skos:inScheme) is kimed.vocab's job, not our SHACL's."),
    ("dcat:byteSize datatype xsd:decimal",
     "DCAT-AP 3.0.0 SHACL erratum (the specification says xsd:nonNegativeInteger, fixed in 3.0.1); the "
     "official example itself uses xsd:nonNegativeInteger."),
)
