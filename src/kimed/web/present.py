"""What a page shows of a record: its properties grouped as a researcher reads them, with the
labels of vocabulary concepts in the page language (from kimed.vocab)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef

from kimed.catalog.models import DatasetRow
from kimed.catalog.namespaces import DQV, OA, RDF, RDFS
from kimed.catalog.projection import AgentRef, DatasetRecord, DistributionRef, Period, pick
from kimed.vocab import lookup
from kimed.web.i18n import format_number, translator

ACCESS_CLASSES = {"PUBLIC": "public", "RESTRICTED": "restricted", "NON_PUBLIC": "non-public"}


@dataclass
class Value:
    """One shown value: text, an optional link, and small parts after it (format, licence...)."""

    text: str
    href: str | None = None
    title: str | None = None
    lang: str | None = None
    parts: list[Value] = field(default_factory=list)


@dataclass
class Row:
    key: str  # message key of the property's name
    prop: str  # the HealthDCAT-AP property, shown as a hint
    values: list[Value]


@dataclass
class Group:
    key: str
    rows: list[Row]


def algorithm_path(identifier: str) -> str:
    """The page of an algorithm (its identifier may hold ``:``)."""
    return "/algorithms/" + quote(identifier, safe=":@-._~")


def hit_view(hit, lang: str, publisher: bool = True) -> dict:
    """What a result card shows of a search hit (a dataset or an algorithm)."""
    algorithm = hit.kind == "algorithm"
    return {
        "identifier": hit.identifier, "title": hit.title, "snippet": hit.description_snippet,
        "publisher": hit.publisher if publisher else None, "kind": hit.kind,
        "href": algorithm_path(hit.identifier) if algorithm else dataset_path(hit.identifier),
        "access": None if algorithm else access_badge(hit.access_rights, lang),
    }


def dataset_path(identifier: str) -> str:
    """The page of a dataset (its identifier may hold ``:`` and ``/``)."""
    return "/datasets/" + quote(identifier, safe=":@-._~")


def short_uri(uri: str) -> str:
    """The last path segment of a URI, or the host for a bare site address."""
    trimmed = uri.rstrip("/")
    after_scheme = trimmed.split("//", 1)[-1]
    if "/" not in after_scheme and "#" not in after_scheme:
        return after_scheme or uri
    return trimmed.rsplit("#", 1)[-1].rsplit("/", 1)[-1] or uri


def concept(uri: str, lang: str) -> Value:
    """A vocabulary URI as its label in ``lang`` (the URI stays the link and the tooltip)."""
    found = lookup(uri)
    if found is None:
        return Value(short_uri(uri), href=uri, title=uri)
    return Value(found.label(lang), href=uri, title=f"{found.code} — {uri}")


def access_badge(uri: str | None, lang: str) -> dict:
    """Label and CSS class of an access-rights value (EU access-right list)."""
    if not uri:
        return {"label": translator(lang)("access.unknown"), "cls": "unknown", "uri": None}
    found = lookup(uri)
    code = found.code if found else short_uri(uri)
    label = found.label(lang) if found else code
    return {"label": label, "cls": ACCESS_CLASSES.get(code, "unknown"), "uri": uri}


def lang_text(values: dict[str, str], lang: str) -> Value | None:
    text = pick(values, lang)
    if not text:
        return None
    shown = lang if values.get(lang) == text else next(
        (k for k, v in values.items() if v == text), "")
    return Value(text, lang=shown or None)


def agent(ref: AgentRef | None, lang: str, link: Callable[[AgentRef], str | None] | None = None
          ) -> list[Value]:
    if ref is None:
        return []
    name = pick(ref.name, lang)
    kind = [concept(ref.type, lang)] if ref.type else []
    addresses = []
    if ref.email:
        email = ref.email.removeprefix("mailto:")
        addresses.append(Value(email, href=f"mailto:{email}"))
    if ref.url:
        addresses.append(Value(short_uri(ref.url) if len(ref.url) > 60 else ref.url,
                               href=ref.url))
    if not name and addresses:  # an unnamed contact point: its first address stands for it
        first, *rest = addresses
        return [Value(first.text, href=first.href, parts=kind + rest)]
    name = name or (short_uri(ref.iri) if ref.iri else "?")
    parts = kind + addresses
    return [Value(name, href=link(ref) if link else None, parts=parts)]


def period(p: Period) -> Value:
    start = p.start.isoformat() if p.start else "…"
    end = p.end.isoformat() if p.end else "…"
    return Value(f"{start} – {end}")


def distribution(d: DistributionRef, lang: str) -> Value:
    t = translator(lang)
    title = pick(d.title, lang) or (concept(d.format, lang).text if d.format else t("detail.link"))
    parts = []
    if d.access_url:
        parts.append(Value(t("detail.access_url"), href=d.access_url, title=d.access_url))
    if d.download_url:
        parts.append(Value(t("detail.download_url"), href=d.download_url, title=d.download_url))
    if d.format:
        parts.append(concept(d.format, lang))
    if d.media_type:
        parts.append(Value(short_uri(d.media_type) if "/" in d.media_type else d.media_type,
                           href=d.media_type if d.media_type.startswith("http") else None))
    if d.license:
        parts.append(Value(f"{t('detail.license')}: {short_uri(d.license)}", href=d.license))
    if d.byte_size is not None:
        parts.append(Value(f"{format_number(d.byte_size, lang)} bytes"))
    return Value(title, href=d.download_url or d.access_url, parts=parts)


def quality_annotations(graph: Graph, iri: str, lang: str) -> list[Value]:
    """The dqv:hasQualityAnnotation of a record, each as its body text and motivation."""
    out = []
    for node in sorted(graph.objects(URIRef(iri), DQV.hasQualityAnnotation), key=str):
        texts = []
        for body in graph.objects(node, OA.hasBody):
            if isinstance(body, Literal):
                texts.append(str(body))
            else:
                texts += [str(v) for p in (RDF.value, RDFS.label) for v in graph.objects(body, p)]
                texts += [str(body)] if isinstance(body, URIRef) and not texts else []
        texts += [str(v) for v in graph.objects(node, RDFS.label)]
        parts = [concept(str(m), lang) for m in graph.objects(node, OA.motivatedBy)]
        parts += [concept(str(d), lang) for d in graph.objects(node, DQV.inDimension)]
        out.append(Value("; ".join(texts) or short_uri(str(node)), parts=parts))
    return out


def _row(key: str, prop: str, values: list[Value | None]) -> Row:
    return Row(key, prop, [v for v in values if v is not None])


def _date(value: date | None) -> Value | None:
    return Value(value.isoformat()) if value else None


def _number(value: int | None, lang: str) -> Value | None:
    return Value(format_number(value, lang)) if value is not None else None


def _bool(value: bool | None, lang: str) -> Value | None:
    if value is None:
        return None
    return Value(translator(lang)("common.yes" if value else "common.no"))


def _ages(rec: DatasetRecord, lang: str) -> Value | None:
    lo, hi = rec.min_typical_age, rec.max_typical_age
    if lo is None and hi is None:
        return None
    return Value(translator(lang)("detail.age_span", lo="…" if lo is None else lo,
                                  hi="…" if hi is None else hi))


def groups(row: DatasetRow, rec: DatasetRecord, graph: Graph, lang: str,
           publisher_link: Callable[[AgentRef], str | None]) -> list[Group]:
    """Every property of the record, in six groups: what, who, coverage, coding, access, quality."""
    c = lambda uris: [concept(u, lang) for u in uris]  # noqa: E731
    keywords = rec.keywords.get(lang) or rec.keywords.get("en") or next(
        iter(rec.keywords.values()), [])
    other = [lang_text({k: v}, lang) for k, v in sorted(rec.title.items()) if k != lang]
    what = [
        _row("field.title", "dct:title", [lang_text(rec.title, lang), *other]),
        _row("field.description", "dct:description", [lang_text(rec.description, lang)]),
        _row("field.keywords", "dcat:keyword", [Value(k) for k in keywords]),
        _row("field.health_categories", "healthdcatap:healthCategory",
             c(rec.health_categories)),
        _row("field.health_themes", "healthdcatap:healthTheme", c(rec.health_themes)),
        _row("field.themes", "dcat:theme", c(rec.themes)),
        _row("field.dataset_type", "dct:type", c([rec.dataset_type] if rec.dataset_type else [])),
        _row("field.frequency", "dct:accrualPeriodicity",
             c([rec.frequency] if rec.frequency else [])),
        _row("field.identifier", "dct:identifier", [Value(rec.identifier)]),
        _row("field.iri", "@id", [Value(rec.iri, href=rec.iri)]),
        _row("field.landing_pages", "dcat:landingPage",
             [Value(u, href=u) for u in rec.landing_pages]),
        _row("field.version", "dcat:version", [Value(rec.version) if rec.version else None]),
        _row("field.issued", "dct:issued", [_date(rec.issued)]),
        _row("field.modified", "dct:modified", [_date(rec.modified)]),
    ]
    who = [
        _row("field.publisher", "dct:publisher", agent(rec.publisher, lang, publisher_link)),
        _row("field.creators", "dct:creator", [v for a in rec.creators for v in agent(a, lang)]),
        _row("field.hdab", "healthdcatap:hdab", agent(rec.hdab, lang)),
        _row("field.custodians", "geodcatap:custodian",
             [v for a in rec.custodians for v in agent(a, lang)]),
        _row("field.contact", "dcat:contactPoint", agent(rec.contact, lang)),
    ]
    coverage = [
        _row("field.population_coverage", "healthdcatap:populationCoverage",
             [lang_text(rec.population_coverage, lang)]),
        _row("field.individuals", "healthdcatap:numberOfUniqueIndividuals",
             [_number(rec.number_of_unique_individuals, lang)]),
        _row("field.records", "healthdcatap:numberOfRecords",
             [_number(rec.number_of_records, lang)]),
        _row("field.ages", "healthdcatap:minTypicalAge, maxTypicalAge", [_ages(rec, lang)]),
        _row("field.temporal", "dct:temporal", [period(p) for p in rec.temporal]),
        _row("field.spatial", "dct:spatial", c(rec.spatial)),
        _row("field.languages", "dct:language", c(rec.languages)),
    ]
    coding = [
        _row("field.coding_systems", "healthdcatap:hasCodingSystem", c(rec.coding_systems)),
        _row("field.code_values", "healthdcatap:hasCodeValues",
             [Value(v, href=v if v.startswith("http") else None) for v in rec.code_values]),
        _row("field.standards", "dct:conformsTo", c(rec.standards)),
        _row("field.structured", "healthdcatap:hasStructuredData",
             [_bool(rec.has_structured_data, lang)]),
        _row("field.variables", "healthdcatap:hasVariables", [_bool(rec.has_variables, lang)]),
    ]
    badge = access_badge(rec.access_rights, lang)
    access = [
        _row("field.access_rights", "dct:accessRights",
             [Value(badge["label"], href=badge["uri"])] if rec.access_rights else []),
        _row("field.legislation", "dcatap:applicableLegislation",
             c(rec.applicable_legislation)),
        _row("field.legal_basis", "dpv:hasLegalBasis", [Value(v) for v in rec.legal_basis]),
        _row("field.purpose", "dpv:hasPurpose", [Value(v) for v in rec.purpose]),
        _row("field.personal_data", "dpv:hasPersonalData", c(rec.personal_data)),
        _row("field.retention", "healthdcatap:retentionPeriod",
             [period(rec.retention) if rec.retention else None]),
        _row("field.distributions", "dcat:distribution",
             [distribution(d, lang) for d in rec.distributions]),
        _row("field.analytics", "healthdcatap:analytics",
             [distribution(d, lang) for d in rec.analytics]),
        _row("field.samples", "adms:sample", [distribution(d, lang) for d in rec.samples]),
    ]
    quality = [
        _row("field.quality_annotations", "dqv:hasQualityAnnotation",
             quality_annotations(graph, rec.iri, lang)),
        _row("field.generated_by", "prov:wasGeneratedBy", [Value(v) for v in rec.generated_by]),
    ]
    return [Group("group.what", what), Group("group.who", who),
            Group("group.coverage", coverage), Group("group.coding", coding),
            Group("group.access", access), Group("group.quality", quality)]


def findings(row: DatasetRow) -> dict[str, list[dict]]:
    """The SHACL findings stored with the record, split into violations and warnings."""
    items = row.findings or []
    return {"violations": [f for f in items if f.get("severity") == "violation"],
            "warnings": [f for f in items if f.get("severity") != "violation"]}


def summary(rec: DatasetRecord, lang: str, limit: int = 220) -> str:
    """The start of the description, cut at a word boundary."""
    text = pick(rec.description, lang) or ""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"
