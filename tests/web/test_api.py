"""API tests on a temporary database: auth, CSRF, sessions, dialogue flow, audit."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from stratstab.accounts import service as accounts
from stratstab.web.security import SESSION_COOKIE
from tests.waiting import wait_until

from .helpers import SLUG, build_app, login, recompute_consensus


def _user(app, username, role, delegation=None, password="quay-lantern-orchard-47"):
    with app.state.session_factory() as db:
        accounts.create_user(
            db, username=username, password=password, role=role, delegation_code=delegation
        )
        db.commit()


def test_healthz_and_openapi(app):
    client = TestClient(app)
    assert client.get("/healthz").json()["status"] == "ok"
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/dialogues/{slug}/votes" in schema["paths"]
    docs = client.get("/api/v1/docs").text
    assert "/api/v1/auth/login" in docs and "cdn" not in docs.lower()
    assert client.get("/docs").status_code == 404  # FastAPI's CDN-backed page is off


def test_login_wrong_password_is_401_and_audited(app):
    _user(app, "ann", "observer")
    client = TestClient(app)
    token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    answer = client.post(
        "/api/v1/auth/login",
        json={"username": "ann", "password": "nope-nope"},
        headers={"X-CSRF-Token": token},
    )
    assert answer.status_code == 401
    _user(app, "root", "admin")
    admin = login(app, "root", "quay-lantern-orchard-47")
    actions = [e["action"] for e in admin.get("/api/v1/audit").json()]
    assert "login.failed" in actions and "login" in actions


def test_session_cookie_flags(app):
    _user(app, "ann", "observer")
    client = TestClient(app)
    token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    answer = client.post(
        "/api/v1/auth/login",
        json={"username": "ann", "password": "quay-lantern-orchard-47"},
        headers={"X-CSRF-Token": token},
    )
    cookie = next(h for h in answer.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Secure" not in cookie
    secure = TestClient(app, base_url="https://testserver")
    token = secure.get("/api/v1/auth/csrf").json()["csrf_token"]
    answer = secure.post(
        "/api/v1/auth/login",
        json={"username": "ann", "password": "quay-lantern-orchard-47"},
        headers={"X-CSRF-Token": token},
    )
    cookie = next(h for h in answer.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    assert "Secure" in cookie


def test_csrf_refused_without_or_with_wrong_token(app):
    _user(app, "root", "admin")
    client = login(app, "root", "quay-lantern-orchard-47")
    body = {"username": "bob", "password": "quay-lantern-orchard-47", "role": "observer"}
    assert client.post("/api/v1/users", json=body, headers={"X-CSRF-Token": ""}).status_code == 403
    assert (
        client.post("/api/v1/users", json=body, headers={"X-CSRF-Token": "forged"}).status_code
        == 403
    )
    form = client.post("/admin/users", data=body, headers={"X-CSRF-Token": ""})
    assert form.status_code == 403
    assert client.post("/api/v1/users", json=body).status_code == 201


def test_logout_ends_the_session(app):
    _user(app, "ann", "observer")
    client = login(app, "ann", "quay-lantern-orchard-47")
    assert client.get("/api/v1/auth/me").status_code == 200
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert client.get("/api/v1/auth/me").status_code == 401


def test_tampered_session_cookie_is_anonymous(app):
    _user(app, "ann", "observer")
    client = login(app, "ann", "quay-lantern-orchard-47")
    value = client.cookies.get(SESSION_COOKIE)
    client.cookies.set(SESSION_COOKIE, value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert client.get("/api/v1/auth/me").status_code == 401


def test_locale_preference_is_stored(app):
    _user(app, "ann", "observer")
    client = login(app, "ann", "quay-lantern-orchard-47")
    assert client.put("/api/v1/auth/me/locale", json={"locale": "zh"}).json()["locale"] == "zh"
    assert "首页" in client.get("/").text
    anonymous = TestClient(app)
    assert "Home" in anonymous.get("/").text
    assert "首页" in anonymous.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).text


def test_admin_creates_delegate_and_bad_input_is_400(app):
    _user(app, "root", "admin")
    admin = login(app, "root", "quay-lantern-orchard-47")
    bad = admin.post(
        "/api/v1/users",
        json={"username": "d1", "password": "quay-lantern-orchard-47", "role": "delegate"},
    )
    assert bad.status_code == 400 and bad.json()["field"] == "delegation_code"
    ok = admin.post(
        "/api/v1/users",
        json={
            "username": "d1",
            "password": "quay-lantern-orchard-47",
            "role": "delegate",
            "delegation_code": "cn",
        },
    )
    assert ok.status_code == 201 and ok.json()["delegation_code"] == "CN"
    assert "password" not in ok.text


def test_production_refuses_default_secret(tmp_path):
    from stratstab.errors import InputError
    from stratstab.web.settings import Settings

    with pytest.raises(InputError):
        Settings(environment="production", database_url=f"sqlite:///{tmp_path}/x.sqlite")
    with pytest.raises(InputError):
        Settings(
            environment="production",
            secret_key="changethis",
            database_url=f"sqlite:///{tmp_path}/x.sqlite",
        )
    first = Settings(database_url=f"sqlite:///{tmp_path}/x.sqlite").secret
    assert first == Settings(database_url=f"sqlite:///{tmp_path}/x.sqlite").secret
    assert (tmp_path / "stratstab-secret.key").stat().st_mode & 0o077 == 0


def test_dialogue_flow_on_every_database(database_url):
    """Vote, submit, moderate, seal, reveal, ledger — on SQLite and PostgreSQL."""
    from stratstab.web.demo import seed_demo

    app = build_app(database_url)
    seed_demo(app.state.session_factory, store=app.state.store)
    cn, us, fac = login(app, "cn1"), login(app, "us1"), login(app, "facilitator")
    assert (
        cn.post(
            f"/api/v1/dialogues/{SLUG}/votes", json={"statement": "3", "value": 1, "importance": 3}
        ).status_code
        == 201
    )
    assert (
        cn.post(f"/api/v1/dialogues/{SLUG}/votes", json={"statement": "3", "value": -1}).status_code
        == 201
    )
    nxt = cn.get(f"/api/v1/dialogues/{SLUG}/next-statement").json()
    assert nxt["voted"] == 1 and nxt["statement"]["id"] == "0"
    # US learns nothing of China's sealed positions: not which topics, not how many.
    scope = us.get(f"/api/v1/dialogues/{SLUG}/scope").json()
    assert scope["positions"] == [] and scope["hidden"] == ["CN"]
    assert scope["complete"] == {"CN": False, "US": False} and not scope["may_reveal"]
    assert "sealed" not in scope and "submitted" not in scope
    reveal = f"/api/v1/dialogues/{SLUG}/scope/reveal"
    assert fac.post(reveal, json={"confirm": True}).status_code == 400  # nobody complete
    us.put(f"/api/v1/dialogues/{SLUG}/scope/missile-defense", json={"stance": "exclude"})
    mine = cn.get(f"/api/v1/dialogues/{SLUG}/scope").json()
    assert {p["delegation"] for p in mine["positions"]} == {"CN"} and mine["hidden"] == ["US"]
    complete = f"/api/v1/dialogues/{SLUG}/scope/complete"
    assert cn.post(complete, json={"complete": True}).status_code == 400  # needs confirm
    assert login(app, "cn2").post(complete, json={"confirm": True}).status_code == 403  # head
    assert cn.post(complete, json={"confirm": True}).json()["complete"]["CN"] is True
    assert fac.post(reveal, json={"confirm": True}).status_code == 400  # US not complete
    assert us.post(complete, json={"confirm": True}).status_code == 200
    assert fac.get(f"/api/v1/dialogues/{SLUG}/scope").json()["may_reveal"] is True
    assert fac.post(reveal, json={}).status_code == 400  # no confirmation, no reveal
    assert [
        p["delegation"] for p in us.get(f"/api/v1/dialogues/{SLUG}/scope").json()["positions"]
    ] == ["US"]  # still sealed: declaring complete reveals nothing
    assert fac.post(reveal, json={"confirm": True}).json()["revealed"] == 7
    assert fac.post(reveal, json={"confirm": True}).status_code == 400  # once only
    revealed = us.get(f"/api/v1/dialogues/{SLUG}/scope").json()
    assert len(revealed["positions"]) == 7 and revealed["analysis"]["stages"]
    # After the reveal a change is a public new version, with its history.
    us.put(f"/api/v1/dialogues/{SLUG}/scope/missile-defense", json={"stance": "include"})
    seen = cn.get(f"/api/v1/dialogues/{SLUG}/scope").json()["positions"]
    changed = next(p for p in seen if p["delegation"] == "US")
    assert (changed["stance"], changed["version"], changed["sealed"]) == ("include", 2, False)
    history = cn.get(f"/api/v1/dialogues/{SLUG}/scope/US/missile-defense/history").json()
    assert [(h["version"], h["stance"]) for h in history] == [(1, "exclude")]
    # A statement the facilitator seals is hidden from delegates until unsealed.
    made = fac.post(
        f"/api/v1/dialogues/{SLUG}/statements", json={"text_en": "Sealed item", "sealed": True}
    ).json()
    assert made["id"] not in {
        s["id"] for s in us.get(f"/api/v1/dialogues/{SLUG}/statements").json()
    }
    assert (
        us.post(
            f"/api/v1/dialogues/{SLUG}/votes", json={"statement": made["id"], "value": 1}
        ).status_code
        == 404
    )
    fac.patch(f"/api/v1/dialogues/{SLUG}/statements/{made['id']}", json={"sealed": False})
    assert made["id"] in {s["id"] for s in us.get(f"/api/v1/dialogues/{SLUG}/statements").json()}
    ledger = fac.post(
        f"/api/v1/dialogues/{SLUG}/ledger",
        json={"key": "cbm", "title_en": "Launch notification", "status": "open"},
    )
    assert ledger.status_code == 201
    close = f"/api/v1/dialogues/{SLUG}/rounds/close"
    assert fac.post(close, json={"outcome": "done"}).status_code == 400  # needs confirm
    closed = fac.post(close, json={"outcome": "done", "confirm": True}).json()
    assert (closed["number"], closed["status"], closed["outcome"]) == (1, "closed", "done")
    assert [r["status"] for r in us.get(f"/api/v1/dialogues/{SLUG}/rounds").json()] == ["closed"]
    opened = fac.post(
        f"/api/v1/dialogues/{SLUG}/rounds/open",
        json={"date": "2026-06-01", "place": "Beijing", "use_staged_agenda": True},
    ).json()
    assert (opened["number"], opened["place"], opened["status"]) == (2, "Beijing", "open")
    assert opened["agenda"]  # the staged agenda of the revealed positions
    items = {i["key"]: i for i in us.get(f"/api/v1/dialogues/{SLUG}/ledger").json()["items"]}
    assert items["cbm"]["carried"] and items["hotline"]["status"] == "agreed"
    assert SLUG in recompute_consensus(app)  # votes changed it; pages only read
    consensus = fac.get(f"/api/v1/dialogues/{SLUG}/consensus").json()
    assert consensus["n_groups"] >= 2 and consensus["cruxes"]
    app.state.store.close()
    app.state.engine.dispose()


def test_assessment_run_and_compare(app):
    _user(app, "ann", "observer")
    client = login(app, "ann", "quay-lantern-orchard-47")
    job = client.post(
        "/api/v1/assessments", json={"view": "US-view", "levers": {"US.interceptors": 200}}
    )
    assert job.status_code == 202
    result = _wait(client, job.json()["id"])
    assert 0 <= result["crisis_stability_index"] <= 1
    assert result["per_side"]["US"]["interceptors"] == 200
    comparison = client.post(
        "/api/v1/comparisons", json={"left": {"view": "US-view"}, "right": {"view": "CN-view"}}
    )
    compared = _wait(client, comparison.json()["id"])
    assert compared["views"] == ["US-view", "CN-view"] and compared["differences"]["CN-view"]
    page = client.get(f"/assess/jobs/{comparison.json()['id']}").text
    assert 'class="changed"' in page
    bad = client.post("/api/v1/assessments", json={"levers": {"US.warp_drive": 1}})
    assert bad.status_code == 400 and "warp_drive" in bad.json()["detail"]
    other = login_other(app)
    assert other.get(f"/api/v1/jobs/{job.json()['id']}").status_code == 404


def login_other(app):
    _user(app, "eve", "observer")
    return login(app, "eve", "quay-lantern-orchard-47")


def _wait(client, job_id):
    def finished():
        state = client.get(f"/api/v1/jobs/{job_id}").json()
        assert state["state"] != "failed", state["error"]
        return state if state["state"] == "done" else None

    return wait_until(finished, f"job {job_id}")["result"]


def test_uploaded_scenario_is_private(app):
    from pathlib import Path

    import stratstab.analysis

    _user(app, "ann", "observer")
    ann, eve = login(app, "ann", "quay-lantern-orchard-47"), login_other(app)
    text = (
        Path(stratstab.analysis.__file__).parent / "scenarios" / "us-china-2024-baseline.yaml"
    ).read_text(encoding="utf-8")
    made = ann.post(
        "/api/v1/scenarios", json={"yaml": text.replace("interceptors: 44", "interceptors: 10")}
    )
    assert made.status_code == 201
    assert ann.get(f"/api/v1/scenarios/{made.json()['id']}").status_code == 200
    assert eve.get(f"/api/v1/scenarios/{made.json()['id']}").status_code == 404
    broken = ann.post("/api/v1/scenarios", json={"yaml": "forces: [1, 2"})
    assert broken.status_code == 400
