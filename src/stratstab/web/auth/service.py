"""Login and logout on top of :mod:`stratstab.accounts`, with audit records."""

from __future__ import annotations

from fastapi import Request, Response
from sqlalchemy.orm import Session

from stratstab.accounts import service as accounts
from stratstab.accounts.models import LoginSession, User
from stratstab.accounts.passwords import verify_password
from stratstab.web.security import SESSION_COOKIE, set_cookie, sign, unsign


def log_in(
    db: Session, request: Request, response: Response, *, username: str, password: str
) -> LoginSession | None:
    """Check credentials, open a session and set its cookie; None when refused."""
    settings = request.app.state.settings
    user = accounts.find_user(db, username=username.strip().lower())
    stored_hash = user.password_hash if user else None
    # Release the connection during the deliberately slow hash check.
    db.commit()
    if not verify_password(password, stored_hash):
        user = None
    user = accounts.finish_login(user, password=password)
    if user is None:
        accounts.record(
            db, actor=None, action="login.failed", target_type="user", target_id=username[:64]
        )
        db.commit()
        return None
    accounts.purge_expired_sessions(db)
    token, login = accounts.start_session(db, user=user, max_age_s=settings.session_max_age_s)
    accounts.record(db, actor=user, action="login", target_type="user", target_id=user.username)
    db.commit()
    set_cookie(
        response,
        request,
        name=SESSION_COOKIE,
        value=sign(settings.secret, "session", token),
        max_age_s=settings.session_max_age_s,
    )
    request.state.login = login
    return login


def log_out(db: Session, request: Request, response: Response, *, user: User | None) -> None:
    """End the session named by the cookie and clear the cookie."""
    token = unsign(
        request.app.state.settings.secret, "session", request.cookies.get(SESSION_COOKIE)
    )
    if token:
        accounts.end_session(db, token=token)
    if user is not None:
        accounts.record(
            db, actor=user, action="logout", target_type="user", target_id=user.username
        )
    db.commit()
    response.delete_cookie(SESSION_COOKIE, path="/")
    request.state.login = None


def change_locale(db: Session, *, user: User, locale: str) -> None:
    """Store a logged-in user's language preference."""
    accounts.set_locale(db, user=user, locale=locale)
    db.commit()
