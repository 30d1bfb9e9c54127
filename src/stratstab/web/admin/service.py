"""Account administration with audit records."""

from __future__ import annotations

from sqlalchemy.orm import Session

from stratstab.accounts import service as accounts
from stratstab.accounts.models import AuditEvent, User
from stratstab.web.admin.schemas import UserCreate


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
