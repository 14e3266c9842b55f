"""The quality dashboard in a real browser: charts (inline SVG) and band counts that agree with the
numbers next to them, the way down to one publisher's dashboard and to a dataset's quality group,
the German page, and keyboard and landmark basics."""

from __future__ import annotations

import re

import pytest

LANDMARKS = ("banner", "navigation", "main", "contentinfo")


def facts(page) -> dict[str, str]:
    """The summary list at the top of the dashboard, term -> value."""
    out = {}
    items = page.locator("dl.facts > div")
    for i in range(items.count()):
        out[items.nth(i).locator("dt").inner_text().strip()] = \
            items.nth(i).locator("dd").inner_text().strip()
    return out


def number(text: str) -> int:
    return int(text.replace(",", "").replace(".", ""))


def check_charts(page, datasets: int) -> None:
    charts = page.locator("svg.chart[role=img]")
    assert charts.count() == 2
    for i in range(charts.count()):
        chart = charts.nth(i)
        # named by its <title> and described by its <desc> (aria-labelledby)
        assert chart.locator("title").first.text_content().strip()
        assert chart.locator("desc").first.text_content().strip()
        box = chart.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 50, box
    histogram = page.locator("svg#histogram, svg[aria-labelledby^=histogram]").first
    bars = histogram.locator("rect.chart-bar")
    assert bars.count() == 9  # 0-405 in steps of 45
    counts = [int(t) for t in histogram.locator("text.chart-value").all_text_contents()]
    assert sum(counts) == datasets
    # a bar is drawn (has height) exactly where its count is not zero
    heights = [float(bars.nth(i).get_attribute("height")) for i in range(bars.count())]
    assert [h > 0 for h in heights] == [c > 0 for c in counts]
    missing = page.locator("svg[aria-labelledby^=missing] rect.chart-bar")
    assert missing.count() >= 1
    widths = [missing.nth(i).bounding_box()["width"] for i in range(missing.count())]
    assert widths == sorted(widths, reverse=True) and widths[0] > 0


def test_dashboard_publisher_and_dataset(page, screenshot):
    page.goto("/")
    page.get_by_role("navigation").first.get_by_role("link", name="Quality").click()
    page.wait_for_url(re.compile(r"/quality$"))
    assert page.locator("h1").inner_text().strip() == "Metadata quality"
    summary = facts(page)
    datasets = number(summary["Datasets"])
    assert datasets >= 29  # the demo; other browser tests may add records to the shared server
    bands = [number(summary[b]) for b in ("Excellent", "Good", "Sufficient", "Bad")]
    assert sum(bands) == datasets
    check_charts(page, datasets)
    assert page.locator("#datasets-h + .table-wrap tbody tr").count() == datasets
    screenshot(page, "1-dashboard")

    # a publisher's dashboard: fewer datasets, the same charts, a way back
    links = page.locator("#per-publisher-h ~ ul a")
    assert links.count() >= 5
    link = page.locator("#per-publisher-h ~ ul a", has_text="University Hospital Leipzig")
    if link.count() == 0:
        link = links.first
    name = link.first.inner_text().strip()
    link.first.click()
    page.wait_for_url(re.compile(r"/publishers/[^/]+/quality$"))
    assert page.locator("h1").inner_text().strip() == f"Metadata quality: {name}"
    assert page.locator("#per-publisher-h ~ ul a[aria-current=page]").inner_text() == name
    mine = number(facts(page)["Datasets"])
    assert 1 <= mine < datasets
    check_charts(page, mine)
    rows = page.locator("#datasets-h + .table-wrap tbody tr")
    assert rows.count() == mine
    assert page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Metadata quality").get_attribute("href") == "/quality"
    screenshot(page, "2-publisher")

    # a dataset's quality group: the same points and band as in the table
    first = rows.first
    points = first.locator("td.num").first.inner_text().strip()
    band = first.locator(".badge").inner_text().strip()
    first.locator("th a").click()
    page.wait_for_url(re.compile(r"/datasets/[^#]+#group-quality$"))
    group = page.locator("#group-quality")
    assert group.is_visible()
    total = group.locator(".quality-total")
    assert total.locator("strong").inner_text().startswith(f"{points} of 405")
    assert total.locator(".badge").inner_text().strip() == band
    assert group.locator("table.quality-dimensions tbody tr").count() == 6  # five MQA + health
    assert group.locator("ul.quality-hints li").count() >= 1  # "add X to gain N points"
    assert "to gain" in group.locator("ul.quality-hints li").first.inner_text()
    # the group is scrolled into view
    assert page.evaluate("document.getElementById('group-quality').getBoundingClientRect().top"
                         " < window.innerHeight")
    screenshot(page, "3-dataset-group")


def test_dashboard_in_german(new_context, screenshot):
    page = new_context(locale="de-DE").new_page()
    page.goto("/quality")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("h1").inner_text().strip() == "Metadatenqualität"
    summary = facts(page)
    datasets = number(summary["Datensätze"])
    assert datasets >= 29  # the demo; other browser tests may add records to the shared server
    assert sum(number(summary[b]) for b in ("Ausgezeichnet", "Gut", "Ausreichend",
                                            "Mangelhaft")) == datasets
    check_charts(page, datasets)
    titles = page.locator("svg.chart title[id]").all_text_contents()
    assert "Verteilung der Punktzahlen" in titles
    assert "Am häufigsten fehlende Eigenschaften" in titles
    assert page.locator("#datasets-h").inner_text() == "Datensätze"
    assert page.locator("tbody .badge").first.inner_text() in ("Mangelhaft", "Ausreichend", "Gut",
                                                               "Ausgezeichnet")
    screenshot(page, "1-dashboard-de")
    page.locator("#per-publisher-h ~ ul a").first.click()
    page.wait_for_url(re.compile(r"/publishers/[^/]+/quality$"))
    assert page.locator("h1").inner_text().startswith("Metadatenqualität: ")
    page.locator("#datasets-h + .table-wrap tbody th a").first.click()
    page.wait_for_url(re.compile(r"#group-quality$"))
    assert "Punkten" in page.locator("#group-quality .quality-total").inner_text()
    assert page.locator("#quality-hints").inner_text() == "Was fehlt"
    screenshot(page, "2-dataset-group-de")


def test_dashboard_keyboard_and_landmarks(page):
    page.goto("/quality")
    for landmark in LANDMARKS:
        assert page.get_by_role(landmark).count() >= 1, landmark
    assert page.locator("h1").count() == 1
    assert page.locator("a[aria-current=page][href='/quality']").count() == 1  # nav marks it
    # the skip link comes first, and the keyboard reaches a publisher link and follows it
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    for _ in range(120):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.getAttribute('href') || ''")
        if re.fullmatch(r"/publishers/[^/]+/quality", href):
            break
    else:
        pytest.fail("no publisher dashboard link reached by Tab")
    focus = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return {outline: s.outlineStyle, shadow: s.boxShadow}; }""")
    assert focus["outline"] != "none" or focus["shadow"] != "none", focus
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(href) + "$"))


def test_dashboard_fits_a_phone(new_context, screenshot):
    page = new_context(viewport={"width": 375, "height": 800}, is_mobile=True,
                       has_touch=True).new_page()
    page.goto("/quality")
    sizes = page.evaluate("""() => ({scroll: document.documentElement.scrollWidth,
                                     client: document.documentElement.clientWidth})""")
    screenshot(page, "375px")
    assert sizes["scroll"] <= sizes["client"], sizes
