"""Text analysis shared by indexing and querying: folding, tokenising and stemming.

Both databases receive text that we have already analysed in Python, so SQLite and PostgreSQL see the
same tokens and behave the same:

1. lower-case, then fold German umlauts and ß (ä→ae, ö→oe, ü→ue, ß→ss) and strip any other
   diacritic (é→e);
2. split into runs of letters and digits ("ICD-10" → "icd", "10");
3. stem every token with the Snowball German stemmer and then the Snowball English stemmer
   (PyStemmer). Records and queries seldom say reliably which language a word is in, so every word
   goes through both; the German stemmer reads "ae" as "ä", so "Schlaganfälle", "schlaganfaelle" and
   "Schlaganfall" all become "schlaganfal".
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})
_TOKEN = re.compile(r"[^\W_]+")


@cache
def _stemmers():
    try:
        import Stemmer
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ImportError("search needs PyStemmer: pip install 'PyStemmer>=2.2'") from exc
    return Stemmer.Stemmer("german"), Stemmer.Stemmer("english")


def fold(text: str) -> str:
    """Lower-case ``text``, fold umlauts and ß, and remove other diacritics."""
    text = text.lower()
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text).translate(_UMLAUTS)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    """The folded words of ``text``, unstemmed."""
    return _TOKEN.findall(fold(text))


class _StemCache(dict):
    """Folded token -> stem; a plain dict lookup is the fast path of indexing."""

    LIMIT = 200_000

    def __missing__(self, token: str) -> str:
        if len(self) >= self.LIMIT:
            self.clear()
        german, english = _stemmers()
        value = self[token] = english.stemWord(german.stemWord(token))
        return value


_STEMS = _StemCache()


def stem(token: str) -> str:
    """The stem of one folded token (German Snowball, then English Snowball)."""
    return _STEMS[token]


def stems(text: str) -> list[str]:
    """The stems of every word of ``text``, in order."""
    return list(map(_STEMS.__getitem__, _TOKEN.findall(fold(text))))


@lru_cache(maxsize=8192)
def _analyse_short(text: str) -> str:
    return " ".join(map(_STEMS.__getitem__, _TOKEN.findall(fold(text))))


def analyse(parts) -> str:
    """Index text for a field: the stems of all ``parts`` joined by spaces."""
    if isinstance(parts, str):
        parts = [parts]
    out = []
    for part in parts:
        if not part:
            continue
        out.append(_analyse_short(part) if len(part) <= 60 else
                   " ".join(map(_STEMS.__getitem__, _TOKEN.findall(fold(part)))))
    return " ".join(s for s in out if s)
