"""Login and logout on top of :mod:`stratstab.accounts`, with audit records.

A login attempt is first counted by the throttle (:mod:`stratstab.accounts.throttle`):
an attempt beyond a limit gets 429 with ``Retry-After`` before any password is hashed,
and a right password takes its count back.  A failure is audited without storing what
the client typed: the record names the account only when it exists, else "(unknown account)", and a
throttle that has just been used up is recorded once per window.
"""

from __future__ import annotations

from fastapi import Request, Response
from sqlalchemy.orm import Session

from stratstab.accounts import service as accounts
from stratstab.accounts.models import LoginSession, User
from stratstab.accounts.passwords import verify_password
from stratstab.accounts.throttle import Admission, LoginThrottle, Refusal
from stratstab.web.errors import LocalizedError
from stratstab.web.security import SESSION_COOKIE, set_cookie, sign, unsign

UNKNOWN_ACCOUNT = "(unknown account)"


def client_address(request: Request) -> str | None:
    """The client's address (uvicorn puts a trusted proxy's X-Forwarded-For here)."""
    return request.client.host if request.client else None


def _throttled(retry_after_s: int) -> LocalizedError:
    return LocalizedError(
        429,
        "auth.throttled",
        headers={"Retry-After": str(retry_after_s)},
        minutes=max(1, -(-retry_after_s // 60)),
    )


def _record_failure(
    db: Session,
    throttle: LoginThrottle,
    admission: Admission,
    *,
    user: User | None,
    address: str | None,
) -> None:
    used_up = throttle.failed(admission)
    target = user.username if user else UNKNOWN_ACCOUNT
    accounts.record(
        db,
        actor=None,
        action="login.failed",
        target_type="user",
        target_id=target,
        detail={"address": address},
    )
    for scope, limit in used_up:
        accounts.record(
            db,
            actor=None,
            action="login.throttled",
            target_type=scope,
            target_id=str(address) if scope == "address" else target,
            detail={"limit": limit, "address": address} if scope != "address" else {"limit": limit},
        )
    db.commit()


def log_in(
    db: Session, request: Request, response: Response, *, username: str, password: str
) -> LoginSession | None:
    """Check credentials, open a session and set its cookie; None when refused.

    The attempt is counted by the throttle before the password is hashed; raises
    :class:`LocalizedError` 429 when a limit is used up.
    """
    settings = request.app.state.settings
    throttle: LoginThrottle = request.app.state.login_throttle
    address = client_address(request)
    admission = throttle.admit(username=username, address=address)
    if isinstance(admission, Refusal):
        raise _throttled(admission.retry_after_s)
    user = accounts.find_user(db, username=username.strip().lower())
    stored_hash = user.password_hash if user else None
    # Release the connection during the deliberately slow hash check.
    db.commit()
    matched = verify_password(password, stored_hash)
    checked_user = accounts.finish_login(user if matched else None, password=password)
    if checked_user is None:
        _record_failure(db, throttle, admission, user=user, address=address)
        return None
    throttle.succeeded(admission)
    user = checked_user
    # Session rotation: the session this browser held before (another user's, or a
    # cookie planted by an attacker) ends; the new login gets a new token.
    previous = unsign(settings.secret, "session", request.cookies.get(SESSION_COOKIE))
    if previous:
        accounts.end_session(db, token=previous)
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
