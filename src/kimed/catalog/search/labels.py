"""Words of vocabulary labels, matched through facet values instead of every record's text.

A record that says it uses SNOMED CT should be found by "SNOMED", and one in the health category
"Cancer" by "Krebs". Earlier, every record's text carried the labels of all its concepts in two
languages: two thirds of its words, repeated on every record with the same concept. That made the
full-text index three times larger and a common label word (such as "health") match most records.

Now the labels belong to the facet values: a label word is looked up in this small index of the
values' labels, and the records are the union of those values' bitsets, which the in-memory facet
index already holds (kimed.catalog.search.memory). The database's text index holds only what is the
record's own: title, keywords, description and identifier.

Labelled facets: health category, health theme (a facet without a panel), theme, coding system,
standard / format and publisher; for algorithms also task, modality and regulatory status. A label is the concept's code and its English and German labels
(kimed.vocab), or a publisher's names. A phrase must lie within one label.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from kimed.catalog.search.expression import Alt, Clause
from kimed.catalog.search.text import stems

LABELLED = ("health_category", "health_theme", "theme", "coding_system", "standard", "publisher",
            "task", "modality", "regulatory_status")


@lru_cache(maxsize=8192)
def concept_phrases(uri: str) -> tuple[tuple[str, ...], ...]:
    """The stemmed code and English and German labels of a vocabulary concept (empty if unknown)."""
    from kimed.vocab import lookup

    concept = lookup(uri)
    if concept is None:
        return ()
    texts = [concept.code, concept.labels.get("en", ""), concept.labels.get("de", "")]
    return tuple(dict.fromkeys(tuple(stems(t)) for t in texts if t and stems(t)))


def value_phrases(facet: str, value: str, label: str | None) -> tuple[tuple[str, ...], ...]:
    """The stemmed label phrases of one facet value (see the module docstring)."""
    if facet not in LABELLED:
        return ()
    if facet == "publisher":
        names: dict = {}
        if label:
            try:
                agent = json.loads(label)
            except ValueError:
                agent = None
            if isinstance(agent, dict):
                names = agent.get("name") or {}
        found = [tuple(stems(n)) for n in names.values() if isinstance(n, str)]
        return tuple(dict.fromkeys(p for p in found if p)) or concept_phrases(value)
    return concept_phrases(value)


def _holds(phrase: tuple[str, ...], alt: Alt) -> bool:
    n = len(alt.terms)
    for start in range(len(phrase) - n + 1):
        window = phrase[start:start + n]
        if window[:-1] != alt.terms[:-1]:
            continue
        last = window[-1]
        if last == alt.terms[-1] or (alt.prefix and last.startswith(alt.terms[-1])):
            return True
    return False


@dataclass
class LabelIndex:
    """Stem -> facet value ids whose labels hold it, and each value's label phrases."""

    phrases: dict[int, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    by_stem: dict[str, set[int]] = field(default_factory=dict)
    sorted_stems: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, values: Iterable[tuple[int, str, str, str | None]]) -> LabelIndex:
        """From (value id, facet, value, stored label) rows."""
        index = cls()
        for vid, facet, value, label in values:
            found = value_phrases(facet, value, label)
            if not found:
                continue
            index.phrases[vid] = found
            for phrase in found:
                for s in phrase:
                    index.by_stem.setdefault(s, set()).add(vid)
        index.sorted_stems = sorted(index.by_stem)
        return index

    def _candidates(self, alt: Alt) -> set[int]:
        first = alt.terms[0]
        if len(alt.terms) > 1 or not alt.prefix:
            return self.by_stem.get(first, set())
        out: set[int] = set()
        start = bisect.bisect_left(self.sorted_stems, first)
        for s in self.sorted_stems[start:]:
            if not s.startswith(first):
                break
            out |= self.by_stem[s]
        return out

    def alt_values(self, alt: Alt) -> set[int]:
        if not alt.terms:
            return set()
        return {vid for vid in self._candidates(alt)
                if any(_holds(phrase, alt) for phrase in self.phrases[vid])}

    def clause_values(self, clause: Clause) -> set[int]:
        """The facet values whose labels satisfy any alternative of ``clause``."""
        out: set[int] = set()
        for alt in clause.alts:
            out |= self.alt_values(alt)
        return out
