"""Every route of the app × every role: allowed or refused with 401/403/404 as designed.

The table below classifies each route.  A route that is added to the app without a
line here fails ``test_every_route_is_classified``, so nothing escapes the matrix.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Mount

from stratstab.accounts import service as accounts

from .helpers import SLUG, login

# Who may use a route:
#   public  - anyone;  user - any logged-in user;  admin - admins only;
#   member  - any user who may enter the dialogue (delegates of other delegations: 404);
#   writer  - member delegates, facilitators and admins;  runs - facilitators and admins;
#   voter   - member delegates only;  translates - translators, facilitators and admins.
POLICY: dict[tuple[str, str], str] = {
    ("GET", "/healthz"): "public",
    ("GET", "/assets/plotly.min.js"): "public",
    ("GET", "/assets/plotly-{digest}.min.js"): "public",
    ("GET", "/"): "public",
    ("GET", "/api/v1/docs"): "public",
    ("GET", "/api/v1/openapi.json"): "public",
    ("GET", "/login"): "public",
    ("POST", "/login"): "public",
    ("POST", "/logout"): "public",
    ("POST", "/locale"): "public",
    ("GET", "/api/v1/auth/csrf"): "public",
    ("POST", "/api/v1/auth/login"): "public",
    ("POST", "/api/v1/auth/logout"): "user",
    ("GET", "/api/v1/auth/me"): "user",
    ("PUT", "/api/v1/auth/me/locale"): "user",
    ("GET", "/admin/users"): "admin",
    ("POST", "/admin/users"): "admin",
    ("GET", "/admin/audit"): "admin",
    ("GET", "/api/v1/users"): "admin",
    ("POST", "/api/v1/users"): "admin",
    ("GET", "/api/v1/audit"): "admin",
    ("POST", "/admin/users/{username}/disable"): "admin",
    ("POST", "/admin/users/{username}/enable"): "admin",
    ("POST", "/admin/users/{username}/role"): "admin",
    ("POST", "/admin/users/{username}/reset-link"): "admin",
    ("GET", "/api/v1/users/{username}"): "admin",
    ("POST", "/api/v1/users/{username}/disable"): "admin",
    ("POST", "/api/v1/users/{username}/enable"): "admin",
    ("PUT", "/api/v1/users/{username}/role"): "admin",
    ("POST", "/api/v1/users/{username}/password-reset"): "admin",
    ("GET", "/reset/{token}"): "public",
    ("POST", "/reset/{token}"): "public",
    ("GET", "/api/v1/password-resets/{token}"): "public",
    ("POST", "/api/v1/password-resets/{token}"): "public",
    ("GET", "/assess"): "user",
    ("POST", "/assess/upload"): "user",
    ("POST", "/assess/run"): "user",
    ("POST", "/assess/compare"): "user",
    ("POST", "/assess/results"): "user",
    ("POST", "/assess/map"): "user",
    ("GET", "/assess/jobs/{job_id}"): "user",
    ("GET", "/api/v1/scenarios"): "user",
    ("POST", "/api/v1/scenarios"): "user",
    ("GET", "/api/v1/scenarios/{scenario_id}"): "user",
    ("DELETE", "/api/v1/scenarios/{scenario_id}"): "user",
    ("GET", "/api/v1/datasets"): "user",
    ("POST", "/api/v1/datasets"): "user",
    ("DELETE", "/api/v1/datasets/{dataset_id}"): "user",
    ("POST", "/assess/datasets"): "user",
    ("POST", "/api/v1/assessments"): "user",
    ("POST", "/api/v1/comparisons"): "user",
    ("POST", "/api/v1/assess"): "user",
    ("POST", "/api/v1/assess/compare"): "user",
    ("POST", "/api/v1/assess/map"): "user",
    ("GET", "/api/v1/jobs/{job_id}"): "user",
    ("GET", "/dialogues"): "user",
    ("GET", "/dialogues/{slug}"): "member",
    ("GET", "/dialogues/{slug}/vote"): "member",
    ("POST", "/dialogues/{slug}/vote"): "voter",
    ("POST", "/dialogues/{slug}/statements"): "writer",
    ("GET", "/dialogues/{slug}/statements"): "member",
    ("POST", "/dialogues/{slug}/statements/{statement_id}/moderate"): "runs",
    ("POST", "/dialogues/{slug}/statements/{statement_id}/translation"): "translates",
    ("POST", "/dialogues/{slug}/statements/{statement_id}/translation/{action}"): "translates",
    ("GET", "/dialogues/{slug}/consensus"): "member",
    ("GET", "/dialogues/{slug}/consensus/live"): "member",
    ("GET", "/dialogues/{slug}/consensus/version"): "member",
    ("GET", "/dialogues/{slug}/scope"): "member",
    ("POST", "/dialogues/{slug}/scope"): "voter",
    ("POST", "/dialogues/{slug}/reveal"): "runs",
    ("GET", "/dialogues/{slug}/ledger"): "member",
    ("POST", "/dialogues/{slug}/ledger"): "runs",
    ("POST", "/dialogues/{slug}/ledger/{key}"): "runs",
    ("POST", "/dialogues/{slug}/rounds/close"): "runs",
    ("GET", "/dialogues/{slug}/report"): "member",
    ("GET", "/dialogues/{slug}/report/file"): "member",
    ("GET", "/api/v1/dialogues"): "user",
    ("GET", "/api/v1/dialogues/{slug}"): "member",
    ("GET", "/api/v1/dialogues/{slug}/statements"): "member",
    ("POST", "/api/v1/dialogues/{slug}/statements"): "writer",
    ("PATCH", "/api/v1/dialogues/{slug}/statements/{statement_id}"): "runs",
    ("PUT", "/api/v1/dialogues/{slug}/statements/{statement_id}/translation"): "translates",
    ("POST", "/api/v1/dialogues/{slug}/statements/{statement_id}/translation/suggestion"): (
        "translates"
    ),
    ("POST", "/api/v1/dialogues/{slug}/statements/{statement_id}/translation/suggestion/accept"): (
        "translates"
    ),
    ("DELETE", "/api/v1/dialogues/{slug}/statements/{statement_id}/translation/suggestion"): (
        "translates"
    ),
    ("GET", "/api/v1/dialogues/{slug}/next-statement"): "member",
    ("POST", "/api/v1/dialogues/{slug}/votes"): "voter",
    ("GET", "/api/v1/dialogues/{slug}/consensus"): "member",
    ("GET", "/api/v1/dialogues/{slug}/consensus/version"): "member",
    ("GET", "/api/v1/dialogues/{slug}/scope"): "member",
    ("PUT", "/api/v1/dialogues/{slug}/scope/{topic}"): "voter",
    ("POST", "/api/v1/dialogues/{slug}/scope/reveal"): "runs",
    ("GET", "/api/v1/dialogues/{slug}/ledger"): "member",
    ("POST", "/api/v1/dialogues/{slug}/ledger"): "runs",
    ("PUT", "/api/v1/dialogues/{slug}/ledger/{key}"): "runs",
    ("POST", "/api/v1/dialogues/{slug}/rounds/close"): "runs",
    ("GET", "/api/v1/dialogues/{slug}/report"): "member",
    ("GET", "/dialogues/new"): "creator",
    ("POST", "/dialogues"): "creator",
    ("GET", "/dialogues/{slug}/members"): "member",
    ("POST", "/dialogues/{slug}/invitations"): "runs",
    ("POST", "/dialogues/{slug}/invitations/{invitation_id}/revoke"): "runs",
    ("POST", "/dialogues/{slug}/members/{username}/role"): "runs",
    ("POST", "/dialogues/{slug}/members/{username}/remove"): "runs",
    ("POST", "/dialogues/{slug}/settings"): "runs",
    ("POST", "/dialogues/{slug}/archive"): "runs",
    ("GET", "/invitations/{token}"): "public",
    ("POST", "/invitations/{token}"): "public",
    ("POST", "/dialogues/{slug}/complete"): "voter",
    ("POST", "/dialogues/{slug}/rounds/open"): "runs",
    ("POST", "/dialogues/{slug}/rounds/{number}"): "runs",
    ("POST", "/api/v1/dialogues"): "creator",
    ("PATCH", "/api/v1/dialogues/{slug}"): "runs",
    ("GET", "/api/v1/dialogues/{slug}/members"): "member",
    ("PATCH", "/api/v1/dialogues/{slug}/members/{username}"): "runs",
    ("DELETE", "/api/v1/dialogues/{slug}/members/{username}"): "runs",
    ("POST", "/api/v1/dialogues/{slug}/invitations"): "runs",
    ("GET", "/api/v1/dialogues/{slug}/invitations"): "runs",
    ("DELETE", "/api/v1/dialogues/{slug}/invitations/{invitation_id}"): "runs",
    ("POST", "/api/v1/dialogues/{slug}/scope/complete"): "voter",
    ("GET", "/api/v1/dialogues/{slug}/scope/{delegation}/{topic}/history"): "member",
    ("GET", "/api/v1/dialogues/{slug}/rounds"): "member",
    ("POST", "/api/v1/dialogues/{slug}/rounds/open"): "runs",
    ("PATCH", "/api/v1/dialogues/{slug}/rounds/{number}"): "runs",
    ("GET", "/api/v1/invitations/{token}"): "public",
    ("POST", "/api/v1/invitations/{token}/accept"): "public",
    ("GET", "/history"): "public",
    ("GET", "/history/{entry_id}"): "public",
    ("GET", "/glossary"): "public",
    ("GET", "/glossary/{term_id}"): "public",
    ("GET", "/exercises"): "public",
    ("GET", "/exercises/{exercise_id}"): "public",
    ("POST", "/exercises/{exercise_id}/runs"): "user",
    ("GET", "/exercises/runs/{run_id}"): "user",
    ("POST", "/exercises/runs/{run_id}/decision"): "user",
    ("POST", "/exercises/runs/{run_id}/control"): "user",
    ("GET", "/exercises/runs/{run_id}/report"): "user",
    ("GET", "/api/v1/history"): "public",
    ("GET", "/api/v1/history/timeline"): "public",
    ("GET", "/api/v1/history/{entry_id}"): "public",
    ("GET", "/api/v1/glossary"): "public",
    ("GET", "/api/v1/glossary/{term_id}"): "public",
    ("GET", "/api/v1/exercises"): "public",
    ("GET", "/api/v1/exercises/{exercise_id}"): "public",
    ("POST", "/api/v1/exercise-runs"): "user",
    ("GET", "/api/v1/exercise-runs"): "user",
    ("GET", "/api/v1/exercise-runs/{run_id}"): "user",
    ("POST", "/api/v1/exercise-runs/{run_id}/decisions"): "user",
    ("POST", "/api/v1/exercise-runs/{run_id}/control"): "user",
    ("GET", "/api/v1/exercise-runs/{run_id}/report"): "user",
}
SESSION_CHANGING = {
    ("POST", "/login"),
    ("POST", "/logout"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/logout"),
}
PATH_VALUES = {
    "slug": SLUG,
    "statement_id": "0",
    "topic": "cyber",
    "key": "hotline",
    "action": "discard",
    "job_id": "0" * 32,
    "scenario_id": "us-china-2024-baseline",
    "dataset_id": "no-such-upload",  # uploads belong to their owner: 404 for everyone
    "entry_id": "new-start",
    "term_id": "crisis-stability",
    "exercise_id": "maritime-incident",
    "run_id": "0" * 32,  # runs belong to their owner: an unknown id is 404 for everyone
    "digest": "0" * 16,  # an old bundle digest: redirected to the current bundle
    "username": "observer",
    "delegation": "US",
    "number": "1",
    "invitation_id": "999999",  # unknown: 404 once the role check passed
    "token": "x" * 43,  # unknown invitation: 404 for everyone
}
# Routes whose path names a per-user object: 404 for an allowed role is not a refusal.
PER_USER_IDS = (
    "{job_id}",
    "{run_id}",
    "{invitation_id}",
    "{token}",
    "{dataset_id}",
    "{scenario_id}",
)
# Valid bodies, so that a refusal can only come from the access rules.
JSON_BODIES = {
    # The observer keeps its role and stays enabled: the matrix changes no account.
    "/api/v1/users/{username}/role": {"role": "observer"},
    "/api/v1/password-resets/{token}": {"password": "quay-lantern-orchard-47"},
    "/api/v1/auth/login": {"username": "observer", "password": "observer-demo-2024"},
    "/api/v1/auth/me/locale": {"locale": "en"},
    "/api/v1/users": {
        "username": "matrix-user",
        "password": "quay-lantern-orchard-47",
        "role": "observer",
    },
    "/api/v1/scenarios": {"yaml": "name: x"},
    "/api/v1/assessments": {"scenario": "us-china-2024-baseline"},
    "/api/v1/comparisons": {"left": {}, "right": {"view": "CN-view"}},
    "/api/v1/dialogues/{slug}/statements": {"text_en": "A matrix test statement."},
    "/api/v1/dialogues/{slug}/statements/{statement_id}": {"moderation": "accepted"},
    "/api/v1/dialogues/{slug}/statements/{statement_id}/translation": {
        "language": "zh",
        "text": "核战争打不赢也绝不能打。",
    },
    "/api/v1/dialogues/{slug}/votes": {"statement": "1", "value": 0},
    "/api/v1/dialogues/{slug}/scope/{topic}": {"stance": "include", "priority": 2},
    "/api/v1/dialogues/{slug}/ledger": {"key": "matrix", "title_en": "Matrix item"},
    "/api/v1/dialogues/{slug}/ledger/{key}": {"status": "agreed"},
    "/api/v1/dialogues/{slug}/rounds/close": {"outcome": ""},
    "/api/v1/dialogues": {
        "slug": "matrix-dialogue",
        "title": "Matrix",
        "track": "II",
        "parties": ["CN", "US"],
    },
    "/api/v1/dialogues/{slug}": {"track": "II"},
    "/api/v1/dialogues/{slug}/members/{username}": {"role": "observer"},
    "/api/v1/dialogues/{slug}/invitations": {"role": "observer"},
    "/api/v1/dialogues/{slug}/scope/complete": {"complete": False},
    "/api/v1/dialogues/{slug}/rounds/open": {"place": "Geneva"},
    "/api/v1/dialogues/{slug}/rounds/{number}": {"place": "Geneva"},
    "/api/v1/invitations/{token}/accept": {},
    "/api/v1/exercise-runs": {"exercise": "maritime-incident", "turns": 1},
    "/api/v1/exercise-runs/{run_id}/decisions": {
        "side": "US",
        "turn": 1,
        "action": "hold-and-consult",
        "reason": "matrix",
    },
}
FORM_BODIES = {
    "/admin/users/{username}/role": {"role": "observer"},
    "/login": {"username": "observer", "password": "observer-demo-2024"},
    "/locale": {"locale": "en"},
    "/admin/users": {
        "username": "matrix-form",
        "password": "quay-lantern-orchard-47",
        "role": "observer",
    },
    "/assess/run": {"scenario": "us-china-2024-baseline"},
    "/assess/compare": {"scenario": "us-china-2024-baseline", "b_view": "CN-view"},
    "/dialogues/{slug}/vote": {"statement": "2", "value": "1"},
    "/dialogues/{slug}/statements": {"text_en": "A form matrix statement."},
    "/dialogues/{slug}/statements/{statement_id}/moderate": {"moderation": "accepted"},
    "/dialogues/{slug}/statements/{statement_id}/translation": {
        "language": "zh",
        "text": "核战争打不赢也绝不能打。",
    },
    "/dialogues/{slug}/scope": {"topic": "cyber", "stance": "exclude", "priority": "1"},
    "/dialogues/{slug}/ledger": {"key": "matrix-form", "title_en": "Form item"},
    "/dialogues/{slug}/ledger/{key}": {"status": "open"},
    "/dialogues/{slug}/rounds/close": {"outcome": ""},
    "/dialogues": {"slug": "matrix-form", "title": "Matrix", "parties": ["CN", "US"]},
    "/dialogues/{slug}/invitations": {"role": "observer"},
    "/dialogues/{slug}/members/{username}/role": {"role": "observer"},
    "/dialogues/{slug}/settings": {"title": "US–China Track II dialogue on strategic stability"},
    "/dialogues/{slug}/archive": {"archived": "0"},
    "/dialogues/{slug}/complete": {"complete": "0"},
    "/dialogues/{slug}/rounds/{number}": {"place": "Geneva"},
    "/exercises/{exercise_id}/runs": {"player.US": "cautious", "turns": "1"},
    "/exercises/runs/{run_id}/decision": {
        "side": "US",
        "turn": "1",
        "action": "hold-and-consult",
        "reason": "matrix",
    },
}
ROLES = ("anonymous", "admin", "facilitator", "cn1", "observer", "translator", "outsider")


def app_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every route the app serves (static mount reported separately).

    FastAPI 0.16x keeps included routers as nested entries; ``iter_route_contexts``
    flattens them with their prefixes.  Older versions list the routes directly.
    """
    try:
        from fastapi.routing import iter_route_contexts

        entries = [(c.path, c.methods) for c in iter_route_contexts(app.routes)]
    except ImportError:  # FastAPI before nested included routers
        entries = [(r.path, getattr(r, "methods", None)) for r in app.routes]
    found = []
    for path, methods in entries:
        if methods:  # mounts have none
            for method in sorted(set(methods) - {"HEAD"}):
                found.append((method, path))
    return found


def allowed(rule: str, role: str) -> bool:
    """Whether ``role`` may use a route with ``rule``."""
    return {
        "public": True,
        "user": role != "anonymous",
        "admin": role == "admin",
        "member": role not in ("anonymous", "outsider"),
        "writer": role in ("admin", "facilitator", "cn1"),
        "runs": role in ("admin", "facilitator"),
        "creator": role in ("admin", "facilitator"),
        "voter": role == "cn1",
        "translates": role in ("admin", "facilitator", "translator"),
    }[rule]


def expected_refusal(rule: str, role: str, path: str) -> set[int]:
    """Status codes that count as the right refusal."""
    if role == "anonymous":
        return {401} if path.startswith("/api/") else {303}
    if role == "outsider" and rule in ("member", "writer", "voter", "runs", "translates"):
        return {404}
    return {403}


def _fresh_client(app, role: str) -> TestClient:
    if role != "anonymous":
        return login(app, role)
    client = TestClient(app)
    client.headers["X-CSRF-Token"] = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    return client


@pytest.fixture(scope="module")
def clients(demo_app):
    with demo_app.state.session_factory() as db:
        accounts.create_user(
            db,
            username="outsider",
            password="outsider-demo-2024",
            role="delegate",
            delegation_code="JP",
        )
        db.commit()
    return {role: _fresh_client(demo_app, role) for role in ROLES}


def test_every_route_is_classified(demo_app):
    assert set(app_routes(demo_app)) == set(POLICY), "classify new routes in POLICY"
    assert any(isinstance(r, Mount) and r.path == "/static" for r in demo_app.routes)
    assert TestClient(demo_app).get("/static/css/stratstab.css").status_code == 200


def _call(client: TestClient, method: str, template: str):
    path = template.format(**PATH_VALUES)
    kwargs: dict = {"follow_redirects": False}
    if method != "GET":
        if template.startswith("/api/"):
            kwargs["json"] = JSON_BODIES.get(template, {})
        elif template == "/assess/upload":
            kwargs["files"] = {"file": ("x.yaml", b"name: broken", "text/yaml")}
        else:
            kwargs["data"] = FORM_BODIES.get(template, {})
    return client.request(method, path, **kwargs)


@pytest.mark.parametrize("role", ROLES)
def test_route_access_matrix(demo_app, clients, role):
    failures = []
    for method, template in app_routes(demo_app):
        rule = POLICY[(method, template)]
        client = clients[role]
        if (method, template) in SESSION_CHANGING:
            client = _fresh_client(demo_app, role)  # login/logout must not change ours
        answer = _call(client, method, template)
        if allowed(rule, role):
            refused = (
                answer.status_code in (401, 403)
                or (answer.status_code == 404 and not any(i in template for i in PER_USER_IDS))
                or (answer.status_code == 303 and "/login" in answer.headers.get("location", ""))
            )
            if refused:
                failures.append(
                    f"{method} {template}: allowed for {role}, got {answer.status_code}"
                )
        elif answer.status_code not in expected_refusal(rule, role, template):
            failures.append(
                f"{method} {template}: {role} should be refused, got "
                f"{answer.status_code} {answer.text[:120]}"
            )
    assert not failures, "\n".join(failures)


def test_sealed_positions_hidden_in_pages_and_api(demo_app, clients):
    """Server-side filtering: US sees nothing of CN's sealed positions, in HTML or JSON:
    every CN cell looks the same, whether CN filed a position on the topic or not."""
    outsider_view = clients["observer"].get(f"/api/v1/dialogues/{SLUG}/scope").json()
    assert all(p["delegation"] != "CN" or p["revealed"] for p in outsider_view["positions"])
    us = login(demo_app, "us1")
    page = us.get(f"/dialogues/{SLUG}/scope").text
    filed = page.split('data-testid="cell-missile-defense-CN"')[1].split("</td>")[0]
    not_filed = page.split('data-testid="cell-cyber-CN"')[1].split("</td>")[0]
    assert filed == not_filed and "P5" not in filed
