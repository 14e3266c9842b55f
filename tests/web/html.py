"""A small HTML reader for the tests: elements with their attributes and text, and a11y checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    children: list[Element] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {})
        self.stack = [self.root]
        self.all: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        self.all.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        for element in self.stack[1:]:
            element.text += data


class Page:
    def __init__(self, html: str) -> None:
        reader = _Reader()
        reader.feed(html)
        self.elements = reader.all
        self.html = html

    def find(self, tag: str, **attrs: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag
                and all(e.attrs.get(k.rstrip("_").replace("_", "-")) == v
                        for k, v in attrs.items())]

    def one(self, tag: str, **attrs: str) -> Element:
        found = self.find(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]

    def by_id(self, ident: str) -> Element:
        return next(e for e in self.elements if e.attrs.get("id") == ident)

    def links(self) -> list[str]:
        return [e.attrs["href"] for e in self.find("a") if "href" in e.attrs]

    def text(self) -> str:
        return " ".join(e.text for e in self.find("body"))


def check_accessible(page: Page) -> None:
    """The basics every page must have: a language, landmarks, a skip link, labelled controls."""
    html = page.one("html")
    assert html.attrs.get("lang") in ("en", "de")
    page.one("main")
    assert page.find("header") and page.find("footer") and page.find("nav")
    skip = page.find("a", class_="skip-link")
    assert skip and skip[0].attrs["href"] == "#main"
    labels = {e.attrs.get("for") for e in page.find("label")}
    for element in page.elements:
        if element.tag in ("input", "select", "textarea") and element.attrs.get("type") != "hidden":
            assert element.attrs.get("id") in labels or element.attrs.get("aria-label"), \
                f"unlabelled control {element.attrs}"
    assert page.find("title") and page.find("title")[0].text.strip()
    assert len(page.find("h1")) == 1
