"""The home page: search box, the EHDS health categories with counts, the newest records."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from kimed.catalog.models import DatasetRow
from kimed.catalog.search import SearchQuery, search
from kimed.catalog.store import record_of
from kimed.vocab import get_vocabulary
from kimed.web.deps import LangDep, RenderDep, SessionDep
from kimed.web.present import access_badge, summary

router = APIRouter(tags=["pages"], include_in_schema=False)
NEWEST = 6


def category_tiles(counts: dict[str, int], lang: str) -> list[dict]:
    """All 17 EHDS health categories (Art. 51), in the order of the official list, with counts."""
    vocab = get_vocabulary("health-categories")
    return [{"uri": c.uri, "code": c.code, "label": c.label(lang), "count": counts.get(c.uri, 0)}
            for c in vocab.concepts]


@router.get("/", response_class=HTMLResponse, name="home")
def home(session: SessionDep, lang: LangDep, render: RenderDep) -> HTMLResponse:
    result = search(session, SearchQuery(per_page=1, lang=lang, filters={"type": ["dataset"]}))
    counts = {fv.value: fv.count for fv in result.facets.get("health_category", [])}
    rows = session.scalars(sa.select(DatasetRow).order_by(
        DatasetRow.created_at.desc(), DatasetRow.id.desc()).limit(NEWEST))
    newest = []
    for row in rows:
        rec = record_of(row)
        newest.append({
            "identifier": rec.identifier, "title": rec.label(lang), "summary": summary(rec, lang),
            "publisher": rec.publisher and (rec.publisher.name.get(lang)
                                            or next(iter(rec.publisher.name.values()), None)),
            "access": access_badge(rec.access_rights, lang),
        })
    access = [{"value": fv.value, "count": fv.count, **access_badge(fv.value, lang)}
              for fv in result.facets.get("access_rights", [])]
    return render("home.html", {"tiles": category_tiles(counts, lang), "newest": newest,
                                "total": result.total, "access": access})
