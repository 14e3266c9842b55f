"""The two value types of the vocabulary package: a concept and the list it belongs to.

A vocabulary is a controlled list of concepts (SKOS style): each concept has one official URI, a short
code and a label per language. We keep German and English labels for every concept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


class VocabularyError(ValueError):
    """A vocabulary data file breaks a rule (missing key, duplicate code, foreign URI, ...)."""


@dataclass(frozen=True)
class Concept:
    """One entry of a controlled vocabulary."""

    uri: str
    code: str
    labels: Mapping[str, str] = field(hash=False)
    vocabulary: str
    broader: str | None = None
    """URI of the parent concept in the same vocabulary, for lists that are hierarchical."""

    def label(self, lang: str = "en") -> str:
        """The label in ``lang``; falls back to English, then to the code."""
        return self.labels.get(lang) or self.labels.get("en") or self.code


@dataclass(frozen=True)
class Vocabulary:
    """A controlled vocabulary as we hold it, with lookups by URI and by code."""

    key: str
    scheme: str
    namespace: str
    source: str
    complete: bool
    titles: Mapping[str, str] = field(hash=False)
    properties: tuple[str, ...]
    concepts: tuple[Concept, ...]
    de_labels: str = "official"
    """Where the German labels come from: ``official``, ``ours`` (our translation) or ``mixed``."""
    source_note: str = ""
    _by_uri: Mapping[str, Concept] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )
    _by_code: Mapping[str, Concept] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_uri", {c.uri: c for c in self.concepts})
        object.__setattr__(self, "_by_code", {c.code: c for c in self.concepts})

    def title(self, lang: str = "en") -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.key

    def get(self, uri: str) -> Concept | None:
        """The concept with this URI, or None."""
        return self._by_uri.get(uri)

    def by_code(self, code: str) -> Concept | None:
        """The concept with this code, or None."""
        return self._by_code.get(code)

    def covers(self, uri: str) -> bool:
        """True when ``uri`` lies in this vocabulary's namespace (known concept or not)."""
        return uri.startswith(self.namespace)

    def __len__(self) -> int:
        return len(self.concepts)

    def __contains__(self, uri: object) -> bool:
        return isinstance(uri, str) and uri in self._by_uri
