"""Property-based fuzzing of every ``/api/v1`` operation from the app's own OpenAPI schema.

``schemathesis`` builds requests from the schema (the documented examples, then valid and
invalid parameters and bodies) and sends them to the ASGI app in this process, on a
temporary SQLite database seeded with the demo workspace, logged in as a delegate (the
US head of delegation) and as an administrator, with the session's CSRF token.  Every
answer must be:

- no server error (5xx);
- a status code the operation declares, with the declared content type (JSON for
  everything except 204 answers and the report's HTML/PDF) and the declared shape;
- for invalid input, a refusal (4xx), never an acceptance;
- for a refusal, JSON whose ``detail`` is a non-empty message.

Deterministic and bounded: a fixed seed, derandomized generation, no example database,
``EXAMPLES_PER_OPERATION`` generated cases per operation.  A deeper exploratory run
(not part of the suite) takes more examples and the coverage phase (boundary values,
missing fields)::

    STRATSTAB_FUZZ_EXAMPLES=100 STRATSTAB_FUZZ_PHASES=examples,coverage,fuzzing \\
        .venv/bin/python -m pytest tests/web/test_api_fuzz.py -q
"""

from __future__ import annotations

import collections
import json
import os
import tempfile

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from stratstab.accounts.service import find_user, start_session
from stratstab.db import transaction
from stratstab.web.demo import seed_demo
from stratstab.web.security import CSRF_HEADER, SESSION_COOKIE, sign

from .helpers import build_app

EXAMPLES_PER_OPERATION = int(os.environ.get("STRATSTAB_FUZZ_EXAMPLES", "3"))
PHASES = os.environ.get("STRATSTAB_FUZZ_PHASES", "examples,fuzzing").split(",")
SEED = 20_240_611

# Operations left out, and why.
EXCLUDED = {
    # Ends the fuzzing client's own session (tested in tests/web/test_api.py).
    "/api/v1/auth/logout",
    # Start background jobs in worker processes, each allowed minutes by design; their
    # bodies are the RunRequest/CompareRequest that /assess and /assess/compare take,
    # which are fuzzed (tests/web/test_scenario_paths.py covers the jobs themselves).
    "/api/v1/assessments",
    "/api/v1/comparisons",
}

_CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "generation": {
            "max-examples": EXAMPLES_PER_OPERATION,
            "deterministic": True,
            "database": "none",
        },
        "phases": {
            **{
                name: {"enabled": name in PHASES}
                for name in ("examples", "coverage", "fuzzing", "stateful")
            },
            # The schema's path examples name demo records; bodies are generated around them.
            "examples": {"enabled": "examples" in PHASES, "fill-missing": True},
        },
    }
)

# The schema is read from an app on a fresh temporary database when the module is
# collected (schemathesis parametrizes tests from it); the demo workspace is seeded
# into the same database when the first test runs.
_FOLDER = tempfile.TemporaryDirectory(prefix="stratstab-fuzz-")
_APP = build_app(f"sqlite:///{_FOLDER.name}/fuzz.sqlite")
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", _APP, config=_CONFIG).exclude(
    path=sorted(EXCLUDED)
)


def refusal_is_a_message(ctx, response, case) -> None:
    """A 4xx answer of the API is JSON with a non-empty ``detail`` message (``/healthz``
    is outside the API and answers like the pages)."""
    if 400 <= response.status_code < 500 and case.path.startswith("/api/"):
        body = response.json()
        assert isinstance(body, dict) and isinstance(body.get("detail"), str), body
        assert body["detail"].strip(), body


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    refusal_is_a_message,
]

# Derandomized, without an example database or deadline: the suite's profile (tests/conftest.py).
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION, suppress_health_check=list(HealthCheck)
)

# Status codes answered, per role and operation; written as JSON to the file named by
# STRATSTAB_FUZZ_REPORT when set (how many cases got past validation, and so on).
ANSWERS: dict[tuple[str, str], collections.Counter] = collections.defaultdict(collections.Counter)


@pytest.fixture(scope="module")
def fuzz_app():
    seed_demo(_APP.state.session_factory, store=_APP.state.store)
    yield _APP
    report = os.environ.get("STRATSTAB_FUZZ_REPORT")
    if report:
        answers = {f"{role} {operation}": dict(c) for (role, operation), c in ANSWERS.items()}
        with open(report, "w", encoding="utf-8") as file:
            json.dump(answers, file, indent=1)
    _APP.state.jobs.shutdown()
    _APP.state.engine.dispose()


def _session_of(app, username: str) -> tuple[dict[str, str], dict[str, str]]:
    """Cookie and CSRF header of a new login session of ``username`` (no password hashing)."""
    with transaction(app.state.session_factory) as db:
        user = find_user(db, username=username)
        token, login = start_session(db, user=user, max_age_s=86_400)
        csrf = login.csrf_token
    cookie = sign(app.state.settings.secret, "session", token)
    return {SESSION_COOKIE: cookie}, {CSRF_HEADER: csrf}


@pytest.fixture(scope="module")
def delegate_session(fuzz_app):
    return _session_of(fuzz_app, "us1")


@pytest.fixture(scope="module")
def admin_session(fuzz_app):
    return _session_of(fuzz_app, "admin")


def _call_and_check(case, role: str, session) -> None:
    cookies, headers = session
    # schemathesis gives up on a response after 10 s by default; on a busy machine an
    # in-process call can take longer, and a slow answer is not what this test judges.
    response = case.call(cookies=cookies, headers=headers, timeout=REQUEST_TIMEOUT_S)
    ANSWERS[(role, case.operation.label)][response.status_code] += 1
    case.validate_response(response, checks=CHECKS)


# A bound only against a hung request, far above any answer's time on a loaded machine.
REQUEST_TIMEOUT_S = 600


# Job ids, invitation and password-reset tokens exist only once made (and are secret).
ONCE_MADE = ("/api/v1/jobs", "/api/v1/invitations", "/api/v1/password-resets")


def test_path_examples_name_records_that_exist(fuzz_app, delegate_session, admin_session):
    """Every GET route whose path has parameters answers 200 for the schema's examples to
    the US head of delegation or the administrator, or 409 where the record exists but is
    not ready (so the examples lead readers, and the fuzzing, past "not found")."""
    from fastapi.testclient import TestClient

    clients = [
        TestClient(fuzz_app, cookies=cookies, headers=headers)
        for cookies, headers in (delegate_session, admin_session)
    ]
    tried = []
    for path, operations in fuzz_app.openapi()["paths"].items():
        parameters = operations.get("get", {}).get("parameters", [])
        in_path = {p["name"]: p.get("example") for p in parameters if p["in"] == "path"}
        if not in_path or path.startswith(ONCE_MADE):
            continue
        assert None not in in_path.values(), (path, in_path)
        answers = [client.get(path.format(**in_path)) for client in clients]
        statuses = [a.status_code for a in answers]
        assert 200 in statuses or 409 in statuses, (path, [a.text[:200] for a in answers])
        tried.append(path)
    assert len(tried) >= 10, tried


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_as_a_delegate(case, delegate_session):
    _call_and_check(case, "delegate", delegate_session)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_as_an_admin(case, admin_session):
    _call_and_check(case, "admin", admin_session)
