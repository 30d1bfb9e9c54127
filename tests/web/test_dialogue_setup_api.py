"""Dialogue set-up through the JSON API, at three parties (China, United States, Russia).

Every set-up route is called as every role of the dialogue -- facilitator, head and
delegate of each party, translator, observer -- and as an admin and an anonymous
visitor; the answer must be the one the rules give that role.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from stratstab.accounts import service as accounts

from .helpers import build_app

PASSWORD = "Setup-api passphrase 5tq!"
SLUG = "tri"
PARTIES = ["CN", "US", "RU"]


def _client(app, username: str | None) -> TestClient:
    client = TestClient(app)
    client.headers["X-CSRF-Token"] = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    if username:
        answer = client.post(
            "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
        )
        assert answer.status_code == 200, answer.text
        client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    return client


@pytest.fixture(scope="module")
def tri(tmp_path_factory):
    """A three-party dialogue whose members all joined by invitation link."""
    app = build_app(f"sqlite:///{tmp_path_factory.mktemp('tri') / 'db.sqlite'}")
    with app.state.session_factory() as db:
        accounts.create_user(db, username="root", password=PASSWORD, role="admin")
        accounts.create_user(db, username="fac", password=PASSWORD, role="facilitator")
        db.commit()
    fac = _client(app, "fac")
    made = fac.post(
        "/api/v1/dialogues",
        json={"slug": SLUG, "title": "Trilateral", "title_zh": "三边", "track": "1.5",
              "parties": PARTIES},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    roles = {"fac": ("facilitator", None), "interp": ("translator", None)}
    roles["watcher"] = ("observer", None)
    for code in PARTIES:
        roles[f"{code.lower()}head"] = ("head", code)
        roles[f"{code.lower()}del"] = ("delegate", code)
    for username, (role, party) in roles.items():
        if username == "fac":
            continue
        invitation = fac.post(
            f"/api/v1/dialogues/{SLUG}/invitations", json={"role": role, "party": party}
        )
        assert invitation.status_code == 201, invitation.text
        anonymous = _client(app, None)
        joined = anonymous.post(
            f"/api/v1/invitations/{invitation.json()['token']}/accept",
            json={"username": username, "password": PASSWORD, "display_name": username},
        )
        assert joined.status_code == 201, joined.text
        assert (joined.json()["role"], joined.json()["party"]) == (role, party)
    clients = {name: _client(app, name) for name in roles}
    clients["root"] = _client(app, "root")
    clients["anonymous"] = _client(app, None)
    return app, clients, roles


RUNS = {"fac", "root"}
HEADS = {"cnhead", "ushead", "ruhead"}
DELEGATES = HEADS | {"cndel", "usdel", "rudel"}
EVERY = ["fac", "root", "interp", "watcher", *sorted(DELEGATES), "anonymous"]


def _expected(rule: str, role: str) -> set[int]:
    """Status codes that show the rule held (allowed codes or the refusal)."""
    if role == "anonymous":
        return {401}
    allowed = {
        "member": True,
        "runs": role in RUNS,
        "creator": role in RUNS,
        "head": role in HEADS,
    }[rule]
    return {200, 201, 204, 400, 409} if allowed else {403}


ROUTES = [
    ("GET", f"/api/v1/dialogues/{SLUG}", None, "member"),
    ("GET", f"/api/v1/dialogues/{SLUG}/members", None, "member"),
    ("GET", f"/api/v1/dialogues/{SLUG}/rounds", None, "member"),
    ("GET", f"/api/v1/dialogues/{SLUG}/scope", None, "member"),
    ("GET", f"/api/v1/dialogues/{SLUG}/scope/US/cyber/history", None, "member"),
    ("PATCH", f"/api/v1/dialogues/{SLUG}", {"description": "three parties"}, "runs"),
    ("GET", f"/api/v1/dialogues/{SLUG}/invitations", None, "runs"),
    ("POST", f"/api/v1/dialogues/{SLUG}/invitations", {"role": "observer"}, "runs"),
    ("PATCH", f"/api/v1/dialogues/{SLUG}/members/watcher", {"role": "observer"}, "runs"),
    ("DELETE", f"/api/v1/dialogues/{SLUG}/members/watcher", None, "runs"),  # no confirm: 400
    ("PATCH", f"/api/v1/dialogues/{SLUG}/rounds/1", {"place": "Vienna"}, "runs"),
    ("POST", f"/api/v1/dialogues/{SLUG}/rounds/open", {"place": "Vienna"}, "runs"),
    ("POST", f"/api/v1/dialogues/{SLUG}/rounds/close", {"outcome": ""}, "runs"),
    ("POST", f"/api/v1/dialogues/{SLUG}/scope/reveal", {}, "runs"),
    ("POST", f"/api/v1/dialogues/{SLUG}/scope/complete", {"complete": False}, "head"),
    (
        "POST",
        "/api/v1/dialogues",
        {"slug": "other", "title": "O", "track": "II", "parties": ["CN", "US"]},
        "creator",
    ),  # fmt: skip
]


@pytest.mark.parametrize("role", EVERY)
def test_every_setup_route_as_every_role(tri, role):
    _, clients, _ = tri
    failures = []
    for method, path, body, rule in ROUTES:
        answer = clients[role].request(method, path, json=body)
        if answer.status_code not in _expected(rule, role):
            failures.append(f"{method} {path}: {role} got {answer.status_code} {answer.text}")
    assert not failures, "\n".join(failures)


def test_members_and_roles_per_dialogue(tri):
    app, clients, roles = tri
    listed = {m["username"]: (m["role"], m["party"]) for m in
              clients["watcher"].get(f"/api/v1/dialogues/{SLUG}/members").json()}  # fmt: skip
    assert listed == {**{u: r for u, r in roles.items()}}
    # One person, two roles: observer here, delegate of Russia in another dialogue.
    clients["fac"].post(
        "/api/v1/dialogues",
        json={"slug": "second", "title": "Second", "track": "II", "parties": ["RU", "CN"]},
    )
    token = (
        clients["fac"]
        .post("/api/v1/dialogues/second/invitations", json={"role": "delegate", "party": "RU"})
        .json()["token"]
    )
    assert (
        clients["watcher"].post(f"/api/v1/invitations/{token}/accept", json={}).status_code == 201
    )
    assert (
        clients["watcher"]
        .put("/api/v1/dialogues/second/scope/cyber", json={"stance": "include"})
        .status_code
        == 200
    )
    assert (
        clients["watcher"]
        .put(f"/api/v1/dialogues/{SLUG}/scope/cyber", json={"stance": "include"})
        .status_code
        == 403
    )
    slugs = {d["slug"] for d in clients["watcher"].get("/api/v1/dialogues").json()}
    assert slugs == {SLUG, "second"}
    assert {d["slug"] for d in clients["usdel"].get("/api/v1/dialogues").json()} == {SLUG}
    assert clients["usdel"].get("/api/v1/dialogues/second").status_code == 404


def test_invitation_rules(tri):
    _, clients, _ = tri
    fac = clients["fac"]
    bad = [
        ({"role": "delegate"}, 400),  # a delegate needs a party
        ({"role": "observer", "party": "CN"}, 400),  # an observer has none
        ({"role": "delegate", "party": "JP"}, 400),  # not a party of this dialogue
        ({"role": "head", "party": "CN"}, 201),  # a second head: refused on accepting
        ({"role": "king"}, 422),
        ({"role": "observer", "expires_in_days": 0}, 422),
    ]
    for body, status in bad:
        assert fac.post(f"/api/v1/dialogues/{SLUG}/invitations", json=body).status_code == status
    made = fac.post(f"/api/v1/dialogues/{SLUG}/invitations", json={"role": "observer"}).json()
    listed = fac.get(f"/api/v1/dialogues/{SLUG}/invitations").json()
    assert made["token"] not in str(listed) and listed[0]["state"] == "open"
    assert fac.delete(f"/api/v1/dialogues/{SLUG}/invitations/{made['id']}").status_code == 204
    gone = _client(tri[0], None).post(
        f"/api/v1/invitations/{made['token']}/accept",
        json={"username": "late", "password": PASSWORD},
    )
    assert gone.status_code == 410 and gone.json()["state"] == "revoked"
    assert gone.json()["detail_zh"]
    assert _client(tri[0], None).get(f"/api/v1/invitations/{'y' * 43}").status_code == 404


def test_create_dialogue_validation(tri):
    _, clients, _ = tri
    fac = clients["fac"]
    base = {"slug": "v", "title": "V", "track": "II", "parties": ["CN", "US"]}
    for change, status in (
        ({"parties": ["CN"]}, 422),
        ({"parties": ["CN", "US", "RU", "FR", "UK"]}, 422),
        ({"track": "III"}, 422),
        ({"slug": "Bad Slug"}, 422),
        ({"parties": ["CN", "cn"]}, 400),
        ({"slug": SLUG}, 409),
        ({"slug": "new"}, 400),
    ):
        assert fac.post("/api/v1/dialogues", json={**base, **change}).status_code == status
    archived = fac.patch(f"/api/v1/dialogues/{SLUG}", json={"archived": True}).json()
    assert archived["archived_at"] is not None
    assert (
        clients["ushead"]
        .put(f"/api/v1/dialogues/{SLUG}/scope/cyber", json={"stance": "include"})
        .status_code
        == 400
    )
    assert fac.patch(f"/api/v1/dialogues/{SLUG}", json={"archived": False}).status_code == 200


def test_yes_or_no_fields_take_only_true_or_false(tri):
    """The schema says boolean: 0, 1 or "true" in JSON are refused (422), not read as yes/no
    (they archived a dialogue and opened rounds with the staged agenda)."""
    fac = tri[1]["fac"]
    for value in (0, 1, "true", 1.0):
        answer = fac.patch(f"/api/v1/dialogues/{SLUG}", json={"archived": value})
        assert answer.status_code == 422, (value, answer.text)
        assert answer.json()["field"] == "archived"
        opened = fac.post(
            f"/api/v1/dialogues/{SLUG}/rounds/open", json={"use_staged_agenda": value}
        )
        assert opened.status_code == 422, (value, opened.text)
    assert fac.get(f"/api/v1/dialogues/{SLUG}").json()["archived_at"] is None


def test_whole_numbers_do_not_take_true_or_false(tri):
    """``true`` is not a number of days (pydantic would read it as 1)."""
    fac = tri[1]["fac"]
    body = {"role": "observer", "expires_in_days": True}
    answer = fac.post(f"/api/v1/dialogues/{SLUG}/invitations", json=body)
    assert answer.status_code == 422 and answer.json()["field"] == "expires_in_days"
    assert (
        fac.post(
            f"/api/v1/dialogues/{SLUG}/invitations", json={**body, "expires_in_days": 2}
        ).status_code
        == 201
    )
