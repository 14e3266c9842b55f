"""Publishers as the Portal lists them: one entry per dct:publisher, with a URL slug and a count.

The catalogue has no publisher table yet, so the list is built from the stored projections (one
column read, no RDF parsing). The facet value of a publisher (its IRI, or its name when it has
none) is what the search filters on, so a publisher page lists its datasets through the search.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kimed.catalog.models import DatasetRow
from kimed.catalog.projection import AgentRef, DatasetRecord, pick


@dataclass
class Publisher:
    slug: str
    value: str  # the publisher facet value: IRI, or the name for a blank node
    agent: AgentRef
    count: int

    def name(self, lang: str = "en") -> str:
        return pick(self.agent.name, lang) or self.value


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80] or "publisher"


def _slug_source(value: str, agent: AgentRef) -> str:
    if agent.iri:
        tail = agent.iri.rstrip("/").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if tail:
            return tail
    return pick(agent.name) or value


def publishers(session: Session) -> list[Publisher]:
    """Every publisher with its number of datasets, sorted by name (English)."""
    found: dict[str, Publisher] = {}
    for projection in session.scalars(sa.select(DatasetRow.projection)):
        ref = DatasetRecord.model_validate(projection).publisher
        if ref is None:
            continue
        value = ref.iri or pick(ref.name)
        if not value:
            continue
        if value in found:
            found[value].count += 1
        else:
            found[value] = Publisher("", value, ref, 1)
    taken: set[str] = set()
    for value in sorted(found):
        base = slugify(_slug_source(value, found[value].agent))
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        found[value].slug = slug
    return sorted(found.values(), key=lambda p: (p.name().casefold(), p.value))


def by_slug(session: Session, slug: str) -> Publisher | None:
    return next((p for p in publishers(session) if p.slug == slug), None)


def slug_map(session: Session) -> dict[str, str]:
    """Publisher facet value -> slug (for links from datasets and search hits)."""
    return {p.value: p.slug for p in publishers(session)}
