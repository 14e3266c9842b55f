"""`kimed serve`: run the Portal web app with uvicorn."""

from __future__ import annotations

import typer

from kimed.cli.common import console


def serve_command(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
    reload: bool = typer.Option(False, help="Restart when the code changes (development)."),
) -> None:
    """Serve the Portal: web pages, the JSON API (/api/docs) and the DCAT feed (/catalog)."""
    import uvicorn

    console.print(f"KIMed Portal on http://{host}:{port}/ (Ctrl-C stops it)", highlight=False)
    uvicorn.run("kimed.web.app:create_app", factory=True, host=host, port=port, reload=reload,
                proxy_headers=True)
