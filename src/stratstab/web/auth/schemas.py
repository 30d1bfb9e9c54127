"""Request and response shapes of the auth API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from stratstab.web.shapes import InputModel, UtcDateTime


class LoginRequest(InputModel):
    """Credentials for ``POST /api/v1/auth/login``."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class UserPublic(BaseModel):
    """A user as the API shows it (never the password hash)."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    username: str
    display_name: str
    role: str
    delegation_code: str | None
    locale: str
    is_active: bool
    created_at: UtcDateTime


class LoginResponse(BaseModel):
    """The logged-in user and the CSRF token to send with every unsafe request."""

    user: UserPublic
    csrf_token: str


class CsrfResponse(BaseModel):
    """The CSRF token of this client (anonymous or logged in)."""

    csrf_token: str


class LocaleUpdate(InputModel):
    """A new interface language."""

    model_config = ConfigDict(extra="forbid")
    locale: Literal["en", "zh"]
