"""Sealed means sealed: a scan of every page, fragment, API route and export, as every role.

Two workbenches are built the same way, except that in the first one the Chinese
delegation also holds sealed material: scope positions (with a note) and statements
still pending moderation.  Before the reveal, every other role (the US and Russian
heads and delegates, the observer, an anonymous visitor) must get the very same
answers from both: a difference in any page, fragment, JSON answer, status code or
export would tell them something of China's sealed material -- its content, or only its
metadata (which topics, how many, statement ids or counts).  Neutral staff
(facilitator, translator, admin) moderate pending statements, so they may see those;
they must still never read the content of a sealed scope position.

The routes come from the app's router, so a route added later is scanned too; a route
whose path parameter has no value below makes the test fail until it is given one.
"""

from __future__ import annotations

import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from stratstab.accounts import service as accounts
from stratstab.web.dialogues import members as members_service
from stratstab.web.dialogues import service as dialogue_service

from .helpers import build_app, recompute_consensus
from .test_access_matrix import PATH_VALUES, app_routes

SLUG = "scan"
PASSWORD = "Scan-test passphrase 7fQ!"
SECRET_NOTE = "CN-SECRET-NOTE-4711"
SECRET_STATEMENT = "CN-SECRET-STATEMENT-0815"
SECRET_TOPICS = ("missile-defense", "outer-space", "cyber")
# (user name, role, party)
PEOPLE = (
    ("fac", "facilitator", None),
    ("cnhead", "head", "CN"),
    ("cndel", "delegate", "CN"),
    ("ushead", "head", "US"),
    ("usdel", "delegate", "US"),
    ("ruhead", "head", "RU"),
    ("rudel", "delegate", "RU"),
    ("interp", "translator", None),
    ("watcher", "observer", None),
)
OTHERS = ("ushead", "usdel", "ruhead", "rudel", "watcher", "anonymous")
STAFF = ("fac", "interp", "root")
SCAN_VALUES = {
    **PATH_VALUES,
    "slug": SLUG,
    "topic": "missile-defense",
    "delegation": "CN",
    "key": "hotline",
    "number": "1",
    "username": "cnhead",
    "invitation_id": "1",
    "statement_id": "s" + hashlib.sha256(SECRET_STATEMENT.encode()).hexdigest()[:10],
}
# Query strings under which a route is fetched as well (exports and their variants).
QUERY_VARIANTS = {
    "/api/v1/dialogues/{slug}/ledger": ["", "?round=1"],
    "/dialogues/{slug}/ledger": ["", "?round=1"],
    "/api/v1/dialogues/{slug}/report": ["?format=json&lang=en", "?format=html&lang=zh"],
    "/api/v1/dialogues/{slug}/scope/memo": ["?format=md", "?format=html"],
}
VOLATILE = (
    (re.compile(r'(csrf[_-]token"?\s*[:=]\s*"?)[A-Za-z0-9_\-]{20,}'), r"\1CSRF"),
    (re.compile(r'("X-CSRF-Token": ")[A-Za-z0-9_\-]{20,}'), r"\1CSRF"),
    (re.compile(r'(name="csrf_token" value=")[^"]+'), r"\1CSRF"),
    (re.compile(r'(name="idempotency_key" value=")[^"]+'), r"\1KEY"),
    (re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?"), "TIME"),
)


def _statement_id() -> str:
    # Ids follow the text, not the order of writing, so both workbenches give the same
    # statement the same id; sequential ids would differ (and leak) by construction.
    return "s" + hashlib.sha256(_statement_id.text.encode()).hexdigest()[:10]


_statement_id.text = ""


def _submit(client: TestClient, text: str) -> str:
    _statement_id.text = text
    answer = client.post(f"/api/v1/dialogues/{SLUG}/statements", json={"text_en": text})
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def _client(app, username: str | None) -> TestClient:
    client = TestClient(app)
    token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    client.headers["X-CSRF-Token"] = token
    if username:
        answer = client.post(
            "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
        )
        assert answer.status_code == 200, answer.text
        client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    return client


def _workbench(path, *, cn_sealed: bool):
    app = build_app(f"sqlite:///{path}")
    with app.state.session_factory() as db:
        accounts.create_user(db, username="root", password=PASSWORD, role="admin")
        accounts.create_user(db, username="fac", password=PASSWORD, role="facilitator")
        for username, _, _ in PEOPLE[1:]:
            accounts.create_user(db, username=username, password=PASSWORD, role="member")
        db.commit()
    clients = {name: _client(app, name) for name, _, _ in PEOPLE}
    clients["root"] = _client(app, "root")
    clients["anonymous"] = _client(app, None)
    fac = clients["fac"]
    created = fac.post(
        "/api/v1/dialogues",
        json={
            "slug": SLUG,
            "title": "Scan",
            "title_zh": "扫描",
            "track": "1.5",
            "parties": ["CN", "US", "RU"],
        },
    )
    assert created.status_code == 201, created.text
    store = app.state.store
    for username, role, party in PEOPLE[1:]:
        members_service.add_member(store, SLUG, username=username, role=role, party=party)
    # Shared material, the same in both workbenches.
    public = [_submit(fac, f"Public statement {n}") for n in range(3)]
    _submit(clients["usdel"], "A US statement waiting for moderation")
    clients["ushead"].put(
        f"/api/v1/dialogues/{SLUG}/scope/nuclear-forces",
        json={"stance": "include", "priority": 5, "note": "US note"},
    )
    fac.post(f"/api/v1/dialogues/{SLUG}/ledger", json={"key": "hotline", "title_en": "Hotline"})
    for voter in ("ushead", "usdel", "ruhead", "rudel"):
        for statement in public:
            clients[voter].post(
                f"/api/v1/dialogues/{SLUG}/votes", json={"statement": statement, "value": 1}
            )
    secret_id = None
    if cn_sealed:
        for topic in SECRET_TOPICS:
            answer = clients["cnhead"].put(
                f"/api/v1/dialogues/{SLUG}/scope/{topic}",
                json={"stance": "exclude", "priority": 4, "note": SECRET_NOTE},
            )
            assert answer.status_code == 200, answer.text
        secret_id = _submit(clients["cndel"], SECRET_STATEMENT)
    # More shared material after China's: an id or count gap would show here.
    _submit(clients["rudel"], "A Russian statement written later")
    later = _submit(fac, "A later public statement")
    clients["rudel"].post(f"/api/v1/dialogues/{SLUG}/votes", json={"statement": later, "value": 0})
    recompute_consensus(app)  # the stored analysis, as open pages read it
    _statement_id.text = SECRET_STATEMENT
    return app, clients, secret_id or _statement_id()


@pytest.fixture(scope="module")
def worlds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scan")
    patch = pytest.MonkeyPatch()
    patch.setattr(dialogue_service, "new_statement_id", _statement_id)
    try:
        sealed = _workbench(folder / "sealed.sqlite", cn_sealed=True)
        plain = _workbench(folder / "plain.sqlite", cn_sealed=False)
        yield sealed, plain
    finally:
        patch.undo()


def _normalise(text: str) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def _targets(app) -> list[str]:
    """Every GET path of the app (with its query variants), parameters filled in."""
    found, missing = [], []
    for method, template in app_routes(app):
        if method != "GET":
            continue
        names = re.findall(r"{(\w+)}", template)
        if any(n not in SCAN_VALUES for n in names):
            missing.append(template)
            continue
        path = template.format(**SCAN_VALUES)
        found.extend(path + query for query in QUERY_VARIANTS.get(template, [""]))
    assert not missing, f"give these path parameters a value in SCAN_VALUES: {missing}"
    return found


def _fetch(client: TestClient, path: str) -> tuple[int, str]:
    answer = client.get(path, follow_redirects=False)
    body = (
        answer.text
        if "text" in answer.headers.get("content-type", "")
        or ("json" in answer.headers.get("content-type", ""))
        else hashlib.sha256(answer.content).hexdigest()
    )
    return answer.status_code, _normalise(body)


def _scan(worlds, role, *, reports: bool) -> None:
    (sealed_app, sealed_clients, secret_id), (plain_app, plain_clients, _) = worlds
    targets = [t for t in _targets(sealed_app) if ("/report" in t) == reports]
    assert targets
    differences = []
    for path in targets:
        status_a, body_a = _fetch(sealed_clients[role], path)
        status_b, body_b = _fetch(plain_clients[role], path)
        leaked = (SECRET_NOTE in body_a, SECRET_STATEMENT in body_a, secret_id in body_a)
        if any(leaked):
            differences.append(f"{path}: sealed content or id appears {leaked}")
        elif (status_a, body_a) != (status_b, body_b):
            differences.append(f"{path}: answers differ ({status_a} vs {status_b})")
    assert not differences, "\n".join(differences)


@pytest.mark.parametrize("role", OTHERS)
def test_other_parties_learn_nothing_of_sealed_material(worlds, role):
    _scan(worlds, role, reports=False)


@pytest.mark.parametrize("role", OTHERS)
def test_outcome_report_tells_other_parties_nothing(worlds, role):
    _scan(worlds, role, reports=True)


@pytest.mark.parametrize("viewer", ["US", "RU"])
def test_scope_memo_of_another_party_is_the_same(worlds, viewer):
    (sealed_app, _, _), (plain_app, _, _) = worlds
    for memo_format in ("md", "html"):
        memos = [
            app.state.store.scope_memo(SLUG, memo_format=memo_format, viewer=viewer)
            for app in (sealed_app, plain_app)
        ]
        assert SECRET_NOTE not in memos[0]
        assert _normalise(memos[0]) == _normalise(memos[1])


@pytest.mark.parametrize("role", STAFF)
def test_staff_never_read_sealed_positions(worlds, role):
    (sealed_app, sealed_clients, _), _ = worlds
    for path in _targets(sealed_app):
        _, body = _fetch(sealed_clients[role], path)
        assert SECRET_NOTE not in body, path
    scope = sealed_clients[role].get(f"/api/v1/dialogues/{SLUG}/scope").json()
    assert {p["delegation"] for p in scope["positions"]} == set()
    assert scope["complete"] == {"CN": False, "US": False, "RU": False}


def test_own_party_sees_its_sealed_material(worlds):
    (_, clients, secret_id), _ = worlds
    scope = clients["cndel"].get(f"/api/v1/dialogues/{SLUG}/scope").json()
    mine = {p["topic"] for p in scope["positions"] if p["delegation"] == "CN"}
    assert mine == set(SECRET_TOPICS) and scope["hidden"] == ["RU", "US"]
    statements = clients["cndel"].get(f"/api/v1/dialogues/{SLUG}/statements").json()
    assert secret_id in {s["id"] for s in statements}  # the author's delegation sees it
    translator = clients["interp"].get(f"/api/v1/dialogues/{SLUG}/statements").json()
    assert secret_id in {s["id"] for s in translator}  # staff translate pending statements
