"""Fixtures for the suitability tests: the demo records (and our two test records) as subjects,
read straight from their Turtle files (no database), once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib import namespace as ns

from kimed.catalog.demo import demo_files
from kimed.catalog.projection import project
from kimed.catalog.rdfio import to_ntriples
from kimed.catalog.suitability import Subject

DATA = Path(__file__).parents[2] / "data" / "suitability"
SPE_RECORD = DATA / "spe-stroke-registry.ttl"
SILENT_RECORD = DATA / "silent.ttl"
PROFILE = DATA / "stroke-profile.yaml"


def subject_of(path: Path) -> Subject:
    graph = Graph().parse(path, format="turtle")
    node = next(graph.subjects(ns.RDF.type, ns.DCAT.Dataset))
    return Subject(record=project(graph, node), graph_nt=to_ntriples(graph))


@pytest.fixture(scope="session")
def subjects() -> dict[str, Subject]:
    """Every demo record and the two test records, by identifier (``nako``, ``test-silent``)."""
    out = {}
    for path in [*demo_files(), SPE_RECORD, SILENT_RECORD]:
        subject = subject_of(path)
        out[subject.record.identifier.removeprefix("kimed:")] = subject
    return out
