"""`kimed spe requirements list|show|export|schema|validate`: the SPE requirements catalogue."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kimed.cli.common import console, err_console, fail

app = typer.Typer(help="The SPE requirements catalogue: list, show, export, validate, schema.",
                  no_args_is_help=True)

SatreOpt = Annotated[Path | None, typer.Option("--satre", help="SATRE specification YAML "
                                               "(default: the shared data folder's)")]
TehdasOpt = Annotated[Path | None, typer.Option("--tehdas2", help="TEHDAS2 requirements CSV "
                                                "(default: the shared data folder's)")]


def catalogue():
    from kimed.spe.requirements import CatalogueError, load_catalogue

    try:
        return load_catalogue()
    except CatalogueError as exc:
        raise fail(str(exc)) from None


def external(satre: Path | None, tehdas2: Path | None) -> dict:
    """The external catalogues: given paths (must exist), else the shared data folder's."""
    from kimed.settings import get_settings
    from kimed.spe.requirements.external import (
        ExternalFormatError,
        default_paths,
        read_external,
    )

    for path in (satre, tehdas2):
        if path is not None and not path.is_file():
            raise fail(f"{path}: no such file")
    default_satre, default_tehdas2 = default_paths(get_settings().shared_data_dir)
    try:
        return read_external(satre or default_satre, tehdas2 or default_tehdas2)
    except (ExternalFormatError, UnicodeDecodeError) as exc:
        raise fail(str(exc)) from None


@app.command("list")
def list_command(
    area: Annotated[str | None, typer.Option(help="technical, regulatory, organisational, "
                                             "governance")] = None,
    category: Annotated[str | None, typer.Option(help="e.g. identity-access")] = None,
    level: Annotated[str | None, typer.Option(help="MUST, SHOULD or MAY")] = None,
    five_safes: Annotated[str | None, typer.Option("--five-safes", help="people, projects, "
                                                   "settings, data or outputs")] = None,
    applies_to: Annotated[str | None, typer.Option("--applies-to", help="data_holder, "
                                                   "spe_operator, data_user or hdab")] = None,
    status: Annotated[str | None, typer.Option(help="implemented, partial, planned or "
                                               "organisational")] = None,
) -> None:
    """List requirements, optionally filtered."""
    cat = catalogue()
    found = cat.filter(area=area, category=category, level=level, five_safes=five_safes,
                       applies_to=applies_to, status=status)
    table = Table(title=f"{len(found)} of {len(cat.requirements)} requirements "
                  f"(catalogue {cat.info.version})")
    for column in ("id", "level", "title", "five safes", "status"):
        table.add_column(column)
    for r in found:
        table.add_row(r.id, r.level, r.title, ", ".join(r.five_safes), r.implementation.status)
    console.print(table)


@app.command("show")
def show_command(requirement_id: Annotated[str, typer.Argument(help="e.g. KIM-TEC-IAM-001")]
                 ) -> None:
    """Show every field of one requirement."""
    from kimed.spe.requirements.exports import requirement_markdown

    req = catalogue().get(requirement_id.strip().upper())
    if req is None:
        raise fail(f"no requirement {requirement_id!r}")
    console.print(f"{req.area} / {req.category}", highlight=False)
    console.print("\n".join(requirement_markdown(req)), highlight=False, markup=False)


@app.command("export")
def export_command(
    fmt: Annotated[str, typer.Option("--format", "-f", help="markdown, html, xlsx, csv or json"
                                     )] = "markdown",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="file to write "
                                                "(default: standard output; XLSX needs it)")]
    = None,
) -> None:
    """Export the whole catalogue."""
    from kimed.spe.requirements.exports import FORMATS, render

    if fmt not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if fmt == "xlsx" and output is None:
        raise fail("--format xlsx needs --output FILE")
    data = render(fmt, catalogue())
    if output is None:
        typer.echo(data, nl=False)
        return
    output.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    err_console.print(f"wrote {output}", highlight=False)


@app.command("schema")
def schema_command(output: Annotated[Path | None, typer.Option("--output", "-o")] = None
                   ) -> None:
    """Print the JSON Schema of a requirement file (generated from the models)."""
    from kimed.spe.requirements.schema import json_schema

    text = json.dumps(json_schema(), indent=1) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        typer.echo(text, nl=False)


@app.command("validate")
def validate_command(
    satre: SatreOpt = None, tehdas2: TehdasOpt = None,
    folder: Annotated[Path | None, typer.Option(help="a catalogue folder of the same layout "
                                                "(default: the shipped one)")] = None,
) -> None:
    """Check the catalogue: schema, ids, levels, legal/SATRE/TEHDAS2 refs, listed tests."""
    from kimed.spe.requirements import validate_catalogue

    findings = validate_catalogue(folder, external(satre, tehdas2))
    for finding in findings:
        (err_console if finding.severity == "error" else console).print(
            str(finding), highlight=False, markup=False)
    errors = sum(f.severity == "error" for f in findings)
    console.print(f"{errors} error(s), {len(findings) - errors} warning(s)", highlight=False)
    if errors:
        raise typer.Exit(1)
