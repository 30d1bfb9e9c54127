"""Start-up of the server's consensus child process (kept light: the child imports it first).

:func:`prepare` runs once in the child: it loads the analysis so the first computation
does not pay for the imports, and it watches the server.  A server that is killed
outright (SIGKILL, the out-of-memory killer) cannot shut its child down, and a child of
a process pool waiting for work would otherwise wait for ever; so the child ends itself
as soon as it is handed to another parent.
"""

from __future__ import annotations

import importlib
import os
import threading
import time

#: How often the child looks whether its server is still there, in seconds.
WATCH_INTERVAL_S = 0.5


def prepare(module: str) -> None:
    """Import ``module`` and start watching the parent process (child's initializer)."""
    importlib.import_module(module)
    parent = os.getppid()
    watcher = threading.Thread(
        target=_end_when_orphaned, args=(parent,), name="parent-watch", daemon=True
    )
    watcher.start()


def _end_when_orphaned(parent: int) -> None:
    # An orphan is adopted by init (or a subreaper): its parent id changes.
    while os.getppid() == parent:
        time.sleep(WATCH_INTERVAL_S)
    os._exit(0)
