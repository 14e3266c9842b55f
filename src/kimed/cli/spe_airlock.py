"""`kimed spe airlock ...`: the airlock's automated disclosure checks on output files.

See docs/spe-runtime.md, section "Airlock and disclosure control".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kimed.cli.common import console, fail

app = typer.Typer(help="The SPE airlock: disclosure checks on job outputs.", no_args_is_help=True)

_STYLE = {"pass": "green", "review": "yellow", "fail": "bold red"}


@app.command("check")
def check_command(
    paths: Annotated[list[Path], typer.Argument(help="output files to check")],
    kind: Annotated[str | None, typer.Option("--kind", "-k", help="frequency, magnitude, "
                                             "regression, text, image or file (default: from "
                                             "the file name; tables must be declared)")] = None,
    contributions: Annotated[Path | None, typer.Option(help="sidecar of a magnitude table "
                                                       "(unit values or cell statistics)")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
) -> None:
    """Run the disclosure checks on files; exit 1 when any check fails, 2 on unreadable input."""
    from kimed.spe.airlock.errors import AirlockInputError
    from kimed.spe.airlock.outputs import OutputFile
    from kimed.spe.airlock.runner import check_output, make_context, overall

    if fmt not in ("table", "json"):
        raise fail(f"--format must be table or json, not {fmt!r}", code=2)
    try:
        ctx = make_context()
        results = []
        for path in paths:
            options = {"contributions": contributions} if contributions else {}
            results += check_output(OutputFile.of(path, kind, **options), ctx)
    except AirlockInputError as exc:
        raise fail(str(exc), code=2) from None
    verdict = overall(results)
    if fmt == "json":
        typer.echo(json.dumps({
            "verdict": verdict.value,
            "risk_appetite": ctx.appetite.public(),
            "results": [r.model_dump(mode="json") for r in results],
        }, indent=2, ensure_ascii=False))
    else:
        table = Table(title=f"Airlock checks (risk appetite: {ctx.appetite.source})")
        for column in ("file", "check", "verdict", "rule", "finding"):
            table.add_column(column)
        for r in results:
            params = ", ".join(f"{k}={v}" for k, v in r.rule.parameters.items())
            table.add_row(r.file, r.check, f"[{_STYLE[r.verdict.value]}]{r.verdict.value}[/]",
                          f"{r.rule.name} ({params})" if params else r.rule.name, r.message)
        console.print(table)
        console.print(f"overall: {verdict.value}", highlight=False)
    if verdict.value == "fail":
        raise typer.Exit(1)
