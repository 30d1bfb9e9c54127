"""A long-running server keeps its start-up heap out of the cyclic collector's full passes."""

from __future__ import annotations

import subprocess
import sys
import textwrap

# Run in a child interpreter: freezing the test process's own heap would outlive the test.
_SCRIPT = textwrap.dedent(
    """
    import gc, sys
    from fastapi.testclient import TestClient
    from stratstab.web.app import create_app, create_server_app
    from stratstab.web.settings import Settings

    factory = create_server_app if sys.argv[2] == "serve" else create_app
    app = factory(Settings(database_url=sys.argv[1], secret_key="k" * 40))
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        print(gc.get_freeze_count())
    """
)


def _frozen_after_start(tmp_path, mode: str) -> int:
    url = f"sqlite:///{tmp_path / 'heap.sqlite'}"
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, url, mode],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return int(done.stdout.strip().splitlines()[-1])


def test_serve_freezes_the_start_up_heap(tmp_path):
    # Every module, route and model loaded at start: far more than a few thousand objects.
    assert _frozen_after_start(tmp_path, "serve") > 50_000


def test_an_app_built_by_tests_or_embedders_does_not(tmp_path):
    assert _frozen_after_start(tmp_path, "embedded") == 0
