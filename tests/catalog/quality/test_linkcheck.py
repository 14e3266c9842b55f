"""Link checks against a local http.server: on, off, cache, timeout (no internet needed)."""

from __future__ import annotations

import json
import time

from kimed.catalog.quality import checker_for, score_record
from kimed.catalog.quality.linkcheck import LinkChecker, fetch
from kimed.settings import Settings
from tests.catalog.quality.conftest import load


def test_fetch_states(link_server):
    base, hits = link_server
    assert fetch(base + "ok", 2).reachable
    missing = fetch(base + "missing", 2)
    assert not missing.reachable and missing.status == 404 and missing.reason == "http 404"
    no_head = fetch(base + "no-head", 2)
    assert no_head.reachable and no_head.status == 200  # GET after the refused HEAD
    assert hits["/no-head"] == 2


def test_timeout_is_unreachable_and_quick(link_server):
    base, _hits = link_server
    started = time.monotonic()
    result = fetch(base + "slow", 0.3)
    assert time.monotonic() - started < 1.5
    assert not result.reachable and result.reason.startswith("timeout")


def test_unreachable_host(tmp_path):
    checker = LinkChecker(tmp_path / "c.json", timeout=1)
    assert checker.status("http://127.0.0.1:9/nothing") == "unreachable"  # discard port: closed
    assert checker.status("ftp://example.org/file") == "unchecked"  # not HTTP: never a failure


def test_cache_is_written_reused_and_expires(link_server, tmp_path):
    base, hits = link_server
    path = tmp_path / "links.json"
    first = LinkChecker(path, timeout=2)
    first.check_many([base + "ok", base + "missing", base + "ok"])
    first.save()
    stored = json.loads(path.read_text())["links"]
    assert stored[base + "ok"]["reachable"] is True and stored[base + "missing"]["status"] == 404
    assert hits["/ok"] == 1
    again = LinkChecker(path, timeout=2)
    assert again.status(base + "ok") == "reachable"
    assert again.status(base + "missing") == "unreachable"
    assert hits["/ok"] == 1  # answered from the cache
    cache_only = LinkChecker(path, fetch_missing=False)
    assert cache_only.status(base + "no-head") == "unchecked"  # not cached, not fetched
    assert "/no-head" not in hits
    stale = LinkChecker(path, timeout=2, max_age=-1)
    assert stale.status(base + "ok") == "reachable"
    assert hits["/ok"] == 2  # too old: checked again


def test_broken_cache_file_is_ignored(tmp_path):
    path = tmp_path / "links.json"
    path.write_text("{not json", encoding="utf-8")
    assert LinkChecker(path, fetch_missing=False).status("http://127.0.0.1:9/") == "unchecked"


def test_score_with_links_on(link_server, tmp_path):
    base, _hits = link_server
    graph, rec = load("full", base)
    checker = LinkChecker(tmp_path / "c.json", timeout=2)
    score = score_record(rec, graph, conforms=True, links=checker)
    assert score.points == 405 and score.unchecked == 0 and score.band == "excellent"
    graph, rec = load("partial", base)
    score = score_record(rec, graph, conforms=False, links=checker)
    by_id = {r.metric.id: r for r in score.results}
    assert by_id["access_url_reachable"].gained == 37.5  # 3 of 4 answer, /missing is 404
    assert by_id["access_url_reachable"].missing == 12.5
    assert by_id["download_url_reachable"].gained == 7.5
    assert score.points == 131.25 + 37.5 + 7.5


def test_links_off_by_default(tmp_path):
    settings = Settings(data_dir=tmp_path)
    assert settings.quality_check_links is False
    assert checker_for(settings, fetch=True) is None
    forced = checker_for(settings, fetch=True, force=True)
    assert forced is not None and forced.fetch_missing
    assert forced.cache_path == tmp_path / "quality-links.json"
    on = Settings(data_dir=tmp_path, quality_check_links=True, quality_link_timeout=2)
    web = checker_for(on, fetch=False)
    assert web is not None and not web.fetch_missing and web.timeout == 2
