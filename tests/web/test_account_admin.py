"""Account administration: disable/enable, role change, one-time reset links, last admin.

Through the JSON API, the admin pages and ``stratstab users``; each change ends the
account's sessions and leaves an audit record.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from stratstab.accounts import service as accounts
from stratstab.accounts.models import AuditEvent, PasswordReset, utcnow
from stratstab.cli.main import build_app
from stratstab.errors import StratstabError

from .helpers import login

PASSWORD = "quay-lantern-orchard-47"
NEW_PASSWORD = "violet-harbour-tundra-82"


@pytest.fixture()
def app(app):
    with app.state.session_factory() as db:
        accounts.create_user(db, username="root", password=PASSWORD, role="admin")
        accounts.create_user(
            db, username="ann", password=PASSWORD, role="delegate", delegation_code="CN"
        )
        accounts.create_user(db, username="li", password=PASSWORD, role="observer", locale="zh")
        db.commit()
    return app


def _actions(app, username: str) -> list[str]:
    with app.state.session_factory() as db:
        query = select(AuditEvent.action).where(AuditEvent.target_id == username)
        return list(db.scalars(query.order_by(AuditEvent.id)))


def _anonymous(app) -> TestClient:
    client = TestClient(app)
    client.headers["X-CSRF-Token"] = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    return client


def test_non_admins_get_403_on_every_account_route(app):
    ann = login(app, "ann", PASSWORD)
    assert ann.get("/api/v1/users").status_code == 403
    assert ann.get("/api/v1/users/li").status_code == 403
    assert ann.post("/api/v1/users/li/disable", json={"confirm": True}).status_code == 403
    assert ann.post("/api/v1/users/li/enable").status_code == 403
    assert ann.put("/api/v1/users/li/role", json={"role": "admin"}).status_code == 403
    assert ann.put("/api/v1/users/ann/role", json={"role": "admin"}).status_code == 403
    assert ann.post("/api/v1/users/li/password-reset", json={}).status_code == 403
    with app.state.session_factory() as db:
        assert accounts.get_user(db, username="li").is_active
        assert accounts.get_user(db, username="ann").role == "delegate"


def test_disable_ends_sessions_at_once_and_blocks_login(app):
    admin = login(app, "root", PASSWORD)
    li = login(app, "li", PASSWORD)
    assert li.get("/api/v1/auth/me").status_code == 200
    unconfirmed = admin.post("/api/v1/users/li/disable", json={})
    assert unconfirmed.status_code == 400
    assert li.get("/api/v1/auth/me").status_code == 200
    done = admin.post("/api/v1/users/li/disable", json={"confirm": True})
    assert done.status_code == 200 and done.json()["is_active"] is False
    assert li.get("/api/v1/auth/me").status_code == 401
    refused = _anonymous(app).post(
        "/api/v1/auth/login", json={"username": "li", "password": PASSWORD}
    )
    assert refused.status_code == 401
    assert admin.post("/api/v1/users/li/enable").json()["is_active"] is True
    assert login(app, "li", PASSWORD).get("/api/v1/auth/me").status_code == 200
    assert _actions(app, "li")[-4:] == ["user.disable", "login.failed", "user.enable", "login"]


def test_role_change_ends_sessions_and_is_audited(app):
    admin = login(app, "root", PASSWORD)
    ann = login(app, "ann", PASSWORD)
    changed = admin.put("/api/v1/users/ann/role", json={"role": "observer"})
    assert changed.status_code == 200
    assert changed.json()["role"] == "observer" and changed.json()["delegation_code"] is None
    assert ann.get("/api/v1/auth/me").status_code == 401
    assert login(app, "ann", PASSWORD).get("/api/v1/auth/me").json()["role"] == "observer"
    # A delegate needs a delegation; the refusal changes nothing.
    refused = admin.put("/api/v1/users/ann/role", json={"role": "delegate"})
    assert refused.status_code == 400 and refused.json()["field"] == "delegation_code"
    back = admin.put("/api/v1/users/ann/role", json={"role": "delegate", "delegation_code": "us"})
    assert back.json()["delegation_code"] == "US"
    with app.state.session_factory() as db:
        event = db.scalar(
            select(AuditEvent).where(AuditEvent.action == "user.role").order_by(AuditEvent.id)
        )
        assert event.actor_name == "root"
        assert event.detail["from"] == "delegate" and event.detail["to"] == "observer"
        assert event.detail["sessions_ended"] == 1


def test_the_last_admin_can_be_neither_disabled_nor_demoted(app):
    admin = login(app, "root", PASSWORD)
    assert admin.post("/api/v1/users/root/disable", json={"confirm": True}).status_code == 409
    demoted = admin.put("/api/v1/users/root/role", json={"role": "observer"})
    assert demoted.status_code == 409
    assert "last active admin" in demoted.json()["detail"]
    # Errors come in the admin's stored language.
    admin.put("/api/v1/auth/me/locale", json={"locale": "zh"})
    zh = admin.put("/api/v1/users/root/role", json={"role": "observer"})
    assert zh.status_code == 409 and "最后一个启用的管理员" in zh.json()["detail"]
    # With a second admin, the first may step down.
    assert admin.put("/api/v1/users/li/role", json={"role": "admin"}).status_code == 200
    admin = login(app, "root", PASSWORD)
    assert admin.put("/api/v1/users/root/role", json={"role": "observer"}).status_code == 200
    with app.state.session_factory() as db:
        assert accounts.get_user(db, username="root").role == "observer"


def test_reset_link_works_once_and_ends_sessions(app):
    admin = login(app, "root", PASSWORD)
    ann = login(app, "ann", PASSWORD)
    issued = admin.post("/api/v1/users/ann/password-reset", json={"hours": 2})
    assert issued.status_code == 201
    link = issued.json()
    assert link["url"].endswith(f"/reset/{link['token']}")
    visitor = _anonymous(app)
    assert visitor.get(f"/api/v1/password-resets/{link['token']}").json()["state"] == "open"
    weak = visitor.post(f"/api/v1/password-resets/{link['token']}", json={"password": "ann"})
    assert weak.status_code == 400 and weak.json()["field"] == "password"
    used = visitor.post(f"/api/v1/password-resets/{link['token']}", json={"password": NEW_PASSWORD})
    assert used.status_code == 204
    assert ann.get("/api/v1/auth/me").status_code == 401
    again = visitor.post(
        f"/api/v1/password-resets/{link['token']}", json={"password": "another-" + NEW_PASSWORD}
    )
    assert again.status_code == 410
    assert visitor.get(f"/api/v1/password-resets/{link['token']}").json()["state"] == "used"
    assert login(app, "ann", NEW_PASSWORD).get("/api/v1/auth/me").status_code == 200
    assert visitor.get("/api/v1/password-resets/" + "x" * 43).status_code == 404
    assert _actions(app, "ann")[-3:-1] == ["user.reset_link", "user.password_reset"]
    with app.state.session_factory() as db:
        rows = list(db.scalars(select(PasswordReset)))
        assert len(rows) == 1 and rows[0].token_hash != link["token"]


def test_expired_and_superseded_links_answer_410(app):
    admin = login(app, "root", PASSWORD)
    first = admin.post("/api/v1/users/ann/password-reset", json={}).json()["token"]
    second = admin.post("/api/v1/users/ann/password-reset", json={}).json()["token"]
    visitor = _anonymous(app)
    answer = visitor.post(f"/api/v1/password-resets/{first}", json={"password": NEW_PASSWORD})
    assert answer.status_code == 410
    with app.state.session_factory() as db:  # move the second link's expiry into the past
        db.execute(update(PasswordReset).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.commit()
    late = visitor.post(f"/api/v1/password-resets/{second}", json={"password": NEW_PASSWORD})
    assert late.status_code == 410 and "expired" in late.json()["detail"]
    page = visitor.get(f"/reset/{second}", headers={"Accept-Language": "zh"})
    assert page.status_code == 410 and "已过期" in page.text
    assert admin.post("/api/v1/users/ann/password-reset", json={"hours": 0}).status_code == 422


def test_admin_pages_disable_with_confirmation_and_reset_by_link(app):
    admin = login(app, "root", PASSWORD)
    li = login(app, "li", PASSWORD)
    listing = admin.get("/admin/users")
    assert listing.status_code == 200 and 'data-testid="account-li"' in listing.text
    step = admin.post("/admin/users/li/disable", data={}, follow_redirects=False)
    assert step.status_code == 200 and 'data-testid="confirm-step"' in step.text
    assert li.get("/api/v1/auth/me").status_code == 200  # nothing happened yet
    done = admin.post("/admin/users/li/disable", data={"confirm": "1"}, follow_redirects=False)
    assert done.status_code == 303 and "done=disabled" in done.headers["location"]
    assert li.get("/api/v1/auth/me").status_code == 401
    # Without the CSRF token a page form is refused.
    bare = TestClient(app, cookies=admin.cookies)
    assert bare.post("/admin/users/li/enable", follow_redirects=False).status_code == 403
    admin.post("/admin/users/li/enable")
    changed = admin.post("/admin/users/li/role", data={"role": "facilitator"})
    assert changed.status_code == 200 and "done=role_changed" in str(changed.url)
    issued = admin.post("/admin/users/li/reset-link", data={"hours": "3"})
    assert issued.status_code == 201
    url = issued.text.split('data-testid="reset-url">')[1].split("<")[0]
    path = url[url.index("/reset/") :]
    visitor = _anonymous(app)
    form = visitor.get(path)
    assert form.status_code == 200 and "li" in form.text
    mismatch = visitor.post(path, data={"password": NEW_PASSWORD, "password_again": "other"})
    assert mismatch.status_code == 400
    weak = visitor.post(path, data={"password": "12345678", "password_again": "12345678"})
    assert weak.status_code == 400 and 'data-testid="form-error"' in weak.text
    ok = visitor.post(
        path,
        data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
        follow_redirects=False,
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/login?done=password_reset"
    assert visitor.get(path).status_code == 410
    assert login(app, "li", NEW_PASSWORD).get("/api/v1/auth/me").json()["role"] == "facilitator"


def test_admin_pages_show_last_admin_refusal_in_chinese(app):
    admin = login(app, "root", PASSWORD)
    admin.put("/api/v1/auth/me/locale", json={"locale": "zh"})
    page = admin.post("/admin/users/root/disable", data={"confirm": "1"})
    assert page.status_code == 409 and "最后一个启用的管理员" in page.text


def test_cli_users_commands(app, tmp_path):
    url = str(app.state.session_factory.kw["bind"].url)
    runner = CliRunner()
    cli = build_app("users")

    def run(*args, **kwargs):
        result = runner.invoke(cli, ["users", *args, "--database-url", url], **kwargs)
        # ``stratstab`` (cli.main.main) prints a StratstabError as one line, exit 2.
        if isinstance(result.exception, StratstabError):
            result.exit_code = 2
        return result

    listed = run("list", "--json")
    assert listed.exit_code == 0 and '"username": "ann"' in listed.output
    assert run("disable", "root").exit_code == 2  # the last admin
    assert run("disable", "nobody").exit_code == 2
    assert run("set-role", "ann", "delegate").exit_code == 2  # no delegation given
    assert run("set-role", "ann", "facilitator").exit_code == 0
    assert run("disable", "ann").exit_code == 0
    created = run("create", "bo", "--role", "observer", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert created.exit_code == 0, created.output
    assert run("create", "bo2", "--role", "observer", "--password", "password").exit_code == 2
    link = run("reset-link", "li", "--base-url", "https://ws.example", "--json")
    assert link.exit_code == 0 and '"url": "https://ws.example/reset/' in link.output
    with app.state.session_factory() as db:
        ann = accounts.get_user(db, username="ann")
        assert ann.role == "facilitator" and not ann.is_active
        events = list(db.scalars(select(AuditEvent).where(AuditEvent.target_id == "ann")))
        assert [e.action for e in events][-2:] == ["user.role", "user.disable"]
        assert all(e.detail.get("via") == "cli" for e in events[-2:])
