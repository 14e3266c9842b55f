"""``/api/publishers``: every publisher with its number of datasets."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request

from kimed.web.agents import publishers
from kimed.web.deps import SessionDep
from kimed.web.routes.api.models import PublisherSummary

router = APIRouter(tags=["publishers"])


@router.get("/publishers", response_model=list[PublisherSummary], summary="All publishers")
def list_publishers(request: Request, session: SessionDep) -> list[PublisherSummary]:
    """Publishers (dct:publisher of the records) with their dataset counts, sorted by name.
    `value` is what the `publisher` parameter of `/api/datasets` filters on."""
    base = str(request.base_url).rstrip("/")
    return [PublisherSummary(
        slug=p.slug, value=p.value, agent=p.agent, datasets=p.count,
        links={"html": f"{base}/publishers/{p.slug}",
               "datasets": f"{base}/api/datasets?" + urlencode({"publisher": p.value})},
    ) for p in publishers(session)]
