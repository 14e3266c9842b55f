"""Regressions of the dashboard's most-missing chart: every bar has its own label (several metrics
score one property), and the chart makes room for its longest label and value text."""

from __future__ import annotations

import re

from kimed.web.quality_view import bars_svg, text_width
from tests.web.html import Page


def _labels(svg: str) -> list[str]:
    return re.findall(r'<text class="chart-label"[^>]*>([^<]*)</text>', svg)


def test_missing_labels_are_unique_and_name_the_aspect(client):
    for lang, reachable, vocabulary in (("en", "dcat:downloadURL, reachable", "dct:license, "
                                         "from its vocabulary"),
                                        ("de", "dcat:downloadURL, erreichbar", "dct:license, "
                                         "aus dem Vokabular")):
        html = client.get(f"/quality?lang={lang}").text
        svg = html[html.index('aria-labelledby="missing-t'):]
        svg = svg[:svg.index("</svg>")]
        labels = _labels(svg)
        assert len(labels) == 10
        assert len(set(labels)) == len(labels), labels
        assert any(label.startswith(reachable) for label in labels), labels
        assert any(label.startswith(vocabulary) for label in labels), labels
    data = client.get("/api/quality").json()
    aspects = {m["metric"]: m["aspect"] for m in data["summary"]["most_missing"]}
    assert aspects.get("download_url_reachable") == "reachable"
    assert aspects.get("download_url") == "add"


def test_bars_leave_room_for_labels_and_values():
    items = [("healthdcatap:hasQualityAnnotation, from its vocabulary (Health (KIMed))", 29,
              "29 datasets, 1,450 points"), ("dct:issued (Contextuality)", 3, "3 datasets, 15")]
    svg = str(bars_svg(items, "t", "d"))
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    for x, text in re.findall(r'<text class="chart-label" x="([\d.]+)"[^>]*>([^<]*)<', svg):
        assert float(x) - text_width(text) >= 0, text  # right-aligned: starts inside the chart
    for x, text in re.findall(r'<text class="chart-value" x="([\d.]+)"[^>]*>([^<]*)<', svg):
        assert float(x) + text_width(text) <= width, text
    bars = [float(w) for w in re.findall(r'<rect class="chart-bar" [^>]*width="([\d.]+)"', svg)]
    assert bars[0] > bars[1] > 0


def test_dashboard_page_still_accessible(client):
    page = Page(client.get("/quality").text)
    assert len(page.find("svg", role="img")) == 2
