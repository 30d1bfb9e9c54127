"""Waiting for what another thread or process does, without depending on its speed.

A test waits for a *condition* (a file exists, a job is done, a server is up), never for
a length of time.  The bound is only a guard that turns a hang into a failure; it is far
beyond any machine's speed, so a busy machine makes a test slower, never red.
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: Seconds after which a wait that should end is taken to hang.
HANG_GUARD_S = 900.0
POLL_S = 0.05


def wait_until(
    condition: Callable[[], object],
    what: str,
    *,
    still_possible: Callable[[], bool] = lambda: True,
) -> object:
    """Poll ``condition`` until it returns something true, and return that.

    ``still_possible`` is asked between polls; when it says no (the process died, the
    thread ended) the wait fails at once with ``what`` in the message.
    """
    deadline = time.monotonic() + HANG_GUARD_S
    while True:
        value = condition()
        if value:
            return value
        assert still_possible(), f"gave up waiting: {what} can no longer happen"
        assert time.monotonic() < deadline, f"{what} did not happen within {HANG_GUARD_S:.0f} s"
        time.sleep(POLL_S)
