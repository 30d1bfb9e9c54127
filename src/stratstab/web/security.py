"""Cookies and cross-site request forgery (CSRF) protection.

- The login cookie carries a random token signed with the secret key; the server
  keeps only the token's SHA-256, so a stolen database yields no usable cookie.
- CSRF: a logged-in user's token is bound to the login session (stored server-side);
  an anonymous visitor (login and language forms) gets a signed random token in a
  cookie and must echo it back (double submit).  Forms send the token in the field
  ``csrf_token``; htmx and API clients send the header ``X-CSRF-Token``.

References: OWASP Cross-Site Request Forgery Prevention Cheat Sheet (synchronizer
token and signed double-submit cookie patterns).
"""

from __future__ import annotations

import hmac
import secrets
from functools import lru_cache

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeSerializer

SESSION_COOKIE = "stratstab_session"
CSRF_COOKIE = "stratstab_csrf"
LOCALE_COOKIE = "stratstab_locale"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FORM_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


@lru_cache(maxsize=16)
def _serializer(secret: str, purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=f"stratstab.{purpose}")


def sign(secret: str, purpose: str, value: str) -> str:
    """Sign ``value`` for one purpose (a cookie signed for one use fails for another)."""
    return _serializer(secret, purpose).dumps(value)


def unsign(secret: str, purpose: str, signed: str | None) -> str | None:
    """The value of a signed string, or None when absent or tampered with."""
    if not signed:
        return None
    return _unsigned(secret, purpose, signed)


# Every request checks its cookies' signatures: the HMAC and base64 work is done once
# per distinct cookie.  The signatures carry no timestamp, so the answer for a given
# (secret, purpose, string) never changes; the bound keeps forged strings from growing it.
@lru_cache(maxsize=4096)
def _unsigned(secret: str, purpose: str, signed: str) -> str | None:
    try:
        value = _serializer(secret, purpose).loads(signed)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def is_https(request: Request) -> bool:
    """Whether the client reached us over TLS (uvicorn applies trusted proxy headers)."""
    return request.url.scheme == "https"


def set_cookie(
    response: Response, request: Request, *, name: str, value: str, max_age_s: int | None
) -> None:
    """Set a cookie HttpOnly, SameSite=Lax, and Secure whenever the request is https."""
    response.set_cookie(
        name,
        value,
        max_age=max_age_s,
        httponly=True,
        samesite="lax",
        secure=is_https(request),
        path="/",
    )


def new_token() -> str:
    """A fresh random token for CSRF or sessions (256 bits)."""
    return secrets.token_urlsafe(32)


def tokens_match(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison that fails on any missing side."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())
