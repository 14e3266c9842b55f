"""From the algorithms to the data: search for "segmentation" in the one search box, narrow the
results to AI algorithms, open one, follow the dataset it was trained on to that dataset's page,
and find the algorithm listed there; the same from the algorithms listing and its task filter.
"""

from __future__ import annotations

import re

SWIN = "Swin UNETR (BraTS 2021)"


def test_search_box_to_algorithm_to_dataset(page, screenshot):
    page.goto("/")
    box = page.get_by_role("searchbox", name="Search the catalogue")
    box.fill("segmentation")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?(.*&)?q=segmentation(&|$)"))
    assert page.locator("#results article.hit .badge-algorithm").count() >= 1
    screenshot(page, "search-1-results")

    page.locator("a.facet-link", has_text="AI algorithm").first.click()
    page.wait_for_url(re.compile(r"type=algorithm"))
    page.locator("#results-heading", has_text="algorithm").wait_for()
    cards = page.locator("#results article.hit")
    assert cards.count() >= 3
    assert cards.locator(".badge-algorithm").count() == cards.count()
    screenshot(page, "search-2-algorithms")

    page.get_by_role("link", name=SWIN).click()
    page.wait_for_url(re.compile(r"/algorithms/kimed-alg:swin-unetr-brats21$"))
    data = page.locator("#alg-group-data")
    trained = data.locator(".prop", has_text="Trained on").get_by_role("link").first
    trained.click()
    page.wait_for_url(re.compile(r"/datasets/kimed:brats-2021$"))
    assert page.locator("#algorithms").get_by_role("link", name=SWIN).is_visible()
    screenshot(page, "search-3-dataset")


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
