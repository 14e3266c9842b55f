"""Paging, sorting, re-indexing, deleting and importing, on both databases."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from kimed.catalog.importer import import_files
from kimed.catalog.models import DatasetRow
from kimed.catalog.search import SearchQuery, index_dataset, reindex_all, search
from kimed.catalog.store import delete_dataset
from tests.catalog.search.conftest import AR, date, record

TEST_RDF = Path(__file__).parents[2] / "data" / "rdf"


def _many(finder, n=25):
    finder.add(*[record(f"d{i:02}", title={"en": f"Cohort {chr(65 + (i * 7) % 26)}{i:02}",
                                           "de": f"Kohorte {chr(90 - i % 26)}{i:02}"},
                        description={"en": "registry data"},
                        number_of_unique_individuals=(None if i % 5 == 0 else i * 100),
                        modified=(None if i % 4 == 0 else date(2020, 1, 1 + i)))
                 for i in range(n)])


def test_pagination(finder):
    _many(finder)
    pages = [finder("registry", per_page=10, page=p) for p in (1, 2, 3, 4)]
    assert [len(r.hits) for r in pages] == [10, 10, 5, 0]
    assert {r.total for r in pages} == {25} and {r.pages for r in pages} == {3}
    ids = [h.identifier for r in pages for h in r.hits]
    assert len(set(ids)) == 25


def test_sort_by_title_in_the_query_language(finder):
    _many(finder)
    en = [h.title for h in finder(sort="title", per_page=100).hits]
    assert en == sorted(en, key=str.casefold)
    de = [h.title for h in finder(sort="title", lang="de", per_page=100).hits]
    assert de == sorted(de, key=str.casefold) and de[0].startswith("Kohorte")


def test_sort_by_modified_and_size_put_unknowns_last(finder):
    _many(finder)
    rows = finder(sort="modified", per_page=100).hits
    assert [h.identifier for h in rows[:3]] == ["d23", "d22", "d21"]
    assert {h.identifier for h in rows[-7:]} == {f"d{i:02}" for i in range(0, 25, 4)}
    size = [h.identifier for h in finder(sort="size", per_page=100).hits]
    assert size[:2] == ["d24", "d23"]
    assert set(size[-5:]) == {"d00", "d05", "d10", "d15", "d20"}


def test_relevance_without_words_falls_back_to_title(finder):
    _many(finder, 5)
    titles = [h.title for h in finder().hits]
    assert titles == sorted(titles, key=str.casefold)
    assert all(h.score is None for h in finder().hits)


def _index_state(db):
    with db.session() as session:
        return [sorted(map(tuple, session.execute(sa.text(sql)).all())) for sql in (
            "SELECT f.dataset_id, v.facet, v.value FROM dataset_facets f "
            "JOIN search_values v ON v.id = f.value_id",
            "SELECT facet, value, total FROM search_values WHERE total > 0",
            "SELECT dataset_id, sort_en, min_age FROM dataset_search",
        )]


def test_reindex_is_idempotent(finder, db):
    finder.add(record("a", title={"en": "Asthma"}, access_rights=f"{AR}PUBLIC"),
               record("b", title={"en": "Asthma kids"}, access_rights=f"{AR}PUBLIC"))
    before = _index_state(db)
    with db.session() as session:
        for row in session.scalars(sa.select(DatasetRow)):
            index_dataset(session, row)
            index_dataset(session, row)
    assert _index_state(db) == before
    with db.session() as session:
        assert reindex_all(session) == 2
    after = _index_state(db)
    assert after[0] and after[1:] == before[1:]  # value ids may be new; counts are the same
    assert finder.idset("asthma") == {"a", "b"}
    assert {fv.value: fv.count for fv in finder().facets["access_rights"]} == {f"{AR}PUBLIC": 2}


def test_update_moves_facet_counts(finder, db):
    finder.add(record("a", title={"en": "Asthma"}, access_rights=f"{AR}PUBLIC"))
    with db.session() as session:
        row = session.scalars(sa.select(DatasetRow)).one()
        row.projection = record("a", title={"en": "Eczema"},
                                access_rights=f"{AR}RESTRICTED").model_dump(mode="json")
        session.flush()
        index_dataset(session, row)
    assert finder.idset("asthma") == set() and finder.idset("eczema") == {"a"}
    assert {fv.value: fv.count for fv in finder().facets["access_rights"]} == {
        f"{AR}RESTRICTED": 1}


def test_delete_removes_from_results(finder, db):
    finder.add(record("a", title={"en": "Asthma"}, access_rights=f"{AR}PUBLIC"),
               record("b", title={"en": "Asthma kids"}, access_rights=f"{AR}PUBLIC"))
    with db.session() as session:
        delete_dataset(session, "a")
    assert finder.idset("asthma") == {"b"}
    result = finder()
    assert result.total == 1
    assert {fv.value: fv.count for fv in result.facets["access_rights"]} == {f"{AR}PUBLIC": 1}


def test_imported_record_is_findable(db):
    with db.session() as session:
        import_files(session, [TEST_RDF / "minimal-public.ttl"])
    with db.session() as session:
        for text in ("Herzinsuffizienz", "heart failure", "Herzschwäche", "registry"):
            result = search(session, SearchQuery(text=text))
            assert [h.identifier for h in result.hits] == ["test-heart-1"], text
        result = search(session, SearchQuery.from_params({"age_min": "20", "age_max": "30"}))
        assert result.total == 1
        hit = result.hits[0]
        assert hit.publisher == "Test Publisher"
        assert hit.access_rights.endswith("/PUBLIC")
    with db.session() as session:  # importing again updates in place
        import_files(session, [TEST_RDF / "minimal-public.ttl"])
        assert search(session, SearchQuery(text="Herzinsuffizienz")).total == 1
