"""URL parameters: every search is a shareable URL, and bad values name their parameter."""

from __future__ import annotations

from datetime import date

import pytest

from kimed.catalog.search import FACETS, SearchError, SearchQuery

HC = "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/"


def _as_params(pairs):
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


@pytest.mark.parametrize("query", [
    SearchQuery(),
    SearchQuery(text='"heart failure" -child diab*', sort="modified", page=3, per_page=50,
                lang="de"),
    SearchQuery(filters={"health_category": [f"{HC}EHRS", f"{HC}MRMR"],
                         "population": ["1k-10k"]},
                age=(18, None), temporal=(date(2010, 1, 1), date(2019, 12, 31)), sort="size"),
    SearchQuery(text="onc", typing=True, age=(None, 17), temporal=(None, date(2000, 1, 1))),
])
def test_round_trip(query):
    params = query.to_params()
    assert SearchQuery.from_params(_as_params(params)) == query
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in params)


def test_plain_strings_and_defaults():
    query = SearchQuery.from_params({"q": " stroke ", "from": "2010", "to": "2012",
                                     "utm_source": "mail", "sort": ""})
    assert query.text == "stroke" and query.sort == "relevance"
    assert query.temporal == (date(2010, 1, 1), date(2012, 12, 31))
    assert query.page == 1 and query.per_page == 20


@pytest.mark.parametrize(("params", "param"), [
    ({"page": "0"}, "page"),
    ({"page": "two"}, "page"),
    ({"per_page": "101"}, "per_page"),
    ({"per_page": "0"}, "per_page"),
    ({"sort": "random"}, "sort"),
    ({"age_min": "-1"}, "age_min"),
    ({"age_max": "200"}, "age_max"),
    ({"age_min": "40", "age_max": "20"}, "age_min"),
    ({"age_min": "1.5"}, "age_min"),
    ({"from": "2020-13-01"}, "from"),
    ({"to": "yesterday"}, "to"),
    ({"from": "2021", "to": "2020"}, "from"),
    ({"population": "huge"}, "population"),
    ({"lang": "fr"}, "lang"),
    ({"q": "x" * 501}, "q"),
    ({"q": ["a", "b"]}, "q"),
    ({"sort": ["title", "size"]}, "sort"),
])
def test_bad_params_name_the_parameter(params, param):
    with pytest.raises(SearchError) as info:
        SearchQuery.from_params(params)
    assert info.value.param == param
    assert param in str(info.value) and info.value.rule in str(info.value)


def test_facet_keys_and_titles():
    keys = [f.key for f in FACETS]
    assert keys[:4] == ["type", "health_category", "theme", "access_rights"]
    assert {"publisher", "coding_system", "standard", "language", "population", "age",
            "temporal", "task", "modality", "regulatory_status", "licence",
            "runnable_in_spe"} <= set(keys)
    assert all(f.title("en") and f.title("de") for f in FACETS)


def test_search_validates_a_query_built_in_code(db):
    from kimed.catalog.search import search

    with db.session() as session, pytest.raises(SearchError) as info:
        search(session, SearchQuery(filters={"colour": ["red"]}))
    assert info.value.param == "colour"
