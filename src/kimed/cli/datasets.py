"""`kimed datasets list|show|delete`, and `kimed datasets dictionary ...` (cli/dictionary.py)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from kimed.cli import dictionary
from kimed.cli.common import console, fail, open_database

app = typer.Typer(help="List, show and delete dataset records.", no_args_is_help=True)
app.add_typer(dictionary.app, name="dictionary")


@app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """List every dataset in the catalogue."""
    from kimed.catalog.store import list_datasets

    db = open_database()
    try:
        with db.session() as session:
            rows = list_datasets(session)
    finally:
        db.dispose()
    if as_json:
        console.print_json(json.dumps([
            {"identifier": r.identifier, "iri": r.iri, "title": r.title,
             "access_rights": r.access_rights, "publisher": r.publisher,
             "violations": r.violations, "warnings": r.warnings} for r in rows]))
        return
    table = Table(title=f"{len(rows)} dataset(s)")
    for column in ("identifier", "title", "access", "publisher", "viol.", "warn."):
        table.add_column(column)
    for r in rows:
        table.add_row(r.identifier, r.title[:50], r.access_rights or "-", (r.publisher or "-")[:30],
                      str(r.violations), str(r.warnings))
    console.print(table)


@app.command("show")
def show_command(
    identifier: Annotated[str, typer.Argument(help="identifier, IRI or numeric id")],
    as_json: Annotated[bool, typer.Option("--json", help="print the projection as JSON")] = False,
) -> None:
    """Show one dataset: its projection and its validation findings."""
    from kimed.catalog.store import NotFound, get_dataset

    db = open_database()
    try:
        with db.session() as session:
            row = get_dataset(session, identifier)
    except NotFound as exc:
        raise fail(str(exc)) from None
    finally:
        db.dispose()
    if as_json:
        console.print_json(json.dumps({"projection": row.projection, "findings": row.findings}))
        return
    p = row.projection
    console.print(f"[bold]{row.title}[/]  ({row.identifier})", highlight=False)
    console.print(f"IRI: {row.iri}", highlight=False)
    for key in ("access_rights", "publisher", "health_categories", "coding_systems", "standards",
                "number_of_unique_individuals", "min_typical_age", "max_typical_age"):
        value = p.get(key)
        if isinstance(value, dict):
            value = next(iter(value.get("name", {}).values()), None)
        if value not in (None, [], {}):
            console.print(f"{key}: {value}", highlight=False)
    console.print(f"findings: {row.violations} violation(s), {row.warnings} warning(s)")
    for f in row.findings:
        console.print(f"  {f['severity']}: {f['message']}", highlight=False)


@app.command("delete")
def delete_command(
    identifier: Annotated[str, typer.Argument(help="identifier, IRI or numeric id")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="do not ask")] = False,
) -> None:
    """Delete one dataset record."""
    from kimed.catalog.store import NotFound, delete_dataset

    if not yes:
        typer.confirm(f"Delete dataset {identifier}?", abort=True)
    db = open_database()
    try:
        with db.session() as session:
            row = delete_dataset(session, identifier)
    except NotFound as exc:
        raise fail(str(exc)) from None
    finally:
        db.dispose()
    console.print(f"deleted {row.identifier}")
