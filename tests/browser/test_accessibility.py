"""WCAG 2.1 basics in a real browser: keyboard, visible focus, names, headings, language, reflow."""

from __future__ import annotations

import re

import pytest

PAGES = {
    "home": "/",
    "search": "/search?q=cancer",
    "dataset": "/datasets/kimed:nako",
    "publishers": "/publishers",
    "api-docs": "/api/docs",
}
# Roles of form controls and links, as Chromium's accessibility tree names them.
NAMED_ROLES = {"textbox", "searchbox", "combobox", "listbox", "button", "checkbox", "radio",
               "spinbutton", "slider", "switch", "link"}
CONTROLS = "input:not([type=hidden]), select, textarea, button"

FOCUS_STYLE = """el => {
  const s = getComputedStyle(el);
  return {outline: s.outlineStyle, outlineWidth: s.outlineWidth, shadow: s.boxShadow,
          focusVisible: el.matches(':focus-visible')};
}"""


def active(page) -> dict:
    return page.evaluate("""() => {
      const el = document.activeElement;
      return {tag: el.tagName.toLowerCase(), id: el.id, cls: el.className,
              href: el.getAttribute('href')};
    }""")


def assert_focus_visible(page) -> None:
    style = page.evaluate_handle("document.activeElement").evaluate(FOCUS_STYLE)
    assert style["focusVisible"], style
    visible_outline = style["outline"] != "none" and style["outlineWidth"] != "0px"
    assert visible_outline or style["shadow"] != "none", f"focus is invisible: {style}"


def tab_until(page, predicate, limit: int = 40) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = active(page)
        if predicate(now):
            return now
    raise AssertionError(f"not reached by {limit} presses of Tab")


def test_skip_link_is_first_and_moves_focus_to_main(page, screenshot):
    page.goto("/")
    page.keyboard.press("Tab")
    first = active(page)
    assert first["cls"] == "skip-link" and first["href"] == "#main", first
    assert_focus_visible(page)
    assert page.locator(".skip-link").is_visible()  # it slides into view on focus
    screenshot(page, "skip-link")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#main$"))
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'")
    # the next Tab continues inside main, not back in the header
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_search_by_keyboard_alone(page, screenshot):
    page.goto("/")
    tab_until(page, lambda el: el["id"] == "home-q")
    assert_focus_visible(page)
    page.keyboard.type("MRI")
    screenshot(page, "typed")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?(.*&)?q=MRI(&|$)"))
    page.locator("#results article.hit").first.wait_for()
    # keyboard users reach the facets and the hits; each focus is visible
    focused = tab_until(page, lambda el: "facet-link" in (el["cls"] or ""))
    assert_focus_visible(page)
    screenshot(page, "facet-focused")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.count("=") >= 2)
    page.locator("#results a.facet-link.is-selected").wait_for()
    assert focused["href"] and page.url.endswith(focused["href"].split("?", 1)[1])


@pytest.mark.parametrize("name", PAGES)
def test_page_structure(page, name):
    page.goto(PAGES[name])
    lang = page.locator("html").get_attribute("lang")
    assert lang in ("en", "de")
    assert page.locator("h1").count() == 1, "a page has exactly one h1"
    assert page.locator("h1").inner_text().strip()
    for landmark in ("banner", "navigation", "main", "contentinfo"):
        assert page.get_by_role(landmark).count() >= 1, landmark

    # every control and link has an accessible name, as Chromium computes it
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    cdp.detach()
    unnamed = []
    named_controls = 0
    for node in nodes:
        role = node.get("role", {}).get("value")
        if node.get("ignored") or role not in NAMED_ROLES:
            continue
        name = (node.get("name") or {}).get("value", "").strip()
        if not name:
            unnamed.append((role, node.get("backendDOMNodeId")))
        elif role != "link":
            named_controls += 1
    assert not unnamed, f"controls or links without an accessible name: {unnamed}"
    controls = page.locator(CONTROLS)
    visible = sum(1 for i in range(controls.count()) if controls.nth(i).is_visible())
    assert named_controls >= visible


@pytest.mark.parametrize("name", PAGES)
def test_no_horizontal_scrolling_at_375px(new_context, screenshot, name):
    page = new_context(viewport={"width": 375, "height": 800}, is_mobile=True,
                       has_touch=True).new_page()
    page.goto(PAGES[name])
    sizes = page.evaluate("""() => ({scroll: document.documentElement.scrollWidth,
                                     client: document.documentElement.clientWidth})""")
    if sizes["scroll"] > sizes["client"]:
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .slice(0, 5).map(e => e.tagName + '.' + e.className)""")
        screenshot(page, "overflow")
        pytest.fail(f"{PAGES[name]} scrolls sideways at 375px: {sizes}; widest: {wide}")
    screenshot(page, "375px")
