"""`kimed import`, `kimed export`, `kimed validate`, `kimed demo` and `kimed summary`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kimed.cli.common import console, err_console, fail, open_database, progress_bar
from kimed.settings import get_settings

Format = Annotated[str, typer.Option("--format", "-f", help="ttl, jsonld, xml or nt")]


def _print_import_report(report, as_json: bool) -> None:
    if as_json:
        console.print_json(json.dumps({
            "files": report.files, "catalogs": report.catalogs,
            "records": [vars(r) for r in report.records],
        }))
        return
    table = Table(title=f"Imported {len(report.records)} record(s) from {len(report.files)} file(s)")
    for column in ("action", "identifier", "title", "tier", "violations", "warnings"):
        table.add_column(column)
    for r in report.records:
        table.add_row(r.action, r.identifier, r.title[:60], r.tier or "-",
                      str(r.violations) if r.violations else "0",
                      str(r.warnings))
    console.print(table)
    for r in report.records:
        for f in r.findings:
            if f["severity"] == "violation":
                console.print(f"  [yellow]{r.identifier}[/]: {f['message']}", highlight=False)
    if report.unattached_triples:
        err_console.print(f"[yellow]note:[/] {report.unattached_triples} triple(s) belonged to no "
                          "dataset or catalogue and were not stored")


def import_command(
    paths: Annotated[list[Path], typer.Argument(help="RDF files or directories")],
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="ttl, jsonld, xml or nt")] = None,
    strict: Annotated[bool, typer.Option(help="refuse records that violate the shapes")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
) -> None:
    """Import HealthDCAT-AP RDF, all or nothing, with a per-record report."""
    from kimed.catalog.importer import ImportRefused, import_files

    db = open_database()
    try:
        with progress_bar() as progress, db.session() as session:
            report = import_files(session, paths, fmt=fmt, strict=strict,
                                  max_bytes=get_settings().max_import_bytes, progress=progress)
    except ImportRefused as exc:
        for problem in exc.problems:
            err_console.print(f"[red]refused[/] {problem}", highlight=False, soft_wrap=True)
        raise fail("nothing was imported; the catalogue is unchanged") from None
    finally:
        db.dispose()
    _print_import_report(report, as_json)


def export_command(
    identifiers: Annotated[list[str] | None, typer.Argument(help="dataset identifiers or IRIs; "
                                                           "none exports the whole catalogue")] = None,
    fmt: Format = "ttl",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write to this file")] = None,
    quality: Annotated[bool, typer.Option(
        "--quality", help="add each dataset's quality score as DQV measurements")] = False,
) -> None:
    """Export datasets (or the whole catalogue) as RDF."""
    from kimed.catalog.rdfio import FORMATS, serialize
    from kimed.catalog.store import NotFound, export_graph

    if fmt not in FORMATS:
        raise fail(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}", code=2)
    db = open_database()
    try:
        with db.session() as session:
            graph = export_graph(session, identifiers)
            if quality:
                graph = _with_quality(session, graph, identifiers)
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


def _with_quality(session, graph, identifiers):
    """The exported graph plus DQV measurements (the stored records are not changed)."""
    from kimed.catalog.quality import checker_for, rows_for, score_rows
    from kimed.catalog.quality.dqv import with_measurements
    from kimed.catalog.store import get_dataset

    rows = [get_dataset(session, k) for k in identifiers] if identifiers else rows_for(session)
    links = checker_for(get_settings(), fetch=False)  # cached link results only
    return with_measurements(graph, score_rows(rows, links))


def validate_command(
    path: Annotated[Path, typer.Argument(help="an RDF file")],
    tier: Annotated[str | None, typer.Option(help="PUBLIC, RESTRICTED or NON_PUBLIC; default: "
                                             "each dataset's own access rights")] = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="ttl, jsonld, xml or nt")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the findings as JSON")] = False,
) -> None:
    """Validate a file against our HealthDCAT-AP Release 8 shapes (stores nothing)."""
    from kimed.catalog.rdfio import RdfInputError, parse_file
    from kimed.catalog.validation import Tier, validate

    try:
        chosen = Tier(tier.upper()) if tier else None
    except ValueError:
        raise fail(f"--tier: {tier!r} is not one of PUBLIC, RESTRICTED, NON_PUBLIC", 2) from None
    try:
        graph = parse_file(path, fmt, get_settings().max_import_bytes)
    except (RdfInputError, OSError) as exc:
        raise fail(str(exc)) from None
    report = validate(graph, chosen)
    if as_json:
        console.print_json(json.dumps(report.to_dict()))
    else:
        for f in report.findings:
            colour = "red" if f.severity == "violation" else "yellow"
            console.print(f"[{colour}]{f.severity:9}[/] {f.focus}  {f.message}", highlight=False,
                          soft_wrap=True)
        console.print(f"{len(report.violations)} violation(s), {len(report.warnings)} warning(s)")
    raise typer.Exit(0 if report.conforms else 1)


def demo_command() -> None:
    """Load the demo catalogue: real health data sources described in HealthDCAT-AP."""
    from kimed.catalog.demo import demo_files
    from kimed.catalog.importer import ImportRefused, import_files

    db = open_database()
    try:
        with progress_bar() as progress, db.session() as session:
            report = import_files(session, demo_files(), progress=progress)
    except ImportRefused as exc:
        raise fail(f"demo content was refused (a bug): {exc}") from None
    finally:
        db.dispose()
    console.print(f"loaded {len(report.records)} demo dataset(s)")
    _demo_algorithms()


def _demo_algorithms() -> None:
    """Load the demo algorithms after the datasets they link to, when the package has them."""
    import importlib.util

    if importlib.util.find_spec("kimed.catalog.algorithms.demo") is None:
        return
    from kimed.catalog.algorithms.demo import demo_files
    from kimed.catalog.algorithms.importer import ImportRefused, import_algorithms

    db = open_database()
    try:
        with progress_bar() as progress, db.session() as session:
            report = import_algorithms(session, demo_files(), progress=progress)
    except ImportRefused as exc:
        raise fail(f"demo algorithms were refused (a bug): {exc}") from None
    finally:
        db.dispose()
    console.print(f"loaded {len(report.records)} demo algorithm(s)")


def summary_command() -> None:
    """Print a summary of the catalogue."""
    from collections import Counter

    from kimed.catalog.store import list_datasets

    db = open_database()
    try:
        with db.session() as session:
            rows = list_datasets(session)
    finally:
        db.dispose()
    tiers = Counter(r.access_rights or "unknown" for r in rows)
    categories = Counter(c.rsplit("/", 1)[-1] for r in rows
                         for c in r.projection.get("health_categories", []))
    console.print(f"[bold]KIMed catalogue[/]: {len(rows)} dataset(s)")
    console.print("by access rights: " + ", ".join(f"{k} {v}" for k, v in sorted(tiers.items())))
    if categories:
        console.print("by health category: " + ", ".join(
            f"{k} {v}" for k, v in categories.most_common()))
    with_findings = sum(1 for r in rows if r.violations)
    console.print(f"records with shape violations: {with_findings}")
