"""Facet values and publishers listed from the index, without reading the projections.

- :func:`facet_values`: every value of a facet with its number of records (no top-50 cut);
- :func:`publishers`: every publisher with its agent (IRI, names, ...), its number of records and a
  URL slug. The slugs follow kimed.web.agents: the IRI's last segment (or the name), made ASCII and
  lower-case, numbered ``-2``, ``-3`` ... in the order of the facet values when two collide.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from kimed.catalog.projection import pick
from kimed.catalog.search.facets import BAND_ORDER, FACET_KEYS, value_label
from kimed.catalog.search.memory import FacetIndex, facet_index
from kimed.catalog.search.query import FacetValue, SearchError


@dataclass
class PublisherEntry:
    value: str  # the publisher facet value: IRI, or the name when it has none
    slug: str
    count: int
    agent: dict = field(default_factory=dict)  # AgentRef as JSON: iri, name, type, email, url

    @property
    def iri(self) -> str | None:
        return self.agent.get("iri")

    def name(self, lang: str = "en") -> str:
        return pick(self.agent.get("name") or {}, lang) or self.value


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80] or "publisher"


def _slug_source(value: str, agent: dict) -> str:
    iri = agent.get("iri")
    if iri:
        tail = iri.rstrip("/").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if tail:
            return tail
    return pick(agent.get("name") or {}) or value


def _agent(label: str | None, value: str) -> dict:
    try:
        agent = json.loads(label) if label else {}
    except ValueError:
        agent = {}
    if not isinstance(agent, dict):
        agent = {}
    if "iri" not in agent and not isinstance(agent.get("name"), dict):
        agent = {"name": agent}  # an older label: the names alone
    return agent


def _publishers(idx: FacetIndex) -> list[PublisherEntry]:
    cached = idx.cache.get("publishers")
    if cached is not None:
        return cached
    found = {}
    for vid in idx.facets.get("publisher", ()):
        if idx.totals[vid]:
            _facet, value, label = idx.values[vid]
            found[value] = PublisherEntry(value, "", idx.totals[vid], _agent(label, value))
    taken: set[str] = set()
    for value in sorted(found):
        base = slugify(_slug_source(value, found[value].agent))
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        found[value].slug = slug
    out = sorted(found.values(), key=lambda p: (p.name().casefold(), p.value))
    idx.cache["publishers"] = out  # computed once per index generation
    return out


def slug_map(idx: FacetIndex) -> dict[str, str]:
    """Publisher facet value -> slug."""
    if "slugs" not in idx.cache:
        idx.cache["slugs"] = {p.value: p.slug for p in _publishers(idx)}
    return idx.cache["slugs"]


def publishers(session: Session) -> list[PublisherEntry]:
    """Every publisher that has records, with its count and slug, sorted by (English) name."""
    return list(_publishers(facet_index(session)))


def publisher_by_slug(session: Session, slug: str) -> PublisherEntry | None:
    return next((p for p in _publishers(facet_index(session)) if p.slug == slug), None)


def facet_values(session: Session, key: str, lang: str = "en") -> list[FacetValue]:
    """Every value of facet ``key`` that some record has, with its number of records: bands in
    their order, other values by count (highest first), then label."""
    if key not in FACET_KEYS:
        raise SearchError("facet", f"unknown facet; known: {', '.join(FACET_KEYS)}", key)
    idx = facet_index(session)
    out = [FacetValue(value, value_label(key, value, label, lang), idx.totals[vid])
           for vid in idx.facets.get(key, ())
           for _f, value, label in [idx.values[vid]] if idx.totals[vid]]
    if key in BAND_ORDER:
        out.sort(key=lambda fv: BAND_ORDER[key].index(fv.value))
    else:
        out.sort(key=lambda fv: (-fv.count, fv.label.casefold(), fv.value))
    return out

