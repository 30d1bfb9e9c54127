"""Shapes of the admin API: creating users, reading the audit log."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from stratstab.web.shapes import InputModel, UtcDateTime

RoleName = Literal["admin", "facilitator", "delegate", "observer", "member"]


class UserCreate(InputModel):
    """A new account; ``delegation_code`` is required for delegates only."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=2, max_length=64)
    password: str = Field(min_length=8, max_length=1024)
    role: RoleName
    display_name: str | None = Field(default=None, max_length=200)
    delegation_code: str | None = Field(default=None, max_length=16)
    locale: Literal["en", "zh"] = "en"


class RoleChange(InputModel):
    """A new global role; ``delegation_code`` is required for delegates only."""

    model_config = ConfigDict(extra="forbid")
    role: RoleName
    delegation_code: str | None = Field(default=None, max_length=16)


class DisableRequest(InputModel):
    """Disabling an account ends its sessions at once, so it must be confirmed."""

    model_config = ConfigDict(extra="forbid")
    confirm: bool = False


class ResetLinkRequest(InputModel):
    """How long a password-reset link stays valid, in hours (1 to 168)."""

    model_config = ConfigDict(extra="forbid")
    hours: int = Field(default=24, ge=1, le=168)


class ResetLinkPublic(BaseModel):
    """A one-time password-reset link: the token and URL are shown this once only."""

    username: str
    token: str
    url: str
    expires_at: UtcDateTime


class PasswordResetUse(InputModel):
    """The new password set through a reset link."""

    model_config = ConfigDict(extra="forbid")
    password: str = Field(min_length=1, max_length=1024)


class AuditEventPublic(BaseModel):
    """One audit record."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    at: UtcDateTime
    actor_name: str
    action: str
    target_type: str
    target_id: str
    detail: dict[str, Any]
