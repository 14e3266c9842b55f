"""Bilingual (English/German) medical synonym groups used by the catalogue search.

The groups live in TOML files under ``data/synonyms/`` that we write ourselves. A group is a set of
terms that mean the same thing for a person searching the catalogue, in both languages: searching any
term of a group finds records that use any other term of it. The files are read on the first call to
:func:`synonym_groups`, never at import time. See docs/search.md for the format and how to add a group.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kimed.vocab.model import VocabularyError

SYNONYMS_DIR = Path(__file__).with_name("data") / "synonyms"
LANGS = ("en", "de")


class SynonymError(VocabularyError):
    """A synonym file breaks a rule (missing language, empty term, duplicate group key, ...)."""


@dataclass(frozen=True)
class SynonymGroup:
    """Terms that a searcher treats as the same concept, by language."""

    key: str
    terms: Mapping[str, tuple[str, ...]] = field(hash=False)
    file: str = ""

    def all_terms(self) -> tuple[str, ...]:
        return tuple(t for lang in sorted(self.terms) for t in self.terms[lang])


def _fail(path: Path, where: str, rule: str) -> SynonymError:
    return SynonymError(f"{path.name}: {where}: {rule}")


def load_synonym_file(path: Path) -> list[SynonymGroup]:
    """Read and check one synonym file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise _fail(path, "file", f"not valid TOML ({exc})") from exc
    unknown = set(data) - {"group"}
    if unknown:
        raise _fail(path, ", ".join(sorted(unknown)), "unknown top-level key (only [[group]])")
    groups = data.get("group")
    if not isinstance(groups, list) or not groups:
        raise _fail(path, "[[group]]", "at least one group is required")
    out = []
    for number, table in enumerate(groups, start=1):
        where = f"group {number}"
        key = table.get("key")
        if not isinstance(key, str) or not key.strip():
            raise _fail(path, f"{where}.key", "a non-empty key is required")
        where = f"group {key!r}"
        extra = set(table) - {"key", *LANGS}
        if extra:
            raise _fail(path, f"{where}.{sorted(extra)[0]}", f"unknown key (allowed: key, {', '.join(LANGS)})")
        terms: dict[str, tuple[str, ...]] = {}
        for lang in LANGS:
            values = table.get(lang)
            if not isinstance(values, list) or not values:
                raise _fail(path, f"{where}.{lang}", "a non-empty list of terms is required")
            if not all(isinstance(v, str) and v.strip() for v in values):
                raise _fail(path, f"{where}.{lang}", "every term must be a non-empty string")
            terms[lang] = tuple(v.strip() for v in values)
        out.append(SynonymGroup(key=key, terms=terms, file=path.name))
    return out


def load_synonyms(paths: Iterable[Path] | None = None) -> tuple[SynonymGroup, ...]:
    """Read every synonym file (default: all of ``data/synonyms/*.toml``); group keys are unique."""
    files = sorted(SYNONYMS_DIR.glob("*.toml")) if paths is None else list(paths)
    seen: dict[str, str] = {}
    groups: list[SynonymGroup] = []
    for path in files:
        for group in load_synonym_file(path):
            if group.key in seen:
                raise _fail(path, f"group {group.key!r}", f"duplicate key (also in {seen[group.key]})")
            seen[group.key] = path.name
            groups.append(group)
    return tuple(groups)


@cache
def synonym_groups() -> tuple[SynonymGroup, ...]:
    """All built-in synonym groups, loaded and checked on the first call."""
    return load_synonyms()
