"""Login sessions: a new login replaces the old session; a new password ends them all."""

from __future__ import annotations

from fastapi.testclient import TestClient

from stratstab.accounts import service as accounts
from stratstab.web.security import SESSION_COOKIE

from .helpers import build_app

PASSWORD = "quay-lantern-orchard-47"


def _log_in(client: TestClient, password: str = PASSWORD):
    token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    answer = client.post(
        "/api/v1/auth/login",
        json={"username": "ann", "password": password},
        headers={"X-CSRF-Token": token},
    )
    assert answer.status_code == 200, answer.text
    return answer


def _me(app, session_cookie: str) -> int:
    client = TestClient(app)
    client.cookies.set(SESSION_COOKIE, session_cookie)
    return client.get("/api/v1/auth/me").status_code


def test_logging_in_again_ends_the_previous_session(tmp_path):
    app = build_app(f"sqlite:///{tmp_path / 's.sqlite'}")
    with app.state.session_factory() as db:
        accounts.create_user(db, username="ann", password=PASSWORD, role="observer")
        db.commit()
    client = TestClient(app)
    _log_in(client)
    first = client.cookies.get(SESSION_COOKIE)
    _log_in(client)
    second = client.cookies.get(SESSION_COOKIE)
    assert first != second
    assert _me(app, first) == 401  # a stolen or fixated cookie dies with the next login
    assert _me(app, second) == 200


def test_a_new_password_ends_every_session_of_the_user(tmp_path):
    app = build_app(f"sqlite:///{tmp_path / 's.sqlite'}")
    with app.state.session_factory() as db:
        accounts.create_user(db, username="ann", password=PASSWORD, role="observer")
        db.commit()
    laptop, phone = TestClient(app), TestClient(app)
    _log_in(laptop)
    _log_in(phone)
    with app.state.session_factory() as db:
        user = accounts.get_user(db, username="ann")
        accounts.set_password(db, user=user, new_password="harbour-kite-meridian-93")
        db.commit()
    assert laptop.get("/api/v1/auth/me").status_code == 401
    assert phone.get("/api/v1/auth/me").status_code == 401
    _log_in(laptop, "harbour-kite-meridian-93")
    assert laptop.get("/api/v1/auth/me").status_code == 200
