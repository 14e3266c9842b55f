"""`kimed suitability`: rank the catalogue's datasets against a research profile."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from kimed.cli.common import console, err_console, fail, open_database

FORMATS = ("table", "markdown", "json")
SYMBOLS = {"meets": "[green]✔ meets[/]", "partly": "[yellow]◐ partly[/]",
           "unknown": "[dim]? unknown[/]", "fails": "[red]✘ fails[/]"}
HEADERS = {"conditions": "Co", "population": "Po", "geography": "Pl", "period": "Ti",
           "data_types": "Ty", "standards": "St", "variables": "Va", "access": "Ac",
           "frequency": "Fr"}
SHORT = {"meets": "[green]✔[/]", "partly": "[yellow]◐[/]", "unknown": "[dim]?[/]",
         "fails": "[red]✘[/]"}


def _table(assessment, top: int | None, compared: bool = False) -> Table:
    """The ranking (first column: rank by fit), or with ``compared`` the datasets in the order
    given to --compare (first column: that order, which is no rank)."""
    from kimed.catalog.suitability import criteria

    labels = {c.name: c.label for c in criteria()}
    name = assessment.profile.name
    what = "in the order given to --compare, not ranked" if compared else "ranked by fit"
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, title=f"Suitability{': ' + name if name else ''} "
                        f"({len(assessment.datasets)} datasets, {what})")
    marks = SYMBOLS if len(assessment.criteria) <= 3 else SHORT
    if marks is SHORT:
        table.caption = "  ".join(SYMBOLS.values()) + "\n" + ", ".join(
            f"{HEADERS[c]} = {labels[c]}" for c in assessment.criteria)
    table.add_column("order" if compared else "rank", justify="right")
    longest = max((len(d.identifier) for d in assessment.datasets), default=7)
    table.add_column("dataset", overflow="fold", min_width=min(longest, 30), max_width=30)
    table.add_column("fit", justify="right", no_wrap=True)
    for c in assessment.criteria:
        header = labels[c] if marks is SYMBOLS else HEADERS[c]
        table.add_column(header, justify="center", no_wrap=True)
    for i, d in enumerate(assessment.datasets[:top] if top else assessment.datasets, 1):
        cells = [(marks[r.verdict.value] if (r := d.result(c)) else "-")
                 for c in assessment.criteria]
        table.add_row(str(i), d.identifier, f"{d.score:g}", *cells)
    return table


def _compare_rule(exc) -> str:
    """The rule a refused --compare broke, and where it is set."""
    from kimed.catalog.suitability import MAX_COMPARE

    if exc.rule == "known dataset":
        return ("each entry is the identifier, IRI or numeric id of a dataset in this catalogue; "
                "`kimed datasets list` shows them")
    return (f"{exc.rule}, set by MAX_COMPARE = {MAX_COMPARE} in "
            "kimed.catalog.suitability.compare, the same limit as /suitability/compare; see "
            "docs/suitability.md")


def suitability_command(
    profile_path: Annotated[Path, typer.Option("--profile", "-p", help="research profile "
                                               "(YAML or JSON)")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, markdown or json")] = "table",
    top: Annotated[int | None, typer.Option("--top", min=1, help="show the N best")] = None,
    compare_ids: Annotated[str | None, typer.Option("--compare", help="compare these datasets "
                                                    "side by side (comma-separated, at most "
                                                    "4)")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write to this file")]
    = None,
) -> None:
    """Rank the datasets by fit to a research profile, criterion by criterion, with evidence."""
    from kimed.catalog.suitability import (
        CompareError,
        ProfileError,
        assess,
        compare,
        load_profile,
        parse_ids,
        to_json,
        to_markdown,
    )

    if fmt not in FORMATS:
        raise fail(f"--format: {fmt!r} is not a known format (rule: the report format is one "
                   f"of {', '.join(FORMATS)}; see `kimed suitability --help` and docs/cli.md)",
                   code=2)
    try:
        profile = load_profile(profile_path)
    except ProfileError as exc:
        for problem in exc.problems:
            err_console.print("[red]invalid profile[/] " + escape(
                f"{exc.source}: {problem.field}: {problem.message} [rule: {problem.rule}]"),
                highlight=False, soft_wrap=True)
        raise fail("the profile was not assessed", code=2) from None
    db = open_database()
    try:
        with db.session() as session:
            if compare_ids is not None:
                assessment = compare(session, profile, parse_ids(compare_ids))
            else:
                assessment = assess(session, profile)
    except CompareError as exc:
        raise fail(f"--compare: {str(exc).removeprefix('ids: ')} (rule: {_compare_rule(exc)})",
                   code=2) from None
    finally:
        db.dispose()
    if top and compare_ids is None:
        assessment.datasets = assessment.datasets[:top]
    if fmt == "table":
        if output is None:
            console.print(_table(assessment, None, compare_ids is not None))
            return
        from rich.console import Console

        with output.open("w", encoding="utf-8") as handle:
            Console(file=handle, width=160).print(_table(assessment, None,
                                                         compare_ids is not None))
        return
    text = to_json(assessment) if fmt == "json" else to_markdown(assessment)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        err_console.print(f"wrote {output} ({len(assessment.datasets)} datasets)",
                          highlight=False)
