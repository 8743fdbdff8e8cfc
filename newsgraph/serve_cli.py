"""`newsgraph serve`: the web UI and the JSON API over the graph, on one port.

FastAPI and uvicorn are imported when the command runs, not when the CLI
starts, so the other commands stay quick to launch.
"""

from __future__ import annotations

import threading
from typing import Annotated

import typer

from newsgraph.console import err, show_error
from newsgraph.errors import NewsgraphError
from newsgraph.graph_cli import DbOption

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serve_command(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web UI and the JSON API (under /api) over the graph."""
    import uvicorn

    from newsgraph.api.app import create_app

    try:
        app = create_app(db)
    except NewsgraphError as error:
        show_error(error)
        raise typer.Exit(2) from error
    # The first page that extracts (a document view, a paste) would wait for the model.
    threading.Thread(target=_load_model, daemon=True).start()
    shown = f"[{host}]" if ":" in host else host
    err.print(f"newsgraph: open http://{shown}:{port}/ (JSON API under /api, schema at "
              "/api/openapi.json); Ctrl+C stops")
    if host not in LOOPBACK:
        err.print("[yellow]note[/yellow]: the server has no login; anyone who can reach "
                  f"{host} can read the graph and add to it")
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _load_model() -> None:
    from newsgraph.nlp.pipeline import load_nlp

    load_nlp()


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
