"""Request dependencies, as ``Annotated`` aliases: ``SessionDep``, ``LangDep``, ``SearchQueryDep``,
``RenderDep``. Routes declare what they need and FastAPI supplies it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from kimed.catalog.search import SearchQuery
from kimed.web.i18n import COOKIE, LANGUAGES, format_number, negotiate, translator


def get_session(request: Request) -> Iterator[Session]:
    """One database session per request; it commits when the request succeeds."""
    with request.app.state.db.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def request_language(request: Request) -> str:
    return negotiate(request.query_params.get("lang"), request.cookies.get(COOKIE),
                     request.headers.get("accept-language"))


def get_lang(request: Request) -> str:
    """The page language: ``?lang=``, the ``lang`` cookie, Accept-Language, then English."""
    return request_language(request)


LangDep = Annotated[str, Depends(get_lang)]


def query_mapping(request: Request) -> dict[str, list[str]]:
    """The query string as ``{name: [values]}``, the form SearchQuery.from_params reads."""
    params = request.query_params
    return {key: params.getlist(key) for key in params}


def get_search_query(request: Request, lang: LangDep) -> SearchQuery:
    """The search in the URL; a bad parameter raises SearchError (answered with 422)."""
    params = query_mapping(request)
    params["lang"] = [lang]
    return SearchQuery.from_params(params)


SearchQueryDep = Annotated[SearchQuery, Depends(get_search_query)]


def url_with(request: Request, path: str | None = None, **changes: str | None) -> str:
    """The current URL (path and query, no host) with some parameters set or (None) removed."""
    items = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    items += [(k, v) for k, v in changes.items() if v is not None]
    query = urlencode(items)
    return (path or request.url.path) + (f"?{query}" if query else "")


class Renderer:
    """Renders a page template with what every page needs, and remembers a chosen language."""

    def __init__(self, request: Request, lang: str) -> None:
        self.request, self.lang = request, lang

    def context(self) -> dict:
        other = next(code for code in LANGUAGES if code != self.lang)
        t = translator(self.lang)

        def tn(key: str, n: int, **values: object) -> str:
            """A message chosen by number: ``key.one`` or ``key.other``."""
            form = "one" if n == 1 else "other"
            return t(f"{key}.{form}", n=format_number(n, self.lang), **values)

        return {
            "lang": self.lang,
            "t": t,
            "tn": tn,
            "other_lang": other,
            "lang_switch_url": url_with(self.request, lang=other),
            "num": lambda value: format_number(value, self.lang),
            "path": self.request.url.path,
        }

    def __call__(self, name: str, context: dict | None = None, status_code: int = 200,
                 headers: dict[str, str] | None = None) -> HTMLResponse:
        templates = self.request.app.state.templates
        response = templates.TemplateResponse(
            self.request, name, {**self.context(), **(context or {})}, status_code=status_code,
            headers={"Content-Language": self.lang, "Vary": "Accept-Language, Cookie, HX-Request",
                     **(headers or {})},
        )
        chosen = self.request.query_params.get("lang")
        if chosen in LANGUAGES and chosen != self.request.cookies.get(COOKIE):
            response.set_cookie(COOKIE, chosen, max_age=365 * 24 * 3600, samesite="lax")
        return response


def get_renderer(request: Request, lang: LangDep) -> Renderer:
    return Renderer(request, lang)


RenderDep = Annotated[Renderer, Depends(get_renderer)]


def is_htmx(request: Request) -> bool:
    """An htmx request that wants a fragment (not a history restore, which needs the full page)."""
    headers = request.headers
    return headers.get("hx-request") == "true" and "hx-history-restore-request" not in headers
