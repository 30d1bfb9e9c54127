"""Account administration: disable and re-enable, change the global role, reset links.

One place for the rules that the admin pages, the JSON API and ``stratstab users``
share; each change is written to the audit log in the same transaction as the change
itself, and the caller commits.

- A disabled account cannot log in, and every login session it holds ends at once
  (the rows are deleted, so the end is persisted and holds for every server process).
- A change of role ends the user's sessions too: a session never carries rights the
  account no longer has.  A password set through a reset link does the same
  (:func:`stratstab.accounts.service.set_password`).
- The last active admin can be neither disabled nor given another role, so the
  workbench always keeps someone who can manage accounts.
- A password-reset link is a random token shown once; only its SHA-256 digest is kept
  (table ``account_password_resets``).  It works once, until its expiry; issuing a new
  link for a user retires the user's older open links.

References: OWASP ASVS 4.0.3 V2.5 (credential recovery: a random, time-limited,
single-use secret) and V3.3 (session termination on password change and by an
administrator); OWASP Forgot Password Cheat Sheet.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from stratstab.accounts.models import PasswordReset, User, utcnow
from stratstab.accounts.roles import Role
from stratstab.accounts.service import (
    _aware,
    _token_hash,
    checked_role,
    end_all_sessions,
    record,
    set_password,
)
from stratstab.errors import ConflictError, GoneError, InputError, NotFoundError

DEFAULT_RESET_HOURS = 24
MAX_RESET_HOURS = 7 * 24


def _active_admins(session: Session) -> int:
    query = select(func.count(User.id)).where(User.role == Role.ADMIN.value, User.is_active)
    return int(session.scalar(query) or 0)


def _refuse_losing_last_admin(session: Session, user: User, *, what: str) -> None:
    if user.role == Role.ADMIN.value and user.is_active and _active_admins(session) <= 1:
        raise ConflictError(
            f"{user.username!r} is the last active admin and cannot be {what}; "
            "make another account admin first",
            field="username",
        ).with_key("accounts.error.last_admin", username=user.username)


def set_active(session: Session, *, actor: User | None, user: User, active: bool) -> bool:
    """Enable or disable ``user``; True when something changed.

    Disabling ends every login session of the user at once.
    """
    if bool(user.is_active) == active:
        return False
    if not active:
        _refuse_losing_last_admin(session, user, what="disabled")
    user.is_active = active
    ended = 0 if active else end_all_sessions(session, user=user)
    record(
        session,
        actor=actor,
        action="user.enable" if active else "user.disable",
        target_type="user",
        target_id=user.username,
        detail={"sessions_ended": ended} if not active else {},
    )
    return True


def change_role(
    session: Session,
    *,
    actor: User | None,
    user: User,
    role: Role | str,
    delegation_code: str | None = None,
) -> bool:
    """Give ``user`` another global role (and delegation, for delegates); True if changed.

    The user's login sessions end, so the new rights apply from the next login.
    """
    code = (delegation_code or "").strip().upper() or None
    new_role = checked_role(role, code)
    before = (user.role, user.delegation_code)
    if before == (new_role.value, code):
        return False
    if new_role is not Role.ADMIN:
        _refuse_losing_last_admin(session, user, what="given another role")
    user.role, user.delegation_code = new_role.value, code
    ended = end_all_sessions(session, user=user)
    record(
        session,
        actor=actor,
        action="user.role",
        target_type="user",
        target_id=user.username,
        detail={
            "from": before[0],
            "to": new_role.value,
            "delegation_from": before[1],
            "delegation_to": code,
            "sessions_ended": ended,
        },
    )
    return True


def _update_open_links(session: Session, which, now: datetime, **values: object) -> int:
    """Set ``values`` on the links chosen by ``which`` that are still open at ``now``;
    return how many changed (one statement, so two racing requests cannot both win)."""
    statement = (
        update(PasswordReset)
        .where(which, PasswordReset.used_at.is_(None), PasswordReset.expires_at > now)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return int(session.execute(statement).rowcount or 0)


def issue_password_reset(
    session: Session, *, actor: User | None, user: User, hours: int = DEFAULT_RESET_HOURS
) -> tuple[str, PasswordReset]:
    """A one-time reset link for ``user``, valid ``hours`` hours; the token is shown once.

    Older open links of the same user stop working (their expiry is set to now).
    """
    if not 1 <= hours <= MAX_RESET_HOURS:
        raise InputError(
            f"a reset link lasts 1 to {MAX_RESET_HOURS} hours", field="hours"
        ).with_key("accounts.error.reset_hours", max_hours=MAX_RESET_HOURS)
    now = utcnow()
    retired = _update_open_links(session, PasswordReset.user_id == user.id, now, expires_at=now)
    token = secrets.token_urlsafe(32)
    row = PasswordReset(
        token_hash=_token_hash(token),
        user_id=user.id,
        created_by=actor.username if actor else "system",
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    session.add(row)
    session.flush()
    record(
        session,
        actor=actor,
        action="user.reset_link",
        target_type="user",
        target_id=user.username,
        detail={"link": row.id, "hours": hours, "older_links_retired": retired},
    )
    return token, row


@dataclass(frozen=True)
class ResetPreview:
    """What a reset link shows before use: whose it is and whether it still works."""

    username: str
    display_name: str
    expires_at: datetime
    state: str  # open, used, expired

    @property
    def usable(self) -> bool:
        """Whether a new password can still be set through this link."""
        return self.state == "open"


def _reset_row(session: Session, token: str) -> tuple[PasswordReset, User]:
    row = session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == _token_hash(token))
    )
    user = session.get(User, row.user_id) if row is not None else None
    if row is None or user is None:
        raise NotFoundError("no such password-reset link").with_key("accounts.error.no_reset")
    return row, user


def _state(row: PasswordReset, now: datetime) -> str:
    if row.used_at is not None:
        return "used"
    return "expired" if _aware(row.expires_at) <= now else "open"


def preview_reset(session: Session, *, token: str) -> ResetPreview:
    """Whose link ``token`` is and whether it can still be used (NotFoundError if unknown)."""
    row, user = _reset_row(session, token)
    return ResetPreview(
        username=user.username,
        display_name=user.display_name,
        expires_at=_aware(row.expires_at),
        state=_state(row, utcnow()),
    )


def _gone(state: str) -> GoneError:
    error = GoneError(f"this password-reset link was {state}; ask an admin for a new one")
    error.state = state
    return error.with_key(f"reset.gone.{state}")


def use_password_reset(session: Session, *, token: str, new_password: str) -> User:
    """Set a new password through the link ``token``, once; return the user.

    The password policy judges the password first (a refused password leaves the link
    usable).  The link is claimed by a conditional update, so of two requests racing
    with the same link only one succeeds; the other gets :class:`GoneError`.  Every
    login session of the user ends.
    """
    row, user = _reset_row(session, token)
    now = utcnow()
    state = _state(row, now)
    if state != "open":
        raise _gone(state)
    if not user.is_active:
        raise _gone("expired")
    set_password(session, user=user, new_password=new_password)
    if not user.is_active:  # disabled while the password was hashed
        session.rollback()
        raise _gone("expired")
    claimed = _update_open_links(session, PasswordReset.id == row.id, now, used_at=now)
    if claimed != 1:
        session.rollback()
        raise _gone("used")
    record(
        session,
        actor=user,
        action="user.password_reset",
        target_type="user",
        target_id=user.username,
        detail={"link": row.id},
    )
    return user
