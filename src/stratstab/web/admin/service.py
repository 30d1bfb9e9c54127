"""Account administration with audit records."""

from __future__ import annotations

from sqlalchemy.orm import Session

from stratstab.accounts import administration
from stratstab.accounts import service as accounts
from stratstab.accounts.models import AuditEvent, PasswordReset, User
from stratstab.web.admin.schemas import RoleChange, UserCreate


def create_user(db: Session, *, actor: User, data: UserCreate) -> User:
    """Create an account and record who created it."""
    user = accounts.create_user(
        db,
        username=data.username.strip().lower(),
        password=data.password,
        role=data.role,
        display_name=data.display_name,
        delegation_code=(data.delegation_code or "").strip().upper() or None,
        locale=data.locale,
    )
    accounts.record(
        db,
        actor=actor,
        action="user.create",
        target_type="user",
        target_id=user.username,
        detail={"role": user.role, "delegation": user.delegation_code},
    )
    db.commit()
    return user


def list_users(db: Session) -> list[User]:
    """Every account."""
    return accounts.list_users(db)


def audit_log(db: Session, *, limit: int, offset: int) -> list[AuditEvent]:
    """Most recent audit events first."""
    return accounts.audit_log(db, limit=limit, offset=offset)


def get_user(db: Session, *, username: str) -> User:
    """The account called ``username`` (case folded), or NotFoundError."""
    return accounts.get_user(db, username=username.strip().lower())


def set_active(db: Session, *, actor: User, username: str, active: bool) -> User:
    """Disable or re-enable an account (its sessions end when disabled)."""
    user = get_user(db, username=username)
    administration.set_active(db, actor=actor, user=user, active=active)
    db.commit()
    return user


def change_role(db: Session, *, actor: User, username: str, data: RoleChange) -> User:
    """Give an account another global role; its sessions end."""
    user = get_user(db, username=username)
    administration.change_role(
        db, actor=actor, user=user, role=data.role, delegation_code=data.delegation_code
    )
    db.commit()
    return user


def issue_reset_link(
    db: Session, *, actor: User, username: str, hours: int
) -> tuple[str, PasswordReset]:
    """A one-time password-reset link for an account (the token is shown once)."""
    user = get_user(db, username=username)
    token, row = administration.issue_password_reset(db, actor=actor, user=user, hours=hours)
    db.commit()
    return token, row
