"""`kimed spe models list|show|matrix|gaps|charts`: operating models for the SPE compared.

See docs/spe-operating-models.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kimed.cli.common import console, err_console, fail

app = typer.Typer(help="SPE operating models rated against the requirements catalogue: "
                  "list, show, matrix, gaps, charts.", no_args_is_help=True)

ModelsOpt = Annotated[Path | None, typer.Option(
    "--models", help="folder of operating-model YAML files (default: the shipped ones)")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="file to write "
                                                "(default: standard output)")]


def _matrix(models_dir: Path | None):
    from kimed.spe.requirements.loader import CatalogueError
    from kimed.spe.requirements.models import ModelFileError, load_assessment

    if models_dir is not None and not models_dir.is_dir():
        raise fail(f"{models_dir}: no such folder")
    try:
        return load_assessment(models_dir)
    except (ModelFileError, CatalogueError) as exc:
        raise fail(escape(str(exc))) from None


def _model(matrix, model_id: str):
    try:
        return matrix.model(model_id)
    except KeyError:
        raise fail(f"no operating model {model_id!r}; known: "
                   f"{', '.join(m.id for m in matrix.models)}") from None


def _pct(value: float | None) -> str:
    return "n.a." if value is None else f"{100 * value:.0f} %"


def _write(data: str | bytes, output: Path | None) -> None:
    if output is None:
        typer.echo(data if isinstance(data, str) else data.decode("utf-8"), nl=False)
        return
    output.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    err_console.print(f"wrote {output}", highlight=False)


@app.command("list")
def list_command(models: ModelsOpt = None,
                 as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The operating models with their coverage, MUST gaps, cost, effort and legal risk."""
    from kimed.spe.requirements.model_exports import coverage_rows

    matrix = _matrix(models)
    rows = coverage_rows(matrix)
    if as_json:
        typer.echo(json.dumps(rows, indent=1, ensure_ascii=False))
        return
    table = Table(title=f"{len(rows)} operating models, {len(matrix.requirements)} requirements")
    for column in ("model", "variant of", "overall", "MUST", "SHOULD", "MAY", "MUST gaps",
                   "cost", "effort", "legal risk"):
        table.add_column(column)
    for model, row in zip(matrix.models, rows, strict=True):
        table.add_row(model.id, model.variant_of or "", _pct(row["overall"]), _pct(row["MUST"]),
                      _pct(row["SHOULD"]), _pct(row["MAY"]), str(row["must_gaps"]),
                      str(row["cost"]), str(row["effort"]), str(row["legal_risk"]))
    console.print(table)


@app.command("show")
def show_command(model_id: Annotated[str, typer.Argument(metavar="ID")],
                 lang: Annotated[str, typer.Option(help="en or de")] = "en",
                 models: ModelsOpt = None,
                 as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """One model: summary, dimensions, scenario fit, category ratings and overrides."""
    if lang not in ("en", "de"):
        raise fail(f"--lang must be en or de, not {lang!r}", code=2)
    matrix = _matrix(models)
    model = _model(matrix, model_id)
    cov = matrix.coverage[model.id]
    if as_json:
        typer.echo(json.dumps(model.model_dump(mode="json") | {"coverage": cov.as_dict()},
                              indent=1, ensure_ascii=False))
        return
    echo = console.print
    echo(f"[bold]{getattr(model.name, lang)}[/] ({model.id})", highlight=False)
    if model.variant_of:
        echo(f"variant of {model.variant_of}", highlight=False)
    echo(getattr(model.summary, lang), highlight=False)
    d = model.dimensions
    echo(f"\ncost {d.cost}, effort {d.effort}, legal risk {d.legal_risk} (1 = low): {d.note}",
         highlight=False)
    echo(f"coverage {_pct(cov.overall.value)} overall, "
         + ", ".join(f"{k} {_pct(v.value)}" for k, v in cov.by_level.items()), highlight=False)
    table = Table(title="Demonstrator scenarios")
    for column in ("scenario", "fit", "why"):
        table.add_column(column)
    for name, fit in model.scenarios.items():
        table.add_row(name, fit.fit, fit.why)
    console.print(table)
    table = Table(title="Category ratings (defaults) and overrides")
    for column in ("category / requirement", "rating", "why"):
        table.add_column(column)
    category_of = {req.id: req.category for req in matrix.requirements}
    for category, rating in model.defaults.items():
        table.add_row(category, rating.rating, rating.why)
        for req_id, override in sorted(model.overrides.items()):
            if category_of.get(req_id) == category:
                table.add_row(f"  {req_id}", f"{override.rating}*", override.why)
    console.print(table)


@app.command("matrix")
def matrix_command(
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv, json, markdown, html or "
                                     "xlsx")] = "markdown",
    output: OutputOpt = None,
    models: ModelsOpt = None,
) -> None:
    """Every requirement rated under every model, with justification and source."""
    from kimed.spe.requirements.model_exports import FORMATS, render

    if fmt not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}", code=2)
    if fmt == "xlsx" and output is None:
        raise fail("--format xlsx needs --output FILE", code=2)
    _write(render(fmt, _matrix(models)), output)


@app.command("gaps")
def gaps_command(
    model_id: Annotated[str, typer.Argument(metavar="ID")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, markdown or json")]
    = "table",
    models: ModelsOpt = None,
) -> None:
    """The MUST requirements a model meets only partly or not, per category, with reasons."""
    if fmt not in ("table", "markdown", "json"):
        raise fail(f"--format must be table, markdown or json, not {fmt!r}", code=2)
    matrix = _matrix(models)
    model = _model(matrix, model_id)
    gaps = matrix.gaps(model.id)
    if fmt == "json":
        typer.echo(json.dumps({"model": model.id, "gaps": {
            cat: [{"requirement": r.id, "title": r.title, "rating": c.rating,
                   "source": c.source, "why": c.why} for r, c in items]
            for cat, items in gaps.items()}}, indent=1, ensure_ascii=False))
        return
    if fmt == "markdown":
        lines = [f"# MUST gaps of {model.name.en} ({model.id})", ""]
        for cat, items in gaps.items():
            lines += [f"## {cat}", ""]
            lines += [f"- **{r.id}** {r.title} ({c.rating}): {c.why}" for r, c in items]
            lines.append("")
        if not gaps:
            lines.append("No MUST requirement is rated partial or not.")
        typer.echo("\n".join(lines).rstrip("\n") + "\n", nl=False)
        return
    table = Table(title=f"MUST gaps of {model.id}: "
                  f"{sum(len(v) for v in gaps.values())} requirement(s)")
    for column in ("category", "requirement", "rating", "why"):
        table.add_column(column)
    for cat, items in gaps.items():
        for r, c in items:
            table.add_row(cat, f"{r.id} {r.title}", c.rating, c.why)
    console.print(table)


@app.command("charts")
def charts_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="folder for the SVG and PNG "
                                         "files")],
    models: ModelsOpt = None,
) -> None:
    """Draw the coverage heatmaps, the model comparison and the scenario fit (SVG and PNG)."""
    matrix = _matrix(models)
    try:
        from kimed.spe.requirements.charts import render_all

        paths = render_all(matrix, output)
    except ImportError as exc:
        raise fail(str(exc)) from None
    for path in paths:
        console.print(f"wrote {path}", highlight=False)
