"""``stratstab serve``: run the web workbench with uvicorn."""

from __future__ import annotations

import errno
import os
import socket
from pathlib import Path
from typing import Annotated

import typer

from stratstab import db
from stratstab.cli.common import console
from stratstab.errors import InputError

DEMO_DATABASE_NAME = "demo.sqlite"


def demo_database_path() -> Path:
    """The demo workspace lives in its own file, beside (never in) the real database."""
    return Path(db.default_database_path()).parent / DEMO_DATABASE_NAME


def plan_database(*, database_url: str | None, demo: bool) -> tuple[str, list[str]]:
    """The database ``serve`` opens, and what to tell the user about the choice.

    The demo seeds accounts whose passwords are published, so it only ever opens its
    own ``demo.sqlite`` (under ``STRATSTAB_HOME``): an explicit ``--database-url`` is
    refused and ``STRATSTAB_DATABASE_URL`` is ignored, saying so.
    """
    if not demo:
        return db.database_url(database_url), []
    path = demo_database_path()
    if database_url:
        raise InputError(
            f"--demo uses its own database ({path}), because its accounts have published "
            "passwords; leave out --database-url",
            field="--database-url",
        )
    notes = [f"demo workspace database: {path}"]
    if os.environ.get("STRATSTAB_DATABASE_URL"):
        notes.append(
            "STRATSTAB_DATABASE_URL is ignored with --demo: the demo never writes its "
            "published passwords into another database"
        )
    return f"sqlite:///{path}", notes


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port to listen on.", min=1, max=65535)] = 8000,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="SQLAlchemy URL (default: STRATSTAB_DATABASE_URL, then the embedded SQLite "
            "file).  Not with --demo, which always uses its own demo.sqlite.",
        ),
    ] = None,
    demo: Annotated[
        bool,
        typer.Option("--demo", help="Seed a demo workspace (users, dialogue, votes) and start."),
    ] = False,
) -> None:
    """Start the web workbench (assessment explorer, dialogue rooms, JSON API)."""
    import threading

    import uvicorn

    from stratstab.analysis.batch.evaluate import warm_kernel

    url, notes = plan_database(database_url=database_url, demo=demo)
    listening = listen(host, port)  # before anything is announced or seeded

    from stratstab.web.app import create_server_app, settle_heap
    from stratstab.web.demo import seed_demo
    from stratstab.web.settings import Settings

    for note in notes:
        console.print(note)
    settings = Settings(demo=demo, database_url=url)
    app = create_server_app(settings)
    if demo:
        credentials = seed_demo(app.state.session_factory, store=app.state.store)
        _print_credentials(credentials)
    console.print(f"stratstab workbench on http://{host}:{port}/  (Ctrl+C stops it)")

    # Load the compiled kernel while the server starts: the first assessment a user
    # asks for then answers in milliseconds instead of waiting for Numba (about a second).
    # What the warm-up loads is permanent too: keep it out of later collections.
    def warm_up() -> None:
        warm_kernel()
        settle_heap()

    threading.Thread(target=warm_up, name="kernel-warm-up", daemon=True).start()
    config = uvicorn.Config(app, host=host, port=port, log_level="info", proxy_headers=True)
    uvicorn.Server(config).run(sockets=[listening])


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to (host, port), or one clear error naming the port and the way out.

    Binding here, before the URL is printed, means a busy port is reported as such and
    never announced; uvicorn then serves on this very socket (no gap for another
    program to take the port).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((host, port))
    except OSError as exc:
        listening.close()
        if exc.errno == errno.EADDRINUSE:
            reason = (
                f"port {port} on {host} is already in use (another stratstab serve?); "
                f"choose a free one with --port, e.g. --port {port + 1 if port < 65535 else 8080}"
            )
        elif exc.errno == errno.EACCES:
            reason = f"no permission to listen on port {port}; use --port 1024 or above"
        else:
            reason = f"cannot listen on {host}:{port} ({exc.strerror}); check --host and --port"
        raise InputError(reason, source="serve") from None
    listening.listen(2048)
    return listening


def _print_credentials(credentials: list[tuple[str, str, str]]) -> None:
    from rich.table import Table

    table = Table(title="Demo accounts (demo workspace only)")
    for column in ("user name", "password", "role"):
        table.add_column(column)
    for username, password, role in credentials:
        table.add_row(username, password, role)
    console.print(table)
