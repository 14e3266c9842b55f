"""Logging in and out of the Portal: ``/login`` (form and POST) and ``/logout`` (POST).

A successful login opens a server-side web session (kimed.accounts.tokens) and sets its key in
the ``kimed_session`` cookie. A failed one says only "username or password is wrong", whether
the account exists or not, and counts towards the login throttle (kimed.web.auth).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from kimed.accounts import service
from kimed.accounts.tokens import DEFAULT_SESSION_LIFETIME
from kimed.spe import audit
from kimed.web.auth import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    csrf_seed,
    csrf_token_for,
    new_csrf_seed,
    safe_next,
    set_cookie,
)
from kimed.web.deps import CsrfFormDep, OptionalUser, RenderDep, SessionDep

router = APIRouter(tags=["pages"], include_in_schema=False)


def _login_page(request: Request, render: RenderDep, next_url: str, username: str = "",
                error: str | None = None, status_code: int = 200) -> Response:
    seed = csrf_seed(request)
    fresh = None if seed else new_csrf_seed()
    response = render("login.html", {
        "next_url": next_url, "username": username, "error": error,
        "login_csrf": csrf_token_for(seed or fresh), "title": None,
    }, status_code=status_code, headers={"Cache-Control": "no-store"})
    if fresh:
        set_cookie(response, request, CSRF_COOKIE, fresh, max_age=None)
    return response


@router.get("/login", name="login")
def login_form(request: Request, render: RenderDep, user: OptionalUser,
               next: str | None = None) -> Response:
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, render, safe_next(next))


@router.post("/login")
def login(request: Request, form: CsrfFormDep, session: SessionDep, render: RenderDep) -> Response:
    username = str(form.get("username") or "")
    password = str(form.get("password") or "")
    next_url = safe_next(str(form.get("next") or "/"))
    throttle = request.app.state.login_throttle
    address = request.client.host if request.client else "unknown"
    throttle.check(username, address)
    user = service.authenticate(session, username, password)
    if user is None:
        throttle.failed(username, address)
        audit.record(session, "system", "login.failed", username[:128],
                     {"via": "web", "address": address})
        return _login_page(request, render, next_url, username,
                           error="login.failed", status_code=401)
    throttle.succeeded(username)
    key, _row = service.open_web_session(session, user)
    audit.record(session, user, "login", details={"via": "web", "address": address})
    session.commit()  # before the redirect: the next request must see the session
    response = RedirectResponse(next_url, status_code=303)
    set_cookie(response, request, SESSION_COOKIE, key,
               max_age=int(DEFAULT_SESSION_LIFETIME.total_seconds()))
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.post("/logout", name="logout")
def logout(request: Request, form: CsrfFormDep, session: SessionDep,
           user: OptionalUser) -> Response:
    key = request.cookies.get(SESSION_COOKIE)
    if key:
        if service.close_web_session(session, key) and user is not None:
            audit.record(session, user, "logout", details={"via": "web"})
        session.commit()  # before the redirect, like login
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                           secure=request.url.scheme == "https")
    return response
