"""Turn errors into answers: JSON under ``/api``, a page (or login redirect) elsewhere."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from stratstab.errors import InputError, NotFoundError, StoreError, StratstabError, field_path
from stratstab.web.i18n import Translator
from stratstab.web.templating import render


def _status_of() -> dict[type, int]:
    from stratstab.web.dialogues.access import Forbidden

    return {InputError: 400, NotFoundError: 404, StoreError: 503, Forbidden: 403}


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


def _answer(request: Request, status_code: int, message: str, **extra: object) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": message, **extra}, status_code=status_code)
    return _error_page(request, status_code, message)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(StratstabError)
    async def _stratstab_error(request: Request, exc: StratstabError) -> Response:
        status_code = getattr(exc, "http_status", None) or next(
            (s for cls, s in _status_of().items() if isinstance(exc, cls)), 400
        )
        extra = {"field": exc.field} if isinstance(exc, InputError) and exc.field else {}
        return _answer(request, status_code, str(exc), **extra)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 401 and not _is_api(request):
            target = "/login?next=" + quote(request.url.path, safe="/")
            if request.headers.get("HX-Request"):
                return Response(status_code=204, headers={"HX-Redirect": target})
            return RedirectResponse(target, status_code=303)
        return _answer(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        location = [p for p in first.get("loc", ()) if p not in ("body", "query", "form")]
        message = f"{field_path(location)}: {first.get('msg', 'invalid value')}"
        return _answer(request, 422, message, field=field_path(location))
