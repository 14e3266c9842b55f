"""The in-memory facet index against the SQL reference: same totals, pages and counts."""

from __future__ import annotations

import random

import pytest

from kimed.catalog.search import SearchQuery, search
from kimed.catalog.search.memory import build
from kimed.catalog.search.ranges import AgeIndex
from kimed.catalog.search.reference import reference
from tests.catalog.search.conftest import (
    AR,
    CS,
    HC,
    LANG,
    AgentRef,
    Period,
    date,
    record,
)

WORDS = ["stroke", "registry", "cohort", "diabetes", "imaging", "cancer", "survey", "kids"]
CATS = [f"{HC}{c}" for c in ("EHRS", "MRMR", "RQSH", "PHDR")]
ACCESS = [f"{AR}{a}" for a in ("PUBLIC", "RESTRICTED", "NON_PUBLIC")]
PUBS = [AgentRef(iri=f"https://tests.kimed.example/org/{i}", name={"en": f"Org {i}"})
        for i in range(4)]


def _records(rnd: random.Random, n: int):
    out = []
    for i in range(n):
        start = date(1990 + rnd.randrange(35), 1 + rnd.randrange(12), 1)
        periods = [Period(start=start, end=None if rnd.random() < 0.3 else
                          date(start.year + rnd.randrange(8), 12, 31))]
        if rnd.random() < 0.3:
            periods.append(Period(start=date(1980 + rnd.randrange(10), 1, 1),
                                  end=date(1990 + rnd.randrange(3), 6, 30)))
        lo = rnd.choice([None, 0, 18, 40, 65])
        out.append(record(
            f"m{i:03}", title={"en": " ".join(rnd.sample(WORDS, 2)) + f" {i}"},
            description={"en": " ".join(rnd.sample(WORDS, 3))},
            access_rights=rnd.choice([*ACCESS, None]), publisher=rnd.choice([*PUBS, None]),
            health_categories=rnd.sample(CATS, rnd.randint(0, 2)),
            coding_systems=rnd.sample([f"{CS}ICD-10", f"{CS}LOINC"], rnd.randint(0, 2)),
            languages=rnd.sample([f"{LANG}DEU", f"{LANG}ENG"], rnd.randint(0, 2)),
            number_of_unique_individuals=rnd.choice([None, 50, 5_000, 2_000_000]),
            min_typical_age=lo, max_typical_age=None if lo is None else lo + rnd.randrange(60),
            temporal=periods if rnd.random() < 0.9 else [],
            modified=None if rnd.random() < 0.2 else date(2020, 1, 1 + rnd.randrange(28)),
        ))
    return out


def _query(rnd: random.Random) -> SearchQuery:
    q = SearchQuery(sort=rnd.choice(["relevance", "title", "modified", "size", "newest"]),
                    per_page=rnd.choice([5, 100]), page=rnd.choice([1, 1, 2]),
                    lang=rnd.choice(["en", "de"]))
    r = rnd.random()
    if r < 0.4:
        q.text = rnd.choice(WORDS)
    elif r < 0.5:
        q.text = f"{rnd.choice(WORDS)} -{rnd.choice(WORDS)}"
    elif r < 0.55:
        q.text = f"-{rnd.choice(WORDS)}"
    elif r < 0.6:
        q.text = rnd.choice(WORDS)[:3] + "*"
    if rnd.random() < 0.4:
        q.filters["access_rights"] = rnd.sample(ACCESS, rnd.randint(1, 2))
    if rnd.random() < 0.3:
        q.filters["health_category"] = rnd.sample(CATS, 1)
    if rnd.random() < 0.2:
        q.filters["publisher"] = [rnd.choice(PUBS).iri]
    if rnd.random() < 0.3:
        q.age = (rnd.choice([None, 10, 30]), rnd.choice([None, 20, 70]))
        if q.age[0] is not None and q.age[1] is not None and q.age[0] > q.age[1]:
            q.age = (q.age[1], q.age[0])
        if q.age == (None, None):
            q.age = None
    if rnd.random() < 0.3:
        a = date(1985 + rnd.randrange(40), 1 + rnd.randrange(12), 1 + rnd.randrange(28))
        b = date(a.year + rnd.randrange(10), 12, 31)
        q.temporal = rnd.choice([(a, None), (None, a), (a, b)])
    return q


def test_engine_agrees_with_the_sql_reference(finder, db):
    rnd = random.Random(3)
    finder.add(*_records(rnd, 80))
    with db.session() as session:
        for _ in range(150):
            query = _query(rnd)
            result = search(session, query)
            total, page, counts = reference(session, query)
            assert result.total == total, query
            assert [h.identifier for h in result.hits] == _identifiers(session, page), query
            got = {(k, fv.value): fv.count for k, values in result.facets.items()
                   for fv in values if fv.count}
            assert got == _named(session, counts), query


def _identifiers(session, ids):
    from kimed.catalog.models import DatasetRow

    names = {r.id: r.identifier for r in session.query(DatasetRow.id, DatasetRow.identifier)}
    return [names[i] for i in ids]


def _named(session, counts):
    import sqlalchemy as sa

    values = {vid: (f, v) for vid, f, v in session.execute(
        sa.text("SELECT id, facet, value FROM search_values"))}
    return {values[vid]: n for vid, n in counts.items() if n}


def test_index_follows_changes(finder, db):
    finder.add(record("a", title={"en": "Asthma"}, access_rights=ACCESS[0]))
    assert finder("asthma").total == 1
    finder.add(record("b", title={"en": "Asthma kids"}, access_rights=ACCESS[0]))
    assert finder("asthma").total == 2
    counts = {fv.value: fv.count for fv in finder().facets["access_rights"]}
    assert counts == {ACCESS[0]: 2}


def test_build_reads_every_value(finder, db):
    finder.add(*_records(random.Random(5), 20))
    with db.session() as session:
        index = build(session)
        assert index.size == 20
        assert sum(index.totals.values()) > 20
        assert set(index.orders) == {"title_en", "title_de", "modified", "size", "newest"}


@pytest.mark.parametrize(("lo", "hi"), [(None, 17), (18, None), (30, 40), (0, 150)])
def test_age_bitsets(lo, hi):
    rows = [(1, None, 10), (2, 20, None), (3, 35, 36), (4, 160, None), (5, 0, 0)]
    index = AgeIndex.build(rows, 1)
    got = {i for i in range(8) if index.match(lo, hi) >> i & 1}
    expected = {d for d, a, b in rows
                if (a is None or hi is None or a <= hi) and (b is None or lo is None or b >= lo)}
    assert got == expected
