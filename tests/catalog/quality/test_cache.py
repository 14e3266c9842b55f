"""The per-process cache of quality scores (SQLite and PostgreSQL): hits while a record is
unchanged, a new score when the record or its link states change, bounded size."""

from __future__ import annotations

import json
import time

import pytest
import sqlalchemy as sa

from kimed.catalog.importer import import_files
from kimed.catalog.quality import ScoreCache, rows_for, score_cache, score_rows
from kimed.catalog.quality.cache import key_of
from kimed.catalog.quality.linkcheck import LinkChecker
from tests.catalog.quality.conftest import QUALITY_DATA


@pytest.fixture
def stored(db):
    with db.session() as session:
        import_files(session, [QUALITY_DATA / f"{n}.ttl" for n in ("full", "partial", "bare")])
    return db


def _points(scores) -> dict[str, float]:
    return {s.identifier: s.points for s in scores}


def test_unchanged_records_are_scored_once(stored):
    cache = ScoreCache()
    with stored.session() as session:
        rows = rows_for(session)
        first = score_rows(rows, cache=cache)
        assert (cache.misses, cache.hits, len(cache)) == (3, 0, 3)
    with stored.session() as session:  # a new request: new row objects, same records
        second = score_rows(rows_for(session), cache=cache)
        fresh = score_rows(rows_for(session), fresh=True, cache=cache)
    assert (cache.misses, cache.hits) == (3, 3)  # fresh=True left the cache alone
    assert all(a is b for a, b in zip(first, second, strict=True))
    assert _points(first) == _points(fresh) == {"quality-full": 325, "quality-partial": 131.25,
                                                "quality-bare": 0}


def test_a_changed_record_is_scored_again(stored):
    cache = ScoreCache()
    with stored.session() as session:
        before = {s.identifier: s for s in score_rows(rows_for(session), cache=cache)}
        row = next(r for r in rows_for(session) if r.identifier == "quality-full")
        old_key = key_of(row, None)
        projection = dict(row.projection)
        projection["keywords"] = {}
        row.projection = projection
        session.commit()
    with stored.session() as session:
        row = next(r for r in rows_for(session) if r.identifier == "quality-full")
        assert key_of(row, None) != old_key  # updated_at moved on
        after = score_rows([row], cache=cache)[0]
        expected = score_rows([row], fresh=True)[0]
    assert after is not before["quality-full"]
    assert after.points == expected.points == before["quality-full"].points - 30  # keywords
    assert cache.misses == 4


def test_link_states_are_part_of_the_key(stored, tmp_path):
    cache = ScoreCache()
    path = tmp_path / "links.json"
    with stored.session() as session:
        row = next(r for r in rows_for(session) if r.identifier == "quality-full")
        urls = [u for d in row.projection["distributions"]
                for u in (d.get("access_url"), d.get("download_url")) if u]
        assert urls
        unchecked = score_rows([row], LinkChecker(path, fetch_missing=False), cache=cache)[0]
        again = score_rows([row], LinkChecker(path, fetch_missing=False), cache=cache)[0]
        assert again is unchecked
        now = time.time()
        path.write_text(json.dumps({"links": {u: {"url": u, "reachable": True, "status": 200,
                                                  "reason": "ok", "checked_at": now}
                                              for u in urls}}), encoding="utf-8")
        checked = score_rows([row], LinkChecker(path, fetch_missing=False), cache=cache)[0]
        off = score_rows([row], None, cache=cache)[0]
    assert checked is not unchecked and checked.links_checked
    assert checked.unchecked < unchecked.unchecked and checked.points > unchecked.points
    assert off is not unchecked and not off.links_checked


def test_the_cache_is_bounded_and_shared(stored):
    cache = ScoreCache(max_size=2)
    with stored.session() as session:
        rows = rows_for(session)
        score_rows(rows, cache=cache)
        assert len(cache) == 2
        score_rows(rows[-1:], cache=cache)  # the most recent one is still there
    assert cache.hits == 1
    cache.clear()
    assert len(cache) == 0 and cache.hits == cache.misses == 0
    assert score_cache() is score_cache()
    with pytest.raises(ValueError, match="max_size"):
        ScoreCache(max_size=0)


def test_light_rows_score_the_same(stored):
    cache = ScoreCache()
    with stored.session() as session:
        full = _points(score_rows(rows_for(session), fresh=True))
        light = rows_for(session, light=True)
        assert all("graph_nt" in sa.inspect(r).unloaded for r in light)
        assert _points(score_rows(light, cache=cache)) == full  # scored afresh: loaded then
        assert all("graph_nt" not in sa.inspect(r).unloaded for r in light)
    with stored.session() as session:
        again = rows_for(session, light=True)
        assert _points(score_rows(again, cache=cache)) == full
        # every score came from the cache, so the large columns were never read
        assert all({"graph_nt", "projection"} <= sa.inspect(r).unloaded for r in again)
        assert cache.hits == 3
        mine = rows_for(session, "quality test publisher", light=True)
        assert [r.identifier for r in mine] == ["quality-full"]
