"""What the suitability pages show: form values, choices from our vocabularies, and assessments
with translated labels, short property names and concept labels for evidence values."""

from __future__ import annotations

from kimed.catalog.suitability import Assessment, ResearchProfile
from kimed.catalog.suitability.purposes import purpose
from kimed.web.i18n import format_number, translate
from kimed.web.present import dataset_path

PREFIXES = {
    "http://purl.org/dc/terms/": "dct:", "http://www.w3.org/ns/dcat#": "dcat:",
    "http://data.europa.eu/r5r/": "dcatap:", "http://healthdataportal.eu/ns/health#":
    "healthdcatap:", "https://w3id.org/dpv#": "dpv:",
}
LIST_PARAMS = ("type",)
FREQUENCIES = ("CONT", "DAILY", "WEEKLY", "MONTHLY", "QUARTERLY", "ANNUAL_2", "ANNUAL",
               "BIENNIAL", "IRREG")
STANDARDS = ("FHIR", "OMOP-CDM", "DICOM", "OPENEHR", "CDISC-SDTM", "ICD-10", "ICD-10-NAT",
             "SNOMED-CT", "LOINC", "ATC", "OPS", "ICD-O")


def short(iri: str) -> str:
    for namespace, prefix in PREFIXES.items():
        if iri.startswith(namespace):
            return prefix + iri[len(namespace):]
    return iri


def form_values(profile: ResearchProfile | None, params: dict[str, list[str]]) -> dict:
    """Input values as submitted (so a refused form keeps what was typed), and the set of chosen
    data types for the checkboxes."""
    values = {k: ",".join(v for v in vs if v.strip()) for k, vs in params.items()}
    chosen = {p.strip() for v in params.get("type", []) for p in v.split(",") if p.strip()}
    if profile is not None:
        chosen = set(profile.data_types)
    return {"given": values, "types": chosen,
            "weights_open": any(k.startswith("w_") and values[k] for k in values)}


def vocab_options(lang: str) -> dict:
    from kimed.vocab import get_vocabulary

    def pairs(key: str, codes=None) -> list[tuple[str, str]]:
        vocab = get_vocabulary(key)
        concepts = [vocab.by_code(c) for c in codes] if codes else list(vocab.concepts)
        return [(c.code, c.label(lang)) for c in concepts if c is not None]

    standards = [(code, (get_vocabulary("standards").by_code(code)
                         or get_vocabulary("coding-systems").by_code(code)).label(lang))
                 for code in STANDARDS]
    return {"types": pairs("ai-modalities"), "frequencies": pairs("frequencies", FREQUENCIES),
            "categories": pairs("health-categories"), "standards": standards}


def _value(text: str, lang: str) -> dict:
    from kimed.catalog.suitability.places import COUNTRY_IRI, countries
    from kimed.vocab import lookup

    if text in ("true", "false"):  # an xsd:boolean, such as healthdcatap:hasStructuredData
        return {"text": translate(lang, f"suitability.value.{text}"), "iri": None}
    concept = lookup(text) if text.startswith("http") else None
    label = concept.label(lang) if concept else text
    if concept is None and text.startswith(COUNTRY_IRI):
        code = text[len(COUNTRY_IRI):]
        label = next((c.de if lang == "de" else c.en for c in countries() if c.alpha3 == code),
                     text)
    return {"text": label, "iri": text if text.startswith("http") else None}


def _param(name: str, value, lang: str):
    """A check parameter in the page language: sexes and vocabulary codes get their labels,
    numbers the language's grouping; names and codes typed by the user stay as they are."""
    from kimed.vocab import get_vocabulary

    if name in ("sex", "other"):
        return translate(lang, f"suitability.sex_{value}")
    if name in ("n", "minimum", "count") and isinstance(value, int):
        return format_number(value, lang)
    vocab = {"frequency": "frequencies", "found": "frequencies", "type": "ai-modalities"}.get(name)
    if vocab and value:
        concept = get_vocabulary(vocab).by_code(str(value))
        if concept is not None:
            return concept.label(lang)
    return value


def check_text(check, lang: str) -> tuple[str, str]:
    """(requirement, reason) of a check in ``lang``; the English text where it has no keys."""
    if check.requirement_key is None or check.reason_key is None:
        return check.requirement, check.reason
    params = {k: _param(k, v, lang) for k, v in check.params.items()}
    return (translate(lang, f"suitability.req.{check.requirement_key}", **params),
            translate(lang, f"suitability.reason.{check.reason_key}", **params))


def _check(c, lang: str) -> dict:
    requirement, reason = check_text(c, lang)
    return {"requirement": requirement, "verdict": c.verdict.value,
            "verdict_label": translate(lang, f"suitability.verdict.{c.verdict}"),
            "reason": reason,
            "evidence": [{"property": e.property, "short": short(e.property),
                          "values": [_value(v, lang) for v in e.values]} for e in c.evidence]}


def present_assessment(assessment: Assessment, lang: str) -> dict:
    t = lambda key, **kw: translate(lang, key, **kw)  # noqa: E731
    datasets = []
    for d in assessment.datasets:
        results = []
        for r in d.results:
            results.append({
                "criterion": r.criterion, "label": t(f"suitability.criterion.{r.criterion}"),
                "verdict": r.verdict.value, "verdict_label": t(f"suitability.verdict.{r.verdict}"),
                "checks": [_check(c, lang) for c in r.checks]})
        feasibility = None
        if d.feasibility is not None:
            f = d.feasibility
            feasibility = {"available": f.available, "count": f.count,
                           "below": f.below_threshold,
                           "text": t("suitability.feasibility_unavailable") if not f.available
                           else None}
        datasets.append({"identifier": d.identifier, "title": d.label(lang),
                         "url": dataset_path(d.identifier), "score": d.score,
                         "counts": d.counts(), "results": results, "held_in_spe": d.held_in_spe,
                         "feasibility": feasibility})
    profile = assessment.profile
    return {
        "criteria": [{"name": c, "label": t(f"suitability.criterion.{c}"),
                      "weight": assessment.weights[c]} for c in assessment.criteria],
        "datasets": datasets,
        "purpose": purpose(profile.access.purpose).label(lang) if profile.access.purpose
        else None,
    }
