"""Scoring stored records (SQLite and PostgreSQL): compliance from the stored findings, publisher
filters, and the dashboard summary."""

from __future__ import annotations

import pytest

from kimed.catalog.importer import import_files
from kimed.catalog.quality import UnknownPublisher, rows_for, score_rows, summarise
from tests.catalog.quality.conftest import QUALITY_DATA


@pytest.fixture
def stored(db):
    with db.session() as session:
        import_files(session, [QUALITY_DATA / f"{n}.ttl" for n in ("full", "partial", "bare")])
    return db


def test_scores_of_stored_records(stored):
    with stored.session() as session:
        rows = rows_for(session)
        scores = {s.identifier: s for s in score_rows(rows)}
        violations = {r.identifier: r.violations for r in rows}
    assert set(scores) == {"quality-full", "quality-partial", "quality-bare"}
    # DCAT-AP compliance is the stored SHACL result: 30 points exactly when there is no violation
    for ident, score in scores.items():
        compliance = next(r for r in score.results if r.metric.id == "dcat_ap_compliance")
        assert compliance.gained == (30 if violations[ident] == 0 else 0), ident
    assert violations["quality-full"] == 0 and violations["quality-partial"] > 0
    full = scores["quality-full"]
    assert full.points == 325
    assert scores["quality-partial"].points == 131.25
    assert scores["quality-bare"].points == 0
    assert not full.links_checked


def test_publisher_filter_and_unknown_publisher(stored):
    with stored.session() as session:
        by_name = rows_for(session, "quality test publisher")  # names match case-insensitively
        by_iri = rows_for(session, "https://quality.kimed.example/publisher")
        assert [r.identifier for r in by_name] == [r.identifier for r in by_iri] == ["quality-full"]
        with pytest.raises(UnknownPublisher) as caught:
            rows_for(session, "Nobody")
    message = str(caught.value)
    assert "publisher" in message and "'Nobody'" in message and "rule" in message
    assert caught.value.known == ["https://quality.kimed.example/publisher"]


def test_summary_counts(stored):
    with stored.session() as session:
        scores = score_rows(rows_for(session))
    summary = summarise(scores)
    assert summary["datasets"] == 3
    assert sum(summary["bands"].values()) == 3 and summary["bands"]["bad"] == 1
    assert summary["bands"]["sufficient"] == 1
    assert sum(b["count"] for b in summary["histogram"]) == 3
    assert summary["histogram"][0]["count"] == 1  # the bare record, 0 points
    assert summary["histogram"][2]["count"] == 1  # 131.25 lies in 90-135
    first = summary["most_missing"][0]
    # the full record misses nothing, so no property is missing in more than two records; among
    # those in two, the one with most points to gain comes first: the 30 of compliance or theme
    assert first["datasets"] == 2 and first["points"] == 60
    assert first["metric"] in ("dcat_ap_compliance", "theme")
    assert all(e["datasets"] <= 2 for e in summary["most_missing"])
    assert summary["unchecked"] == 80 + 57.5  # full: 50+30, partial: 50+7.5, bare: none
    assert summarise([])["mean"] is None
