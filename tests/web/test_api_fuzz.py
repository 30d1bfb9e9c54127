"""Property-based fuzzing of every ``/api/v1`` route from the app's own OpenAPI schema.

``schemathesis`` generates requests from the schema (valid and invalid parameters and
bodies) and sends them to the ASGI app in this process, logged in as a delegate and
as a facilitator with the session's CSRF token.  Every answer must be no server error,
have a status code and content type the schema declares, and match the declared
response shape.  Bounded and deterministic: a fixed number of examples per route,
derandomized generation, no example database.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from stratstab.web.demo import seed_demo
from stratstab.web.security import SESSION_COOKIE

from .helpers import build_app, login

EXAMPLES_PER_ROUTE = 8
# Logging out would end the fuzzing client's own session.
SKIPPED = ("/api/v1/auth/logout",)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# The schema is read when the module is collected, from an app on a fresh temporary
# database; the demo data it is fuzzed against is seeded once, when the first test runs.
_APP = build_app(f"sqlite:///{Path(tempfile.mkdtemp(prefix='stratstab-fuzz-')) / 'fuzz.sqlite'}")
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", _APP).exclude(path=list(SKIPPED))


@pytest.fixture(scope="module")
def fuzz_app():
    seed_demo(_APP.state.session_factory, store=_APP.state.store)
    return _APP


def _session(app, username: str) -> tuple[dict, dict]:
    """The session cookie and CSRF header of ``username``."""
    client = login(app, username)
    return (
        {SESSION_COOKIE: client.cookies.get(SESSION_COOKIE)},
        {"X-CSRF-Token": client.headers["X-CSRF-Token"]},
    )


@pytest.fixture(scope="module")
def delegate_session(fuzz_app):
    return _session(fuzz_app, "us1")


@pytest.fixture(scope="module")
def facilitator_session(fuzz_app):
    return _session(fuzz_app, "facilitator")


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_ROUTE,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_as_a_delegate(case, delegate_session):
    cookies, headers = delegate_session
    case.call_and_validate(cookies=cookies, headers=headers, checks=CHECKS)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_as_a_facilitator(case, facilitator_session):
    cookies, headers = facilitator_session
    case.call_and_validate(cookies=cookies, headers=headers, checks=CHECKS)
