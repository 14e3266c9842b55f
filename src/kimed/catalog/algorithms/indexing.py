"""What search needs from an algorithm record: indexable text per language and facet values.

Facet values are URIs of our vocabularies where there is one (task, modality, health category,
regulatory class), the licence IRI, and ``"true"``/``"false"`` for runnability in the KIMed SPE.
Texts include the English and German labels of those concepts, so a German query finds an
English record by its task or modality.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kimed.catalog.algorithms.model import AlgorithmRecord

FACETS = ("task", "modality", "health_category", "regulatory_class", "license", "runnable_in_spe")


@dataclass
class SearchDocument:
    identifier: str
    title: str
    text: dict[str, str] = field(default_factory=dict)  # language -> text
    facets: dict[str, list[str]] = field(default_factory=dict)


def _labels(uris: list[str], lang: str) -> list[str]:
    from kimed.vocab import lookup

    return [c.label(lang) for c in (lookup(u) for u in uris) if c is not None]


def facet_values(record: AlgorithmRecord) -> dict[str, list[str]]:
    modalities = sorted(set(record.modality_concepts("input")) |
                        set(record.modality_concepts("output")))
    return {
        "task": sorted(set(record.tasks) | set(record.task_types)),
        "modality": modalities,
        "health_category": list(record.health_categories),
        "regulatory_class": list(record.regulatory.classes),
        "license": list(record.licenses),
        "runnable_in_spe": ["true" if record.runnable_in_spe else "false"],
    }


def search_document(record: AlgorithmRecord) -> SearchDocument:
    """The text to index (per language: 'en', 'de') and the facet values of ``record``."""
    facets = facet_values(record)
    concepts = [*facets["task"], *facets["modality"], *facets["health_category"],
                *facets["regulatory_class"]]
    common = [record.short_description or "", *record.keywords, *record.intended_use,
              record.limitations or "", record.bias or "", *record.architecture,
              *(d.title or d.identifier or "" for d in record.datasets), record.pipeline or "",
              *(u.institution or "" for u in record.use_cases)]
    text = {}
    for lang in ("en", "de"):
        title = record.title.get(lang) or record.label(lang)
        description = record.description.get(lang) or record.description.get("") or \
            next(iter(record.description.values()), "")
        parts = [title, description, *common, *_labels(concepts, lang)]
        text[lang] = "\n".join(p for p in parts if p)
    return SearchDocument(record.identifier, record.label(), text, facets)
