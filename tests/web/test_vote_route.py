"""The vote route's lean path answers exactly as the FastAPI route does.

Every request below is sent twice to the same workbench: once as served (the lean path
tried first) and once with the lean path taken out, so the FastAPI route answers.  Status,
JSON body and headers must match, in English and in Chinese, for accepted votes, replays
and every refusal a voter can cause (no login, CSRF, shape, membership, role, unknown,
pending and sealed statements).  Well-formed votes must really take the lean path.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from stratstab.accounts import service as accounts
from stratstab.web.dialogues import members as members_service
from stratstab.web.dialogues import vote_route
from stratstab.web.dialogues.vote_route import LeanVoteRoute

from .helpers import build_app, login

SLUG = "lean"
PASSWORD = "Lean-vote passphrase 9kQ!"
# (user name, dialogue role, party, interface language)
PEOPLE = (
    ("fac", "facilitator", None, "en"),
    ("cnhead", "head", "CN", "zh"),
    ("cndel", "delegate", "CN", "zh"),
    ("usdel", "delegate", "US", "en"),
    ("rudel", "delegate", "RU", "zh"),
    ("watcher", "observer", None, "en"),
)
VOLATILE = ("date", "content-length", "set-cookie")


def _client(app, username: str | None) -> TestClient:
    """A client logged in as ``username``, or an anonymous one with its CSRF token."""
    if username:
        return login(app, username, PASSWORD)
    client = TestClient(app)
    client.headers["X-CSRF-Token"] = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    return client


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    app = build_app(f"sqlite:///{tmp_path_factory.mktemp('lean') / 'lean.sqlite'}")
    with app.state.session_factory() as db:
        for username, _, _, locale in PEOPLE:
            role = "facilitator" if username == "fac" else "member"
            accounts.create_user(db, username=username, password=PASSWORD, role=role, locale=locale)
        # A delegate of the US who is not a member of this dialogue.
        accounts.create_user(
            db, username="outsider", password=PASSWORD, role="delegate", delegation_code="US"
        )
        db.commit()
    clients = {name: _client(app, name) for name, *_ in PEOPLE}
    clients["outsider"] = _client(app, "outsider")
    clients["anonymous"] = _client(app, None)
    created = clients["fac"].post(
        "/api/v1/dialogues",
        json={"slug": SLUG, "title": "Lean", "track": "II", "parties": ["CN", "US", "RU"]},
    )
    assert created.status_code == 201, created.text
    for username, role, party, _ in PEOPLE[1:]:
        members_service.add_member(app.state.store, SLUG, username=username, role=role, party=party)

    def submit(client: TestClient, text: str) -> str:
        answer = client.post(f"/api/v1/dialogues/{SLUG}/statements", json={"text_en": text})
        assert answer.status_code == 201, answer.text
        return answer.json()["id"]

    ids = {
        "public": [submit(clients["fac"], f"Public statement {n}") for n in range(3)],
        "pending": submit(clients["usdel"], "A US statement waiting for moderation"),
        "chinese": submit(clients["cndel"], "A Chinese delegate's own statement"),
    }
    yield app, clients, ids


def _lean(app) -> LeanVoteRoute:
    return next(r for r in app.router.routes if isinstance(r, LeanVoteRoute))


def _send(client: TestClient, *, slug: str = SLUG, **request) -> tuple[int, object, dict]:
    answer = client.post(f"/api/v1/dialogues/{slug}/votes", **request)
    try:
        body = answer.json()
    except ValueError:
        body = answer.text
    if isinstance(body, dict):
        body.pop("cast_at", None)  # the time of the write, different by design
    headers = {k: v for k, v in answer.headers.items() if k not in VOLATILE}
    return answer.status_code, body, headers


def _both(app, client: TestClient, **request) -> tuple[tuple, tuple]:
    """The answer with the lean path, then without it (the FastAPI route's)."""
    lean = _lean(app)
    with_lean = _send(client, **request)
    app.router.routes.remove(lean)
    try:
        without = _send(client, **request)
    finally:
        app.router.routes.insert(0, lean)
    return with_lean, without


def _refusals(ids: dict[str, object]) -> list[tuple[str, str, dict]]:
    public = ids["public"][0]
    vote = {"statement": public, "value": 1}
    return [
        ("anonymous", "no login", {"json": vote}),
        ("usdel", "wrong CSRF token", {"json": vote, "headers": {"X-CSRF-Token": "x" * 43}}),
        ("cndel", "wrong CSRF token (zh)", {"json": vote, "headers": {"X-CSRF-Token": "y"}}),
        ("usdel", "value out of range", {"json": {"statement": public, "value": 5}}),
        ("rudel", "value out of range (zh)", {"json": {"statement": public, "value": 2}}),
        ("usdel", "value true", {"json": {"statement": public, "value": True}}),
        ("usdel", "unknown field", {"json": {**vote, "weight": 3}}),
        ("usdel", "importance out of range", {"json": {**vote, "importance": 9}}),
        ("usdel", "missing statement", {"json": {"value": 1}}),
        (
            "usdel",
            "not JSON",
            {"content": b"{vote", "headers": {"content-type": "application/json"}},
        ),
        ("usdel", "a form", {"data": {"statement": public, "value": "1"}}),
        ("usdel", "short idempotency key", {"json": vote, "headers": {"Idempotency-Key": "k"}}),
        ("usdel", "unknown statement", {"json": {"statement": "s-nothing", "value": 1}}),
        ("cndel", "unknown statement (zh)", {"json": {"statement": "s-nothing", "value": 1}}),
        (
            "rudel",
            "pending statement of another party",
            {"json": {"statement": ids["pending"], "value": 1}},
        ),
        ("usdel", "own pending statement", {"json": {"statement": ids["pending"], "value": 1}}),
        ("usdel", "pending Chinese statement", {"json": {"statement": ids["chinese"], "value": 1}}),
        ("outsider", "not a member", {"json": vote}),
        ("fac", "facilitators do not vote", {"json": vote}),
        ("watcher", "observers do not vote", {"json": vote}),
        ("cnhead", "unknown dialogue (zh)", {"json": vote, "slug": "no-such-room"}),
        ("usdel", "control character in the URL", {"json": vote, "slug": "le%01an"}),
    ]


@pytest.mark.parametrize("case", range(22))
def test_refused_vote_answers_as_before(room, case):
    app, clients, ids = room
    username, label, request = _refusals(ids)[case]
    with_lean, without = _both(app, clients[username], **request)
    assert with_lean == without, label
    assert with_lean[0] >= 400, label


def test_refusals_cover_both_languages(room):
    app, clients, ids = room
    messages = [
        _send(clients[user], **request)[1]
        for user, _, request in _refusals(ids)
        if user in ("cndel", "rudel", "cnhead")
    ]
    text = repr(messages)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text  # Chinese in zh mode
    assert "only delegates vote" not in text


def test_accepted_vote_and_replay_answer_as_before(room, monkeypatch):
    app, clients, ids = room
    taken = []
    original = vote_route.record_vote

    async def spy(*args, **kwargs):
        taken.append(args[2])
        return await original(*args, **kwargs)

    monkeypatch.setattr(vote_route, "record_vote", spy)
    statement = ids["public"][1]
    for username in ("usdel", "cndel", "rudel"):
        vote = {"statement": statement, "value": -1, "importance": 2}
        with_lean, without = _both(app, clients[username], json=vote)
        assert with_lean == without
        assert with_lean[0] == 201 and with_lean[1]["value"] == -1
    assert taken == [SLUG] * 3  # the lean path answered each well-formed vote

    # A key first used on one path is replayed by the other, with the same answer.
    key = {"Idempotency-Key": "lean-replay-key-0001"}
    vote = {"statement": ids["public"][2], "value": 0}
    first = clients["usdel"].post(f"/api/v1/dialogues/{SLUG}/votes", json=vote, headers=key)
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    with_lean, without = _both(app, clients["usdel"], json=vote, headers=key)
    assert with_lean == without
    assert with_lean[2].get("idempotent-replayed") == "true"
    # The same key with other content is refused alike.
    other = {"statement": ids["public"][2], "value": 1}
    with_lean, without = _both(app, clients["usdel"], json=other, headers=key)
    assert with_lean == without and with_lean[0] >= 400


def test_ended_session_cannot_vote_on_the_lean_path(room):
    """Logging out (as disabling an account does) ends the session at once."""
    app, clients, ids = room
    client = _client(app, "rudel")
    vote = {"statement": ids["public"][0], "value": 1}
    assert client.post(f"/api/v1/dialogues/{SLUG}/votes", json=vote).status_code == 201
    assert client.post("/api/v1/auth/logout").status_code in (200, 204)
    with_lean, without = _both(app, client, json=vote)
    assert with_lean == without and with_lean[0] == 403  # the session's token is gone
    client.headers["X-CSRF-Token"] = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    with_lean, without = _both(app, client, json=vote)
    assert with_lean == without and with_lean[0] == 401
