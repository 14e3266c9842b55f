"""Saved suitability profiles in the Portal and the API, on SQLite and PostgreSQL: saving from the
results page, "My profiles" (open, rename, delete), visitors sent to log in, CSRF, the rules with
their fields, and no user reaching another user's profile."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import unquote

import pytest
import sqlalchemy as sa

from kimed.catalog.suitability.saved import SavedProfile
from kimed.db import Database
from tests.web.accounts import create_users, csrf_of, login, new_client
from tests.web.html import Page, check_accessible

QUERY = "cond=I63&age_min=18&age_max=80&place=DEU"


@pytest.fixture(scope="module")
def users(portal, portal_url):
    return create_users(portal_url)


@pytest.fixture
def clean(portal_url):
    """No saved profiles before and after the test."""
    def wipe():
        database = Database(portal_url)
        with database.session() as session:
            session.execute(sa.delete(SavedProfile))
        database.dispose()
    wipe()
    yield
    wipe()


def stored(url: str) -> list[tuple[str, str]]:
    database = Database(url)
    with database.session() as session:
        rows = [(r.name, r.params) for r in session.scalars(
            sa.select(SavedProfile).order_by(SavedProfile.name))]
    database.dispose()
    return rows


def browser_of(portal, username: str):
    browser = new_client(portal)
    assert login(browser, username).status_code == 303
    return browser


def save_from_results(browser, name: str, query: str = QUERY):
    page = browser.get(f"/suitability?{query}")
    assert page.status_code == 200
    params = re.search(r'name="params" value="([^"]*)"', page.text)
    assert params, "the results page has no save form"
    return browser.post("/suitability/profiles", follow_redirects=False, data={
        "csrf_token": csrf_of(page.text), "params": unescape(params.group(1)), "name": name})


def ids_on(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr id="profile-(\d+)"', page)]


def test_visitors_are_asked_to_log_in(portal, users, clean, portal_url):
    visitor = new_client(portal)
    page = visitor.get(f"/suitability?{QUERY}")
    assert 'id="login-to-save"' in page.text and "Log in to save this profile" in page.text
    assert 'action="/suitability/profiles"' not in page.text
    link = re.search(r'id="login-to-save" href="([^"]+)"', page.text).group(1)
    target = unquote(unescape(link).removeprefix("/login?next="))
    assert target == f"/suitability?{QUERY}"
    assert visitor.get("/suitability/profiles", follow_redirects=False).headers[
        "location"].startswith("/login?next=")
    answer = visitor.post("/suitability/profiles", data={"name": "x", "params": QUERY},
                          follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    assert stored(portal_url) == []
    # the link's login comes back to the results, now with the save form
    assert login(visitor, "reader", next_url=target).headers["location"] == target
    assert 'action="/suitability/profiles"' in visitor.get(target).text


def test_save_list_open_in_both_languages(portal, users, clean, portal_url):
    reader = browser_of(portal, "reader")
    answer = save_from_results(reader, "Stroke in adults")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/suitability/profiles?saved=")
    [(name, params)] = stored(portal_url)
    assert name == "Stroke in adults"
    assert params == QUERY  # already the short link
    page = reader.get(answer.headers["location"])
    assert "The profile was saved." in page.text and "My profiles" in page.text
    assert f'href="/suitability?{QUERY}">Stroke in adults</a>' in unescape(page.text)
    check_accessible(Page(page.text))
    check_accessible(Page(reader.get(f"/suitability?{QUERY}").text))  # with the save form
    [profile_id] = ids_on(page.text)
    opened = reader.get(f"/suitability/profiles/{profile_id}", follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == f"/suitability?{QUERY}"
    results = reader.get(opened.headers["location"])
    assert results.status_code == 200 and "ranked by fit" in results.text
    german = reader.get("/suitability/profiles?lang=de")
    assert "Meine Profile" in german.text and "Umbenennen" in german.text
    assert "Dieses Profil speichern als" in reader.get(f"/suitability?{QUERY}&lang=de").text


def test_refused_saves_name_field_and_rule(portal, users, clean, portal_url):
    reader = browser_of(portal, "reader")
    assert save_from_results(reader, "Stroke").status_code == 303
    again = save_from_results(reader, "Stroke", "cond=E11")
    assert again.status_code == 422
    assert "<code>name</code>" in again.text and "unique name per user" in again.text
    assert 'value="cond=E11"' in again.text  # the form comes back to be sent again
    blank = save_from_results(reader, "   ")
    assert blank.status_code == 422 and "non-empty name" in blank.text
    long = save_from_results(reader, "x" * 101)
    assert long.status_code == 422 and "name of at most 100 characters" in long.text
    page = reader.get("/suitability/profiles")
    bad = reader.post("/suitability/profiles", follow_redirects=False, data={
        "csrf_token": csrf_of(page.text), "name": "bad", "params": "age_min=70&age_max=30"})
    assert bad.status_code == 422
    assert "params.population.age_min" in bad.text and "age_min &lt;= age_max" in bad.text
    no_token = reader.post("/suitability/profiles", data={"name": "n", "params": QUERY},
                           follow_redirects=False)
    assert no_token.status_code == 403
    assert [n for n, _ in stored(portal_url)] == ["Stroke"]


def test_rename_and_delete(portal, users, clean, portal_url):
    reader = browser_of(portal, "reader")
    save_from_results(reader, "First")
    save_from_results(reader, "Second", "cond=E11")
    page = reader.get("/suitability/profiles")
    first, second = ids_on(page.text)
    token = csrf_of(page.text)
    taken = reader.post(f"/suitability/profiles/{first}/rename",
                        data={"csrf_token": token, "name": "Second"})
    assert taken.status_code == 422 and "unique name per user" in taken.text
    done = reader.post(f"/suitability/profiles/{first}/rename", follow_redirects=False,
                       data={"csrf_token": token, "name": "Renamed"})
    assert done.status_code == 303
    assert [n for n, _ in stored(portal_url)] == ["Renamed", "Second"]
    assert reader.post(f"/suitability/profiles/{second}/delete",
                       data={"name": "x"}).status_code == 403  # no CSRF token
    gone = reader.post(f"/suitability/profiles/{second}/delete", follow_redirects=False,
                       data={"csrf_token": token})
    assert gone.status_code == 303
    assert [n for n, _ in stored(portal_url)] == ["Renamed"]


def test_nobody_reaches_another_users_profile(portal, users, clean, portal_url):
    reader = browser_of(portal, "reader")
    save_from_results(reader, "Mine")
    [profile_id] = ids_on(reader.get("/suitability/profiles").text)
    for name in ("holder", "admin"):  # not even an admin
        other = browser_of(portal, name)
        page = other.get("/suitability/profiles")
        assert "Mine" not in page.text and ids_on(page.text) == []
        token = csrf_of(page.text)
        assert other.get(f"/suitability/profiles/{profile_id}",
                         follow_redirects=False).status_code == 404
        assert other.post(f"/suitability/profiles/{profile_id}/rename",
                          data={"csrf_token": token, "name": "stolen"}).status_code == 404
        assert other.post(f"/suitability/profiles/{profile_id}/delete",
                          data={"csrf_token": token}).status_code == 404
    assert stored(portal_url) == [("Mine", QUERY)]


def test_api_list_create_delete(portal, users, clean, portal_url):
    def auth(name):
        return {"Authorization": f"Bearer {users.tokens[name]}"}

    client = new_client(portal)
    created = client.post("/api/suitability/profiles", headers=auth("reader"),
                          json={"name": "By query", "params": "?" + QUERY + "&sex="})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["params"] == QUERY and body["url"] == f"/suitability?{QUERY}"
    assert created.headers["location"] == f"/api/suitability/profiles/{body['id']}"
    as_object = client.post("/api/suitability/profiles", headers=auth("reader"), json={
        "name": "By object", "profile": {"conditions": ["I63"], "places": ["DEU"]}})
    assert as_object.status_code == 201 and as_object.json()["params"] == "cond=I63&place=DEU"
    listed = client.get("/api/suitability/profiles", headers=auth("reader")).json()
    assert [p["name"] for p in listed["profiles"]] == ["By object", "By query"]
    assert client.get("/api/suitability/profiles", headers=auth("holder")).json() == {
        "profiles": []}
    own = f"/api/suitability/profiles/{body['id']}"
    assert client.get(own, headers=auth("reader")).json()["name"] == "By query"
    for method in (client.get, client.delete):
        refused = method(own, headers=auth("holder"))
        assert refused.status_code == 404
        assert refused.json()["detail"][0]["loc"] == ["path", "profile_id"]
    anonymous = client.get("/api/suitability/profiles")
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == "Bearer"
    assert client.delete(own).status_code == 401
    assert client.delete(own, headers=auth("reader")).status_code == 204
    assert client.get(own, headers=auth("reader")).status_code == 404
    assert [n for n, _ in stored(portal_url)] == ["By object"]


@pytest.mark.parametrize(("body", "loc", "rule"), [
    ({"name": "By object", "params": "cond=E11"}, ["body", "name"], "unique name per user"),
    ({"name": "", "params": "cond=E11"}, ["body", "name"], "non-empty name"),
    ({"name": "x", "params": "cond=XYZ"}, ["body", "params", "conditions", "0"], None),
    ({"name": "x", "profile": {"population": {"age_min": 70, "age_max": 30}}},
     ["body", "profile", "population", "age_min"], "age_min <= age_max"),
    ({"name": "x", "profile": {}}, ["body", "profile"], "non-empty profile"),
    ({"name": "x"}, ["body", "params"], "params or profile"),
])
def test_api_errors_name_field_and_rule(portal, users, clean, portal_url, body, loc, rule):
    headers = {"Authorization": f"Bearer {users.tokens['reader']}"}
    client = new_client(portal)
    assert client.post("/api/suitability/profiles", headers=headers, json={
        "name": "By object", "params": "cond=I63"}).status_code == 201
    answer = client.post("/api/suitability/profiles", headers=headers, json=body)
    assert answer.status_code == 422
    detail = answer.json()["detail"][0]
    assert detail["loc"] == loc and detail["msg"]
    assert rule is None or detail["rule"] == rule
    assert [n for n, _ in stored(portal_url)] == ["By object"]


def test_openapi_lists_the_profile_routes(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"get", "post"} <= paths["/api/suitability/profiles"].keys()
    assert {"get", "delete"} <= paths["/api/suitability/profiles/{profile_id}"].keys()
