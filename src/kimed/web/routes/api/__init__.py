"""The JSON API under ``/api`` (OpenAPI at ``/api/openapi.json``, a readable page at ``/api/docs``).

One router per resource: datasets (search and records), publishers, facets and vocabularies.
"""

from fastapi import APIRouter

from kimed.web.routes.api import datasets, docs, publishers, vocabularies
from kimed.web.routes.api.models import ErrorResponse

router = APIRouter(prefix="/api", responses={422: {"model": ErrorResponse,
                                                   "description": "A bad parameter"}})
router.include_router(datasets.router)
router.include_router(publishers.router)
router.include_router(vocabularies.router)
router.include_router(docs.router)
