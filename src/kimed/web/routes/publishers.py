"""Publisher pages: ``/publishers`` (all, with dataset counts) and ``/publishers/{slug}``."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import HTMLResponse

from kimed.catalog.search import SearchQuery, search
from kimed.web.agents import by_slug, publishers
from kimed.web.deps import LangDep, RenderDep, SessionDep
from kimed.web.present import agent, hit_view
from kimed.web.routes.search import page_links

router = APIRouter(tags=["pages"], include_in_schema=False)
PER_PAGE = 20


@router.get("/publishers", response_class=HTMLResponse, name="publishers")
def publisher_list(session: SessionDep, lang: LangDep, render: RenderDep) -> HTMLResponse:
    items = [{"slug": p.slug, "name": p.name(lang), "count": p.count,
              "details": agent(p.agent, lang)[0].parts} for p in publishers(session)]
    return render("publishers.html", {"publishers": items})


@router.get("/publishers/{slug}", response_class=HTMLResponse, name="publisher")
def publisher_page(slug: str, session: SessionDep, lang: LangDep, render: RenderDep,
                   page: int = Query(1, ge=1, le=10_000)) -> HTMLResponse:
    found = by_slug(session, slug)
    if found is None:
        raise HTTPException(404, detail=f"no publisher {slug!r}")
    query = SearchQuery(filters={"publisher": [found.value]}, sort="title", page=page,
                        per_page=PER_PAGE, lang=lang)
    result = search(session, query)
    hits = [hit_view(h, lang, publisher=False) for h in result.hits]
    paging = page_links(query, result.pages, path=f"/publishers/{slug}")
    for key in ("prev", "next", "first", "last"):  # the filter is the path here, not a parameter
        if paging[key]:
            paging[key] = _strip(paging[key])
    for number in paging["numbers"]:
        number["url"] = _strip(number["url"])
    return render("publisher.html", {
        "publisher": found, "name": found.name(lang), "agent": agent(found.agent, lang)[0],
        "hits": hits, "result": result, "paging": paging,
        "search_url": "/search?" + urlencode({"publisher": found.value}),
    })


def _strip(url: str) -> str:
    """Drop the publisher, sort, per_page and lang parameters from a paging link."""
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query) if k == "page"]
    return parts.path + ("?" + urlencode(kept) if kept else "")
