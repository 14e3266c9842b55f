"""Request dependencies, as ``Annotated`` aliases: ``SessionDep``, ``LangDep``, ``SearchQueryDep``,
``RenderDep``, ``OptionalUser``, ``CurrentUser`` and ``CsrfFormDep``. Routes declare what they need
and FastAPI supplies it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated
from urllib.parse import unquote, urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from kimed.accounts.models import User
from kimed.catalog.search import SearchQuery
from kimed.web.auth import (
    CSRF_FIELD,
    SESSION_COOKIE,
    Account,
    LoginRequired,
    check_csrf,
    csrf_seed,
    csrf_token_for,
)
from kimed.web.i18n import COOKIE, LANGUAGES, format_number, negotiate, translator


def get_session(request: Request) -> Iterator[Session]:
    """One database session per request; it commits when the route function succeeds, before the
    response is sent (``scope="function"``), so the client's next request sees the change."""
    with request.app.state.db.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def get_optional_user(request: Request, session: SessionDep) -> User | None:
    """The signed-in user: by the session cookie for pages, by ``Authorization: Bearer <API
    token>`` under /api (a token is no browser login, a cookie no API credential)."""
    from kimed.accounts import service

    if is_api(request):
        token = bearer_token(request)
        user = service.verify_token(session, token) if token else None
        if token and user is None:
            raise LoginRequired("the API token is unknown, expired or revoked",
                                "a valid API token (Authorization: Bearer kimed_...)")
    else:
        key = request.cookies.get(SESSION_COOKIE)
        user = service.user_for_web_session(session, key) if key else None
    request.state.account = Account.of(user)
    return user


OptionalUser = Annotated[User | None, Depends(get_optional_user)]


def get_current_user(request: Request, user: OptionalUser) -> User:
    """The signed-in user, or LoginRequired (HTML: redirect to /login; API: 401)."""
    if user is None:
        if is_api(request):
            raise LoginRequired("this needs an API token: send 'Authorization: Bearer kimed_...'",
                                "authentication required")
        raise LoginRequired("please log in first")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_csrf_form(request: Request) -> FormData:
    """The submitted form, after checking its CSRF token (CsrfError, answered with 403)."""
    form = await request.form()
    check_csrf(request, form.get(CSRF_FIELD))
    return form


CsrfFormDep = Annotated[FormData, Depends(get_csrf_form)]


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

    def __init__(self, request: Request, lang: str, user: User | None = None,
                 session: Session | None = None) -> None:
        self.request, self.lang = request, lang
        self.user = Account.of(user) or getattr(request.state, "account", None)
        self.session = session

    def account(self) -> dict:
        """What the header shows of the signed-in user, and the links they may follow."""
        from kimed.accounts.permissions import can_edit_dataset

        user, seed = self.user, csrf_seed(self.request)
        can_create = bool(user and user.is_active and (
            user.role == "admin" or (user.role == "data_holder" and user.publisher_iris)))
        edit_url = None
        match = re.fullmatch(r"/datasets/(.+)", self.request.url.path)
        if can_create and match and self.session is not None and not re.search(
                r"(/edit|\.(ttl|jsonld|rdf|nt))$", match.group(1)) and match.group(1) != "new":
            from kimed.catalog.store import find_dataset

            row = find_dataset(self.session, unquote(match.group(1)))
            if row is not None and can_edit_dataset(user, row):
                edit_url = self.request.url.path + "/edit"
        return {"user": user, "csrf_token": csrf_token_for(seed) if seed else "",
                "can_create": can_create, "edit_url": edit_url}

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
            **self.account(),
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


def get_renderer(request: Request, lang: LangDep, user: OptionalUser,
                 session: SessionDep) -> Renderer:
    return Renderer(request, lang, user, session)


RenderDep = Annotated[Renderer, Depends(get_renderer)]


def is_htmx(request: Request) -> bool:
    """An htmx request that wants a fragment (not a history restore, which needs the full page)."""
    headers = request.headers
    return headers.get("hx-request") == "true" and "hx-history-restore-request" not in headers
