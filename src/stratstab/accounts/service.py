"""Account operations on a SQLAlchemy session: users, login sessions, audit log.

Functions take an open :class:`sqlalchemy.orm.Session` and leave committing to the
caller, so that a change and its audit record land in the same transaction.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, delete, select
from sqlalchemy.orm import Session, joinedload

from stratstab.accounts.models import AuditEvent, LoginSession, User, utcnow
from stratstab.accounts.password_policy import check_new_password
from stratstab.accounts.passwords import hash_password, needs_rehash, verify_password
from stratstab.accounts.roles import Role
from stratstab.db import begin_write
from stratstab.errors import ConflictError, InputError, NotFoundError

SUPPORTED_LOCALES = ("en", "zh")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,63}$")
_DELEGATION = re.compile(r"^[A-Z]{2,16}$")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes even for timezone-aware columns; they are UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


@dataclass(frozen=True)
class NewAccount:
    """An account checked and with its password hashed, ready to be written.

    Made by :func:`prepare_account` outside any write transaction: the deliberately
    slow hash then never holds the database's write lock.
    """

    username: str
    display_name: str
    password_hash: str
    role: Role
    delegation_code: str | None
    locale: str


def prepare_account(
    *,
    username: str,
    password: str,
    role: Role | str,
    display_name: str | None = None,
    delegation_code: str | None = None,
    locale: str = "en",
) -> NewAccount:
    """Check a new account's fields and password policy and hash the password.

    Delegates must name their delegation, other roles must not.  Touches no database.
    """
    if not _USERNAME.match(username):
        raise InputError(
            "expected 2-64 characters: lower-case letters, digits, '_', '.', '-'",
            field="username",
        ).with_key("accounts.error.username_form")
    role = checked_role(role, delegation_code)
    if locale not in SUPPORTED_LOCALES:
        raise InputError(f"expected one of {SUPPORTED_LOCALES}", field="locale").with_key(
            "accounts.error.locale"
        )
    check_new_password(
        password, username=username, display_name=display_name, other_inputs=[delegation_code]
    )
    return NewAccount(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        role=role,
        delegation_code=delegation_code if role is Role.DELEGATE else None,
        locale=locale,
    )


def add_account(session: Session, account: NewAccount) -> User:
    """Write a prepared account (see :func:`prepare_account`); a taken name is a conflict."""
    begin_write(session)
    if session.scalar(select(User.id).where(User.username == account.username)) is not None:
        raise ConflictError(f"user {account.username!r} exists already", field="username").with_key(
            "accounts.error.username_taken", username=account.username
        )
    user = User(
        username=account.username,
        display_name=account.display_name,
        password_hash=account.password_hash,
        role=account.role.value,
        delegation_code=account.delegation_code,
        locale=account.locale,
    )
    session.add(user)
    session.flush()
    return user


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role | str,
    display_name: str | None = None,
    delegation_code: str | None = None,
    locale: str = "en",
) -> User:
    """Add a user; delegates must name their delegation, other roles must not."""
    # Hash before the first read: the deliberately slow hash must not sit between the
    # read and the insert, where another writer's commit (the consensus worker's, a
    # job's) would make SQLite refuse the lock upgrade at once ("database is locked").
    prepared = prepare_account(
        username=username,
        password=password,
        role=role,
        display_name=display_name,
        delegation_code=delegation_code,
        locale=locale,
    )
    return add_account(session, prepared)


def checked_role(role: Role | str, delegation_code: str | None) -> Role:
    """``role`` as a :class:`Role`, or InputError; delegates (only) name a delegation."""
    try:
        role = Role(role)
    except ValueError:
        raise InputError(
            f"unknown role {role!r}; expected one of {', '.join(r.value for r in Role)}",
            field="role",
        ).with_key("accounts.error.role") from None
    if role is Role.DELEGATE:
        if not delegation_code or not _DELEGATION.match(delegation_code):
            raise InputError(
                "a delegate needs a delegation code of 2-16 capital letters, e.g. CN",
                field="delegation_code",
            ).with_key("accounts.error.delegation_needed")
    elif delegation_code:
        raise InputError("only delegates belong to a delegation", field="delegation_code").with_key(
            "accounts.error.delegation_only_delegates"
        )
    return role


def set_password(session: Session, *, user: User, new_password: str) -> None:
    """Give ``user`` a new password (reset, invitation acceptance, change).

    The password policy judges it first; every login session of the user ends, so a
    password changed after a theft shuts the thief out.  The slow hash is made before
    the write transaction begins (see :func:`stratstab.db.begin_write`): a read
    transaction ended by it is committed, and ``user`` is read again inside the write.
    """
    check_new_password(
        new_password,
        username=user.username,
        display_name=user.display_name,
        other_inputs=[user.delegation_code],
    )
    password_hash = hash_password(new_password)
    begin_write(session)
    session.refresh(user)
    user.password_hash = password_hash
    end_all_sessions(session, user=user)


def end_all_sessions(session: Session, *, user: User) -> int:
    """End every login session of ``user`` (password or role changed, account disabled)."""
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    result = session.execute(query.execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


def authenticate(session: Session, *, username: str, password: str) -> User | None:
    """The active user with these credentials, or None (same cost either way)."""
    user = find_user(session, username=username)
    if not verify_password(password, user.password_hash if user else None):
        return None
    return finish_login(user, password=password)


def find_user(session: Session, *, username: str) -> User | None:
    """The user called ``username``, or None."""
    return session.scalar(select(User).where(User.username == username))


def finish_login(user: User | None, *, password: str) -> User | None:
    """After a successful password check: refuse inactive users, refresh the hash."""
    if user is None or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def start_session(session: Session, *, user: User, max_age_s: int) -> tuple[str, LoginSession]:
    """Open a login session; return the secret cookie token (stored only hashed)."""
    token = secrets.token_urlsafe(32)
    login = LoginSession(
        token_hash=_token_hash(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        expires_at=utcnow() + timedelta(seconds=max_age_s),
    )
    session.add(login)
    session.flush()
    return token, login


# Every request asks it: one query (the user joined), built once.
_SESSION_BY_TOKEN = (
    select(LoginSession)
    .options(joinedload(LoginSession.user))
    .where(LoginSession.token_hash == bindparam("token_hash"))
)


def _live(expires_at: datetime, is_active: bool) -> bool:
    """Whether a login session counts: not expired, and its account not disabled."""
    return is_active and _aware(expires_at) > utcnow()


def resolve_session(session: Session, *, token: str) -> LoginSession | None:
    """The live login session for a cookie token, or None if unknown or expired."""
    login = session.scalar(_SESSION_BY_TOKEN, {"token_hash": _token_hash(token)})
    if login is None or not _live(login.expires_at, login.user.is_active):
        return None
    return login


@dataclass(frozen=True, slots=True)
class Principal:
    """A live login as the busiest route (voting) needs it: plain values, no ORM objects.

    ``id``, ``username``, ``role`` and ``locale`` are the account's, ``csrf_token`` the
    login session's.  Read by :func:`resolve_principal` under the rules of
    :func:`resolve_session`.
    """

    id: int
    username: str
    role: str
    locale: str
    csrf_token: str


_PRINCIPAL_BY_TOKEN = (
    select(
        User.id,
        User.username,
        User.role,
        User.locale,
        User.is_active,
        LoginSession.csrf_token,
        LoginSession.expires_at,
    )
    .join(User, User.id == LoginSession.user_id)
    .where(LoginSession.token_hash == bindparam("token_hash"))
)


def resolve_principal(connection: Connection, *, token: str) -> Principal | None:
    """The live login for a cookie token as a :class:`Principal` (None: unknown or expired).

    One Core query on ``connection``: a fraction of the cost of loading the ORM objects
    of :func:`resolve_session`, which every other route uses.
    """
    row = connection.execute(_PRINCIPAL_BY_TOKEN, {"token_hash": _token_hash(token)}).first()
    if row is None or not _live(row.expires_at, row.is_active):
        return None
    return Principal(row.id, row.username, row.role, row.locale, row.csrf_token)


def end_session(session: Session, *, token: str) -> None:
    """Forget a login session (logout); unknown tokens are ignored."""
    query = delete(LoginSession).where(LoginSession.token_hash == _token_hash(token))
    session.execute(query.execution_options(synchronize_session=False))


def purge_expired_sessions(session: Session) -> int:
    """Delete expired login sessions; return how many were removed."""
    # No in-session sync: SQLite hands back naive datetimes that cannot be compared in Python.
    query = delete(LoginSession).where(LoginSession.expires_at <= utcnow())
    result = session.execute(query.execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


def get_user(session: Session, *, username: str) -> User:
    """The user with this name, or NotFoundError."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError(f"no user {username!r}").with_key(
            "accounts.error.no_user", username=username
        )
    return user


def list_users(session: Session) -> list[User]:
    """All users, ordered by role then name."""
    return list(session.scalars(select(User).order_by(User.role, User.username)))


def set_locale(session: Session, *, user: User, locale: str) -> None:
    """Store the user's interface language."""
    if locale not in SUPPORTED_LOCALES:
        raise InputError(f"expected one of {SUPPORTED_LOCALES}", field="locale").with_key(
            "accounts.error.locale"
        )
    user.locale = locale


def record(
    session: Session,
    *,
    actor: User | None,
    action: str,
    target_type: str,
    target_id: str | int,
    detail: dict | None = None,
) -> AuditEvent:
    """Append an audit event for a change made by ``actor`` (None: the system)."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_name=actor.username if actor else "system",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        detail=dict(detail or {}),
        at=utcnow(),
    )
    session.add(event)
    return event


def audit_log(session: Session, *, limit: int = 200, offset: int = 0) -> list[AuditEvent]:
    """Most recent audit events first."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(query))
