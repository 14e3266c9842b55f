"""Hugging Face model cards (README.md with YAML front matter) as MLDCAT-AP 3.1.0 graphs.

The front matter follows the Hugging Face model card specification
(https://huggingface.co/docs/hub/model-cards, fields ``license``, ``datasets``, ``base_model``,
``pipeline_tag``, ``tags``, ``language`` and ``model-index``). The markdown body gives the
description and, by their usual headings, intended use, limitations, bias and how to use. A
``kimed:`` block in the front matter (our extension) carries what cards cannot say: identifier,
version, creation date, task, modalities, EHDS health categories, regulatory status, use cases
and the SPE pipeline. Every problem raises :class:`RdfInputError` naming the file, the field
and the rule.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from kimed.catalog.algorithms.rdf import DCAT_VERSION, FAIR4ML, KIMED, MLDCAT, bind_ml_prefixes
from kimed.catalog.namespaces import DCAT, DCTERMS, DQV, RDF, SKOS
from kimed.catalog.rdfio import RdfInputError

RULE = "Hugging Face model card metadata (huggingface.co/docs/hub/model-cards)"
KIMED_RULE = "KIMed model card extension (docs/algorithms.md)"
HF = "https://huggingface.co/"
ALGORITHM_NS = "https://w3id.org/kimed/algorithm/"
SPDX = "http://spdx.org/licenses/"

# Hugging Face licence identifiers -> SPDX identifiers (https://spdx.org/licenses/).
LICENCES = {
    "apache-2.0": "Apache-2.0", "mit": "MIT", "bsd-2-clause": "BSD-2-Clause",
    "bsd-3-clause": "BSD-3-Clause", "gpl-3.0": "GPL-3.0-only", "lgpl-3.0": "LGPL-3.0-only",
    "agpl-3.0": "AGPL-3.0-only", "mpl-2.0": "MPL-2.0", "cc0-1.0": "CC0-1.0",
    "cc-by-4.0": "CC-BY-4.0", "cc-by-sa-4.0": "CC-BY-SA-4.0", "cc-by-nc-4.0": "CC-BY-NC-4.0",
    "cc-by-nc-sa-4.0": "CC-BY-NC-SA-4.0", "cc-by-nc-nd-4.0": "CC-BY-NC-ND-4.0",
    "openrail": None, "creativeml-openrail-m": None, "llama2": None, "llama3": None, "other": None,
}
# Hugging Face pipeline tags -> (our ai-tasks code, input modality, output modality).
PIPELINE_TAGS = {
    "image-segmentation": ("segmentation", "image", "mask"),
    "image-classification": ("classification", "image", "label"),
    "object-detection": ("detection", "image", "label"),
    "image-to-image": ("enhancement", "image", "image"),
    "image-to-text": ("generation", "image", "text"),
    "text-to-image": ("generation", "text", "image"),
    "text-classification": ("classification", "text", "label"),
    "token-classification": ("named-entity-recognition", "text", "label"),
    "zero-shot-classification": ("classification", "text", "label"),
    "text-generation": ("generation", "text", "text"),
    "text2text-generation": ("generation", "text", "text"),
    "summarization": ("summarisation", "text", "text"),
    "translation": ("translation", "text", "text"),
    "question-answering": ("question-answering", "text", "text"),
    "fill-mask": (None, "text", "text"),
    "feature-extraction": (None, "text", None),
    "sentence-similarity": (None, "text", "label"),
    "tabular-classification": ("classification", "tabular", "label"),
    "tabular-regression": ("regression", "tabular", "label"),
    "time-series-forecasting": ("prediction", "tabular", "label"),
    "audio-classification": ("classification", "audio", "label"),
    "automatic-speech-recognition": (None, "audio", "text"),
}
SECTIONS = {  # markdown heading (lower case) -> property
    "intended uses": MLDCAT.intendedUse, "intended use": MLDCAT.intendedUse,
    "uses": MLDCAT.intendedUse, "direct use": MLDCAT.intendedUse,
    "limitations": MLDCAT.limitations, "bias, risks, and limitations": MLDCAT.limitations,
    "risks and limitations": MLDCAT.limitations, "bias": MLDCAT.bias,
    "how to use": MLDCAT.howToUse, "usage": MLDCAT.howToUse,
    "how to get started with the model": MLDCAT.howToUse,
    "training procedure": MLDCAT.trainingProcess, "evaluation": MLDCAT.testingDescription,
}
KIMED_KEYS = {"identifier", "title", "version", "created", "task", "input_modality",
              "output_modality", "health_category", "regulatory_class", "ce_marked",
              "notified_body", "fda_clearance", "runnable_in_spe", "pipeline", "use_cases"}
USE_CASE_KEYS = {"institution", "setting", "outcome", "publication"}


def split_front_matter(text: str, name: str) -> tuple[dict, str, int]:
    """The parsed YAML front matter, the markdown body and the body's first line number."""
    import yaml

    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise RdfInputError(name, "no YAML front matter: a model card starts with a line '---'",
                            line=1, rule=RULE)
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise RdfInputError(name, "the YAML front matter is not closed by a line '---'", line=1,
                            rule=RULE)
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise RdfInputError(name, f"malformed YAML front matter: {problem}",
                            line=mark.line + 2 if mark else None, rule="YAML 1.1") from None
    if not isinstance(meta, dict):
        raise RdfInputError(name, "the YAML front matter is not a mapping of fields", line=2,
                            rule=RULE)
    return meta, "\n".join(lines[end + 1:]), end + 2


def _sections(body: str) -> tuple[str | None, str, dict[str, str]]:
    """(first '# ' title, text before the first '## ', {lower-case heading: text})."""
    title, intro, sections, current = None, [], {}, None
    for line in body.splitlines():
        match = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if match and len(match.group(1)) == 1 and title is None:
            title = match.group(2)
        elif match and len(match.group(1)) >= 2:
            current = match.group(2).strip().lower()
            sections.setdefault(current, "")
        elif current is None:
            intro.append(line)
        else:
            sections[current] += line + "\n"
    return title, "\n".join(intro).strip(), {k: v.strip() for k, v in sections.items() if v.strip()}


class _Card:
    def __init__(self, meta: dict, name: str) -> None:
        self.meta, self.name, self.g = meta, name, bind_ml_prefixes(Graph())

    def fail(self, field: str, cause: str, rule: str = RULE) -> RdfInputError:
        return RdfInputError(self.name, f"{field}: {cause}", rule=rule)

    def strings(self, field: str, value: Any, rule: str = RULE) -> list[str]:
        if value is None:
            return []
        values = value if isinstance(value, list) else [value]
        for item in values:
            if not isinstance(item, str | int | float) or isinstance(item, bool):
                raise self.fail(field, f"expected text or a list of texts, got "
                                f"{type(item).__name__} {item!r:.40}", rule)
        return [str(v) for v in values]

    def concept(self, field: str, code: str, *keys: str) -> URIRef:
        from kimed.vocab import get_vocabulary

        for key in keys:
            vocab = get_vocabulary(key)
            concept = vocab.by_code(code) or vocab.get(code)
            if concept is not None:
                return URIRef(concept.uri)
        known = ", ".join(c.code for k in keys for c in get_vocabulary(k).concepts)
        raise self.fail(field, f"{code!r} is not a code of the vocabulary "
                        f"{' or '.join(repr(k) for k in keys)} (known: {known})", KIMED_RULE)


def _dataset_iri(ref: str) -> URIRef:
    return URIRef(ref if ref.startswith(("http://", "https://")) else f"{HF}datasets/{ref}")


def _add_dataset(card: _Card, ref: str) -> URIRef:
    iri = _dataset_iri(ref)
    g = card.g
    if (iri, RDF.type, DCAT.Dataset) not in g:
        g.add((iri, RDF.type, DCAT.Dataset))
        if not ref.startswith(("http://", "https://")):
            g.add((iri, DCTERMS.identifier, Literal(ref)))
            g.add((iri, DCTERMS.title, Literal(ref)))
    return iri


def _model_index(card: _Card, m: URIRef) -> None:
    index = card.meta.get("model-index")
    if index is None:
        return
    if not isinstance(index, list):
        raise card.fail("model-index", f"expected a list, got {type(index).__name__}")
    for i, entry in enumerate(index):
        where = f"model-index[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("results", []), list):
            raise card.fail(where, "expected a mapping with a list 'results'")
        for j, result in enumerate(entry.get("results", [])):
            _result(card, m, result, f"{where}.results[{j}]")


def _result(card: _Card, m: URIRef, result: Any, where: str) -> None:
    g = card.g
    if not isinstance(result, dict) or not isinstance(result.get("metrics"), list):
        raise card.fail(where, "expected a mapping with a list 'metrics'")
    dataset = result.get("dataset") or {}
    if not isinstance(dataset, dict):
        raise card.fail(f"{where}.dataset", f"expected a mapping, got {type(dataset).__name__}")
    ds_ref = dataset.get("type") or dataset.get("name")
    split = dataset.get("split")
    for field, value in (("type", ds_ref), ("split", split)):
        if value is not None and not isinstance(value, str):
            raise card.fail(f"{where}.dataset.{field}", f"expected text, got {value!r:.40}")
    ds = _add_dataset(card, ds_ref) if ds_ref else None
    if ds is not None:
        relation = {"test": MLDCAT.testedOn, "validation": MLDCAT.validatedOn}.get(
            (split or "").lower(), FAIR4ML.evaluatedOn)
        g.add((m, relation, ds))
    for k, metric in enumerate(result["metrics"]):
        field = f"{where}.metrics[{k}]"
        if not isinstance(metric, dict) or not isinstance(metric.get("type"), str):
            raise card.fail(field, "expected a mapping with a text 'type' (the metric)")
        value = metric.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise card.fail(f"{field}.value", f"{value!r:.40} is not a number")
        node, kind = BNode(), BNode()
        g.add((m, DQV.hasQualityMeasurement, node))
        g.add((node, RDF.type, DQV.QualityMeasurement))
        g.add((node, DCTERMS.type, kind))
        g.add((kind, RDF.type, MLDCAT.DataQuality))
        g.add((kind, DCTERMS.identifier, Literal(metric["type"])))
        name = metric.get("name") if isinstance(metric.get("name"), str) else metric["type"]
        g.add((kind, DCTERMS.title, Literal(name)))
        g.add((node, DQV.value, Literal(value, datatype=XSD.double if isinstance(value, float)
                                       else XSD.integer)))
        if ds is not None:
            g.add((node, KIMED.dataset, ds))
        if split:
            g.add((node, KIMED["split"], Literal(split)))


def _modality(card: _Card, m: URIRef, prop: URIRef, concepts: list[URIRef]) -> None:
    if not concepts:
        return
    node = BNode()
    card.g.add((m, prop, node))
    card.g.add((node, RDF.type, MLDCAT.Modality))
    for concept in concepts:
        card.g.add((node, MLDCAT.classification, concept))
        card.g.add((concept, RDF.type, SKOS.Concept))


def _extension(card: _Card, m: URIRef, ext: dict, pipeline_io: tuple) -> None:
    g = card.g
    unknown = sorted(set(ext) - KIMED_KEYS)
    if unknown:
        raise card.fail(f"kimed.{unknown[0]}", f"unknown field; allowed: {sorted(KIMED_KEYS)}",
                        KIMED_RULE)
    for code in card.strings("kimed.task", ext.get("task"), KIMED_RULE):
        g.add((m, KIMED.task, card.concept("kimed.task", code, "ai-tasks")))
    for key, prop, default in (("input_modality", MLDCAT.hasInputModality, pipeline_io[0]),
                               ("output_modality", MLDCAT.hasOutputModality, pipeline_io[1])):
        codes = card.strings(f"kimed.{key}", ext.get(key), KIMED_RULE)
        concepts = [card.concept(f"kimed.{key}", c, "ai-modalities", "dicom-modalities")
                    for c in codes] or ([default] if default is not None else [])
        _modality(card, m, prop, concepts)
    for code in card.strings("kimed.health_category", ext.get("health_category"), KIMED_RULE):
        g.add((m, KIMED.healthCategory,
               card.concept("kimed.health_category", code, "health-categories")))
    for code in card.strings("kimed.regulatory_class", ext.get("regulatory_class"), KIMED_RULE):
        g.add((m, KIMED.regulatoryClass,
               card.concept("kimed.regulatory_class", code, "regulatory-classes")))
    for key, prop in (("ce_marked", KIMED.ceMarked), ("runnable_in_spe", KIMED.runnableInSPE)):
        if key in ext:
            if not isinstance(ext[key], bool):
                raise card.fail(f"kimed.{key}", f"{ext[key]!r:.40} is not true or false",
                                KIMED_RULE)
            g.add((m, prop, Literal(ext[key])))
    for key, prop in (("notified_body", KIMED.notifiedBody), ("fda_clearance", KIMED.fdaClearance),
                      ("pipeline", KIMED.pipeline), ("version", DCAT_VERSION)):
        for value in card.strings(f"kimed.{key}", ext.get(key), KIMED_RULE)[:1]:
            g.add((m, prop, Literal(value)))
    if "created" in ext:
        if not isinstance(ext["created"], date):
            raise card.fail("kimed.created", f"{ext['created']!r:.40} is not a date (YYYY-MM-DD)",
                            KIMED_RULE)
        g.add((m, DCTERMS.created, Literal(ext["created"], datatype=XSD.date)))
    cases = ext.get("use_cases") or []
    if not isinstance(cases, list):
        raise card.fail("kimed.use_cases", "expected a list of mappings", KIMED_RULE)
    for i, case in enumerate(cases):
        if not isinstance(case, dict) or set(case) - USE_CASE_KEYS:
            raise card.fail(f"kimed.use_cases[{i}]", f"expected a mapping with the fields "
                            f"{sorted(USE_CASE_KEYS)}", KIMED_RULE)
        node = BNode()
        g.add((m, KIMED.useCase, node))
        g.add((node, RDF.type, KIMED.UseCase))
        for key in sorted(case):
            value = card.strings(f"kimed.use_cases[{i}].{key}", case[key], KIMED_RULE)[0]
            g.add((node, KIMED[key], URIRef(value) if key == "publication" else Literal(value)))


def card_to_graph(text: str, name: str) -> Graph:
    """The MLDCAT-AP graph of one model card."""
    meta, body, _ = split_front_matter(text, name)
    card = _Card(meta, name)
    ext = meta.get("kimed") or {}
    if not isinstance(ext, dict):
        raise card.fail("kimed", "expected a mapping", KIMED_RULE)
    heading, intro, sections = _sections(body)
    index = meta.get("model-index")
    index_name = index[0].get("name") if isinstance(index, list) and index and \
        isinstance(index[0], dict) else None
    ident = ext.get("identifier") or meta.get("model_name") or index_name or heading
    if not isinstance(ident, str) or not ident.strip():
        raise card.fail("kimed.identifier", "the card names no model: give kimed.identifier, "
                        "model_name, model-index[0].name or a '# ' title")
    ident = ident.strip()
    m = URIRef(f"{HF}{ident}" if "/" in ident else ALGORITHM_NS + re.sub(r"[^\w.-]+", "-", ident))
    g = card.g
    g.add((m, RDF.type, MLDCAT.MachineLearningModel))
    g.add((m, DCTERMS.identifier, Literal(ident)))
    g.add((m, DCTERMS.title, Literal(ext.get("title") or heading or index_name or ident)))
    if intro:
        g.add((m, DCTERMS.description, Literal(intro)))
    for heading_text, prop in SECTIONS.items():
        if heading_text in sections and (m, prop, None) not in g:
            g.add((m, prop, Literal(sections[heading_text])))
    _licence(card, m)
    for ref in card.strings("datasets", meta.get("datasets")):
        g.add((m, MLDCAT.trainedOn, _add_dataset(card, ref)))
    for ref in card.strings("base_model", meta.get("base_model"))[:1]:
        g.add((m, MLDCAT.fineTunedFrom, URIRef(ref if ref.startswith("http") else HF + ref)))
    for keyword in card.strings("tags", meta.get("tags")):
        g.add((m, DCAT.keyword, Literal(keyword)))
    pipeline_io: tuple = (None, None)
    tag = meta.get("pipeline_tag")
    if tag is not None:
        if tag not in PIPELINE_TAGS:
            raise card.fail("pipeline_tag", f"{tag!r:.40} is not a pipeline tag KIMed knows "
                            f"(known: {', '.join(sorted(PIPELINE_TAGS))})")
        task, inp, out = PIPELINE_TAGS[tag]
        if task and not ext.get("task"):
            g.add((m, KIMED.task, card.concept("pipeline_tag", task, "ai-tasks")))
        pipeline_io = tuple(card.concept("pipeline_tag", c, "ai-modalities") if c else None
                            for c in (inp, out))
    _extension(card, m, ext, pipeline_io)
    if "/" in ident:
        _repository_file(g, m, ident, meta)
    _model_index(card, m)
    return g


def _licence(card: _Card, m: URIRef) -> None:
    licence = card.meta.get("license")
    if licence is None:
        return
    if not isinstance(licence, str):
        raise card.fail("license", f"expected a licence identifier, got {licence!r:.40}")
    link = card.meta.get("license_link")
    if licence.lower() not in LICENCES:
        raise card.fail("license", f"{licence!r} is not a Hugging Face licence identifier "
                        f"(known: {', '.join(sorted(LICENCES))})")
    spdx = LICENCES[licence.lower()]
    if spdx is None and not (isinstance(link, str) and link.startswith("http")):
        if link is None:
            link = f"{HF}licenses/{licence.lower()}"
        else:
            raise card.fail("license_link", f"{link!r:.60} is not an http(s) URL")
    iri = URIRef(SPDX + spdx if spdx else link)
    card.g.add((m, DCTERMS.license, iri))
    card.g.add((iri, RDF.type, DCTERMS.LicenseDocument))


def _repository_file(g: Graph, m: URIRef, ident: str, meta: dict) -> None:
    node = URIRef(f"{HF}{ident}/tree/main")
    g.add((m, MLDCAT.hasFile, node))
    g.add((node, RDF.type, MLDCAT.File))
    g.add((node, DCTERMS.identifier, Literal(f"{ident} (main)")))
    g.add((node, DCTERMS.title, Literal(f"{ident} files on the Hugging Face Hub")))
    g.add((node, MLDCAT.url, node))
    g.add((node, RDF.type, DCAT.Resource))
    library = meta.get("library_name")
    fmt = URIRef(f"{HF}docs/hub/{library if isinstance(library, str) else 'models'}")
    g.add((node, DCTERMS.format, fmt))
    g.add((fmt, RDF.type, SKOS.Concept))
