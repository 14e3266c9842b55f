"""Splitting an input graph into catalogue records (one per dcat:Dataset, one per dcat:Catalog).

A dataset's record is every triple reachable from the dataset node, following objects, but not
into another dataset or catalogue. A catalogue's record is its own triples (including its
dcat:dataset links) and what hangs off it, without the datasets' records. Triples that belong to
no record are kept on the only dataset when there is one, so a single-dataset file round-trips
exactly, or else on the only catalogue; otherwise they are reported as unattached.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from kimed.catalog.namespaces import DCAT, RDF, bind_prefixes

RECORD_TYPES = (DCAT.Dataset, DCAT.Catalog)


@dataclass
class Split:
    """The records found in one input graph."""

    datasets: dict[Node, Graph] = field(default_factory=dict)
    catalogs: dict[Node, Graph] = field(default_factory=dict)
    unattached: Graph = field(default_factory=Graph)


def _closure(graph: Graph, start: Node, stop: set[Node]) -> Graph:
    out = bind_prefixes(Graph())
    seen = {start}
    queue = [start]
    while queue:
        node = queue.pop()
        for _, p, o in graph.triples((node, None, None)):
            out.add((node, p, o))
            if isinstance(o, URIRef | BNode) and o not in seen and o not in stop:
                seen.add(o)
                queue.append(o)
    return out


def _catalog_closure(graph: Graph, catalog: Node, stop: set[Node]) -> Graph:
    out = bind_prefixes(Graph())
    for triple in graph.triples((catalog, None, None)):
        out.add(triple)
    for _, _p, o in graph.triples((catalog, None, None)):
        if o not in stop and isinstance(o, URIRef | BNode):
            out += _closure(graph, o, stop | {catalog})
    return out


def split_records(graph: Graph) -> Split:
    """Find every dataset and catalogue in ``graph`` and cut out its record."""
    datasets = sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=str)
    catalogs = sorted(set(graph.subjects(RDF.type, DCAT.Catalog)), key=str)
    stop = set(datasets) | set(catalogs)
    split = Split()
    for ds in datasets:
        split.datasets[ds] = _closure(graph, ds, stop - {ds})
    for cat in catalogs:
        split.catalogs[cat] = _catalog_closure(graph, cat, stop - {cat})
    covered = Graph()
    for part in [*split.datasets.values(), *split.catalogs.values()]:
        covered += part
    rest = graph - covered
    if len(rest):
        if len(datasets) == 1 and not catalogs:
            split.datasets[datasets[0]] += rest
        elif len(catalogs) == 1:
            split.catalogs[catalogs[0]] += rest
        else:
            split.unattached = rest
    return split
