"""`kimed spe ...`: the SPE concept (requirements, crosswalk, self-assessment, conformance,
concept document; docs/spe-requirements.md) and the runtime's command groups (docs/spe-runtime.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kimed.cli import (
    spe_airlock,
    spe_jobs,
    spe_models,
    spe_requirements,
    spe_runtime,
    spe_vault,
)
from kimed.cli.common import console, err_console, fail
from kimed.cli.spe_requirements import SatreOpt, TehdasOpt, catalogue, external

app = typer.Typer(help="The Secure Processing Environment: its concept (requirements catalogue, "
                  "crosswalk, self-assessment, traceability) and its runtime (roles, projects, "
                  "permits, vault, jobs, airlock and outputs, audit).", no_args_is_help=True)
app.add_typer(spe_requirements.app, name="requirements")
app.add_typer(spe_models.app, name="models")
app.add_typer(spe_vault.app, name="vault")
app.add_typer(spe_airlock.app, name="airlock")
app.command("halt")(spe_jobs.halt)
app.command("resume")(spe_jobs.resume)
app.add_typer(spe_runtime.roles_app, name="roles")
app.add_typer(spe_runtime.projects_app, name="projects")
app.add_typer(spe_runtime.permits_app, name="permits")
app.add_typer(spe_runtime.audit_app, name="audit")
app.add_typer(spe_jobs.jobs_app, name="jobs")
app.add_typer(spe_jobs.outputs_app, name="outputs")
app.command("purge")(spe_jobs.purge)

OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="file to write "
                                                "(default: standard output)")]


def _write(text: str | bytes, output: Path | None) -> None:
    if output is None:
        typer.echo(text if isinstance(text, str) else text.decode("utf-8"), nl=False)
        return
    output.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    err_console.print(f"wrote {output}", highlight=False)


@app.command("crosswalk")
def crosswalk_command(
    satre: SatreOpt = None, tehdas2: TehdasOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, markdown, csv or json")]
    = "table",
    output: OutputOpt = None,
    strict: Annotated[bool, typer.Option(help="exit 1 when a binding statement is neither "
                                         "covered nor out of scope")] = False,
) -> None:
    """Coverage of SATRE and TEHDAS2 statements by our requirements (read at run time)."""
    from kimed.spe.requirements import crosswalk

    ext = external(satre, tehdas2)
    if not any(ext.values()):
        raise fail("no SATRE or TEHDAS2 file found: give --satre/--tehdas2 or set "
                   "KIMED_SHARED_DATA_DIR")
    cov = crosswalk.coverage(catalogue(), ext)
    if fmt == "table":
        table = Table(title="Binding statements not yet covered or out of scope")
        for column in ("framework", "ref", "importance", "statement"):
            table.add_column(column)
        for row in cov.gaps():
            s = row.statement
            table.add_row(s.framework, s.ref, s.importance, s.text)
        console.print(table)
        for line in crosswalk.totals_lines(cov):
            console.print(line, highlight=False)
    elif fmt in ("markdown", "csv", "json"):
        _write({"markdown": crosswalk.to_markdown, "csv": crosswalk.to_csv,
                "json": crosswalk.to_json}[fmt](cov), output)
    else:
        raise fail(f"--format must be table, markdown, csv or json, not {fmt!r}")
    if strict and not cov.complete:
        raise typer.Exit(1)


@app.command("assess")
def assess_command(
    file: Annotated[Path, typer.Argument(help="the deployment's assessment (YAML)")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, markdown, json, html, svg "
                                     "or png")] = "table",
    output: OutputOpt = None,
) -> None:
    """Score a deployment's self-assessment SATRE-style, per category, area and overall."""
    from kimed.spe.requirements.assessment import AssessmentError, read_assessment, score
    from kimed.spe.requirements.report import assessment_html, assessment_markdown

    if not file.is_file():
        raise fail(f"{file}: no such file")
    cat = catalogue()
    try:
        result = score(read_assessment(file, cat), cat)
    except AssessmentError as exc:
        raise fail(str(exc)) from None
    for finding in result.assessment.findings:
        err_console.print(str(finding), highlight=False, markup=False)
    if fmt == "table":
        table = Table(title=f"{result.assessment.deployment} ({result.assessment.date}): "
                      f"{'met' if result.is_met else 'not met'}")
        for column in ("area / category", "points", "%", "MUST met", "unscored", "met"):
            table.add_column(column)
        for (area, cat_name), t in result.categories.items():
            table.add_row(f"{area} / {cat_name}", f"{t.points}/{t.max_points}", f"{t.percent:g}",
                          f"{t.must_met}/{t.must}", str(t.unscored), "yes" if t.is_met else "no")
        o = result.overall
        table.add_row("overall", f"{o.points}/{o.max_points}", f"{o.percent:g}",
                      f"{o.must_met}/{o.must}", str(o.unscored), "yes" if result.is_met else "no")
        console.print(table)
    elif fmt == "json":
        _write(json.dumps(result.to_dict(), indent=1, ensure_ascii=False) + "\n", output)
    elif fmt == "markdown":
        _write(assessment_markdown(result), output)
    elif fmt == "html":
        _write(assessment_html(result), output)
    elif fmt in ("svg", "png"):
        from kimed.spe.requirements.progress import progress_png, progress_svg

        if fmt == "png" and output is None:
            raise fail("--format png needs --output FILE")
        try:
            _write(progress_svg(result) if fmt == "svg" else progress_png(result), output)
        except RuntimeError as exc:
            raise fail(str(exc)) from None
    else:
        raise fail(f"--format must be table, markdown, json, html, svg or png, not {fmt!r}")
    if any(f.severity == "error" for f in result.assessment.findings):
        raise typer.Exit(1)


@app.command("conformance")
def conformance_command(
    junit: Annotated[Path | None, typer.Option(help="pytest JUnit XML (pytest "
                                               "--junitxml=FILE); default: "
                                               "<data dir>/test-results.xml")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
) -> None:
    """Which requirements the KIMed runtime demonstrably meets: requirement, tests, outcome.
    Exits 1 when a listed test failed."""
    from kimed.settings import get_settings
    from kimed.spe.requirements.conformance import JUnitError, read_junit, summary, trace

    path = junit or get_settings().data_dir / "test-results.xml"
    if not path.is_file():
        raise fail(f"{path}: no test results; run pytest --junitxml={path} first")
    try:
        traces = trace(catalogue(), read_junit(path))
    except JUnitError as exc:
        raise fail(str(exc)) from None
    totals = summary(traces)
    if fmt == "json":
        typer.echo(json.dumps({"junit": str(path), "summary": totals,
                               "requirements": [t.to_dict() for t in traces]}, indent=1))
    else:
        table = Table(title=f"Requirements with tests, from {path}")
        for column in ("requirement", "status", "outcome", "tests"):
            table.add_column(column)
        for t in traces:
            table.add_row(t.requirement, t.status, t.outcome,
                          "\n".join(f"{o}: {node}" for node, o in t.tests))
        console.print(table)
        console.print(", ".join(f"{n} {o}" for o, n in totals.items()), highlight=False)
    if totals["failed"]:
        raise typer.Exit(1)


@app.command("concept")
def concept_command(
    fmt: Annotated[str, typer.Option("--format", "-f", help="html or markdown")] = "html",
    output: OutputOpt = None,
    satre: SatreOpt = None, tehdas2: TehdasOpt = None,
) -> None:
    """Generate the concept document from the catalogue (with crosswalk and operating models
    when available)."""
    from kimed.spe.requirements import concept, crosswalk, document

    if fmt not in ("html", "markdown"):
        raise fail(f"--format must be html or markdown, not {fmt!r}")
    cat = catalogue()
    ext = external(satre, tehdas2)
    cov = crosswalk.coverage(cat, ext) if any(ext.values()) else None
    doc = concept.build(cat, cov, concept.operating_models())
    _write(document.to_html(doc) if fmt == "html" else document.to_markdown(doc), output)
