"""What the Portal shows of an algorithm: its page's groups, its evaluation table, the datasets it
links to or could apply to, the listing's filters, and its schema.org description.

Texts that the record states per language (intended use, limitations, ...) are read from the
canonical graph, so the page shows them in its own language; everything else comes from the
projection (:class:`kimed.catalog.algorithms.model.AlgorithmRecord`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from rdflib import Graph, Literal, URIRef

from kimed.catalog.algorithms.links import CAT, Match
from kimed.catalog.algorithms.model import AgentRef, AlgorithmRecord, Modality
from kimed.catalog.algorithms.models import AlgorithmDatasetRow, AlgorithmRow
from kimed.catalog.algorithms.rdf import KIMED, MLDCAT
from kimed.catalog.namespaces import DCTERMS
from kimed.catalog.projection import pick
from kimed.vocab import get_vocabulary, lookup
from kimed.web.i18n import format_number, translator
from kimed.web.present import (  # noqa: F401 (algorithm_path is used from here too)
    Group,
    Row,
    Value,
    algorithm_path,
    concept,
    dataset_path,
    short_uri,
)

RELATIONS = ("trainedOn", "testedOn", "validatedOn", "evaluatedOn")
FILTER_VOCABULARIES = {"task": ("ai-tasks",), "modality": ("ai-modalities", "dicom-modalities")}
_REASONS = {"data type": "alg.reason.family", "modality": "alg.reason.modality",
            "health category": "alg.reason.category"}


# --- texts in the page language -------------------------------------------------------------

def lang_texts(graph: Graph, iri: str, prop: URIRef, lang: str) -> list[Value]:
    """The literals of ``prop`` in ``lang``; else in English; else all of them."""
    found = [o for o in graph.objects(URIRef(iri), prop) if isinstance(o, Literal)]
    for wanted in (lang, "en"):
        chosen = [o for o in found if o.language == wanted]
        if chosen:
            return [Value(str(o), lang=wanted) for o in sorted(chosen)]
    return [Value(str(o), lang=o.language) for o in sorted(found)]


def labels(uris: list[str], lang: str) -> list[Value]:
    return [concept(u, lang) for u in uris]


def modality_values(mods: list[Modality], lang: str) -> list[Value]:
    out = []
    for mod in mods:
        names = [concept(c, lang) for c in mod.concepts]
        if not names:
            continue
        first, *rest = names
        parts = rest + ([Value(mod.size)] if mod.size else [])
        out.append(Value(first.text, href=first.href, title=first.title, parts=parts))
    return out


def agent_values(refs: list[AgentRef], lang: str) -> list[Value]:
    return [Value(pick(a.name, lang) or short_uri(a.iri or "?"), href=a.iri, title=a.iri)
            for a in refs]


def license_values(rec: AlgorithmRecord, graph: Graph) -> list[Value]:
    out = []
    for uri in rec.licenses:
        title = graph.value(URIRef(uri), DCTERMS.title)
        found = lookup(uri)
        text = str(title) if title else found.label("en") if found else short_uri(uri)
        out.append(Value(text, href=uri, title=uri))
    return out


# --- linked datasets and "could apply" ------------------------------------------------------

def linked_datasets(rec: AlgorithmRecord, links: list[AlgorithmDatasetRow],
                    titles: dict[str, tuple[str, str]], lang: str) -> dict[str, list[Value]]:
    """Per relation: catalogue datasets as links to their pages, external ones as web links.

    ``titles`` maps catalogue dataset IRIs to ``(identifier, title)``.
    """
    written = {d.iri: d.title for d in rec.datasets if d.iri}
    out: dict[str, list[Value]] = {r: [] for r in (*RELATIONS, "fineTunedFrom")}
    for link in links:
        if not link.external and link.dataset_iri in titles:
            ident, title = titles[link.dataset_iri]
            value = Value(title, href=dataset_path(ident), title=ident)
        else:
            text = written.get(link.target_iri) or short_uri(link.target_iri)
            value = Value(text, href=link.target_iri, title=link.target_iri,
                          parts=[Value(translator(lang)("alg.external"))])
        out.setdefault(link.relation, []).append(value)
    return out


def reason_text(reason: str, lang: str) -> str:
    """A could-apply reason ("data type: imaging", "modality: mri", "health category: EHRS") in
    the page language."""
    t = translator(lang)
    kind, _, rest = reason.partition(": ")
    names = [n.strip() for n in rest.split(",") if n.strip()]
    if kind == "health category":
        shown = [(lookup(CAT + n).label(lang) if lookup(CAT + n) else n) for n in names]
    else:
        shown = [t(f"alg.family.{n}") if f"alg.family.{n}" != t(f"alg.family.{n}") else n
                 for n in names]
    return t(_REASONS.get(kind, "alg.reason.other"), names=", ".join(shown))


def match_view(match: Match, href: str, lang: str) -> dict:
    t = translator(lang)
    return {"title": match.title, "identifier": match.identifier, "href": href,
            "relations": [t(f"alg.relation.{r}") for r in match.relations],
            "reasons": [reason_text(r, lang) for r in match.reasons], "score": match.score}


# --- the page -------------------------------------------------------------------------------

def _row(key: str, prop: str, values: list[Value | None]) -> Row:
    return Row(key, prop, [v for v in values if v is not None])


def regulatory_rows(rec: AlgorithmRecord, graph: Graph, lang: str) -> list[Row]:
    t = translator(lang)
    classes = rec.regulatory.classes
    code = lambda uri: (lookup(uri).code if lookup(uri) else short_uri(uri))  # noqa: E731
    device = [u for u in classes if code(u).startswith(("MDR", "IVDR", "NOT-A-DEVICE"))]
    ai_act = [u for u in classes if code(u).startswith("AIA")]
    fda = [u for u in classes if code(u).startswith("FDA")]
    ce = rec.regulatory.ce_marked
    ce_value = None if ce is None else Value(
        t("common.yes" if ce else "common.no"),
        parts=[Value(t("alg.notified_body") + ": " + rec.regulatory.notified_body)]
        if rec.regulatory.notified_body else [])
    return [
        _row("alg.field.device_class", "kimed:regulatoryClass", labels(device, lang)),
        _row("alg.field.ce_marked", "kimed:ceMarked, kimed:notifiedBody", [ce_value]),
        _row("alg.field.ai_act", "kimed:regulatoryClass", labels(ai_act, lang)),
        _row("alg.field.fda", "kimed:regulatoryClass, kimed:fdaClearance",
             labels(fda, lang) + ([Value(rec.regulatory.fda_clearance)]
                                  if rec.regulatory.fda_clearance else [])),
        _row("alg.field.regulatory_note", "kimed:regulatoryStatus",
             lang_texts(graph, rec.iri, KIMED.regulatoryStatus, lang)),
    ]


def groups(rec: AlgorithmRecord, graph: Graph, lang: str,
           data: dict[str, list[Value]]) -> list[Group]:
    """The algorithm's properties in groups: what, who, use, regulatory status, data."""
    t = translator(lang)
    texts = lambda prop: lang_texts(graph, rec.iri, prop, lang)  # noqa: E731
    other = [Value(v, lang=k) for k, v in sorted(rec.title.items())
             if k != lang and v != rec.label(lang)]
    what = [
        _row("field.title", "dct:title", [Value(rec.label(lang)), *other]),
        _row("field.description", "dct:description", texts(DCTERMS.description)),
        _row("alg.field.tasks", "kimed:task", labels(rec.tasks, lang)),
        _row("alg.field.task_types", "mldcat:hasTaskType", labels(rec.task_types, lang)),
        _row("alg.field.input", "mldcat:hasInputModality",
             modality_values(rec.input_modalities, lang)),
        _row("alg.field.output", "mldcat:hasOutputModality",
             modality_values(rec.output_modalities, lang)),
        _row("alg.field.architecture", "mldcat:modelArchitecture", texts(MLDCAT.modelArchitecture)),
        _row("alg.field.parameters", "mldcat:totalNumberOfParameters",
             [Value(format_number(rec.parameters, lang))] if rec.parameters is not None else []),
        _row("field.health_categories", "kimed:healthCategory", labels(rec.health_categories, lang)),
        _row("field.keywords", "dcat:keyword", [Value(k) for k in rec.keywords]),
        _row("field.version", "dcat:version", [Value(rec.version)] if rec.version else []),
        _row("alg.field.created", "dct:created", [Value(rec.created.isoformat())]
             if rec.created else []),
        _row("field.identifier", "dct:identifier", [Value(rec.identifier)]),
        _row("field.iri", "@id", [Value(rec.iri, href=rec.iri)]),
    ]
    who = [
        _row("alg.field.providers", "mldcat:hasProvider", agent_values(rec.providers, lang)),
        _row("field.creators", "dct:creator", agent_values(rec.creators, lang)),
        _row("alg.field.licenses", "dct:license", license_values(rec, graph)),
    ]
    files = [Value(f.title or f.identifier or short_uri(f.url or f.iri or "?"), href=f.url,
                   parts=[concept(f.format, lang)] if f.format else []) for f in rec.files]
    use = [
        _row("alg.field.intended_use", "mldcat:intendedUse", texts(MLDCAT.intendedUse)),
        _row("alg.field.how_to_use", "mldcat:howToUse", texts(MLDCAT.howToUse)),
        _row("alg.field.limitations", "mldcat:limitations", texts(MLDCAT.limitations)),
        _row("alg.field.bias", "mldcat:bias", texts(MLDCAT.bias)),
        _row("alg.field.risks", "mldcat:hasRisk", [Value(r) for r in rec.risks]),
        _row("alg.field.files", "mldcat:hasFile", files),
        _row("alg.field.repositories", "mldcat:hasRepository",
             [Value(u, href=u) for u in rec.repositories]),
    ]
    data_rows = [_row(f"alg.relation.{r}", f"mldcat:{r}" if r != "evaluatedOn"
                      else "fair4ml:evaluatedOn", data.get(r, [])) for r in RELATIONS]
    if rec.fine_tuned_from:
        data_rows.append(_row("alg.relation.fineTunedFrom", "mldcat:fineTunedFrom",
                              data.get("fineTunedFrom", [])))
    spe = [
        _row("alg.field.runnable", "kimed:runnableInSPE",
             [Value(t("common.yes" if rec.runnable_in_spe else "common.no"))]),
        _row("alg.field.pipeline", "kimed:pipeline", [Value(rec.pipeline)] if rec.pipeline else []),
    ]
    return [Group("group.what", what), Group("group.who", who), Group("alg.group.use", use),
            Group("alg.group.evidence", []),
            Group("alg.group.regulatory", regulatory_rows(rec, graph, lang)),
            Group("alg.group.data", data_rows), Group("alg.group.spe", spe),
            Group("group.quality", [])]


def measured(value: float | str, lang: str) -> str:
    """A measured value as written (0.943), with a decimal comma in German."""
    text = str(value)
    if lang == "de" and re.fullmatch(r"-?\d+\.\d+", text):
        return text.replace(".", ",")
    return text


def evaluation_table(rec: AlgorithmRecord, titles: dict[str, tuple[str, str]],
                     lang: str) -> list[dict]:
    """One row per measured value: metric, value, dataset (linked when in the catalogue), split."""
    written = {d.iri: d.title for d in rec.datasets if d.iri}
    rows = []
    for item in rec.evaluation:
        dataset = None
        if item.dataset in titles:
            ident, title = titles[item.dataset]
            dataset = Value(title, href=dataset_path(ident))
        elif item.dataset:
            dataset = Value(written.get(item.dataset) or short_uri(item.dataset),
                            href=item.dataset if item.dataset.startswith("http") else None)
        rows.append({"metric": item.metric_name or item.metric, "value": measured(item.value, lang),
                     "dataset": dataset, "split": item.split})
    return rows


def findings(row: AlgorithmRow) -> dict[str, list[dict]]:
    items = row.findings or []
    return {"violations": [f for f in items if f.get("severity") == "violation"],
            "warnings": [f for f in items if f.get("severity") != "violation"]}


# --- the listing and its filters ------------------------------------------------------------

class FilterError(ValueError):
    """A filter value that names no concept; answered with 422 naming the parameter."""

    def __init__(self, param: str, value: str, rule: str) -> None:
        super().__init__(f"parameter {param!r}: {value!r} {rule}")
        self.param, self.value, self.rule = param, value, rule


def resolve_filter(param: str, value: str) -> str:
    """The concept URI a ``task`` or ``modality`` filter value (a code or a URI) names."""
    keys = FILTER_VOCABULARIES[param]
    for key in keys:
        vocab = get_vocabulary(key)
        found = vocab.get(value) or vocab.by_code(value)
        if found is not None:
            return found.uri
    raise FilterError(param, value, "must be a code or URI of the vocabularies " + ", ".join(keys))


def parse_bool(param: str, value: str | None) -> bool | None:
    if value in (None, ""):
        return None
    lowered = value.lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise FilterError(param, value, "must be true or false")


@dataclass
class Filters:
    tasks: list[str] = field(default_factory=list)
    modalities: list[str] = field(default_factory=list)
    runnable_in_spe: bool | None = None

    @classmethod
    def parse(cls, task: list[str] | None, modality: list[str] | None,
              runnable: str | None) -> Filters:
        return cls([resolve_filter("task", v) for v in task or []],
                   [resolve_filter("modality", v) for v in modality or []],
                   parse_bool("runnable_in_spe", runnable))

    def keep(self, rec: AlgorithmRecord, skip: str | None = None) -> bool:
        """Values of one filter are OR-ed, filters AND-ed; ``skip`` ignores one filter."""
        mods = {c for which in ("input", "output") for c in rec.modality_concepts(which)}
        return ((skip == "task" or not self.tasks or bool(set(self.tasks) & set(rec.tasks)))
                and (skip == "modality" or not self.modalities or bool(set(self.modalities) & mods))
                and (self.runnable_in_spe is None or rec.runnable_in_spe == self.runnable_in_spe))

    def params(self) -> list[tuple[str, str]]:
        code = lambda uri: lookup(uri).code if lookup(uri) else uri  # noqa: E731
        items = [("task", code(u)) for u in self.tasks]
        items += [("modality", code(u)) for u in self.modalities]
        if self.runnable_in_spe is not None:
            items.append(("runnable_in_spe", str(self.runnable_in_spe).lower()))
        return items


def listing_url(items: list[tuple[str, str]], lang_param: str | None = None) -> str:
    query = urlencode(items + ([("lang", lang_param)] if lang_param else []))
    return "/algorithms" + (f"?{query}" if query else "")


def filter_facets(records: list[AlgorithmRecord], filters: Filters, lang: str) -> list[dict]:
    """The task and input-modality values with counts (under the other filters) and the link that
    adds or removes each."""
    out = []
    current = filters.params()
    for param, getter in (("task", lambda r: r.tasks),
                          ("modality", lambda r: r.modality_concepts("input"))):
        counts: dict[str, int] = {}
        for rec in records:
            if filters.keep(rec, skip=param):
                for uri in set(getter(rec)):
                    counts[uri] = counts.get(uri, 0) + 1
        chosen = filters.tasks if param == "task" else filters.modalities
        values = []
        for uri in sorted(counts, key=lambda u: (-counts[u], concept(u, lang).text)):
            code = lookup(uri).code if lookup(uri) else uri
            selected = uri in chosen
            items = [i for i in current if i != (param, code)] if selected else \
                current + [(param, code)]
            values.append({"value": code, "uri": uri, "label": concept(uri, lang).text,
                           "count": counts[uri], "selected": selected, "url": listing_url(items)})
        out.append({"key": param, "values": values})
    return out


# --- schema.org -----------------------------------------------------------------------------

def software_jsonld(rec: AlgorithmRecord, page_url: str, lang: str) -> dict:
    """A schema.org SoftwareApplication for web search engines (https://schema.org/SoftwareApplication)."""
    doc: dict = {"@context": "https://schema.org", "@type": "SoftwareApplication", "@id": rec.iri,
                 "name": rec.label(lang), "applicationCategory": "Medical AI model",
                 "description": pick(rec.description, lang) or rec.short_description
                 or rec.label(lang), "identifier": rec.identifier, "url": page_url,
                 "inLanguage": lang}
    if rec.version:
        doc["softwareVersion"] = rec.version
    if rec.created:
        doc["dateCreated"] = rec.created.isoformat()
    if rec.licenses:
        doc["license"] = rec.licenses[0] if len(rec.licenses) == 1 else rec.licenses
    orgs = [{"@type": "Organization", "name": pick(a.name, lang) or a.iri or "",
             **({"sameAs": a.iri} if a.iri else {})} for a in rec.providers]
    if orgs:
        doc["provider"] = orgs
    keywords = rec.keywords + [concept(u, lang).text for u in rec.tasks]
    if keywords:
        doc["keywords"] = keywords
    if rec.files and rec.files[0].url:
        doc["downloadUrl"] = rec.files[0].url
    return doc
