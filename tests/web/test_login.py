"""Logging in and out, the session cookie, CSRF, the login throttle, and API tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from kimed.accounts import service
from kimed.accounts.models import WebSession
from kimed.db import Database
from kimed.web.auth import LoginThrottle, TooManyAttempts, safe_next
from tests.web.accounts import PASSWORD, create_users, csrf_of, login, new_client
from tests.web.html import Page, check_accessible


@pytest.fixture(scope="module")
def users(portal, portal_url):
    return create_users(portal_url)


def sessions(url: str) -> int:
    database = Database(url)
    with database.session() as session:
        count = session.scalar(sa.select(sa.func.count()).select_from(WebSession))
    database.dispose()
    return count


def test_login_page_is_accessible_and_sets_a_pre_login_csrf_cookie(portal, users):
    browser = new_client(portal)
    page = browser.get("/login?next=/search")
    assert page.status_code == 200
    check_accessible(Page(page.text))
    assert "kimed_csrf" in browser.cookies
    assert 'name="next" value="/search"' in page.text


def test_login_success_sets_a_safe_session_cookie_and_shows_the_user(portal, users):
    browser = new_client(portal)
    before = sessions(users.url)
    response = login(browser, "holder", next_url="/publishers")
    assert response.status_code == 303 and response.headers["location"] == "/publishers"
    cookie = next(c for c in response.headers.get_list("set-cookie")
                  if c.startswith("kimed_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http
    assert sessions(users.url) == before + 1
    home = browser.get("/")
    assert "Nako Holder" in home.text and 'action="/logout"' in home.text
    assert 'href="/datasets/new"' in home.text


def test_session_cookie_is_secure_over_https(portal, users):
    browser = new_client(portal, base_url="https://testserver")
    response = login(browser, "reader")
    cookie = next(c for c in response.headers.get_list("set-cookie")
                  if c.startswith("kimed_session="))
    assert "Secure" in cookie and "HttpOnly" in cookie


@pytest.mark.parametrize("username,password", [("holder", "wrong password here"),
                                               ("nobody", PASSWORD)])
def test_failed_login_is_generic(portal, users, username, password):
    browser = new_client(portal)
    response = login(browser, username, password)
    assert response.status_code == 401
    assert "Username or password is wrong." in response.text
    assert "kimed_session" not in browser.cookies
    assert "nobody" not in response.text.replace('value="nobody"', "")


@pytest.mark.parametrize("token", [None, "wrong"])
def test_login_without_the_right_csrf_token_is_refused(portal, users, token):
    browser = new_client(portal)
    browser.get("/login")
    data = {"username": "holder", "password": PASSWORD}
    if token:
        data["csrf_token"] = token
    before = sessions(users.url)
    response = browser.post("/login", data=data, follow_redirects=False)
    assert response.status_code == 403
    assert "csrf_token" in response.text and "security token" in response.text
    assert sessions(users.url) == before


def test_logout_needs_csrf_and_closes_the_session(portal, users):
    browser = new_client(portal)
    login(browser, "reader")
    before = sessions(users.url)
    assert browser.post("/logout", data={}, follow_redirects=False).status_code == 403
    assert sessions(users.url) == before
    token = csrf_of(browser.get("/").text)
    response = browser.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert sessions(users.url) == before - 1
    assert "Log in" in browser.get("/").text


def test_pages_that_need_a_login_redirect_to_it(portal, users):
    response = new_client(portal).get("/datasets/kimed:nako/edit", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fdatasets%2Fkimed%3Anako%2Fedit"


def test_a_browser_session_is_no_api_credential_and_a_token_no_login(portal, users):
    browser = new_client(portal)
    login(browser, "admin")
    assert browser.delete("/api/datasets/kimed:nako").status_code == 401
    anonymous = new_client(portal)
    page = anonymous.get("/", headers={"Authorization": f"Bearer {users.tokens['admin']}"})
    assert "Log in" in page.text and 'action="/logout"' not in page.text


def test_api_token_valid_revoked_expired(portal, users):
    api = new_client(portal)
    body = {"title_en": "x"}
    # valid token, no write right: 403 (the token was accepted)
    answer = api.put("/api/datasets/kimed:nako", json=body,
                     headers={"Authorization": f"Bearer {users.tokens['reader']}"})
    assert answer.status_code == 403 and answer.json()["detail"][0]["rule"]
    database = Database(users.url)
    with database.session() as session:
        revoked, row = service.issue_token(session, "admin", "to revoke")
        service.revoke_token(session, row)
        expiring, row2 = service.issue_token(session, "admin", "to expire", timedelta(days=1))
        row2.expires_at = row2.created_at - timedelta(seconds=1)
    database.dispose()
    for token in (revoked, expiring, "kimed_not-a-token"):
        answer = api.put("/api/datasets/kimed:nako", json=body,
                         headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 401, token
        assert answer.headers["www-authenticate"] == "Bearer"
        assert "unknown, expired or revoked" in answer.json()["detail"][0]["msg"]
    missing = api.delete("/api/datasets/kimed:nako")
    assert missing.status_code == 401 and "Bearer" in missing.json()["detail"][0]["msg"]


def test_failed_logins_are_throttled_per_username(portal, users):
    browser = new_client(portal)
    for _ in range(5):
        assert login(browser, "foreign", "not the password!").status_code == 401
    blocked = login(browser, "foreign")  # even the right password, for now
    assert blocked.status_code == 429 and "Retry-After" in blocked.headers
    assert login(browser, "holder").status_code == 303  # other accounts are not affected


def test_throttle_window_and_address_limit():
    now = [0.0]
    throttle = LoginThrottle(per_user=2, per_address=3, window=60, clock=lambda: now[0])
    throttle.failed("a", "1.2.3.4")
    throttle.failed("a", "1.2.3.4")
    with pytest.raises(TooManyAttempts):
        throttle.check("A", "9.9.9.9")
    throttle.failed("b", "1.2.3.4")
    with pytest.raises(TooManyAttempts):
        throttle.check("c", "1.2.3.4")
    now[0] = 61
    throttle.check("a", "1.2.3.4")
    throttle.failed("d", "5.5.5.5")
    throttle.succeeded("d")
    throttle.check("d", "5.5.5.5")


@pytest.mark.parametrize("target,expected", [
    ("/datasets/x?y=1", "/datasets/x?y=1"), ("https://evil.example/", "/"),
    ("//evil.example", "/"), ("/\\evil", "/"), (None, "/"), ("relative", "/")])
def test_next_stays_on_this_site(target, expected):
    assert safe_next(target) == expected


def _audit(url: str) -> list[tuple[str, str, str]]:
    from kimed.spe import audit
    from kimed.spe.audit import AuditEntry

    database = Database(url)
    with database.session() as session:
        rows = [(e.actor, e.action, e.object) for e in session.scalars(
            sa.select(AuditEntry).order_by(AuditEntry.seq))]
        assert audit.verify(session).ok
    database.dispose()
    return rows


def test_logins_logouts_and_failures_go_to_the_audit_log(portal, users):
    before = len(_audit(users.url))
    browser = new_client(portal)
    login(browser, "reader")
    token = csrf_of(browser.get("/").text)
    assert browser.post("/logout", data={"csrf_token": token},
                        follow_redirects=False).status_code == 303
    login(new_client(portal), "reader", "not the password at all")
    entries = _audit(users.url)[before:]
    actions = [action for _actor, action, _object in entries]
    assert actions == ["login", "logout", "login.failed"]
    assert entries[0][0] == entries[1][0] != "system"
    assert entries[2] == ("system", "login.failed", "reader")
