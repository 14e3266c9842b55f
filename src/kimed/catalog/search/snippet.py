"""A short passage of a description around the first word that matched the query."""

from __future__ import annotations

import re

from kimed.catalog.search.text import fold, stem

_WORD = re.compile(r"[^\W_]+")
WIDTH = 220


def snippet(text: str | None, words: set[str], prefixes: set[str], width: int = WIDTH) -> str:
    """About ``width`` characters of ``text``, centred on the first word whose stem is in ``words``
    or starts with one of ``prefixes`` (the start of the text when none matches)."""
    text = " ".join((text or "").split())
    if len(text) <= width:
        return text
    hit = 0
    for match in _WORD.finditer(text):
        folded = fold(match.group())
        stemmed = stem(folded)
        if stemmed in words or any(folded.startswith(p) or stemmed.startswith(p)
                                   for p in prefixes):
            hit = match.start()
            break
    start = max(0, hit - width // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < hit else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return ("… " if start else "") + text[start:end] + (" …" if end < len(text) else "")


def highlight(text: str, words: set[str], prefixes: set[str]) -> list[tuple[str, bool]]:
    """``text`` cut into (part, matched) pairs: a part is matched when it is a word whose stem is in
    ``words`` or that starts with one of ``prefixes``. Joining the parts gives ``text`` back. The
    parts are plain text: a template escapes them, so no markup from the data reaches a page."""
    if not text or not (words or prefixes):
        return [(text, False)] if text else []
    parts: list[tuple[str, bool]] = []
    last = 0
    for match in _WORD.finditer(text):
        folded = fold(match.group())
        stemmed = stem(folded)
        if stemmed in words or any(folded.startswith(p) or stemmed.startswith(p)
                                   for p in prefixes):
            if match.start() > last:
                parts.append((text[last:match.start()], False))
            parts.append((match.group(), True))
            last = match.end()
    if last < len(text):
        parts.append((text[last:], False))
    return parts
