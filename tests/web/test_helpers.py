"""The web layer's small parts: message catalogues, language and media-type negotiation, design
tokens (contrast), and safe embedding of JSON-LD."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kimed.web.i18n import (
    LANGUAGES,
    format_number,
    messages,
    negotiate,
    parse_accept_language,
    translate,
)
from kimed.web.negotiation import choose, parse_accept
from kimed.web.schemaorg import script_json

WEB = Path(__file__).parents[2] / "src" / "kimed" / "web"


def test_catalogues_hold_the_same_keys_and_placeholders():
    english, german = messages("en"), messages("de")
    assert english.keys() == german.keys()
    for key, text in english.items():
        assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", german[key])), key
        assert german[key].strip(), key


def test_every_message_key_used_in_templates_and_code_exists():
    known = messages("en").keys()
    used = set()
    for path in (WEB / "templates").glob("*.html"):
        used |= set(re.findall(r"\bt\('([a-z_0-9.]+)'", path.read_text()))
    for path in WEB.rglob("*.py"):
        used |= set(re.findall(r'\b(?:t|translator\(lang\))\("([a-z_]+\.[a-z_0-9.]+)"',
                               path.read_text()))
        used |= set(re.findall(r'_row\("([a-z_]+\.[a-z_0-9]+)"', path.read_text()))
        used |= set(re.findall(r'Group\("([a-z_]+\.[a-z_0-9]+)"', path.read_text()))
    used = {key for key in used if not key.endswith((".", "_"))}  # prefixes completed in templates
    assert len(used) > 60
    assert used <= known, sorted(used - known)


def test_translate_formats_and_falls_back():
    assert translate("de", "search.page", n=3) == "Seite 3"
    assert translate("en", "no.such.key") == "no.such.key"


@pytest.mark.parametrize(("query", "cookie", "header", "expected"), [
    ("de", "en", "en", "de"),
    (None, "de", "en", "de"),
    ("xx", None, "de-AT,de;q=0.9", "de"),
    (None, None, "fr-FR, de;q=0.7, en;q=0.8", "en"),
    (None, None, "fr, de;q=0.5", "de"),
    (None, None, "de;q=0, en", "en"),
    (None, None, None, "en"),
])
def test_language_negotiation(query, cookie, header, expected):
    assert negotiate(query, cookie, header) == expected
    assert expected in LANGUAGES


def test_accept_language_order():
    assert parse_accept_language("en;q=0.2, de-DE, fr;q=0.5") == ["de", "fr", "en"]


def test_numbers_per_language():
    assert format_number(1234567, "en") == "1,234,567"
    assert format_number(1234567, "de") == "1.234.567"


@pytest.mark.parametrize(("header", "expected"), [
    (None, "html"),
    ("*/*", "html"),
    ("text/turtle", "ttl"),
    ("application/ld+json, text/html;q=0.1", "jsonld"),
    ("text/html;q=0.2, application/rdf+xml;q=0.9", "xml"),
    ("application/n-triples", "nt"),
    ("text/*", "html"),
    ("image/png", None),
    ("text/turtle;q=0", None),
])
def test_media_type_choice(header, expected):
    assert choose(header, ["html", "ttl", "jsonld", "xml", "nt"], "html") == expected


def test_accept_parsing_ranks_by_quality_then_specificity():
    assert [m for m, _ in parse_accept("*/*;q=0.8, text/*;q=0.8, text/turtle;q=0.8")] == [
        "text/turtle", "text/*", "*/*"]


def test_jsonld_in_script_cannot_close_the_element():
    text = script_json({"name": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["name"].startswith("</script>")


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


TEXT_PAIRS = [  # (text, background) pairs the stylesheet uses for text
    ("text", "surface"), ("text", "bg"), ("text-muted", "surface"), ("text-muted", "bg"),
    ("brand-700", "surface"), ("brand-700", "bg"), ("brand-700", "brand-50"),
    ("on-brand", "brand-900"), ("on-brand", "brand-700"), ("accent-700", "surface"),
    ("accent-700", "accent-100"), ("text", "brand-100"), ("on-brand", "accent-700"),
    ("public-fg", "public-bg"), ("restricted-fg", "restricted-bg"),
    ("nonpublic-fg", "nonpublic-bg"), ("unknown-fg", "unknown-bg"),
    ("violation-fg", "violation-bg"), ("focus-halo", "focus"), ("warning-fg", "surface"),
]


def test_design_tokens_meet_wcag_aa_contrast():
    css = (WEB / "static" / "css" / "tokens.css").read_text()
    colours = dict(re.findall(r"--color-([a-z0-9-]+):\s*(#[0-9a-fA-F]{6})", css))
    for fg, bg in TEXT_PAIRS:
        ratio = contrast(colours[fg], colours[bg])
        assert ratio >= 4.5, f"{fg} on {bg}: {ratio:.2f}:1"


def test_stylesheet_uses_tokens_not_raw_colours():
    css = (WEB / "static" / "css" / "site.css").read_text()
    assert not re.findall(r"#[0-9a-fA-F]{3,6}\b", css)
    assert "var(--color-" in css and "@media (max-width" in css and ":focus-visible" in css


def test_vendored_htmx_has_its_licence():
    vendor = WEB / "static" / "vendor"
    assert (vendor / "htmx.min.js").stat().st_size > 10_000
    assert "Zero-Clause BSD" in (vendor / "htmx.LICENSE").read_text()
