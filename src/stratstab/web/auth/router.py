"""Login, logout and language choice: HTML pages and the JSON API."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Form, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from stratstab.web.auth import service
from stratstab.web.auth.schemas import (
    CsrfResponse,
    LocaleUpdate,
    LoginRequest,
    LoginResponse,
    UserPublic,
)
from stratstab.web.deps import CurrentUser, OptionalUser, SessionDep, TranslatorDep
from stratstab.web.errors import LocalizedError
from stratstab.web.forms import FormBody
from stratstab.web.security import LOCALE_COOKIE, set_cookie
from stratstab.web.templating import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/auth", tags=["auth"])


def _local_target(target: str | None) -> str:
    """Only same-site paths are followed after login (no open redirect)."""
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@pages.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    """The login form."""
    return render(request, "login.html", {"next": _local_target(next)})


@pages.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    db: SessionDep,
    t: TranslatorDep,
    credentials: Annotated[LoginRequest, FormBody(LoginRequest)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the form's credentials; back to the form with a message when refused."""
    response = RedirectResponse(_local_target(next), status_code=303)
    username, password = credentials.username, credentials.password
    context = {"next": _local_target(next), "username": username}
    try:
        login = service.log_in(db, request, response, username=username, password=password)
    except LocalizedError as refused:  # throttled or busy: say so on the login form
        context["error"] = t(refused.key, **refused.values)
        page = render(request, "login.html", context, status_code=refused.status_code)
        page.headers.update(refused.headers or {})
        return page
    if login is None:
        context["error"] = t("auth.failed")
        return render(request, "login.html", context, status_code=401)
    return response


@pages.post("/logout")
def logout_submit(request: Request, db: SessionDep, user: OptionalUser) -> Response:
    """End the session and go to the home page."""
    response = RedirectResponse("/", status_code=303)
    service.log_out(db, request, response, user=user)
    return response


@pages.post("/locale")
def locale_submit(
    request: Request,
    db: SessionDep,
    user: OptionalUser,
    body: Annotated[LocaleUpdate, FormBody(LocaleUpdate)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Switch the interface language: stored for users, a cookie for everyone."""
    locale = body.locale
    if user is not None:
        service.change_locale(db, user=user, locale=locale)
    response = RedirectResponse(_local_target(next), status_code=303)
    set_cookie(response, request, name=LOCALE_COOKIE, value=locale, max_age_s=365 * 86400)
    return response


@api.get("/csrf", response_model=CsrfResponse, summary="CSRF token for unsafe requests")
def csrf_token(request: Request) -> CsrfResponse:
    """The token to send as ``X-CSRF-Token`` (changes when you log in)."""
    login = request.state.login
    return CsrfResponse(csrf_token=login.csrf_token if login else request.state.anon_csrf)


@api.post("/login", response_model=LoginResponse, summary="Log in (sets the session cookie)")
def api_login(
    body: LoginRequest, request: Request, response: Response, db: SessionDep
) -> LoginResponse:
    """Open a session; 401 for wrong credentials."""
    login = service.log_in(db, request, response, username=body.username, password=body.password)
    if login is None:
        raise HTTPException(status_code=401, detail="wrong user name or password")
    return LoginResponse(user=UserPublic.model_validate(login.user), csrf_token=login.csrf_token)


@api.post("/logout", status_code=204, summary="Log out")
def api_logout(request: Request, db: SessionDep, user: CurrentUser) -> Response:
    """End the current session."""
    response = Response(status_code=204)
    service.log_out(db, request, response, user=user)
    return response


@api.get("/me", response_model=UserPublic, summary="The logged-in user")
def api_me(user: CurrentUser) -> UserPublic:
    """Who you are logged in as."""
    return UserPublic.model_validate(user)


@api.put("/me/locale", response_model=UserPublic, summary="Set your interface language")
def api_set_locale(body: LocaleUpdate, db: SessionDep, user: CurrentUser) -> UserPublic:
    """Store ``en`` or ``zh`` as your language."""
    service.change_locale(db, user=user, locale=body.locale)
    return UserPublic.model_validate(user)
