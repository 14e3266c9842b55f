"""What the web layer reads: publishers and slugs, full facet value lists, the newest sort,
repeated URL parameters, highlighted snippets and the public constants."""

from __future__ import annotations

import pytest

from kimed.catalog import search as search_api
from kimed.catalog.search import SearchQuery, facet_values, publisher_by_slug, publishers
from kimed.catalog.search.snippet import highlight
from tests.catalog.search.conftest import AR, HC, AgentRef, record

ORG = "https://tests.kimed.example/org/"


@pytest.fixture
def corpus(finder):
    finder.add(
        record("a1", title={"en": "Stroke registry"}, access_rights=f"{AR}PUBLIC",
               description={"en": "Stroke <b>cases</b> & outcomes"},
               publisher=AgentRef(iri=f"{ORG}charite", name={"en": "Charité", "de": "Charité"},
                                  url="https://charite.example")),
        record("a2", title={"en": "Stroke imaging"}, health_categories=[f"{HC}EHRS"],
               publisher=AgentRef(iri=f"{ORG}charite", name={"en": "Charité", "de": "Charité"},
                                  url="https://charite.example")),
        record("a3", title={"en": "Asthma cohort"},
               publisher=AgentRef(iri="https://other.example/x/charite", name={"en": "Other"})),
        record("a4", title={"en": "Blank publisher"}, publisher=AgentRef(name={"en": "Lab Z"})),
        *[record(f"p{i:02}", title={"en": f"Many {i}"},
                 publisher=AgentRef(iri=f"{ORG}n{i:02}", name={"en": f"Org {i:02}"}))
          for i in range(55)],
    )
    return finder


def test_publishers_from_the_index(corpus, db):
    with db.session() as session:
        found = {p.value: p for p in publishers(session)}
        assert found[f"{ORG}charite"].count == 2
        assert found[f"{ORG}charite"].name("de") == "Charité"
        assert found[f"{ORG}charite"].agent["url"] == "https://charite.example"
        assert found["Lab Z"].iri is None and found["Lab Z"].slug == "lab-z"
        slugs = {found[f"{ORG}charite"].slug, found["https://other.example/x/charite"].slug}
        assert slugs == {"charite", "charite-2"}
        assert publisher_by_slug(session, "lab-z").value == "Lab Z"
        assert publisher_by_slug(session, "nobody") is None


def test_hits_carry_the_publisher(corpus):
    hit = corpus("stroke registry").hits[0]
    assert hit.publisher == "Charité" and hit.publisher_iri == f"{ORG}charite"
    assert hit.publisher_value == f"{ORG}charite" and hit.publisher_slug in ("charite",
                                                                            "charite-2")
    blank = corpus("blank").hits[0]
    assert blank.publisher_iri is None and blank.publisher_slug == "lab-z"


def test_facet_values_are_not_cut(corpus, db):
    assert len(corpus().facets["publisher"]) == 50
    with db.session() as session:
        values = facet_values(session, "publisher")
        assert len(values) == 58 and values[0].count == 2
        assert facet_values(session, "health_category", "de")[0].count == 1
        with pytest.raises(search_api.SearchError):
            facet_values(session, "colour")


def test_newest_sort(corpus):
    ids = corpus.ids(sort="newest")
    assert ids[:2] == ["p54", "p53"] and ids[-1] == "a1"
    assert SearchQuery.from_params({"sort": "newest"}).sort == "newest"


def test_repeated_parameters_in_any_container():
    from starlette.datastructures import QueryParams

    expected = {"publisher": ["a", "b"], "population": ["lt1k", "ge1m"]}
    text = "publisher=a&publisher=b&population=lt1k&population=ge1m"
    assert SearchQuery.from_params(QueryParams(text)).filters == expected
    pairs = [("publisher", "a"), ("publisher", "b"), ("population", "lt1k"),
             ("population", "ge1m")]
    assert SearchQuery.from_params(pairs).filters == expected
    assert SearchQuery.from_params({"publisher": ("a", "b")}).filters == {"publisher": ["a", "b"]}
    with pytest.raises(search_api.SearchError):
        SearchQuery.from_params(QueryParams("sort=title&sort=size"))


def test_highlighted_snippet_parts(corpus):
    hit = next(h for h in corpus("stroke").hits if h.identifier == "a1")
    assert "".join(part for part, _ in hit.snippet_parts) == hit.description_snippet
    assert ("Stroke", True) in hit.snippet_parts
    assert any("<b>" in part and not matched for part, matched in hit.snippet_parts)
    assert highlight("Schlaganfälle und mehr", {"schlaganfal"}, set())[0] == ("Schlaganfälle",
                                                                             True)
    assert highlight("", {"x"}, set()) == []


def test_public_constants():
    assert [b[0] for b in search_api.AGE_BANDS] == ["0-17", "18-64", "65-"]
    assert search_api.TEMPORAL_BANDS[0][0] == "-1999"
    assert "newest" in search_api.SORTS
