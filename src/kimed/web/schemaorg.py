"""A schema.org ``Dataset`` description of a record, embedded as JSON-LD in its page.

Web search engines read ``<script type="application/ld+json">``. The properties are those of
https://schema.org/Dataset, and the ones Google's dataset search documents
(https://developers.google.com/search/docs/appearance/structured-data/dataset): dct:title -> name,
dct:publisher -> publisher, dcat:distribution -> DataDownload, dct:temporal -> temporalCoverage as an
ISO 8601 interval (".." for an open end).
"""

from __future__ import annotations

import json

from kimed.catalog.projection import AgentRef, DatasetRecord, pick
from kimed.vocab import lookup


def _organization(ref: AgentRef, lang: str) -> dict:
    out: dict = {"@type": "Organization", "name": pick(ref.name, lang) or ref.iri or ""}
    if ref.url:
        out["url"] = ref.url
    if ref.iri:
        out["sameAs"] = ref.iri
    if ref.email:
        out["email"] = ref.email.removeprefix("mailto:")
    return out


def _label(uri: str, lang: str) -> str:
    found = lookup(uri)
    return found.label(lang) if found else uri


def dataset_jsonld(rec: DatasetRecord, page_url: str, lang: str) -> dict:
    """The schema.org Dataset object of ``rec``."""
    doc: dict = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": rec.iri,
        "name": rec.label(lang),
        "description": pick(rec.description, lang) or rec.label(lang),
        "identifier": rec.identifier,
        "url": page_url,
        "inLanguage": lang,
    }
    keywords = rec.keywords.get(lang) or rec.keywords.get("en") or []
    keywords += [_label(u, lang) for u in rec.health_categories + rec.health_themes]
    if keywords:
        doc["keywords"] = keywords
    licenses = sorted({d.license for d in rec.distributions if d.license})
    if licenses:
        doc["license"] = licenses[0] if len(licenses) == 1 else licenses
    if rec.publisher is not None:
        doc["publisher"] = _organization(rec.publisher, lang)
    creators = rec.creators or ([rec.publisher] if rec.publisher else [])
    if creators:
        doc["creator"] = [_organization(a, lang) for a in creators]
    if rec.spatial:
        doc["spatialCoverage"] = [{"@type": "Place", "name": _label(u, lang), "sameAs": u}
                                  for u in rec.spatial]
    periods = [f"{p.start.isoformat() if p.start else '..'}/{p.end.isoformat() if p.end else '..'}"
               for p in rec.temporal if p.start or p.end]
    if periods:
        doc["temporalCoverage"] = periods[0] if len(periods) == 1 else periods
    downloads = []
    for dist in rec.distributions:
        url = dist.download_url or dist.access_url
        if not url:
            continue
        item = {"@type": "DataDownload", "contentUrl": url}
        name = pick(dist.title, lang)
        if name:
            item["name"] = name
        if dist.media_type or dist.format:
            item["encodingFormat"] = dist.media_type or _label(dist.format or "", lang)
        if dist.license:
            item["license"] = dist.license
        downloads.append(item)
    if downloads:
        doc["distribution"] = downloads
    if rec.modified:
        doc["dateModified"] = rec.modified.isoformat()
    if rec.issued:
        doc["datePublished"] = rec.issued.isoformat()
    return doc


def script_json(doc: dict) -> str:
    """JSON safe inside a <script> element: no ``</script>`` or HTML comment can break out."""
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
