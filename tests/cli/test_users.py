"""`kimed users ...` end to end, on both databases."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kimed.accounts.service import authenticate, verify_token
from kimed.cli.main import app
from kimed.db import Database

PASSWORD = "correct horse battery"
PUB = "https://example.org/org/charite"


@pytest.fixture
def run(kimed_env):
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def db(kimed_env):
    database = Database(kimed_env)
    yield database
    database.dispose()


def _users(run) -> dict[str, dict]:
    result = run("users", "list", "--json")
    assert result.exit_code == 0, result.output
    return {u["username"]: u for u in json.loads(result.output)}


def test_add_list_role_bind_unbind(run):
    result = run("users", "add", "root", "--email", "root@example.org", "--role", "admin",
                 "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "created admin root" in result.output
    result = run("users", "add", "holder", "--email", "h@example.org", "--role", "data_holder",
                 "--publisher", PUB, "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    users = _users(run)
    assert users["holder"]["publishers"] == [PUB] and users["root"]["role"] == "admin"

    result = run("users", "bind", "holder", "https://example.org/org/ukl")
    assert result.exit_code == 0 and "https://example.org/org/ukl" in result.output
    assert run("users", "unbind", "holder", PUB).exit_code == 0
    assert _users(run)["holder"]["publishers"] == ["https://example.org/org/ukl"]

    result = run("users", "role", "holder", "reader")
    assert result.exit_code == 0 and "holder is now reader" in result.output
    assert _users(run)["holder"]["publishers"] == []
    assert "account(s)" in run("users", "list").output


def test_add_with_prompted_password(run, db):
    result = run("users", "add", "alice", "--email", "a@example.org",
                 input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # hidden input is not echoed
    with db.session() as s:
        assert authenticate(s, "alice", PASSWORD).role == "reader"


def test_passwd(run, db):
    run("users", "add", "alice", "--email", "a@example.org", "--password-stdin",
        input=PASSWORD + "\n")
    result = run("users", "passwd", "alice", "--password-stdin", input="another long secret\n")
    assert result.exit_code == 0, result.output
    with db.session() as s:
        assert authenticate(s, "alice", "another long secret") is not None
        assert authenticate(s, "alice", PASSWORD) is None


@pytest.mark.parametrize(("args", "stdin", "says"), [
    (("users", "add", "al", "--email", "a@example.org"), PASSWORD, "username: 'al' must be"),
    (("users", "add", "alice", "--email", "nope"), PASSWORD, "email: 'nope' is not"),
    (("users", "add", "alice", "--email", "a@example.org"), "short", "at least 12 characters"),
    (("users", "add", "alice", "--email", "a@example.org", "--role", "boss"), PASSWORD,
     "role: 'boss' is not a role"),
    (("users", "add", "alice", "--email", "a@example.org", "--role", "data_holder",
      "--publisher", "not-an-iri"), PASSWORD, "publisher: 'not-an-iri' must be"),
])
def test_bad_input_exits_1_and_names_the_field(run, args, stdin, says):
    result = run(*args, "--password-stdin", input=stdin + "\n")
    assert result.exit_code == 1
    assert says in " ".join(result.output.split())
    assert _users(run) == {}


def test_duplicate_and_unknown_users(run):
    run("users", "add", "alice", "--email", "a@example.org", "--password-stdin",
        input=PASSWORD + "\n")
    result = run("users", "add", "alice", "--email", "b@example.org", "--password-stdin",
                 input=PASSWORD + "\n")
    assert result.exit_code == 1 and "already taken" in result.output
    assert _users(run)["alice"]["email"] == "a@example.org"
    result = run("users", "role", "ghost", "admin")
    assert result.exit_code == 1 and "no user named 'ghost'" in result.output


def test_token_issue_list_revoke(run, db):
    run("users", "add", "bot", "--email", "bot@example.org", "--password-stdin",
        input=PASSWORD + "\n")
    result = run("users", "token", "bot", "--name", "harvest", "--days", "7")
    assert result.exit_code == 0, result.output
    plaintext = result.output.strip().splitlines()[-1]
    assert plaintext.startswith("kimed_")
    with db.session() as s:
        assert verify_token(s, plaintext).username == "bot"

    [token] = json.loads(run("users", "tokens", "bot", "--json").output)
    assert token["name"] == "harvest" and token["state"] == "active"
    assert token["prefix"] in plaintext and plaintext not in json.dumps(token)
    assert "harvest" in run("users", "tokens", "bot").output

    result = run("users", "revoke", str(token["id"]))
    assert result.exit_code == 0 and "revoked" in result.output
    assert json.loads(run("users", "tokens", "bot", "--json").output)[0]["state"] == "revoked"
    with db.session() as s:
        assert verify_token(s, plaintext) is None
    assert run("users", "revoke", "999").exit_code == 1


def test_token_without_expiry(run):
    run("users", "add", "bot", "--email", "bot@example.org", "--password-stdin",
        input=PASSWORD + "\n")
    result = run("users", "token", "bot", "--name", "forever", "--no-expiry")
    assert result.exit_code == 0 and "expires never" in result.output
    assert json.loads(run("users", "tokens", "bot", "--json").output)[0]["expires"] is None
