"""The vote route's lean login read agrees with the ORM one every other route uses."""

from __future__ import annotations

from datetime import timedelta

import pytest

from stratstab.accounts import service as accounts
from stratstab.accounts.models import LoginSession, utcnow

from .helpers import build_app

PASSWORD = "quay-lantern-orchard-47"


@pytest.fixture()
def app(tmp_path):
    return build_app(f"sqlite:///{tmp_path / 'p.sqlite'}")


def _both(app, token: str):
    with app.state.session_factory() as db:
        login = accounts.resolve_session(db, token=token)
    with app.state.engine.connect() as connection:
        principal = accounts.resolve_principal(connection, token=token)
    return login, principal


def _start(app, **user) -> tuple[str, int]:
    with app.state.session_factory() as db:
        made = accounts.create_user(db, password=PASSWORD, **user)
        token, _ = accounts.start_session(db, user=made, max_age_s=3600)
        db.commit()
        return token, made.id


def test_a_live_login_reads_the_same_facts(app):
    token, user_id = _start(app, username="ann", role="delegate", delegation_code="US")
    login, principal = _both(app, token)
    assert login is not None and principal is not None
    assert (principal.id, principal.username, principal.role, principal.locale) == (
        user_id,
        login.user.username,
        login.user.role,
        login.user.locale,
    )
    assert principal.csrf_token == login.csrf_token


def test_unknown_expired_and_disabled_logins_are_refused_by_both(app):
    assert _both(app, "no-such-token") == (None, None)
    token, user_id = _start(app, username="bob", role="delegate", delegation_code="CN")
    with app.state.session_factory() as db:
        db.query(LoginSession).filter_by(user_id=user_id).update(
            {"expires_at": utcnow() - timedelta(seconds=1)}
        )
        db.commit()
    assert _both(app, token) == (None, None)

    token, user_id = _start(app, username="cai", role="delegate", delegation_code="CN")
    assert all(found is not None for found in _both(app, token))
    with app.state.session_factory() as db:
        accounts.get_user(db, username="cai").is_active = False
        db.commit()
    assert _both(app, token) == (None, None)
