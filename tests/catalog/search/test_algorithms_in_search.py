"""Datasets and algorithms in one search: type facet, algorithm facets, lifecycle, positions."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from kimed.catalog.algorithms.importer import import_algorithms
from kimed.catalog.algorithms.store import delete_algorithm
from kimed.catalog.importer import import_files
from kimed.catalog.search import SearchQuery, reindex_all, search
from kimed.catalog.search.ids import ALGORITHM_BASE
from kimed.catalog.search.memory import facet_index
from kimed.catalog.search.reference import reference
from tests.catalog.algorithms.conftest import CATALOGUE, DATA
from tests.catalog.search.conftest import record, store

TASKS = "https://w3id.org/kimed/vocab/ai-tasks/"
MR = "http://dicom.nema.org/resources/ontology/DCM/MR"


@pytest.fixture
def mixed(db):
    with db.session() as session:
        import_files(session, [CATALOGUE])
        import_algorithms(session, [DATA / "mri-defacer.ttl", DATA / "clinical-deid.jsonld"])
    return db


def run(db, text: str = "", **kwargs):
    kwargs.setdefault("per_page", 100)
    with db.session() as session:
        return search(session, SearchQuery(text=text, **kwargs))


def counts(result, key: str) -> dict[str, int]:
    return {fv.value: fv.count for fv in result.facets[key]}


def test_one_search_finds_both_kinds_with_a_type_facet(mixed):
    everything = run(mixed)
    kinds = counts(everything, "type")
    assert kinds["algorithm"] == 2 and kinds["dataset"] >= 3
    assert everything.total == kinds["algorithm"] + kinds["dataset"]
    found = run(mixed, "defacer")
    assert [(h.identifier, h.kind) for h in found.hits] == [("test-mri-defacer", "algorithm")]
    only = run(mixed, filters={"type": ["algorithm"]})
    assert {h.identifier for h in only.hits} == {"test-mri-defacer", "test-clinical-deid"}
    assert all(h.kind == "algorithm" for h in only.hits)
    datasets = run(mixed, filters={"type": ["dataset"]})
    assert all(h.kind == "dataset" for h in datasets.hits) and datasets.total == kinds["dataset"]


def test_algorithm_facets_and_label_words(mixed):
    result = run(mixed, filters={"type": ["algorithm"]})
    assert counts(result, "task") == {f"{TASKS}defacing": 1, f"{TASKS}de-identification": 1}
    assert counts(result, "runnable_in_spe")["true"] >= 1
    assert counts(result, "modality")[MR] == 1
    by_task = run(mixed, filters={"task": [f"{TASKS}defacing"]})
    assert [h.identifier for h in by_task.hits] == ["test-mri-defacer"]
    # the German label of the task finds the algorithm (through the facet value, not its text)
    german = run(mixed, "Gesichtsmerkmalen")
    assert [h.identifier for h in german.hits] == ["test-mri-defacer"]
    labels = {fv.value: fv.label for fv in run(mixed, lang="de").facets["type"]}
    assert labels == {"dataset": "Datensatz", "algorithm": "KI-Algorithmus"}


def test_delete_and_reindex_keep_algorithms_in_step(mixed):
    with mixed.session() as session:
        delete_algorithm(session, "test-mri-defacer")
    assert run(mixed, "defacer").total == 0
    assert counts(run(mixed), "type")["algorithm"] == 1
    with mixed.session() as session:
        reindex_all(session)
    after = run(mixed)
    assert counts(after, "type")["algorithm"] == 1
    assert run(mixed, "de-identification", filters={"type": ["algorithm"]}).total == 1


def test_sorting_and_paging_map_algorithm_positions(mixed):
    with mixed.session() as session:
        idx = facet_index(session)
        assert idx.extra and all(i >= ALGORITHM_BASE for i in idx.extra)
        assert idx.split >= 8 and all(idx.pos(i) >= idx.split for i in idx.extra)
    for sort in ("title", "modified", "newest", "relevance"):
        pages = [run(mixed, sort=sort, per_page=2, page=n) for n in (1, 2, 3, 4)]
        ids = [h.identifier for r in pages for h in r.hits]
        assert len(ids) == len(set(ids)) == pages[0].total, sort
    titles = [h.title.casefold() for h in run(mixed, sort="title").hits]
    assert titles == sorted(titles)


def test_engine_agrees_with_the_reference_on_a_mixed_catalogue(mixed):
    rnd = random.Random(5)
    with mixed.session() as session:
        for i in range(30):
            store(session, record(f"x{i:02}", title={"en": rnd.choice(["MRI", "notes", "brain"])
                                                      + f" study {i}"}))
    with mixed.session() as session:
        names = dict(session.execute(sa.text("SELECT id, identifier FROM datasets")).all())
        names |= {ALGORITHM_BASE + i: ident for i, ident in session.execute(
            sa.text("SELECT id, identifier FROM algorithms")).all()}
        for text in ["", "test", "brain", "MRI", "notes -brain", "de*"]:
            for sort in ("relevance", "title", "newest"):
                for filters in ({}, {"type": ["algorithm"]}, {"type": ["dataset"]}):
                    query = SearchQuery(text=text, sort=sort, filters=dict(filters), per_page=100)
                    result = search(session, query)
                    total, page, _counts = reference(session, query)
                    assert result.total == total, query
                    assert [h.identifier for h in result.hits] == [names[i] for i in page], query
