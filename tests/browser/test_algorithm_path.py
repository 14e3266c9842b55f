"""From the algorithms to the data: open the listing from the header, narrow it to segmentation,
open an algorithm, read its evaluation, follow the dataset it was trained on to that dataset's
page, and find the algorithm listed there.

Until algorithms are searchable, the listing's task filter (``/algorithms?task=segmentation``)
stands in for the search page.
"""

from __future__ import annotations

import re

SWIN = "Swin UNETR (BraTS 2021)"


def test_algorithm_to_dataset_path(page, screenshot):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Algorithms").click()
    page.wait_for_url(re.compile(r"/algorithms$"))
    total = page.locator("article.algorithm-card").count()
    assert total >= 20
    screenshot(page, "1-listing")

    page.locator("a.facet-link[data-value='segmentation']").click()
    page.wait_for_url(re.compile(r"/algorithms\?task=segmentation$"))
    cards = page.locator("article.algorithm-card")
    assert 0 < cards.count() < total
    for i in range(cards.count()):
        assert "Segmentation" in cards.nth(i).locator(".badge-task").all_inner_texts()
    screenshot(page, "2-segmentation")

    page.get_by_role("link", name=SWIN).click()
    page.wait_for_url(re.compile(r"/algorithms/kimed-alg:swin-unetr-brats21$"))
    assert page.get_by_role("heading", level=1).inner_text() == SWIN
    for heading in ("What", "Who", "Use", "Evidence", "Regulatory status", "Data",
                    "In the KIMed SPE", "Quality"):
        assert page.get_by_role("heading", level=2, name=heading, exact=True).is_visible()
    evidence = page.locator("#alg-group-evidence")
    assert "BraTS 2021 challenge" in evidence.inner_text()  # its evaluation, in words only
    screenshot(page, "3-algorithm")

    data = page.locator("#alg-group-data")
    trained = data.locator(".prop", has_text="Trained on").get_by_role("link").first
    dataset_title = trained.inner_text()
    trained.click()
    page.wait_for_url(re.compile(r"/datasets/kimed:brats-2021$"))
    assert page.get_by_role("heading", level=1).inner_text() == dataset_title
    used = page.locator("#algorithms")
    used.scroll_into_view_if_needed()
    assert used.get_by_role("link", name=SWIN).is_visible()
    screenshot(page, "4-dataset")

    used.get_by_role("link", name=SWIN).click()
    page.wait_for_url(re.compile(r"/algorithms/kimed-alg:swin-unetr-brats21$"))


def test_algorithm_page_in_german_on_a_phone(new_context, screenshot):
    page = new_context(locale="de-DE", viewport={"width": 375, "height": 800}).new_page()
    page.goto("/algorithms/kimed-alg:totalsegmentator")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_role("heading", level=2, name="Evidenz", exact=True).is_visible()
    assert page.locator("table.evaluation-table").inner_text().count("0,943") == 1
    screenshot(page, "phone-de")
    for url in ("/algorithms/kimed-alg:totalsegmentator", "/algorithms?task=segmentation",
                "/datasets/kimed:brats-2021"):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{url} scrolls sideways on a phone ({width}px)"
