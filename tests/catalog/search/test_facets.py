"""Facet counts from SQL, filters and their combination, and the age and time range filters."""

from __future__ import annotations

import pytest

from tests.catalog.search.conftest import (
    AR,
    CS,
    FT,
    HC,
    LANG,
    STD,
    TH,
    AgentRef,
    DistributionRef,
    Period,
    date,
    record,
)

PUB_A = "https://tests.kimed.example/org/a"
PUB_B = "https://tests.kimed.example/org/b"


@pytest.fixture
def corpus(finder):
    finder.add(
        record("r1", title={"en": "Stroke registry"}, access_rights=f"{AR}PUBLIC",
               health_categories=[f"{HC}MRMR", f"{HC}EHRS"], themes=[f"{TH}HEAL"],
               publisher=AgentRef(iri=PUB_A, name={"en": "Clinic A", "de": "Klinik A"}),
               coding_systems=[f"{CS}ICD-10"], standards=[f"{STD}FHIR"],
               distributions=[DistributionRef(format=f"{FT}CSV")], languages=[f"{LANG}DEU"],
               number_of_unique_individuals=500, min_typical_age=18, max_typical_age=90,
               temporal=[Period(start=date(2010, 1, 1), end=date(2015, 12, 31))],
               modified=date(2024, 5, 1)),
        record("r2", title={"en": "Stroke imaging"}, access_rights=f"{AR}RESTRICTED",
               health_categories=[f"{HC}EHRS"], themes=[f"{TH}HEAL"],
               publisher=AgentRef(iri=PUB_B, name={"en": "Institute B"}),
               coding_systems=[f"{CS}ICD-10", f"{CS}SNOMED-CT"],
               distributions=[DistributionRef(format=f"{FT}CSV")],
               languages=[f"{LANG}DEU", f"{LANG}ENG"], number_of_unique_individuals=25_000,
               min_typical_age=0, max_typical_age=17,
               temporal=[Period(start=date(2016, 1, 1), end=None)], modified=date(2023, 1, 1)),
        record("r3", title={"en": "Diabetes survey"}, access_rights=f"{AR}PUBLIC",
               health_categories=[f"{HC}RQSH"], themes=[f"{TH}HEAL", f"{TH}SOCI"],
               publisher=AgentRef(iri=PUB_A, name={"en": "Clinic A"}),
               standards=[f"{STD}OMOP-CDM"], languages=[f"{LANG}ENG"],
               number_of_unique_individuals=2_000_000, min_typical_age=65,
               temporal=[Period(start=date(1990, 1, 1), end=date(1999, 12, 31)),
                         Period(start=date(2020, 1, 1), end=date(2021, 12, 31))]),
        record("r4", title={"en": "Pathogen surveillance"}),
    )
    return corpus_finder(finder)


def corpus_finder(finder):
    return finder


def counts(result, key):
    return {fv.value: fv.count for fv in result.facets[key]}


def test_every_facet_counts_all_records(corpus):
    result = corpus()
    assert result.total == 4
    assert counts(result, "health_category") == {f"{HC}EHRS": 2, f"{HC}MRMR": 1, f"{HC}RQSH": 1}
    assert counts(result, "theme") == {f"{TH}HEAL": 3, f"{TH}SOCI": 1}
    assert counts(result, "access_rights") == {f"{AR}PUBLIC": 2, f"{AR}RESTRICTED": 1}
    assert counts(result, "publisher") == {PUB_A: 2, PUB_B: 1}
    assert counts(result, "coding_system") == {f"{CS}ICD-10": 2, f"{CS}SNOMED-CT": 1}
    assert counts(result, "standard") == {f"{STD}FHIR": 1, f"{FT}CSV": 2, f"{STD}OMOP-CDM": 1}
    assert counts(result, "language") == {f"{LANG}DEU": 2, f"{LANG}ENG": 2}
    assert counts(result, "population") == {"lt1k": 1, "10k-100k": 1, "ge1m": 1}
    assert counts(result, "age") == {"0-17": 1, "18-64": 1, "65-": 2}
    assert counts(result, "temporal") == {"-1999": 1, "2010-2019": 2, "2020-": 2}
    assert [fv.value for fv in result.facets["population"]] == ["lt1k", "10k-100k", "ge1m"]


def test_counts_follow_the_words(corpus):
    result = corpus("stroke")
    assert result.total == 2
    assert counts(result, "access_rights") == {f"{AR}PUBLIC": 1, f"{AR}RESTRICTED": 1}
    assert counts(result, "theme") == {f"{TH}HEAL": 2}


def test_labels_in_the_query_language(corpus):
    en = {fv.value: fv.label for fv in corpus().facets["access_rights"]}
    de = {fv.value: fv.label for fv in corpus(lang="de").facets["access_rights"]}
    assert en[f"{AR}PUBLIC"] == "Public" and de[f"{AR}PUBLIC"] == "Öffentlich"
    pubs = {fv.value: fv.label for fv in corpus(lang="de").facets["publisher"]}
    assert pubs[PUB_A] in ("Klinik A", "Clinic A") and pubs[PUB_B] == "Institute B"
    bands = {fv.value: fv.label for fv in corpus(lang="de").facets["age"]}
    assert bands["0-17"] == "Kinder (0–17)"


def test_selected_facet_keeps_its_siblings(corpus):
    result = corpus(filters={"access_rights": [f"{AR}PUBLIC"]})
    assert {h.identifier for h in result.hits} == {"r1", "r3"}
    # the access rights facet ignores its own filter ...
    assert counts(result, "access_rights") == {f"{AR}PUBLIC": 2, f"{AR}RESTRICTED": 1}
    assert [fv.value for fv in result.facets["access_rights"] if fv.selected] == [f"{AR}PUBLIC"]
    # ... and the other facets respect it
    assert counts(result, "publisher") == {PUB_A: 2}


def test_or_within_a_facet_and_across_facets(corpus):
    both = corpus(filters={"publisher": [PUB_A, PUB_B]})
    assert both.total == 3
    combined = corpus(filters={"publisher": [PUB_A, PUB_B], "coding_system": [f"{CS}ICD-10"]})
    assert {h.identifier for h in combined.hits} == {"r1", "r2"}
    three = corpus("stroke", filters={"language": [f"{LANG}ENG"],
                                      "coding_system": [f"{CS}ICD-10"]})
    assert [h.identifier for h in three.hits] == ["r2"]
    assert counts(three, "language") == {f"{LANG}DEU": 2, f"{LANG}ENG": 1}


def test_unknown_selected_value_stays_visible_with_zero(corpus):
    result = corpus(filters={"theme": [f"{TH}TRAN"]})
    assert result.total == 0
    assert [(fv.value, fv.count, fv.selected) for fv in result.facets["theme"]
            if fv.value == f"{TH}TRAN"] == [(f"{TH}TRAN", 0, True)]


def test_population_bands(corpus):
    result = corpus(filters={"population": ["lt1k", "ge1m"]})
    assert {h.identifier for h in result.hits} == {"r1", "r3"}


@pytest.mark.parametrize(("age", "expected"), [
    ((17, 17), {"r2"}),            # r2 ends at 17: touching bound included
    ((18, 18), {"r1"}),            # r1 starts at 18
    ((91, 95), {"r3"}),            # r3 has no upper age: open
    ((0, 0), {"r2"}),
    ((None, 10), {"r2"}),
    ((70, None), {"r1", "r3"}),
    ((64, 65), {"r1", "r3"}),
])
def test_age_overlap(corpus, age, expected):
    assert corpus.idset(age=age) == expected  # r4 states no ages: never matches an age filter


@pytest.mark.parametrize(("span", "expected"), [
    ((date(2015, 12, 31), date(2015, 12, 31)), {"r1"}),        # last day of r1
    ((date(2016, 1, 1), date(2016, 1, 1)), {"r2"}),            # first day of r2
    ((date(2000, 1, 1), date(2009, 12, 31)), set()),           # the gap between r3's periods
    ((date(2030, 1, 1), None), {"r2"}),                        # r2 is open-ended
    ((None, date(1990, 1, 1)), {"r3"}),
    ((date(2021, 6, 1), date(2022, 1, 1)), {"r2", "r3"}),
])
def test_temporal_overlap(corpus, span, expected):
    assert corpus.idset(temporal=span) == expected


def test_range_facets_ignore_their_own_filter(corpus):
    result = corpus(age=(0, 17))
    assert result.total == 1
    assert counts(result, "age") == {"0-17": 1, "18-64": 1, "65-": 2}
    assert [fv.value for fv in result.facets["age"] if fv.selected] == ["0-17"]
    assert counts(result, "access_rights") == {f"{AR}RESTRICTED": 1}
    result = corpus(temporal=(date(2020, 1, 1), None))
    assert [fv.value for fv in result.facets["temporal"] if fv.selected] == ["2020-"]
    assert {h.identifier for h in result.hits} == {"r2", "r3"}
