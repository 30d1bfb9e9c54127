"""``stratstab serve`` before it serves: a busy port is one clear error, never announced."""

from __future__ import annotations

import socket
import subprocess
import sys

from tests.waiting import HANG_GUARD_S


def test_busy_port_says_so_and_suggests_port_without_announcing_a_url(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "stratstab", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=HANG_GUARD_S,
            env={"STRATSTAB_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        )
    assert done.returncode == 2, done
    assert "http://" not in done.stdout + done.stderr
    assert f"port {port}" in done.stderr and "already in use" in done.stderr
    assert "--port" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_listen_binds_before_anything_is_printed():
    from stratstab.cli.serve import listen

    bound = listen("127.0.0.1", 0)
    try:
        host, port = bound.getsockname()
        assert host == "127.0.0.1" and port > 0
        with socket.create_connection((host, port)):
            pass  # the socket accepts connections: uvicorn serves on it as it is
    finally:
        bound.close()
