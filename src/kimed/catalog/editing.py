"""Editing a record through a form: the form's values to RDF and back, and where problems go.

:func:`record_to_form` reads the fields of :class:`~kimed.catalog.editform.DatasetForm` from a
record's canonical graph; :func:`form_to_graph` writes them back. Writing changes only the
triples of the fields whose value changed, so everything the form does not cover (and every field
left as it was) survives exactly as imported. Nodes that an edit detaches (an old publisher, the
label of a vocabulary value no longer used) are pruned when nothing else in the record uses them.

:func:`fields_of_findings` and :func:`fields_of_problems` place SHACL findings and import refusals
on the field groups of the form. No web code here: the Portal's editing router and the JSON API
both use this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kimed.catalog.editform import DatasetForm
from kimed.catalog.namespaces import (
    DCAT,
    DCATAP,
    DCTERMS,
    HEALTHDCATAP,
    RDF,
    VCARD,
    XSD,
    bind_prefixes,
)

DATASET_BASE = "https://w3id.org/kimed/dataset/"
H = HEALTHDCATAP

# Field group -> the property it owns on the dataset, as prefixed name (SHACL finding paths).
FIELD_PATHS: dict[str, tuple[str, ...]] = {
    "identifier": ("dct:identifier",),
    "title": ("dct:title",),
    "description": ("dct:description",),
    "keywords": ("dcat:keyword",),
    "access_rights": ("dct:accessRights",),
    "publisher": ("dct:publisher",),
    "hdab": ("healthdcatap:hdab",),
    "health_categories": ("healthdcatap:healthCategory",),
    "themes": ("dcat:theme",),
    "coding_systems": ("healthdcatap:hasCodingSystem",),
    "standards": ("dct:conformsTo",),
    "languages": ("dct:language",),
    "applicable_legislation": ("dcatap:applicableLegislation",),
    "number_of_unique_individuals": ("healthdcatap:numberOfUniqueIndividuals",),
    "min_typical_age": ("healthdcatap:minTypicalAge",),
    "max_typical_age": ("healthdcatap:maxTypicalAge",),
    "temporal": ("dct:temporal", "dcat:startDate", "dcat:endDate"),
    "landing_page": ("dcat:landingPage",),
    "contact_email": ("dcat:contactPoint", "vcard:hasEmail"),
    "has_structured_data": ("healthdcatap:hasStructuredData",),
    "distribution": ("dcat:distribution", "dcat:accessURL", "dct:format"),
}
_URI_LISTS = {
    "health_categories": H.healthCategory, "themes": DCAT.theme,
    "coding_systems": H.hasCodingSystem, "standards": DCTERMS.conformsTo,
    "languages": DCTERMS.language, "applicable_legislation": DCATAP.applicableLegislation,
}
_COUNTS = {
    "number_of_unique_individuals": H.numberOfUniqueIndividuals,
    "min_typical_age": H.minTypicalAge, "max_typical_age": H.maxTypicalAge,
}
_TEXTS = {"title": DCTERMS.title, "description": DCTERMS.description}
_AGENTS = {"publisher": DCTERMS.publisher, "hdab": H.hdab}


class EditError(ValueError):
    """The form cannot become a record (e.g. a new record without identifier or title)."""

    def __init__(self, field: str, message: str, rule: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message, self.rule = field, message, rule


def _first(g: Graph, s: Node, p: URIRef) -> Node | None:
    return next(iter(sorted(g.objects(s, p), key=str)), None)


def _tagged(g: Graph, s: Node, p: URIRef, lang: str) -> list[Literal]:
    return sorted((o for o in g.objects(s, p) if isinstance(o, Literal) and o.language == lang),
                  key=str)


def dataset_node(graph: Graph) -> Node:
    """The one dcat:Dataset a record graph describes."""
    found = sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=str)
    if len(found) != 1:
        raise EditError("form", f"a record describes exactly one dcat:Dataset, this graph "
                        f"{len(found)}", "one record per form")
    return found[0]


def record_to_form(graph: Graph, ds: Node | None = None) -> dict[str, Any]:
    """The form's values for dataset ``ds`` of ``graph`` (a dict of DatasetForm's fields)."""
    ds = dataset_node(graph) if ds is None else ds
    g = graph
    values: dict[str, Any] = {"identifier": str(_first(g, ds, DCTERMS.identifier) or "") or None}
    for name, prop in _TEXTS.items():
        for lang in ("en", "de"):
            found = _tagged(g, ds, prop, lang)
            values[f"{name}_{lang}"] = str(found[0]) if found else ""
    for lang in ("en", "de"):
        values[f"keywords_{lang}"] = [str(k) for k in _tagged(g, ds, DCAT.keyword, lang)]
    for name, prop in {"access_rights": DCTERMS.accessRights, **_AGENTS,
                       "landing_page": DCAT.landingPage}.items():
        node = _first(g, ds, prop)
        values[name] = str(node) if isinstance(node, URIRef) else None
    for name, prop in _URI_LISTS.items():
        values[name] = sorted(str(o) for o in g.objects(ds, prop) if isinstance(o, URIRef))
    for name, prop in _COUNTS.items():
        node = _first(g, ds, prop)
        python = node.toPython() if isinstance(node, Literal) else None
        values[name] = python if isinstance(python, int) and not isinstance(python, bool) else None
    flag = _first(g, ds, H.hasStructuredData)
    values["has_structured_data"] = flag.toPython() if isinstance(flag, Literal) and isinstance(
        flag.toPython(), bool) else None
    period = _first(g, ds, DCTERMS.temporal)
    for end, prop in (("start", DCAT.startDate), ("end", DCAT.endDate)):
        value = _first(g, period, prop) if period is not None else None
        python = value.toPython() if isinstance(value, Literal) else None
        if hasattr(python, "date") and callable(python.date):
            python = python.date()
        values[f"temporal_{end}"] = python if hasattr(python, "isoformat") else None
    contact = _first(g, ds, DCAT.contactPoint)
    email = _first(g, contact, VCARD.hasEmail) if contact is not None else None
    values["contact_email"] = str(email).removeprefix("mailto:") if email is not None else None
    dist = _first(g, ds, DCAT.distribution)
    for name, prop in (("distribution_access_url", DCAT.accessURL),
                       ("distribution_format", DCTERMS.format)):
        value = _first(g, dist, prop) if dist is not None else None
        values[name] = str(value) if value is not None else None
    return values


def _referenced(g: Graph, node: Node) -> bool:
    return (None, None, node) in g


def _prune(g: Graph, node: Node, keep: Node) -> None:
    """Remove ``node``'s description when nothing in ``g`` refers to it any more."""
    if node == keep or isinstance(node, Literal) or _referenced(g, node):
        return
    triples = list(g.triples((node, None, None)))
    for triple in triples:
        g.remove(triple)
    for _s, _p, o in triples:
        _prune(g, o, keep)


def _replace(g: Graph, s: Node, p: URIRef, old: Iterable[Node], new: Iterable[Node],
             ds: Node) -> None:
    old, new = set(old), set(new)
    for o in old - new:
        g.remove((s, p, o))
    for o in new - old:
        g.add((s, p, o))
    for o in old - new:
        _prune(g, o, ds)


def _child(g: Graph, ds: Node, p: URIRef, fragment: str, kind: URIRef) -> Node:
    """The first node ``ds`` links by ``p``, or a new one (``<ds>#fragment``) of type ``kind``."""
    node = _first(g, ds, p)
    if node is not None:
        return node
    node = URIRef(f"{ds}#{fragment}") if isinstance(ds, URIRef) and "#" not in str(ds) else BNode()
    if (node, None, None) in g:
        node = BNode()
    g.add((ds, p, node))
    g.add((node, RDF.type, kind))
    return node


def _drop_if_bare(g: Graph, ds: Node, p: URIRef, node: Node) -> None:
    """Unlink and prune a node the form made empty (only its rdf:type is left)."""
    if all(pred == RDF.type for _s, pred, _o in g.triples((node, None, None))):
        g.remove((ds, p, node))
        _prune(g, node, ds)


def _set_one(g: Graph, s: Node, p: URIRef, value: Node | None, ds: Node) -> None:
    _replace(g, s, p, list(g.objects(s, p)), [value] if value is not None else [], ds)


def new_identity(form: DatasetForm, base: str = DATASET_BASE) -> tuple[str, URIRef]:
    """The identifier and IRI of a new record: the form's identifier, else one from its title."""
    ident = form.identifier
    if not ident:
        title = form.title_en or form.title_de
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]
        if not slug:
            raise EditError("identifier", "give an identifier or a title", "dct:identifier")
        ident = f"kimed:{slug}"
    local = re.sub(r"[^A-Za-z0-9._-]+", "-", ident.split(":", 1)[-1]).strip("-") or "dataset"
    return ident, URIRef(base + local)


def form_to_graph(fields: DatasetForm | Mapping[str, Any], base_graph: Graph | None = None,
                  *, agents: Mapping[str, Graph] | None = None,
                  base_iri: str = DATASET_BASE) -> Graph:
    """The record graph with the form's values: a copy of ``base_graph`` in which only the
    triples of changed fields are replaced, or a new record when ``base_graph`` is None.

    ``agents`` maps agent IRIs to the triples that describe them (name, type, contact); a newly
    chosen publisher or health data access body gets its description from there.
    """
    form = fields if isinstance(fields, DatasetForm) else DatasetForm.model_validate(fields)
    g = bind_prefixes(Graph())
    if base_graph is not None:
        g += base_graph
        ds = dataset_node(g)
        before = record_to_form(g, ds)
    else:
        ident, ds = new_identity(form, base_iri)
        g.add((ds, RDF.type, DCAT.Dataset))
        g.add((ds, DCTERMS.identifier, Literal(ident)))
        before = record_to_form(g, ds)
    after = form.model_dump()
    changed = {name for name in after
               if name != "identifier" and _norm(after[name]) != _norm(before[name])}

    for name, prop in _TEXTS.items():
        for lang in ("en", "de"):
            if f"{name}_{lang}" in changed:
                text = after[f"{name}_{lang}"]
                _replace(g, ds, prop, _tagged(g, ds, prop, lang),
                         [Literal(text, lang=lang)] if text else [], ds)
    for lang in ("en", "de"):
        if f"keywords_{lang}" in changed:
            _replace(g, ds, DCAT.keyword, _tagged(g, ds, DCAT.keyword, lang),
                     [Literal(k, lang=lang) for k in after[f"keywords_{lang}"]], ds)
    if "access_rights" in changed:
        _set_one(g, ds, DCTERMS.accessRights, _uri(after["access_rights"]), ds)
    for name, prop in _AGENTS.items():
        if name in changed:
            iri = after[name]
            _set_one(g, ds, prop, _uri(iri), ds)
            if iri and (URIRef(iri), None, None) not in g and agents and iri in agents:
                g += agents[iri]
    if "landing_page" in changed:
        old = [URIRef(before["landing_page"])] if before["landing_page"] else []
        new = [URIRef(after["landing_page"])] if after["landing_page"] else []
        _replace(g, ds, DCAT.landingPage, old, new, ds)
    for name, prop in _URI_LISTS.items():
        if name in changed:
            _replace(g, ds, prop, [URIRef(v) for v in before[name]],
                     [URIRef(v) for v in after[name]], ds)
    for name, prop in _COUNTS.items():
        if name in changed:
            value = after[name]
            _set_one(g, ds, prop, None if value is None else
                     Literal(str(value), datatype=XSD.nonNegativeInteger), ds)
    if "has_structured_data" in changed:
        flag = after["has_structured_data"]
        _set_one(g, ds, H.hasStructuredData, None if flag is None else Literal(flag), ds)
    _write_temporal(g, ds, after, changed)
    _write_contact(g, ds, after, changed)
    _write_distribution(g, ds, after, changed)
    return g


def _norm(value: Any) -> Any:
    return sorted(value) if isinstance(value, list) else value


def _uri(value: str | None) -> URIRef | None:
    return URIRef(value) if value else None


def _write_temporal(g: Graph, ds: Node, after: dict, changed: set[str]) -> None:
    if not changed & {"temporal_start", "temporal_end"}:
        return
    period = _child(g, ds, DCTERMS.temporal, "temporal", DCTERMS.PeriodOfTime)
    for end, prop in (("start", DCAT.startDate), ("end", DCAT.endDate)):
        if f"temporal_{end}" in changed:
            value = after[f"temporal_{end}"]
            _set_one(g, period, prop, None if value is None else
                     Literal(value.isoformat(), datatype=XSD.date), ds)
    _drop_if_bare(g, ds, DCTERMS.temporal, period)


def _write_contact(g: Graph, ds: Node, after: dict, changed: set[str]) -> None:
    if "contact_email" not in changed:
        return
    contact = _child(g, ds, DCAT.contactPoint, "contact", VCARD.Kind)
    email = after["contact_email"]
    _set_one(g, contact, VCARD.hasEmail, URIRef(f"mailto:{email}") if email else None, ds)
    _drop_if_bare(g, ds, DCAT.contactPoint, contact)


def _write_distribution(g: Graph, ds: Node, after: dict, changed: set[str]) -> None:
    if not changed & {"distribution_access_url", "distribution_format"}:
        return
    is_new = _first(g, ds, DCAT.distribution) is None
    dist = _child(g, ds, DCAT.distribution, "distribution", DCAT.Distribution)
    if is_new:  # a distribution falls under the legislation of its dataset
        for law in g.objects(ds, DCATAP.applicableLegislation):
            g.add((dist, DCATAP.applicableLegislation, law))
    for name, prop in (("distribution_access_url", DCAT.accessURL),
                       ("distribution_format", DCTERMS.format)):
        if name in changed:
            _set_one(g, dist, prop, _uri(after[name]), ds)


def agent_description(graph: Graph, iri: str) -> Graph:
    """The triples that describe agent ``iri`` in ``graph`` (it and the nodes hanging off it)."""
    from kimed.catalog.records import _closure

    return _closure(graph, URIRef(iri), set(graph.subjects(RDF.type, DCAT.Dataset)))


def _field_of_path(path: str | None) -> str | None:
    if not path:
        return None
    for part in path.split("|"):
        for name, paths in FIELD_PATHS.items():
            if part in paths:
                return name
    return None


def _node_fields(graph: Graph, ds: Node) -> dict[str, str]:
    """Nodes the form edits through a link from the dataset -> their field group."""
    nodes: dict[str, str] = {}
    for name, prop in (("temporal", DCTERMS.temporal), ("contact_email", DCAT.contactPoint),
                       ("distribution", DCAT.distribution), ("hdab", H.hdab),
                       ("publisher", DCTERMS.publisher)):
        node = _first(graph, ds, prop)
        if node is not None:
            nodes[str(node)] = name
    return nodes


def fields_of_findings(findings: Iterable[Any], graph: Graph,
                       ds: Node | None = None) -> dict[str | None, list[Any]]:
    """SHACL findings by the field group they concern (None: no field of the form).

    A finding on the dataset goes to the field owning its path (``dct:title`` -> ``title``); one
    on a node the form edits (the distribution, the contact point, the period, an agent) goes to
    that node's field.
    """
    ds = dataset_node(graph) if ds is None else ds
    nodes = _node_fields(graph, ds)
    out: dict[str | None, list[Any]] = {}
    for finding in findings:
        focus, path = _get(finding, "focus"), _get(finding, "path")
        name = _field_of_path(path) if focus == str(ds) else nodes.get(focus)
        out.setdefault(name, []).append(finding)
    return out


def fields_of_problems(messages: Iterable[str]) -> dict[str | None, list[str]]:
    """Refusal messages by the field group whose property they name (None: none)."""
    out: dict[str | None, list[str]] = {}
    for message in messages:
        names = re.findall(r"\b[a-z]+:[A-Za-z]+\b", message)
        field = next((f for f in map(_field_of_path, names) if f), None)
        out.setdefault(field, []).append(message)
    return out


def _get(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, Mapping) else getattr(item, key, None)
