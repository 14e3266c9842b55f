"""Our data files against the official HealthDCAT-AP Release 8 files in ../shared/data."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import SKOS

from kimed.vocab import check_value, get_vocabulary, lookup, vocabularies

RELEASE = Path("healthdcat/release-8-cd7841f")
CATALOGUE = RELEASE / "validator/catalogue"

# vocabulary key -> its file in the validator catalogue. Only these three official lists are in
# ../shared/data; health activities, coding systems and standards were transcribed from the
# Release 8 validator bundle (see their data files) and cannot be compared here.
OFFICIAL_FILES = {
    "health-categories": "healthcategories.rdf",
    "health-themes": "health-theme.rdf",
    "publisher-types": "publisher-type.rdf",
}


def _official(shared_data: Path, key: str) -> dict[str, tuple[str, str, str | None]]:
    path = shared_data / CATALOGUE / OFFICIAL_FILES[key]
    scheme = rdflib.URIRef(get_vocabulary(key).scheme)
    graph = rdflib.Graph().parse(path)
    found = {}
    for concept in set(graph.subjects(SKOS.inScheme, scheme)):
        labels = {o.language: str(o).strip() for o in graph.objects(concept, SKOS.prefLabel)}
        broader = graph.value(concept, SKOS.broader)
        found[str(concept)] = (labels["en"], labels["de"], str(broader) if broader else None)
    return found


def test_seventeen_health_categories():
    vocab = get_vocabulary("health-categories")
    assert len(vocab.concepts) == 17
    assert vocab.complete
    assert all(c.labels["en"] and c.labels["de"] for c in vocab.concepts)
    assert vocab.by_code("EHRS").uri.endswith("/healthcategories/EHRS")


@pytest.mark.parametrize("key", sorted(OFFICIAL_FILES))
def test_same_concepts_and_labels_as_official_file(shared_data: Path, key: str):
    official = _official(shared_data, key)
    ours = {
        c.uri: (c.labels["en"], c.labels["de"], c.broader) for c in get_vocabulary(key).concepts
    }
    assert set(ours) == set(official)
    assert ours == official


def _example_graphs(shared_data: Path) -> list[tuple[str, rdflib.Graph]]:
    paths = [shared_data / RELEASE / "example-healthdcat-dataset.ttl"]
    paths += sorted((shared_data / RELEASE / "examples").rglob("*.ttl"))
    graphs = []
    for path in paths:
        try:
            graphs.append((path.name, rdflib.Graph().parse(path)))
        except Exception:  # a few upstream snippets do not parse; see the data's SOURCE.txt
            continue
    return graphs


def test_official_example_record_passes(shared_data: Path):
    graph = rdflib.Graph().parse(shared_data / RELEASE / "example-healthdcat-dataset.ttl")
    checked = 0
    for _, prop, value in graph:
        if isinstance(value, rdflib.URIRef):
            assert check_value(str(prop), str(value)) is None, (prop, value)
            checked += 1 if any(v.covers(str(value)) for v in vocabularies().values()) else 0
    assert checked >= 15  # the record really uses our vocabularies


def test_every_vocabulary_uri_in_the_official_examples_is_known(shared_data: Path):
    graphs = _example_graphs(shared_data)
    assert len(graphs) > 50
    seen = 0
    for name, graph in graphs:
        for _, prop, value in graph:
            if not isinstance(value, rdflib.URIRef):
                continue
            assert check_value(str(prop), str(value)) is None, (name, prop, value)
            covering = [v for v in vocabularies().values() if v.covers(str(value))]
            if any(v.complete for v in covering):
                assert lookup(str(value)) is not None, (name, value)
                seen += 1
    assert seen >= 30
