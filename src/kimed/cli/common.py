"""What every command group shares: the console, the database handle, progress bars."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kimed.catalog.search.indexer import rebuild_pending
from kimed.db import Database

console = Console()
err_console = Console(stderr=True)


def open_database(migrate: bool = True) -> Database:
    """The configured database, migrated to the newest schema."""
    db = Database()
    if migrate:
        db.migrate()
        with db.session() as session:  # a migration may have left the search index to rebuild
            rebuild_pending(session)
    return db


def fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@contextmanager
def progress_bar() -> Iterator:
    """A callback ``(label, done, total)`` drawing one bar per label, on stderr."""
    bars = Progress(TextColumn("{task.description:<8}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err_console, transient=True)
    tasks: dict[str, int] = {}

    def update(label: str, done: int, total: int) -> None:
        if label not in tasks:
            tasks[label] = bars.add_task(label, total=total)
        bars.update(tasks[label], completed=done, total=total)

    with bars:
        yield update
