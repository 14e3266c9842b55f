"""`kimed algorithms import|export|list|show|delete`: the catalogue of AI algorithms."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kimed.cli.common import console, err_console, fail, open_database, progress_bar
from kimed.settings import get_settings

app = typer.Typer(help="Import, export, list, show and delete AI algorithm records "
                  "(MLDCAT-AP 3.1.0, FAIR4ML, Hugging Face model cards).", no_args_is_help=True)


@app.command("import")
def import_command(
    paths: Annotated[list[Path], typer.Argument(help="RDF files, model cards (README.md) or "
                                                "directories")],
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="ttl, jsonld, xml, nt or "
                                            "modelcard; default: from the extension")] = None,
    strict: Annotated[bool, typer.Option(help="refuse records that violate the shapes")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
) -> None:
    """Import algorithm records, all or nothing, with a per-record report."""
    from kimed.catalog.algorithms.importer import INPUT_FORMATS, ImportRefused, import_algorithms

    if fmt is not None and fmt not in INPUT_FORMATS:
        raise fail(f"--format: {fmt!r} is not one of {', '.join(INPUT_FORMATS)}", code=2)
    db = open_database()
    try:
        with progress_bar() as progress, db.session() as session:
            report = import_algorithms(session, paths, fmt=fmt, strict=strict,
                                       max_bytes=get_settings().max_import_bytes,
                                       progress=progress)
    except ImportRefused as exc:
        for problem in exc.problems:
            err_console.print(f"[red]refused[/] {problem}", highlight=False, soft_wrap=True)
        raise fail("nothing was imported; the catalogue is unchanged") from None
    finally:
        db.dispose()
    if as_json:
        console.print_json(json.dumps({"files": report.files,
                                       "records": [vars(r) for r in report.records]}))
        return
    table = Table(title=f"Imported {len(report.records)} algorithm(s) from "
                  f"{len(report.files)} file(s)")
    for column in ("action", "identifier", "title", "links", "violations", "warnings"):
        table.add_column(column)
    for r in report.records:
        table.add_row(r.action, r.identifier, r.title[:50], str(len(r.links)), str(r.violations),
                      str(r.warnings))
    console.print(table)


@app.command("export")
def export_command(
    identifiers: Annotated[list[str] | None, typer.Argument(
        help="algorithm identifiers or IRIs; none exports every algorithm")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="ttl, jsonld, xml or nt")] = "ttl",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write to this file")] = None,
) -> None:
    """Export algorithm records as MLDCAT-AP RDF."""
    from kimed.catalog.algorithms.store import NotFound, export_graph
    from kimed.catalog.rdfio import FORMATS, serialize

    if fmt not in FORMATS:
        raise fail(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}", code=2)
    db = open_database()
    try:
        with db.session() as session:
            graph = export_graph(session, identifiers)
    except NotFound as exc:
        raise fail(str(exc)) from None
    finally:
        db.dispose()
    text = serialize(graph, fmt)
    if output:
        output.write_text(text, encoding="utf-8")
        err_console.print(f"wrote {len(graph)} triples to {output}")
    else:
        typer.echo(text, nl=False)


@app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """List every algorithm in the catalogue."""
    from kimed.catalog.algorithms.store import list_algorithms

    db = open_database()
    try:
        with db.session() as session:
            rows = [(r.identifier, r.iri, r.title, r.projection, r.violations, r.warnings)
                    for r in list_algorithms(session)]
    finally:
        db.dispose()
    if as_json:
        console.print_json(json.dumps([
            {"identifier": i, "iri": iri, "title": t, "version": p.get("version"),
             "tasks": p.get("tasks", []), "runnable_in_spe": p.get("runnable_in_spe", False),
             "violations": v, "warnings": w} for i, iri, t, p, v, w in rows]))
        return
    table = Table(title=f"{len(rows)} algorithm(s)")
    for column in ("identifier", "title", "version", "task", "SPE", "viol.", "warn."):
        table.add_column(column)
    for ident, _iri, title, p, v, w in rows:
        tasks = ", ".join(t.rsplit("/", 1)[-1] for t in p.get("tasks", [])) or "-"
        table.add_row(ident, title[:45], p.get("version") or "-", tasks,
                      "yes" if p.get("runnable_in_spe") else "-", str(v), str(w))
    console.print(table)


@app.command("show")
def show_command(
    identifier: Annotated[str, typer.Argument(help="identifier, IRI or numeric id")],
    as_json: Annotated[bool, typer.Option("--json", help="print projection, links, findings "
                                          "and matching datasets as JSON")] = False,
) -> None:
    """Show one algorithm: its projection, dataset links, matching datasets and findings."""
    from kimed.catalog.algorithms.links import datasets_for_algorithm
    from kimed.catalog.algorithms.store import NotFound, get_algorithm, links_of

    db = open_database()
    try:
        with db.session() as session:
            row = get_algorithm(session, identifier)
            links = [{"relation": lk.relation, "target": lk.target_iri, "dataset": lk.dataset_iri,
                      "external": lk.external} for lk in links_of(session, row)]
            matches = [vars(m) for m in datasets_for_algorithm(session, row)]
            data = {"projection": row.projection, "links": links, "datasets": matches,
                    "findings": row.findings}
            title, ident, iri = row.title, row.identifier, row.iri
            counts = (row.violations, row.warnings)
    except NotFound as exc:
        raise fail(str(exc)) from None
    finally:
        db.dispose()
    if as_json:
        console.print_json(json.dumps(data))
        return
    p = data["projection"]
    console.print(f"[bold]{title}[/]  ({ident})", highlight=False)
    console.print(f"IRI: {iri}", highlight=False)
    for key in ("version", "created", "licenses", "tasks", "health_categories", "parameters",
                "pipeline", "runnable_in_spe"):
        if p.get(key) not in (None, [], {}):
            console.print(f"{key}: {p[key]}", highlight=False)
    for link in links:
        where = "external" if link["external"] else "catalogue"
        console.print(f"{link['relation']}: {link['target']} ({where})", highlight=False)
    for m in matches:
        if m["reasons"]:
            console.print(f"could apply to {m['identifier']}: {'; '.join(m['reasons'])}",
                          highlight=False)
    console.print(f"findings: {counts[0]} violation(s), {counts[1]} warning(s)")
    for f in data["findings"]:
        console.print(f"  {f['severity']}: {f['message']}", highlight=False)


@app.command("delete")
def delete_command(
    identifier: Annotated[str, typer.Argument(help="identifier, IRI or numeric id")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="do not ask")] = False,
) -> None:
    """Delete one algorithm record and its dataset links."""
    from kimed.catalog.algorithms.store import NotFound, delete_algorithm

    if not yes:
        typer.confirm(f"Delete algorithm {identifier}?", abort=True)
    db = open_database()
    try:
        with db.session() as session:
            ident = delete_algorithm(session, identifier).identifier
    except NotFound as exc:
        raise fail(str(exc)) from None
    finally:
        db.dispose()
    console.print(f"deleted {ident}")
