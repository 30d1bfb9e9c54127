"""Run a workbench under uvicorn on a free loopback port, in a background thread."""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager

import uvicorn

from tests.waiting import wait_until


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running(app, *, timeout_s: float = 20.0):
    """Serve ``app`` on loopback for the duration of the block; yield its base URL."""
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        limit_concurrency=1000,
        backlog=2048,
        timeout_keep_alive=120,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, "uvicorn's start", still_possible=thread.is_alive)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=timeout_s)
