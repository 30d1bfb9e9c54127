"""Helpers of the web tests: app factory with a test secret, logged-in clients."""

from __future__ import annotations

import warnings

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)

from fastapi.testclient import TestClient  # noqa: E402

from stratstab.web.app import create_app  # noqa: E402
from stratstab.web.demo import demo_password  # noqa: E402
from stratstab.web.settings import Settings  # noqa: E402

SECRET = "test-secret-key-that-is-long-enough-0123456789"
SLUG = "us-china-track2"


def build_app(database_url: str):
    """A workbench on ``database_url`` with a fixed secret key."""
    return create_app(Settings(database_url=database_url, secret_key=SECRET))


def login(app, username: str, password: str | None = None) -> TestClient:
    """A client logged in through the API, sending its CSRF token on every request."""
    client = TestClient(app)
    anonymous = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    answer = client.post(
        "/api/v1/auth/login",
        json={"username": username, "password": password or demo_password(username)},
        headers={"X-CSRF-Token": anonymous},
    )
    assert answer.status_code == 200, answer.text
    client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    return client


def recompute_consensus(app) -> list[str]:
    """Run the background consensus step once, at the first moment work is due.

    Pages only read the stored analysis; tests drive the worker's step instead of
    waiting for its thread (the step's clock is passed, nothing sleeps).
    """
    from datetime import timedelta

    from stratstab.dialogue import snapshots
    from stratstab.dialogue.models import utc_now

    worker = app.state.consensus
    now = utc_now()
    with worker.store.session() as session:
        wait = snapshots.seconds_until_due(session, now=now, debounce_s=worker.debounce_s)
    return worker.step(now=now + timedelta(seconds=wait or 0.0))
