"""`kimed datasets dictionary import|show`: a dataset's variables (CSVW data dictionary)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kimed.cli.common import console, err_console, fail, open_database

app = typer.Typer(help="Import and show data dictionaries (the variables of a dataset).",
                  no_args_is_help=True)


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


@app.command("import")
def import_command(
    identifier: Annotated[str, typer.Argument(help="dataset identifier, IRI or numeric id")],
    file: Annotated[Path, typer.Argument(help="the dictionary: .csv (or .tsv) or .xlsx")],
    sheet: Annotated[str | None, typer.Option(help="XLSX: the worksheet (default: the first)")]
    = None,
    save_with_findings: Annotated[bool, typer.Option(
        "--save-with-findings", help="store even when the columns break SHACL shapes")] = False,
) -> None:
    """Attach a data dictionary from CSV or XLSX to a dataset, replacing any earlier one."""
    from kimed.catalog.store import NotFound
    from kimed.catalog.variables.dictionary import DictionaryError, read_dictionary_file
    from kimed.catalog.variables.service import import_dictionary
    from kimed.settings import get_settings

    db = open_database()
    try:
        dictionary = read_dictionary_file(file, sheet=sheet,
                                          max_bytes=get_settings().max_import_bytes)
        with db.session() as session:
            outcome = import_dictionary(session, identifier, dictionary,
                                        save_with_findings=save_with_findings)
    except DictionaryError as exc:
        for problem in exc.problems:
            err_console.print(f"  {problem}", highlight=False, soft_wrap=True)
        raise fail(f"data dictionary refused ({len(exc.problems)} problem(s)); nothing was "
                   "stored") from None
    except NotFound as exc:
        raise fail(str(exc)) from None
    finally:
        db.dispose()
    replaced = f", replacing {outcome.replaced}" if outcome.replaced else ""
    console.print(f"{outcome.identifier}: {outcome.variables} variable(s) in {outcome.tables} "
                  f"table(s){replaced}; record findings: {outcome.violations} violation(s), "
                  f"{outcome.warnings} warning(s)", highlight=False)


DESCRIPTION_WIDTH = 60


def shorten(text: str, width: int) -> str:
    """``text`` on one line, cut at the last word boundary within ``width`` characters and ended
    with an ellipsis (a single word longer than ``width`` is cut inside it)."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    head = text[:width - 1]
    cut = head.rsplit(" ", 1)[0] if " " in head and text[width - 1] != " " else head
    return cut.rstrip(" ,;:.-") + "…"


@app.command("show")
def show_command(
    identifier: Annotated[str, typer.Argument(help="dataset identifier, IRI or numeric id")],
    fmt: Annotated[Format, typer.Option("--format", help="table, csv or json")] = Format.table,
    lang: Annotated[str, typer.Option(help="language of titles and descriptions")] = "en",
) -> None:
    """Show the variables of a dataset as a table, CSV (importable again) or JSON."""
    from kimed.catalog.store import NotFound, get_dataset
    from kimed.catalog.variables.export import dictionary_csv
    from kimed.catalog.variables.service import variables_of

    db = open_database()
    try:
        with db.session() as session:
            variables = variables_of(get_dataset(session, identifier))
    except NotFound as exc:
        raise fail(str(exc)) from None
    finally:
        db.dispose()
    if fmt == Format.json:
        console.print_json(json.dumps([v.model_dump(mode="json") for v in variables]))
        return
    if fmt == Format.csv:
        typer.echo(dictionary_csv(variables), nl=False)
        return
    if not variables:
        console.print(f"{identifier}: no data dictionary", highlight=False)
        return
    console.print(dictionary_table(variables, lang))


def dictionary_table(variables, lang: str) -> Table:
    """The variables as a table; long descriptions end at a word, with an ellipsis."""
    from kimed.catalog.variables.codes import compact_code

    table = Table(title=f"{len(variables)} variable(s)")
    for column in ("name", "title", "description", "type", "unit", "codes"):
        table.add_column(column)
    for v in variables:
        table.add_row(v.name, v.title(lang) or "",
                      shorten(v.describe(lang) or "", DESCRIPTION_WIDTH), v.datatype or "",
                      v.unit or "", " ".join(compact_code(c) for c in v.codes))
    return table
