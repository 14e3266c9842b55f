"""German and English message catalogues, and which language a request gets.

The messages live in ``locales/<lang>.toml`` (one table per page or topic, flattened to dotted keys
such as ``search.sort``). They are read on first use, never at import. A key missing in German falls
back to English, and a key missing in both shows the key itself, so a gap is visible but harmless;
tests/web/test_i18n.py checks that both catalogues hold the same keys.

The language of a request comes from ``?lang=de|en``, then the ``lang`` cookie, then the
Accept-Language header (RFC 9110, section 12.5.4), and is English otherwise.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from functools import cache
from pathlib import Path

LANGUAGES: tuple[str, ...] = ("en", "de")
DEFAULT_LANGUAGE = "en"
COOKIE = "lang"
LOCALES_DIR = Path(__file__).with_name("locales")


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = str(value)
    return out


@cache
def messages(lang: str) -> dict[str, str]:
    """The flattened catalogue of ``lang`` (read once)."""
    if lang not in LANGUAGES:
        raise KeyError(f"no message catalogue for {lang!r}; known: {', '.join(LANGUAGES)}")
    with (LOCALES_DIR / f"{lang}.toml").open("rb") as handle:
        return _flatten(tomllib.load(handle))


def translate(lang: str, key: str, **values: object) -> str:
    """The message ``key`` in ``lang`` (falling back to English), formatted with ``values``."""
    text = messages(lang).get(key) or messages(DEFAULT_LANGUAGE).get(key) or key
    return text.format(**values) if values else text


def translator(lang: str) -> Callable[..., str]:
    """``t(key, **values)`` bound to one language, as the templates use it."""

    def t(key: str, **values: object) -> str:
        return translate(lang, key, **values)

    return t


def parse_accept_language(header: str | None) -> list[str]:
    """Primary language tags of an Accept-Language header, best first (q=0 dropped)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        if not tag:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, tag.split("-")[0]))
    return [tag for _q, _p, tag in sorted(ranked)]


def negotiate(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The request's language: the ``lang`` parameter, the cookie, Accept-Language, English."""
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return candidate
    for tag in parse_accept_language(accept_language):
        if tag in LANGUAGES:
            return tag
    return DEFAULT_LANGUAGE


def format_number(value: int | float | None, lang: str) -> str:
    """1,234,567 in English, 1.234.567 in German."""
    if value is None:
        return ""
    text = f"{value:,}"
    return text.replace(",", ".") if lang == "de" else text
