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

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kimed.catalog.editform import DatasetForm
from kimed.catalog.graphedit import (
    changed_fields,
    child,
    drop_if_bare,
    first,
    place_findings,
    place_messages,
    replace,
    set_one,
    tagged,
)
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
    values: dict[str, Any] = {"identifier": str(first(g, ds, DCTERMS.identifier) or "") or None}
    for name, prop in _TEXTS.items():
        for lang in ("en", "de"):
            found = tagged(g, ds, prop, lang)
            values[f"{name}_{lang}"] = str(found[0]) if found else ""
    for lang in ("en", "de"):
        values[f"keywords_{lang}"] = [str(k) for k in tagged(g, ds, DCAT.keyword, lang)]
    for name, prop in {"access_rights": DCTERMS.accessRights, **_AGENTS,
                       "landing_page": DCAT.landingPage}.items():
        node = first(g, ds, prop)
        values[name] = str(node) if isinstance(node, URIRef) else None
    for name, prop in _URI_LISTS.items():
        values[name] = sorted(str(o) for o in g.objects(ds, prop) if isinstance(o, URIRef))
    for name, prop in _COUNTS.items():
        node = first(g, ds, prop)
        python = node.toPython() if isinstance(node, Literal) else None
        values[name] = python if isinstance(python, int) and not isinstance(python, bool) else None
    flag = first(g, ds, H.hasStructuredData)
    values["has_structured_data"] = flag.toPython() if isinstance(flag, Literal) and isinstance(
        flag.toPython(), bool) else None
    period = first(g, ds, DCTERMS.temporal)
    for end, prop in (("start", DCAT.startDate), ("end", DCAT.endDate)):
        value = first(g, period, prop) if period is not None else None
        python = value.toPython() if isinstance(value, Literal) else None
        if hasattr(python, "date") and callable(python.date):
            python = python.date()
        values[f"temporal_{end}"] = python if hasattr(python, "isoformat") else None
    contact = first(g, ds, DCAT.contactPoint)
    email = first(g, contact, VCARD.hasEmail) if contact is not None else None
    values["contact_email"] = str(email).removeprefix("mailto:") if email is not None else None
    dist = first(g, ds, DCAT.distribution)
    for name, prop in (("distribution_access_url", DCAT.accessURL),
                       ("distribution_format", DCTERMS.format)):
        value = first(g, dist, prop) if dist is not None else None
        values[name] = str(value) if value is not None else None
    return values


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
    changed = changed_fields(before, after, skip=("identifier",))

    for name, prop in _TEXTS.items():
        for lang in ("en", "de"):
            if f"{name}_{lang}" in changed:
                text = after[f"{name}_{lang}"]
                replace(g, ds, prop, tagged(g, ds, prop, lang),
                        [Literal(text, lang=lang)] if text else [], ds)
    for lang in ("en", "de"):
        if f"keywords_{lang}" in changed:
            replace(g, ds, DCAT.keyword, tagged(g, ds, DCAT.keyword, lang),
                    [Literal(k, lang=lang) for k in after[f"keywords_{lang}"]], ds)
    if "access_rights" in changed:
        set_one(g, ds, DCTERMS.accessRights, _uri(after["access_rights"]), ds)
    for name, prop in _AGENTS.items():
        if name in changed:
            iri = after[name]
            set_one(g, ds, prop, _uri(iri), ds)
            if iri and (URIRef(iri), None, None) not in g and agents and iri in agents:
                g += agents[iri]
    if "landing_page" in changed:
        old = [URIRef(before["landing_page"])] if before["landing_page"] else []
        new = [URIRef(after["landing_page"])] if after["landing_page"] else []
        replace(g, ds, DCAT.landingPage, old, new, ds)
    for name, prop in _URI_LISTS.items():
        if name in changed:
            replace(g, ds, prop, [URIRef(v) for v in before[name]],
                    [URIRef(v) for v in after[name]], ds)
    for name, prop in _COUNTS.items():
        if name in changed:
            value = after[name]
            set_one(g, ds, prop, None if value is None else
                    Literal(str(value), datatype=XSD.nonNegativeInteger), ds)
    if "has_structured_data" in changed:
        flag = after["has_structured_data"]
        set_one(g, ds, H.hasStructuredData, None if flag is None else Literal(flag), ds)
    _write_temporal(g, ds, after, changed)
    _write_contact(g, ds, after, changed)
    _write_distribution(g, ds, after, changed)
    return g


def _uri(value: str | None) -> URIRef | None:
    return URIRef(value) if value else None


def _write_temporal(g: Graph, ds: Node, after: dict, changed: set[str]) -> None:
    if not changed & {"temporal_start", "temporal_end"}:
        return
    period = child(g, ds, DCTERMS.temporal, "temporal", DCTERMS.PeriodOfTime)
    for end, prop in (("start", DCAT.startDate), ("end", DCAT.endDate)):
        if f"temporal_{end}" in changed:
            value = after[f"temporal_{end}"]
            set_one(g, period, prop, None if value is None else
                    Literal(value.isoformat(), datatype=XSD.date), ds)
    drop_if_bare(g, ds, DCTERMS.temporal, period)


def _write_contact(g: Graph, ds: Node, after: dict, changed: set[str]) -> None:
    if "contact_email" not in changed:
        return
    contact = child(g, ds, DCAT.contactPoint, "contact", VCARD.Kind)
    email = after["contact_email"]
    set_one(g, contact, VCARD.hasEmail, URIRef(f"mailto:{email}") if email else None, ds)
    drop_if_bare(g, ds, DCAT.contactPoint, contact)


def _write_distribution(g: Graph, ds: Node, after: dict, changed: set[str]) -> None:
    if not changed & {"distribution_access_url", "distribution_format"}:
        return
    is_new = first(g, ds, DCAT.distribution) is None
    dist = child(g, ds, DCAT.distribution, "distribution", DCAT.Distribution)
    if is_new:  # a distribution falls under the legislation of its dataset
        for law in g.objects(ds, DCATAP.applicableLegislation):
            g.add((dist, DCATAP.applicableLegislation, law))
    for name, prop in (("distribution_access_url", DCAT.accessURL),
                       ("distribution_format", DCTERMS.format)):
        if name in changed:
            set_one(g, dist, prop, _uri(after[name]), ds)


def agent_description(graph: Graph, iri: str) -> Graph:
    """The triples that describe agent ``iri`` in ``graph`` (it and the nodes hanging off it)."""
    from kimed.catalog.records import _closure

    return _closure(graph, URIRef(iri), set(graph.subjects(RDF.type, DCAT.Dataset)))


def _node_fields(graph: Graph, ds: Node) -> dict[str, str]:
    """Nodes the form edits through a link from the dataset -> their field group."""
    nodes: dict[str, str] = {}
    for name, prop in (("temporal", DCTERMS.temporal), ("contact_email", DCAT.contactPoint),
                       ("distribution", DCAT.distribution), ("hdab", H.hdab),
                       ("publisher", DCTERMS.publisher)):
        node = first(graph, ds, prop)
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
    return place_findings(findings, ds, FIELD_PATHS, _node_fields(graph, ds))


def fields_of_problems(messages: Iterable[str]) -> dict[str | None, list[str]]:
    """Refusal messages by the field group whose property they name (None: none)."""
    return place_messages(messages, FIELD_PATHS)
