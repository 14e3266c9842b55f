"""Content negotiation on the Accept header (RFC 9110, section 12.5.1), for RDF and HTML."""

from __future__ import annotations

from kimed.catalog.rdfio import MEDIA_TYPES

HTML = "html"
# Media types we serve -> our format key. Some clients still send the older RDF names.
OFFERS: dict[str, str] = {
    "text/html": HTML,
    "application/xhtml+xml": HTML,
    **{media: key for key, media in MEDIA_TYPES.items()},
    "application/x-turtle": "ttl",
    "application/json": "jsonld",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/plain": "nt",
}
EXTENSIONS: dict[str, str] = {".ttl": "ttl", ".jsonld": "jsonld", ".rdf": "xml", ".nt": "nt"}
SUFFIXES: dict[str, str] = {"ttl": ".ttl", "jsonld": ".jsonld", "xml": ".rdf", "nt": ".nt"}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """``(media range, q)`` pairs, best first; a missing header accepts anything."""
    ranked: list[tuple[float, int, int, str]] = []
    for position, part in enumerate((header or "*/*").split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        media = media.lower()
        if not media:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        ranked.append((-quality, -specificity, position, media))
    return [(media, -q) for q, _s, _p, media in sorted(ranked)]


def choose(header: str | None, offers: list[str], default: str) -> str | None:
    """The format key (from ``offers``, in order of our preference) the client wants most.

    ``default`` answers ``*/*``; None means nothing acceptable (answer 406).
    """
    for media, quality in parse_accept(header):
        if quality <= 0:
            continue
        if media == "*/*":
            return default
        if media.endswith("/*"):
            kind = media[:-1]
            for key in offers:
                if any(m.startswith(kind) and OFFERS[m] == key for m in OFFERS):
                    return key
            continue
        key = OFFERS.get(media)
        if key in offers:
            return key
    return None
