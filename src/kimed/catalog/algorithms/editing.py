"""Editing an algorithm record through a form: the form's values from the canonical graph and
back, and where findings and refusals go.

:func:`record_to_form` reads :class:`~kimed.catalog.algorithms.editform.AlgorithmForm` from a
record graph; :func:`form_to_graph` writes it back into a copy of that graph, rewriting only the
triples of the fields whose value changed (kimed.catalog.graphedit), so every property the form
does not show survives as imported. English texts also read, and replace, literals without a
language tag. No web code here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kimed.catalog.algorithms.editform import AlgorithmForm
from kimed.catalog.algorithms.rdf import DCAT_VERSION, KIMED, MLDCAT, bind_ml_prefixes, find_models
from kimed.catalog.editing import EditError
from kimed.catalog.graphedit import (
    changed_fields,
    first,
    place_findings,
    place_messages,
    replace,
    set_one,
)
from kimed.catalog.namespaces import DCAT, DCTERMS, RDF, SKOS, XSD

LANGS = ("en", "de")
# Field group -> the properties it owns, as prefixed names (SHACL result paths, refusals).
FIELD_PATHS: dict[str, tuple[str, ...]] = {
    "title": ("dct:title",), "description": ("dct:description",),
    "keywords": ("dcat:keyword",), "version": ("dcat:version",),
    "intended_use": ("mldcat:intendedUse",), "limitations": ("mldcat:limitations",),
    "bias": ("mldcat:bias",), "licenses": ("dct:license",), "tasks": ("kimed:task",),
    "task_types": ("mldcat:hasTaskType",),
    "input_modalities": ("mldcat:hasInputModality", "mldcat:classification"),
    "health_categories": ("kimed:healthCategory",),
    "regulatory_classes": ("kimed:regulatoryClass",), "ce_marked": ("kimed:ceMarked",),
    "notified_body": ("kimed:notifiedBody",), "fda_clearance": ("kimed:fdaClearance",),
    "spe": ("kimed:runnableInSPE", "kimed:pipeline"),
    "repositories": ("mldcat:hasRepository",), "landing_page": ("dcat:landingPage",),
}
_TEXTS = {"title": DCTERMS.title, "description": DCTERMS.description,
          "intended_use": MLDCAT.intendedUse}
_ONE_TEXT = {"limitations": MLDCAT.limitations, "bias": MLDCAT.bias}
_PLAIN = {"version": DCAT_VERSION, "notified_body": KIMED.notifiedBody,
          "fda_clearance": KIMED.fdaClearance, "pipeline": KIMED.pipeline}
_FLAGS = {"ce_marked": KIMED.ceMarked, "runnable_in_spe": KIMED.runnableInSPE}
# Lists of IRIs, and the type a newly named IRI gets (the official MLDCAT-AP shapes ask for it).
_URI_LISTS = {
    "licenses": (DCTERMS.license, DCTERMS.LicenseDocument),
    "tasks": (KIMED.task, SKOS.Concept), "task_types": (MLDCAT.hasTaskType, SKOS.Concept),
    "health_categories": (KIMED.healthCategory, SKOS.Concept),
    "regulatory_classes": (KIMED.regulatoryClass, SKOS.Concept),
    "repositories": (MLDCAT.hasRepository, None), "landing_page": (DCAT.landingPage, None),
}


def model_node(graph: Graph) -> Node:
    """The one mldcat:MachineLearningModel a record graph describes."""
    found = find_models(graph)
    if len(found) != 1:
        raise EditError("form", f"a record describes exactly one mldcat:MachineLearningModel, "
                        f"this graph {len(found)}", "one record per form")
    return found[0]


def _in_lang(g: Graph, s: Node, p: URIRef, lang: str) -> list[Literal]:
    """Literals of ``(s, p)`` in ``lang``; English includes plain strings without a tag."""
    def plain(o: Literal) -> bool:
        return o.language is None and o.datatype in (None, XSD.string)

    return sorted((o for o in g.objects(s, p) if isinstance(o, Literal) and (
        o.language == lang or (lang == "en" and plain(o)))), key=str)


def _input_concepts(g: Graph, m: Node) -> list[str]:
    out: set[str] = set()
    for node in g.objects(m, MLDCAT.hasInputModality):
        classes = [str(c) for c in g.objects(node, MLDCAT.classification)]
        if classes:
            out.update(classes)
        elif isinstance(node, URIRef) and (node, RDF.type, MLDCAT.Modality) not in g:
            out.add(str(node))  # a concept named directly
    return sorted(out)


def record_to_form(graph: Graph, m: Node | None = None) -> dict[str, Any]:
    """The form's values for model ``m`` of ``graph`` (a dict of AlgorithmForm's fields)."""
    m = model_node(graph) if m is None else m
    g, values = graph, {}
    for name, prop in _TEXTS.items():
        for lang in LANGS:
            found = _in_lang(g, m, prop, lang)
            values[f"{name}_{lang}"] = "\n\n".join(str(v) for v in found) if \
                name == "intended_use" else (str(found[0]) if found else "")
    for lang in LANGS:
        values[f"keywords_{lang}"] = [str(k) for k in _in_lang(g, m, DCAT.keyword, lang)]
    for name, prop in _ONE_TEXT.items():
        found = first(g, m, prop)
        values[name] = str(found) if found is not None else ""
    for name, prop in _PLAIN.items():
        found = first(g, m, prop)
        values[name] = str(found) if found is not None else None
    for name, prop in _FLAGS.items():
        found = first(g, m, prop)
        python = found.toPython() if isinstance(found, Literal) else None
        values[name] = python if isinstance(python, bool) else None
    for name, (prop, _kind) in _URI_LISTS.items():
        uris = sorted(str(o) for o in g.objects(m, prop) if isinstance(o, URIRef))
        values[name] = (uris[0] if uris else None) if name == "landing_page" else uris
    values["input_modalities"] = _input_concepts(g, m)
    return values


def _typed_new(g: Graph, uris: Iterable[URIRef], kind: URIRef | None) -> None:
    for uri in uris:
        if kind is not None and (uri, None, None) not in g:
            g.add((uri, RDF.type, kind))


def form_to_graph(fields: AlgorithmForm, base_graph: Graph) -> Graph:
    """A copy of ``base_graph`` in which only the triples of the changed fields are replaced."""
    g = bind_ml_prefixes(Graph())
    g += base_graph
    m = model_node(g)
    before, after = record_to_form(g, m), fields.model_dump()
    changed = changed_fields(before, after)
    for name, prop in _TEXTS.items():
        for lang in LANGS:
            if f"{name}_{lang}" in changed:
                text = after[f"{name}_{lang}"]
                replace(g, m, prop, _in_lang(g, m, prop, lang),
                        [Literal(text, lang=lang)] if text else [], m)
    for lang in LANGS:
        if f"keywords_{lang}" in changed:
            replace(g, m, DCAT.keyword, _in_lang(g, m, DCAT.keyword, lang),
                    [Literal(k, lang=lang) for k in after[f"keywords_{lang}"]], m)
    for name, prop in _ONE_TEXT.items():
        if name in changed:
            old = first(g, m, prop)
            lang = old.language if isinstance(old, Literal) and old.language else "en"
            set_one(g, m, prop, Literal(after[name], lang=lang) if after[name] else None, m)
    for name, prop in _PLAIN.items():
        if name in changed:
            set_one(g, m, prop, Literal(after[name]) if after[name] else None, m)
    for name, prop in _FLAGS.items():
        if name in changed:
            flag = after[name]
            set_one(g, m, prop, None if flag is None else Literal(flag), m)
    for name, (prop, kind) in _URI_LISTS.items():
        if name in changed:
            old, new = before[name], after[name]
            old = [old] if isinstance(old, str) else old or []
            new = [new] if isinstance(new, str) else new or []
            added = [URIRef(v) for v in new if v not in old]
            replace(g, m, prop, [URIRef(v) for v in old], [URIRef(v) for v in new], m)
            _typed_new(g, added, kind)
    if "input_modalities" in changed:
        _write_modalities(g, m, set(before["input_modalities"]), set(after["input_modalities"]))
    return g


def _write_modalities(g: Graph, m: Node, old: set[str], new: set[str]) -> None:
    """Drop deselected concepts from the input modality nodes (keeping their size text), and add
    new ones to the first node (a new ``<model>#input`` mldcat:Modality when there is none)."""
    holder = None
    for node in sorted(g.objects(m, MLDCAT.hasInputModality), key=str):
        classes = {str(c) for c in g.objects(node, MLDCAT.classification)}
        if classes or (node, RDF.type, MLDCAT.Modality) in g:
            replace(g, node, MLDCAT.classification, [URIRef(c) for c in classes],
                    [URIRef(c) for c in classes & new], m)
            holder = holder or node
        elif str(node) not in new:  # a concept named directly, no longer chosen
            replace(g, m, MLDCAT.hasInputModality, [node], [], m)
    added = sorted(new - old)
    if not added:
        return
    if holder is None:
        holder = URIRef(f"{m}#input") if isinstance(m, URIRef) and "#" not in str(m) else None
        if holder is None or (holder, None, None) in g:
            holder = BNode()
        g.add((m, MLDCAT.hasInputModality, holder))
        g.add((holder, RDF.type, MLDCAT.Modality))
    for uri in added:
        g.add((holder, MLDCAT.classification, URIRef(uri)))
    _typed_new(g, [URIRef(u) for u in added], SKOS.Concept)


def fields_of_findings(findings: Iterable[Any], graph: Graph,
                       m: Node | None = None) -> dict[str | None, list[Any]]:
    """SHACL findings by the field group they concern (None: no field of the form); a finding
    on an input modality node goes to the input modality field."""
    m = model_node(graph) if m is None else m
    nodes = {str(n): "input_modalities" for n in graph.objects(m, MLDCAT.hasInputModality)}
    return place_findings(findings, m, FIELD_PATHS, nodes)


def fields_of_problems(messages: Iterable[str]) -> dict[str | None, list[str]]:
    """Refusal messages by the field group whose property they name (None: none)."""
    return place_messages(messages, FIELD_PATHS)
