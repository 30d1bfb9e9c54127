"""Jinja2 rendering with the request's user, language and CSRF token in every page."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from stratstab import __version__
from stratstab.web.assets import plotly_url
from stratstab.web.deps import expected_csrf_token
from stratstab.web.i18n import LOCALE_NAMES, Translator

TEMPLATES_DIR = Path(__file__).parent / "templates"

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.globals["plotly_url"] = plotly_url


def page_context(request: Request) -> dict[str, Any]:
    """What every template may use: user, t(), locale, csrf_token, version.

    ``idempotency_key()`` gives a fresh key for a form that writes (a hidden field):
    the same form sent twice (a double click, a retry) is then stored once.
    """
    translator: Translator = getattr(request.state, "translator", None) or Translator("en")
    login = getattr(request.state, "login", None)
    return {
        "user": login.user if login else None,
        "t": translator,
        "locale": translator.locale,
        "locale_names": LOCALE_NAMES,
        "csrf_token": expected_csrf_token(request),
        "version": __version__,
        "idempotency_key": new_idempotency_key,
    }


def new_idempotency_key() -> str:
    """A random idempotency key for one rendered form (128 bits)."""
    return secrets.token_urlsafe(16)


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    """Render a template; Jinja2 autoescaping is on for every ``.html`` file."""
    merged = page_context(request)
    merged.update(context or {})
    return templates.TemplateResponse(request, name, merged, status_code=status_code)
