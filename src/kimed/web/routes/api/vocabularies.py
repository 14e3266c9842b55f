"""``/api/facets`` and ``/api/vocabularies``: what the search filters on, and the controlled lists."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from kimed.catalog.search import FACETS
from kimed.vocab import Vocabulary, get_vocabulary, vocabularies
from kimed.web.routes.api.models import (
    ConceptOut,
    FacetDefinition,
    VocabularyPublic,
    VocabularySummary,
)

router = APIRouter(tags=["vocabularies"])
RANGE_PARAMS = {"age": ["age_min", "age_max"], "temporal": ["from", "to"]}


@router.get("/facets", response_model=list[FacetDefinition], summary="The search facets")
def list_facets() -> list[FacetDefinition]:
    """Each facet's key, its English and German title, and the URL parameters it reads."""
    return [FacetDefinition(key=f.key, titles=dict(f.titles), kind=f.kind, source=f.source,
                            params=RANGE_PARAMS.get(f.key, [f.key])) for f in FACETS]


def _summary(vocab: Vocabulary) -> dict:
    return {"key": vocab.key, "titles": dict(vocab.titles), "scheme": vocab.scheme,
            "namespace": vocab.namespace, "source": vocab.source, "complete": vocab.complete,
            "properties": list(vocab.properties), "size": len(vocab)}


@router.get("/vocabularies", response_model=list[VocabularySummary],
            summary="The controlled vocabularies")
def list_vocabularies() -> list[VocabularySummary]:
    """Every controlled vocabulary KIMed holds, with its source and the properties using it."""
    return [VocabularySummary(**_summary(v)) for _k, v in sorted(vocabularies().items())]


@router.get("/vocabularies/{key}", response_model=VocabularyPublic,
            summary="One vocabulary with its concepts", responses={404: {"description":
                                                                         "No such vocabulary"}})
def get_vocabulary_concepts(key: str) -> VocabularyPublic:
    """The concepts of one vocabulary, each with its URI, code and German and English labels."""
    try:
        vocab = get_vocabulary(key)
    except KeyError as exc:
        raise HTTPException(404, detail=[{"loc": ["path", "key"], "msg": str(exc).strip("\"'"),
                                          "rule": "must be a vocabulary key"}]) from None
    return VocabularyPublic(**_summary(vocab), concepts=[
        ConceptOut(uri=c.uri, code=c.code, labels=dict(c.labels), broader=c.broader)
        for c in vocab.concepts])
