"""The words a dataset's variables add to its search document."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.term import Node

from kimed.catalog.variables.codes import code_terms
from kimed.catalog.variables.model import read_variables


def variable_terms(record_graph: Graph, dataset_iri: Node | str) -> list[str]:
    """Names, titles (every language) and codes of the dataset's variables, without repeats.

    Each code appears as written in the record (an IRI or a notation), in its short form
    (``LOINC:8480-6``) and as the bare code (``8480-6``), so a search finds it either way.
    Empty when the dataset describes no variables.
    """
    dataset = dataset_iri if isinstance(dataset_iri, Node) else URIRef(dataset_iri)
    out: dict[str, None] = {}
    for variable in read_variables(record_graph, dataset):
        out[variable.name] = None
        for title in variable.titles.values():
            out[title] = None
        for code in variable.codes:
            for term in code_terms(code):
                out[term] = None
    return list(out)
