"""Small edits of a record's canonical graph, shared by the editing forms of datasets
(kimed.catalog.editing) and algorithms (kimed.catalog.algorithms.editing).

A form rewrites only the triples of the fields whose value changed; a node an edit detaches (an
old publisher's description, the label of a concept no longer chosen) is removed when nothing else
in the record refers to it. Findings and refusal messages are placed on the form's field groups
by the property they name. No web code here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kimed.catalog.namespaces import RDF


def first(g: Graph, s: Node, p: URIRef) -> Node | None:
    """The first object of ``(s, p)`` in a stable order, or None."""
    return next(iter(sorted(g.objects(s, p), key=str)), None)


def tagged(g: Graph, s: Node, p: URIRef, lang: str) -> list[Literal]:
    """The literals of ``(s, p)`` in language ``lang``."""
    return sorted((o for o in g.objects(s, p) if isinstance(o, Literal) and o.language == lang),
                  key=str)


def prune(g: Graph, node: Node, keep: Node) -> None:
    """Remove ``node``'s description when nothing in ``g`` refers to it any more."""
    if node == keep or isinstance(node, Literal) or (None, None, node) in g:
        return
    triples = list(g.triples((node, None, None)))
    for triple in triples:
        g.remove(triple)
    for _s, _p, o in triples:
        prune(g, o, keep)


def replace(g: Graph, s: Node, p: URIRef, old: Iterable[Node], new: Iterable[Node],
            keep: Node) -> None:
    """Replace the objects ``old`` of ``(s, p)`` by ``new``; prune what the change detached."""
    old, new = set(old), set(new)
    for o in old - new:
        g.remove((s, p, o))
    for o in new - old:
        g.add((s, p, o))
    for o in old - new:
        prune(g, o, keep)


def set_one(g: Graph, s: Node, p: URIRef, value: Node | None, keep: Node) -> None:
    """``(s, p)`` holds exactly ``value`` afterwards (nothing when None)."""
    replace(g, s, p, list(g.objects(s, p)), [value] if value is not None else [], keep)


def child(g: Graph, s: Node, p: URIRef, fragment: str, kind: URIRef) -> Node:
    """The first node ``s`` links by ``p``, or a new one (``<s>#fragment``) of type ``kind``."""
    node = first(g, s, p)
    if node is not None:
        return node
    node = URIRef(f"{s}#{fragment}") if isinstance(s, URIRef) and "#" not in str(s) else BNode()
    if (node, None, None) in g:
        node = BNode()
    g.add((s, p, node))
    g.add((node, RDF.type, kind))
    return node


def drop_if_bare(g: Graph, s: Node, p: URIRef, node: Node) -> None:
    """Unlink and prune a node the form made empty (only its rdf:type is left)."""
    if all(pred == RDF.type for _s, pred, _o in g.triples((node, None, None))):
        g.remove((s, p, node))
        prune(g, node, s)


def norm(value: Any) -> Any:
    """A value compared as the form means it (lists regardless of order)."""
    return sorted(value) if isinstance(value, list) else value


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any],
                   skip: Iterable[str] = ()) -> set[str]:
    """The names whose value differs between two form dumps."""
    skipped = set(skip)
    return {name for name in after
            if name not in skipped and norm(after[name]) != norm(before.get(name))}


def field_of_path(path: str | None, field_paths: Mapping[str, tuple[str, ...]]) -> str | None:
    """The field group owning a SHACL result path (``dct:title`` -> ``title``), or None."""
    if not path:
        return None
    for part in path.split("|"):
        for name, paths in field_paths.items():
            if part in paths:
                return name
    return None


def get(item: Any, key: str) -> Any:
    """A key of a finding given as a dict or as an object."""
    return item.get(key) if isinstance(item, Mapping) else getattr(item, key, None)


def place_findings(findings: Iterable[Any], main: Node, field_paths: Mapping[str, tuple[str, ...]],
                   nodes: Mapping[str, str]) -> dict[str | None, list[Any]]:
    """SHACL findings by the field group they concern (None: no field of the form).

    A finding on ``main`` goes to the field owning its path; one on a node the form edits
    (``nodes``: node -> field group) goes to that node's field.
    """
    out: dict[str | None, list[Any]] = {}
    for finding in findings:
        focus, path = get(finding, "focus"), get(finding, "path")
        name = field_of_path(path, field_paths) if focus == str(main) else nodes.get(focus)
        out.setdefault(name, []).append(finding)
    return out


def place_messages(messages: Iterable[str], field_paths: Mapping[str, tuple[str, ...]]
                   ) -> dict[str | None, list[str]]:
    """Refusal messages by the field group whose property they name (None: none)."""
    out: dict[str | None, list[str]] = {}
    for message in messages:
        names = re.findall(r"\b[a-z0-9]+:[A-Za-z]+\b", message)
        field = next((f for f in (field_of_path(n, field_paths) for n in names) if f), None)
        out.setdefault(field, []).append(message)
    return out
