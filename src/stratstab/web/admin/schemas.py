"""Shapes of the admin API: creating users, reading the audit log."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from stratstab.web.shapes import InputModel, UtcDateTime


class UserCreate(InputModel):
    """A new account; ``delegation_code`` is required for delegates only."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=2, max_length=64)
    password: str = Field(min_length=8, max_length=1024)
    role: Literal["admin", "facilitator", "delegate", "observer", "member"]
    display_name: str | None = Field(default=None, max_length=200)
    delegation_code: str | None = Field(default=None, max_length=16)
    locale: Literal["en", "zh"] = "en"


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
