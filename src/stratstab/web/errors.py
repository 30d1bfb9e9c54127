"""Turn errors into answers: JSON under ``/api``, a page (or login redirect) elsewhere.

Refused input (a ``RequestValidationError``, raised by FastAPI for parameters and JSON
bodies and by :mod:`stratstab.web.forms` for page forms) is described in the reader's
language from the error's type and limits (``validation.*`` in the locale files), never
with pydantic's English text.  Errors that carry a locale key (:class:`LocalizedError`)
are shown the same way.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from stratstab.accounts.password_policy import WeakPasswordError
from stratstab.errors import (
    ConflictError,
    Forbidden,
    GoneError,
    InputError,
    LimitError,
    NotFoundError,
    StoreError,
    StratstabError,
    field_path,
)
from stratstab.web.i18n import Translator
from stratstab.web.templating import render

# pydantic error types -> locale key under ``validation.`` (others: ``generic``).
_VALIDATION_KEYS = {
    "missing": "missing",
    "string_too_long": "string_too_long",
    "string_too_short": "string_too_short",
    "too_long": "too_long",
    "too_short": "too_short",
    "greater_than_equal": "greater_than_equal",
    "less_than_equal": "less_than_equal",
    "greater_than": "greater_than",
    "less_than": "less_than",
    "int_parsing": "int",
    "int_type": "int",
    "int_from_float": "int",
    "int_parsing_size": "int",
    "float_parsing": "number",
    "float_type": "number",
    "finite_number": "number",
    "bool_parsing": "bool",
    "bool_type": "bool",
    "literal_error": "choice",
    "enum": "choice",
    "string_type": "text",
    "list_type": "list",
    "model_type": "object",
    "model_attributes_type": "object",
    "dict_type": "object",
    "extra_forbidden": "unknown_field",
    "json_invalid": "json",
    "control_characters": "control_characters",
}


class LocalizedError(HTTPException):
    """An HTTP error whose message is the locale key ``key`` filled with ``values``."""

    def __init__(
        self,
        status_code: int,
        key: str,
        *,
        headers: dict[str, str] | None = None,
        **values: object,
    ) -> None:
        self.key = key
        self.values = values
        super().__init__(status_code=status_code, detail=key, headers=headers)


def validation_message(t: Translator, errors: list[dict]) -> tuple[str, str]:
    """The first refused input described in ``t``'s language, and its field path."""
    first = errors[0] if errors else {}
    location = [p for p in first.get("loc", ()) if p not in ("body", "query", "form", "path")]
    field = field_path(location) or t("validation.body")
    context = {k: v for k, v in (first.get("ctx") or {}).items() if isinstance(k, str)}
    key = _VALIDATION_KEYS.get(first.get("type", ""), "generic")
    try:
        message = t(f"validation.{key}", field=field, **context)
    except (KeyError, IndexError, ValueError):
        message = t("validation.generic", field=field)
    if len(errors) > 1:
        message += " " + t("validation.more", n=len(errors) - 1)
    return message, field_path(location)


def _password_message(t: Translator, exc: WeakPasswordError) -> str:
    """Why a new password was refused, with the estimator's advice, in ``t``'s language."""
    parts = [t("password.refused"), t(exc.reason, **exc.values)]
    parts += [t(f"password.feedback.{key}") for key in exc.feedback]
    return " ".join(parts)


def password_or_error_message(t: Translator, exc: StratstabError) -> str:
    """The message of ``exc`` in ``t``'s language: a refused password with the
    estimator's advice, an error that carries a locale key by that key, else its text."""
    if isinstance(exc, WeakPasswordError):
        return _password_message(t, exc)
    if exc.key:
        try:
            return t(exc.key, **exc.values)
        except (KeyError, IndexError, ValueError):
            LOG.warning("locale key %s could not be filled", exc.key)
    return str(exc)


def _status_of() -> dict[type, int]:
    return {
        ConflictError: 409,  # before InputError, of which it is a kind
        InputError: 400,
        NotFoundError: 404,
        GoneError: 410,
        StoreError: 503,
        Forbidden: 403,
    }


LOG = logging.getLogger("stratstab.web")

# Seconds a client should wait before retrying a write the database refused.
STORE_RETRY_AFTER_S = 2


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_page(request: Request, status_code: int, message: str) -> Response:
    if not hasattr(request.state, "translator"):
        request.state.translator = Translator("en")
    if request.headers.get("HX-Request"):
        # htmx swaps this fragment into the page's message area.
        return render(request, "partials/error.html", {"message": message}, status_code=status_code)
    return render(
        request,
        "error.html",
        {"status_code": status_code, "message": message},
        status_code=status_code,
    )


def _answer(
    request: Request,
    status_code: int,
    message: str,
    headers: dict[str, str] | None = None,
    **extra: object,
) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": message, **extra}, status_code=status_code, headers=headers)
    response = _error_page(request, status_code, message)
    response.headers.update(headers or {})
    return response


def _translator(request: Request) -> Translator:
    """The request's translator (English when the error came before it was chosen)."""
    if not hasattr(request.state, "translator"):
        request.state.translator = Translator("en")
    return request.state.translator


def _limit_answer(request: Request, exc: LimitError) -> Response:
    """413/429 in the reader's language, and both languages for API clients."""
    translator = _translator(request)
    messages = {locale: Translator(locale)(exc.key, **exc.values) for locale in ("en", "zh")}
    message = translator(exc.key, **exc.values)
    if _is_api(request):
        return JSONResponse(
            {"detail": message, "messages": messages, "code": exc.key},
            status_code=exc.status_code,
        )
    return _error_page(request, exc.status_code, message)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(StratstabError)
    async def _stratstab_error(request: Request, exc: StratstabError) -> Response:
        if isinstance(exc, LimitError):
            return _limit_answer(request, exc)
        status_code = getattr(exc, "http_status", None) or next(
            (s for cls, s in _status_of().items() if isinstance(exc, cls)), 400
        )
        if isinstance(exc, StoreError):
            # The driver's words and the database's location stay on the server.
            LOG.warning("%s %s: %s", request.method, request.url.path, exc.local_text())
            message = _translator(request)("error.store_busy")
            retry = {"Retry-After": str(STORE_RETRY_AFTER_S)}
            return _answer(request, status_code, message, headers=retry)
        extra = {"field": exc.field} if isinstance(exc, InputError) and exc.field else {}
        if exc.key:
            extra["code"] = exc.key
        message = password_or_error_message(_translator(request), exc)
        return _answer(request, status_code, message, **extra)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 401 and not _is_api(request):
            target = "/login?next=" + quote(request.url.path, safe="/")
            if request.headers.get("HX-Request"):
                return Response(status_code=204, headers={"HX-Redirect": target})
            return RedirectResponse(target, status_code=303)
        message = str(exc.detail)
        if isinstance(exc, LocalizedError):
            message = _translator(request)(exc.key, **exc.values)
        return _answer(request, exc.status_code, message, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        message, field = validation_message(_translator(request), list(exc.errors()))
        return _answer(request, 422, message, field=field)
