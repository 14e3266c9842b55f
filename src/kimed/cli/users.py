"""`kimed users add|list|passwd|role|bind|unbind|token|tokens|revoke`."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from typing import Annotated

import typer
from rich.table import Table

from kimed.cli.common import console, fail, open_database

app = typer.Typer(help="Manage accounts, roles, publisher bindings and API tokens.",
                  no_args_is_help=True)

PasswordStdin = Annotated[bool, typer.Option(
    "--password-stdin", help="read the password from the first line of standard input")]


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


def _run(work):
    """Run ``work(session)`` in one transaction; an account rule broken exits with code 1."""
    from kimed.accounts.validation import AccountError

    db = open_database()
    try:
        with db.session() as session:
            return work(session)
    except AccountError as exc:
        raise fail(f"{exc}") from None
    finally:
        db.dispose()


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


@app.command("add")
def add_command(
    username: Annotated[str, typer.Argument(help="3-64 characters: a-z 0-9 . _ -")],
    email: Annotated[str, typer.Option("--email", help="e-mail address")],
    role: Annotated[str, typer.Option("--role", help="admin, data_holder or reader")] = "reader",
    publisher: Annotated[list[str] | None, typer.Option(
        "--publisher", help="publisher IRI of a data holder (repeatable)")] = None,
    full_name: Annotated[str | None, typer.Option("--name", help="full name")] = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Create an account (the password is asked for, or read with --password-stdin)."""
    from kimed.accounts.service import create_user

    password = _password(password_stdin)
    user = _run(lambda s: create_user(s, username, email, password, role=role,
                                      publishers=publisher or (), full_name=full_name))
    console.print(f"created {user.role} {user.username}", highlight=False)


@app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """List the accounts with their role and publishers."""
    from kimed.accounts.service import list_users

    users = _run(list_users)
    if as_json:
        console.print_json(json.dumps([
            {"username": u.username, "email": u.email, "full_name": u.full_name, "role": u.role,
             "active": u.is_active, "publishers": sorted(u.publisher_iris),
             "last_login": u.last_login_at.isoformat() if u.last_login_at else None}
            for u in users]))
        return
    table = Table(title=f"{len(users)} account(s)")
    for column in ("username", "role", "e-mail", "active", "publishers", "last login"):
        table.add_column(column)
    for u in users:
        table.add_row(u.username, u.role, u.email, "yes" if u.is_active else "no",
                      "\n".join(sorted(u.publisher_iris)) or "-", _when(u.last_login_at))
    console.print(table)


@app.command("passwd")
def passwd_command(
    username: Annotated[str, typer.Argument(help="the account")],
    password_stdin: PasswordStdin = False,
) -> None:
    """Set a new password."""
    from kimed.accounts.service import set_password

    password = _password(password_stdin)
    _run(lambda s: set_password(s, username, password))
    console.print(f"password of {username} changed", highlight=False)


@app.command("role")
def role_command(
    username: Annotated[str, typer.Argument(help="the account")],
    role: Annotated[str, typer.Argument(help="admin, data_holder or reader")],
) -> None:
    """Change the role (leaving data_holder drops the publisher bindings)."""
    from kimed.accounts.service import set_role

    user = _run(lambda s: set_role(s, username, role))
    console.print(f"{user.username} is now {user.role}", highlight=False)


@app.command("bind")
def bind_command(
    username: Annotated[str, typer.Argument(help="a data_holder account")],
    publishers: Annotated[list[str], typer.Argument(help="publisher IRI(s)")],
) -> None:
    """Let a data holder write the records of these publishers."""
    from kimed.accounts.service import bind_publisher

    def work(session):
        for iri in publishers:
            user = bind_publisher(session, username, iri)
        return user

    user = _run(work)
    console.print(f"{user.username} holds: " + ", ".join(sorted(user.publisher_iris)),
                  highlight=False)


@app.command("unbind")
def unbind_command(
    username: Annotated[str, typer.Argument(help="a data_holder account")],
    publishers: Annotated[list[str], typer.Argument(help="publisher IRI(s)")],
) -> None:
    """Take publishers away from a data holder."""
    from kimed.accounts.service import unbind_publisher

    def work(session):
        for iri in publishers:
            user = unbind_publisher(session, username, iri)
        return user

    user = _run(work)
    console.print(f"{user.username} holds: " + (", ".join(sorted(user.publisher_iris)) or "none"),
                  highlight=False)


@app.command("token")
def token_command(
    username: Annotated[str, typer.Argument(help="the account the token acts for")],
    name: Annotated[str, typer.Option("--name", help="what the token is for")],
    days: Annotated[int, typer.Option("--days", min=1, help="lifetime in days")] = 90,
    no_expiry: Annotated[bool, typer.Option("--no-expiry", help="valid until revoked")] = False,
) -> None:
    """Issue an API token; it is printed once and cannot be shown again."""
    from kimed.accounts.service import issue_token

    expires = None if no_expiry else timedelta(days=days)
    plaintext, token = _run(lambda s: issue_token(s, username, name, expires))
    console.print(f"token {token.id} ({token.name}) for {username}, expires "
                  f"{_when(token.expires_at) if token.expires_at else 'never'}", highlight=False)
    console.print("store it now, it is not shown again:", highlight=False)
    typer.echo(plaintext)


@app.command("tokens")
def tokens_command(
    username: Annotated[str, typer.Argument(help="the account")],
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """List an account's API tokens (never their secret)."""
    from kimed.accounts.service import list_tokens

    tokens = _run(lambda s: list_tokens(s, username))
    if as_json:
        console.print_json(json.dumps([
            {"id": t.id, "name": t.name, "prefix": t.prefix, "state": t.state(),
             "created": t.created_at.isoformat(),
             "expires": t.expires_at.isoformat() if t.expires_at else None,
             "last_used": t.last_used_at.isoformat() if t.last_used_at else None}
            for t in tokens]))
        return
    table = Table(title=f"{len(tokens)} token(s) of {username}")
    for column in ("id", "name", "starts with", "state", "expires", "last used"):
        table.add_column(column)
    for t in tokens:
        table.add_row(str(t.id), t.name, f"kimed_{t.prefix}…", t.state(),
                      _when(t.expires_at) if t.expires_at else "never", _when(t.last_used_at))
    console.print(table)


@app.command("revoke")
def revoke_command(
    token_id: Annotated[int, typer.Argument(help="the token's id (see `kimed users tokens`)")],
) -> None:
    """Revoke an API token."""
    from kimed.accounts.service import revoke_token

    token = _run(lambda s: revoke_token(s, token_id))
    console.print(f"token {token.id} ({token.name}) revoked", highlight=False)
