"""Login throttling: per account and per client address, 429 with Retry-After, bounded audit.

The limits are small here (3 wrong passwords per account, 6 per address per window) so
the tests run quickly; they count attempts, never time.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from stratstab.accounts import service as accounts
from stratstab.accounts.models import AuditEvent
from stratstab.web.app import create_app
from stratstab.web.settings import Settings

from .helpers import SECRET

PASSWORD = "quay-lantern-orchard-47"


def _app(tmp_path, name="throttle.sqlite"):
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / name}",
        secret_key=SECRET,
        login_limits_account="3/minute;5/hour",
        login_limits_account_total="8/minute",
        login_limits_address="6/minute",
    )
    app = create_app(settings)
    with app.state.session_factory() as db:
        for username, locale in (("ann", "en"), ("bob", "en"), ("li", "zh")):
            accounts.create_user(
                db, username=username, password=PASSWORD, role="observer", locale=locale
            )
        db.commit()
    return app


def _client(app, address: str) -> TestClient:
    client = TestClient(app, client=(address, 50000))
    client.headers["X-CSRF-Token"] = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    return client


def _try(client, username, password="wrong-password-guess", **headers):
    return client.post(
        "/api/v1/auth/login", json={"username": username, "password": password}, headers=headers
    )


def test_an_account_is_throttled_after_its_limit_with_retry_after(tmp_path):
    app = _app(tmp_path)
    attacker = _client(app, "198.51.100.7")
    statuses = [_try(attacker, "ann").status_code for _ in range(3)]
    assert statuses == [401, 401, 401]
    refused = _try(attacker, "ann")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "too many" in refused.json()["detail"].lower()
    # The right password is refused too from the throttled address ...
    assert _try(attacker, "ann", PASSWORD).status_code == 429
    # ... but the owner at another address with a clean record logs in.
    owner = _client(app, "203.0.113.5")
    assert _try(owner, "ann", PASSWORD).status_code == 200
    # Other accounts are not affected.
    assert _try(_client(app, "203.0.113.6"), "bob", PASSWORD).status_code == 200


def test_a_guesser_spread_over_addresses_meets_the_account_total(tmp_path):
    app = _app(tmp_path)
    statuses = []
    for index in range(12):  # 12 addresses, 1 guess each: the total of 8 stops them
        statuses.append(_try(_client(app, f"198.51.100.{index + 20}"), "ann").status_code)
    assert statuses == [401] * 8 + [429] * 4
    # Then the account is held for everyone (the price of stopping a spread guesser).
    assert _try(_client(app, "203.0.113.5"), "ann", PASSWORD).status_code == 429


def test_a_stranger_hammering_one_address_does_not_use_up_the_account_total(tmp_path):
    app = _app(tmp_path)
    stranger = _client(app, "198.51.100.7")
    statuses = [_try(stranger, "ann").status_code for _ in range(40)]
    assert statuses == [401] * 3 + [429] * 37  # refused attempts are not counted
    assert _try(_client(app, "203.0.113.5"), "ann", PASSWORD).status_code == 200


def test_a_burst_of_parallel_wrong_logins_is_held_at_the_limit(tmp_path, monkeypatch):
    """50 wrong passwords for one account at once: at most 3 reach the password hash.

    Fewer may: a refused attempt is counted for a moment before it is given back, so an
    attempt racing with it can be refused too (the burst gets fewer tries, never more).
    """
    from stratstab.web.auth import service as auth_service

    app = _app(tmp_path)
    checked = []
    lock = threading.Lock()
    real_verify = auth_service.verify_password

    def counting_verify(password, password_hash):
        with lock:
            checked.append(password)
        return real_verify(password, password_hash)

    monkeypatch.setattr(auth_service, "verify_password", counting_verify)
    clients = [_client(app, "198.51.100.7") for _ in range(50)]
    barrier = threading.Barrier(len(clients))

    def attempt(client):
        barrier.wait()
        return _try(client, "ann").status_code

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        statuses = list(pool.map(attempt, clients))
    assert 1 <= len(checked) <= 3
    assert sorted(statuses) == [401] * len(checked) + [429] * (50 - len(checked))


def test_an_address_is_throttled_across_accounts(tmp_path):
    app = _app(tmp_path)
    sprayer = _client(app, "198.51.100.8")
    names = [f"user{i}" for i in range(6)]
    assert [_try(sprayer, name).status_code for name in names] == [401] * 6
    assert _try(sprayer, "someone-else").status_code == 429
    assert _try(sprayer, "bob", PASSWORD).status_code == 429
    assert _try(_client(app, "203.0.113.9"), "bob", PASSWORD).status_code == 200


def test_successful_logins_do_not_use_up_the_limits(tmp_path):
    app = _app(tmp_path)
    office = _client(app, "192.0.2.1")
    for _ in range(3):  # a colleague mistypes: the address has half its failures left
        assert _try(office, "ann").status_code == 401
    for _ in range(10):
        answer = _try(office, "bob", PASSWORD)
        assert answer.status_code == 200
        office.headers["X-CSRF-Token"] = answer.json()["csrf_token"]


def test_the_throttle_is_kept_in_the_database(tmp_path):
    app = _app(tmp_path)
    attacker = _client(app, "198.51.100.7")
    for _ in range(3):
        _try(attacker, "ann")
    # A second server process on the same database (another worker) sees the same counts.
    other_worker = create_app(
        Settings(
            database_url=app.state.settings.database_url,
            secret_key=SECRET,
            login_limits_account="3/minute;5/hour",
            login_limits_account_total="8/minute",
            login_limits_address="6/minute",
        )
    )
    assert _try(_client(other_worker, "198.51.100.7"), "ann").status_code == 429


def test_failures_write_bounded_audit_records_without_attacker_strings(tmp_path):
    app = _app(tmp_path)
    attacker = _client(app, "198.51.100.7")
    made_up = "<script>alert(1)</script>" + "x" * 40
    for _ in range(30):
        _try(attacker, made_up)
    for _ in range(30):
        _try(attacker, "ann")
    with app.state.session_factory() as db:
        events = list(db.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        count = db.scalar(select(func.count()).select_from(AuditEvent))
    assert count <= 12  # 6 checked failures (address limit) + a throttle record or two
    assert all("script" not in (e.target_id + str(e.detail)) for e in events)
    assert any(e.action == "login.throttled" for e in events)


def test_page_login_is_throttled_in_the_readers_language(tmp_path):
    app = _app(tmp_path)
    client = TestClient(app, client=("198.51.100.10", 5000))
    client.get("/login")
    token = client.cookies.get("stratstab_csrf")
    assert token
    form_token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    for _ in range(3):
        client.post(
            "/login",
            data={"username": "li", "password": "nope-nope-nope", "csrf_token": form_token},
            headers={"Accept-Language": "zh-CN"},
        )
    page = client.post(
        "/login",
        data={"username": "li", "password": "nope-nope-nope", "csrf_token": form_token},
        headers={"Accept-Language": "zh-CN"},
    )
    assert page.status_code == 429
    assert "Retry-After" in page.headers
    assert "尝试次数过多" in page.text


@pytest.mark.parametrize("setting", ["login_limits_account", "login_limits_address"])
def test_limits_are_validated_at_start(tmp_path, setting):
    from stratstab.errors import InputError

    with pytest.raises((InputError, ValueError)):
        Settings(database_url=f"sqlite:///{tmp_path / 'x.sqlite'}", **{setting: "lots"})
