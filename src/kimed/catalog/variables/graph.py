"""Writing a data dictionary as CSVW RDF on a dataset record, replacing any earlier one.

The shape we write is the one of the HealthDCAT-AP example and our SHACL shapes:

    dataset healthdcatap:hasVariables [ a csvw:TableGroup ; dct:title ... ;
        csvw:table [ a csvw:Table ; dct:title ... ;
            csvw:column [ a csvw:Column ; csvw:name ... ; csvw:title ... ; dct:description ... ;
                          csvw:datatype "integer" ; schema:unitText ... ; schema:position 1 ;
                          dct:subject <concept IRI> ; skos:notation "local code" ] ] ]

Nodes are blank nodes: a dictionary is part of its dataset's record and has no identity of its
own. ``schema:position`` keeps the order of the rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kimed.catalog.namespaces import CSVW, DCAT, DCTERMS, HEALTHDCATAP, RDF, SKOS
from kimed.catalog.variables.codes import expand_code
from kimed.catalog.variables.model import SCHEMA, Variable, table_groups

GROUP_TITLES = {"en": "Data dictionary", "de": "Variablenverzeichnis"}


@dataclass
class Written:
    """What :func:`add_dictionary` wrote: the group node, and each column node's variable."""

    group: Node
    tables: dict[Node, str] = field(default_factory=dict)
    columns: dict[Node, Variable] = field(default_factory=dict)


def _literals(values: dict[str, str]) -> list[Literal]:
    return [Literal(text, lang=lang or None) for lang, text in sorted(values.items())]


def add_dictionary(graph: Graph, dataset: Node, variables: Iterable[Variable],
                   default_table: str = "Variables") -> Written:
    """Add a csvw:TableGroup holding ``variables`` (one csvw:Table per table title)."""
    group = BNode()
    written = Written(group)
    graph.add((dataset, HEALTHDCATAP.hasVariables, group))
    graph.add((group, RDF.type, CSVW.TableGroup))
    for title in _literals(GROUP_TITLES):
        graph.add((group, DCTERMS.title, title))
    tables: dict[str, Node] = {}
    for position, variable in enumerate(variables, start=1):
        label = variable.table or default_table
        if label not in tables:
            table = tables[label] = BNode()
            written.tables[table] = label
            graph.add((group, CSVW.table, table))
            graph.add((table, RDF.type, CSVW.Table))
            graph.add((table, DCTERMS.title, Literal(label)))
        column = BNode()
        written.columns[column] = variable
        graph.add((tables[label], CSVW.column, column))
        _add_column(graph, column, variable, position)
    return written


def _add_column(graph: Graph, column: Node, variable: Variable, position: int) -> None:
    graph.add((column, RDF.type, CSVW.Column))
    graph.add((column, CSVW.name, Literal(variable.name)))
    for title in _literals(variable.titles):
        graph.add((column, CSVW.title, title))
    for text in _literals(variable.description):
        graph.add((column, DCTERMS.description, text))
    if variable.datatype:
        graph.add((column, CSVW.datatype, Literal(variable.datatype)))
    if variable.unit:
        graph.add((column, SCHEMA.unitText, Literal(variable.unit)))
    graph.add((column, SCHEMA.position, Literal(position)))
    for code in variable.codes:
        iri = expand_code(code)
        if iri:
            graph.add((column, DCTERMS.subject, URIRef(iri)))
        else:
            graph.add((column, SKOS.notation, Literal(code)))


def _reachable(graph: Graph, start: Node, stop: set[Node]) -> set[Node]:
    seen, queue = {start}, [start]
    while queue:
        node = queue.pop()
        for obj in graph.objects(node, None):
            if isinstance(obj, URIRef | BNode) and obj not in seen and obj not in stop:
                seen.add(obj)
                queue.append(obj)
    return seen


def remove_dictionary(graph: Graph, dataset: Node) -> int:
    """Remove the dataset's csvw:TableGroup(s) and what only they use; return triples removed.

    A node inside the dictionary that something outside it also refers to (a shared publisher,
    a concept described elsewhere in the record) keeps its own triples.
    """
    stop = {dataset, *graph.subjects(RDF.type, DCAT.Dataset)}
    before = len(graph)
    for group in table_groups(graph, dataset):
        graph.remove((dataset, HEALTHDCATAP.hasVariables, group))
        inside = _reachable(graph, group, stop)
        for node in sorted(inside, key=str):
            outside = [s for s in graph.subjects(None, node) if s not in inside]
            if node is not group and outside:
                continue
            graph.remove((node, None, None))
    return before - len(graph)


def replace_dictionary(graph: Graph, dataset: Node, variables: Iterable[Variable],
                       default_table: str = "Variables") -> Written:
    """Remove the dataset's dictionary, if any, and add one holding ``variables``."""
    remove_dictionary(graph, dataset)
    return add_dictionary(graph, dataset, variables, default_table)
