"""The `kimed` command: one Typer app, one module per command group."""

from __future__ import annotations

import typer

from kimed import __version__
from kimed.cli import algorithms, catalog, datasets, quality, serve, spe, suitability, users
from kimed.cli.common import console, open_database

app = typer.Typer(help="KIMed: health data and AI algorithm catalogue, and a Secure "
                  "Processing Environment.", no_args_is_help=True, add_completion=False)
app.add_typer(datasets.app, name="datasets")
app.add_typer(users.app, name="users")
app.add_typer(algorithms.app, name="algorithms")
app.add_typer(quality.app, name="quality")
app.add_typer(spe.app, name="spe")
app.command("import")(catalog.import_command)
app.command("export")(catalog.export_command)
app.command("validate")(catalog.validate_command)
app.command("demo")(catalog.demo_command)
app.command("summary")(catalog.summary_command)
app.command("serve")(serve.serve_command)
app.command("suitability")(suitability.suitability_command)


@app.command("init")
def init_command() -> None:
    """Create the data directory and bring the database schema up to date."""
    from kimed.db import current_revision
    from kimed.settings import get_settings

    db = open_database()
    try:
        revision = current_revision(db.engine)
    finally:
        db.dispose()
    console.print(f"database ready at {db.engine.url.render_as_string(hide_password=True)} "
                  f"(schema {revision}); data directory {get_settings().data_dir}",
                  highlight=False)


@app.command("version")
def version_command() -> None:
    """Print the KIMed version."""
    console.print(__version__)


def main() -> None:
    app()
