"""`kimed quality report`: the metadata quality score of every dataset, as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kimed.cli.common import console, err_console, fail, open_database

app = typer.Typer(help="Metadata quality scores (data.europa.eu MQA and KIMed's health "
                  "dimension).", no_args_is_help=True)
FORMATS = ("table", "csv", "json")
CSV_COLUMNS = ("identifier", "title", "publisher", "points", "max", "band", "unchecked",
               "findability", "accessibility", "interoperability", "reusability",
               "contextuality", "health", "health_max", "to_gain")


def _rows(scores, rows) -> list[dict]:
    out = []
    for score, row in zip(scores, rows, strict=True):
        dims = {d["dimension"]: d["points"] for d in score.dimensions()}
        out.append({"identifier": score.identifier, "title": row.title,
                    "publisher": row.publisher or "", "points": score.points, "max": 405,
                    "band": score.band, "unchecked": score.unchecked, **dims,
                    "health_max": score.health_max,
                    "to_gain": "; ".join(e.text for e in _explanations(score))})
    return out


def _explanations(score):
    from kimed.catalog.quality import explain

    return explain(score)


def _render(fmt: str, scores, rows) -> str:
    from kimed.catalog.quality import summarise

    if fmt == "json":
        return json.dumps({"summary": summarise(scores),
                           "datasets": [s.to_dict() | {"title": r.title}
                                        for s, r in zip(scores, rows, strict=True)]},
                          indent=1, ensure_ascii=False) + "\n"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(_rows(scores, rows))
    return buffer.getvalue()


def _table(scores, rows, links_checked: bool) -> None:
    from kimed.catalog.quality import summarise

    summary = summarise(scores)
    table = Table(title=f"Metadata quality of {len(scores)} dataset(s) (MQA, 405 points)")
    for column in ("identifier", "points", "band", "unchecked", "health", "first thing to add"):
        table.add_column(column)
    for item in _rows(scores, rows):
        table.add_row(item["identifier"], f"{item['points']:g}", item["band"],
                      f"{item['unchecked']:g}", f"{item['health']:g}/{item['health_max']}",
                      item["to_gain"].split("; ")[0])
    console.print(table)
    console.print(f"mean {summary['mean']}, median {summary['median']}; bands: " + ", ".join(
        f"{name} {n}" for name, n in summary["bands"].items()), highlight=False)
    if not links_checked and summary["unchecked"]:
        console.print("links were not checked: their points are shown as unchecked, not as "
                      "failures (use --check-links)", highlight=False)


@app.command("report")
def report_command(
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json")] = "table",
    publisher: Annotated[str | None, typer.Option(
        help="only this publisher's datasets (its IRI or name)")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write to this file")] = None,
    check_links: Annotated[bool, typer.Option(
        "--check-links", help="check that access and download URLs answer (network; cached)",
    )] = False,
) -> None:
    """Score every dataset's metadata (or one publisher's) and report points, band and what to add."""
    from kimed.catalog.quality import UnknownPublisher, checker_for, rows_for, score_rows
    from kimed.settings import get_settings

    if fmt not in FORMATS:
        raise fail(f"--format: {fmt!r} is not one of {', '.join(FORMATS)} (rule: the report "
                   "format must be table, csv or json)", code=2)
    if output is not None and fmt == "table":
        raise fail("--output: a table is printed only; choose --format csv or json to write a "
                   "file", code=2)
    links = checker_for(get_settings(), fetch=True, force=check_links)
    db = open_database()
    try:
        with db.session() as session:
            rows = rows_for(session, publisher)
            scores = score_rows(rows, links)
    except UnknownPublisher as exc:
        known = ", ".join(exc.known[:10]) or "none"
        raise fail(f"--{exc} Known publishers: {known}", code=2) from None
    finally:
        db.dispose()
    if fmt == "table":
        _table(scores, rows, links is not None)
        return
    text = _render(fmt, scores, rows)
    if output:
        output.write_text(text, encoding="utf-8")
        err_console.print(f"wrote the quality report of {len(scores)} dataset(s) to {output}")
    else:
        typer.echo(text, nl=False)
