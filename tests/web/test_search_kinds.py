"""Algorithms in the search page and the search API, next to datasets."""

from __future__ import annotations

import re


def test_search_page_shows_algorithm_cards_with_their_links(client):
    html = client.get("/search", params={"q": "segmentation"}).text
    assert 'class="badge badge-algorithm">AI algorithm<' in html
    assert re.search(r'href="/algorithms/kimed-alg:totalsegmentator"', html)
    german = client.get("/search", params={"q": "segmentation", "lang": "de"}).text
    assert "KI-Algorithmus" in german


def test_type_filter_and_algorithm_facets_on_the_page(client):
    html = client.get("/search", params={"type": "algorithm"}).text
    links = re.findall(r'class="hit-title"><a href="([^"]+)"', html)
    assert len(links) >= 10 and all(link.startswith("/algorithms/") for link in links)
    for title in ("AI task", "Modality", "Runnable in the KIMed SPE", "Licence"):
        assert title in html


def test_api_datasets_lists_datasets_unless_asked_for_algorithms(client):
    plain = client.get("/api/datasets", params={"q": "segmentation", "per_page": 100}).json()
    assert plain["hits"] and {h["type"] for h in plain["hits"]} == {"dataset"}
    assert "type" not in plain["query"] and "type=" not in plain["links"]["self"]
    both = client.get("/api/datasets", params=[("q", "segmentation"), ("type", "dataset"),
                                               ("type", "algorithm"), ("per_page", "100")]).json()
    kinds = {h["type"] for h in both["hits"]}
    assert kinds == {"dataset", "algorithm"}
    algorithm = next(h for h in both["hits"] if h["type"] == "algorithm")
    assert "/algorithms/" in algorithm["links"]["html"]
    assert both["total"] > plain["total"]


def test_home_counts_datasets_only(client):
    html = client.get("/").text
    datasets = client.get("/api/datasets", params={"per_page": 1}).json()["total"]
    assert f"({datasets} datasets)" in html
