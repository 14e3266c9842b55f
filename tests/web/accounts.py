"""Helpers for the account and editing tests: users in the module's database, logging a client
in, and reading a page's form as a browser would submit it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from fastapi.testclient import TestClient

from kimed.accounts import service
from kimed.db import Database
from tests.web.html import Page

PASSWORD = "correct horse battery"
NAKO_AGENT = "https://w3id.org/kimed/agent/nako"
OTHER_AGENT = "https://example.org/agent/elsewhere"


@dataclass
class Users:
    """The accounts of a test module, and an API token for each."""

    url: str
    tokens: dict[str, str]


def create_users(url: str) -> Users:
    database = Database(url)
    tokens = {}
    with database.session() as session:
        service.create_user(session, "admin", "admin@example.org", PASSWORD, role="admin")
        service.create_user(session, "holder", "holder@example.org", PASSWORD,
                            role="data_holder", publishers=[NAKO_AGENT], full_name="Nako Holder")
        service.create_user(session, "foreign", "foreign@example.org", PASSWORD,
                            role="data_holder", publishers=[OTHER_AGENT])
        service.create_user(session, "reader", "reader@example.org", PASSWORD, role="reader")
        for name in ("admin", "holder", "foreign", "reader"):
            tokens[name], _row = service.issue_token(session, name, "tests", timedelta(days=1))
    database.dispose()
    return Users(url, tokens)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]*)"', html)
    assert found, "the page has no csrf_token field"
    return found.group(1)


def new_client(portal: TestClient, base_url: str = "http://testserver") -> TestClient:
    """Another browser on the same running app (its own cookies)."""
    return TestClient(portal.app, base_url=base_url)


def login(client: TestClient, username: str, password: str = PASSWORD, next_url: str = "/"):
    page = client.get("/login")
    assert page.status_code == 200
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_of(page.text), "next": next_url},
                       follow_redirects=False)


def form_values(html: str, action: str | None = None) -> dict[str, object]:
    """The values a browser would send for the page's form (checkbox groups as lists)."""
    page = Page(html)
    values: dict[str, object] = {}
    for element in page.elements:
        name = element.attrs.get("name")
        if not name or (action and element.tag == "form"):
            continue
        if element.tag == "input":
            kind = element.attrs.get("type", "text")
            if kind == "checkbox":
                bucket = values.setdefault(name, [])
                if "checked" in element.attrs:
                    bucket.append(element.attrs.get("value", "on"))
            elif kind != "submit":
                values[name] = element.attrs.get("value", "")
        elif element.tag == "textarea":
            values[name] = element.text.removeprefix("\n")
        elif element.tag == "select":
            chosen = [c for c in element.children if c.tag == "option" and "selected" in c.attrs]
            values[name] = chosen[0].attrs.get("value", "") if chosen else ""
    values.pop("save_with_findings", None)
    return {k: v for k, v in values.items() if k not in ("q", "username", "password")}
