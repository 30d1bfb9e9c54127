"""Request dependencies shared by every router, as ``Annotated`` aliases.

``SessionDep`` is the database session of the request; ``CurrentUser`` the logged-in
user (401 otherwise); ``FacilitatorUser``/``AdminUser``/``DelegateUser`` add a role
check (403).  ``csrf_protect`` runs on every route and refuses unsafe methods that do
not carry the request's CSRF token; ``plain_url`` runs on every route and refuses path
and query values with control characters, as :class:`~stratstab.web.shapes.InputModel`
does for bodies.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.orm import Session

from stratstab.accounts.models import LoginSession, User
from stratstab.accounts.roles import Role
from stratstab.accounts.service import Principal, resolve_session
from stratstab.web.i18n import Translator, negotiate_locale
from stratstab.web.security import (
    CSRF_FORM_FIELD,
    CSRF_HEADER,
    LOCALE_COOKIE,
    SAFE_METHODS,
    SESSION_COOKIE,
    tokens_match,
    unsign,
)
from stratstab.web.shapes import has_control_characters


class NotAuthenticated(HTTPException):
    """Raised when a route needs a login; pages redirect, the API answers 401."""

    def __init__(self) -> None:
        super().__init__(status_code=401, detail="login required")


class CsrfRefused(HTTPException):
    """Raised when an unsafe request lacks the right CSRF token."""

    def __init__(self) -> None:
        super().__init__(status_code=403, detail="missing or wrong CSRF token; reload the page")


async def get_db(request: Request) -> AsyncIterator[Session]:
    """One database session per request, closed (rolled back if uncommitted) at the end.

    Asynchronous because creating a session does no I/O: a synchronous dependency
    would cost a hop to the thread pool on every request.
    """
    with request.app.state.session_factory() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]


async def get_login(request: Request, db: SessionDep) -> LoginSession | None:
    """The login session named by the signed cookie, cached on the request.

    Run on the event loop, not in the thread pool: one indexed read of SQLite's
    write-ahead log (or one round trip to PostgreSQL) waits for no writer, and every
    request pays for it, so a thread hop would cost more than it saves.
    """
    if getattr(request.state, "login_resolved", False):
        return request.state.login
    token = login_token(request)
    login = resolve_session(db, token=token) if token else None
    # End the read transaction now: the connection goes back to the pool while the
    # route works (objects stay loaded: the factory does not expire on commit).  Holding
    # it for the whole request starves the pool under many concurrent requests.
    db.commit()
    return remember_login(request, login)


LoginDep = Annotated[LoginSession | None, Depends(get_login)]


def login_token(request: Request) -> str | None:
    """The login token in the request's session cookie; None when absent or not signed by us.

    Only checks the signature (memoised per cookie): whether the login is still live is
    for :func:`get_login`, or :func:`~stratstab.accounts.service.resolve_principal`.
    """
    return unsign(request.app.state.settings.secret, "session", request.cookies.get(SESSION_COOKIE))


def remember_login(request: Request, login: LoginSession | Principal | None):
    """Cache the request's login where the CSRF check and the error pages look for it."""
    request.state.login = login
    request.state.login_resolved = True
    return login


async def get_optional_user(login: LoginDep) -> User | None:
    """The logged-in user, or None for an anonymous visitor."""
    return login.user if login else None


OptionalUser = Annotated[User | None, Depends(get_optional_user)]


async def get_current_user(user: OptionalUser) -> User:
    """The logged-in user; anonymous visitors get 401 (pages: a redirect to login)."""
    if user is None:
        raise NotAuthenticated()
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_roles(*roles: Role):
    """A dependency that admits only users holding one of ``roles`` (403 otherwise)."""
    allowed = {role.value for role in roles}

    async def dependency(user: CurrentUser) -> User:
        if user.role not in allowed:
            raise HTTPException(status_code=403, detail="your role does not allow this")
        return user

    return dependency


AdminUser = Annotated[User, Depends(require_roles(Role.ADMIN))]
FacilitatorUser = Annotated[User, Depends(require_roles(Role.ADMIN, Role.FACILITATOR))]
DelegateUser = Annotated[User, Depends(require_roles(Role.DELEGATE))]


def expected_csrf_token(request: Request) -> str:
    """The token this request must echo: the login session's, else the anonymous cookie's."""
    login = getattr(request.state, "login", None)
    return login.csrf_token if login else request.state.anon_csrf


async def csrf_protect(request: Request, login: LoginDep) -> None:
    """Refuse POST/PUT/PATCH/DELETE without the right token in header or form field."""
    if request.method in SAFE_METHODS:
        return
    given = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if not given and (
        content_type.startswith("application/x-www-form-urlencoded")
        or content_type.startswith("multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FORM_FIELD)
        given = value if isinstance(value, str) else None
    check_csrf(request, login, given)


def check_csrf(request: Request, login: LoginSession | Principal | None, given: str | None) -> None:
    """Refuse (403) ``given`` unless it is the login session's token (anonymous: the cookie's)."""
    expected = login.csrf_token if login else request.state.anon_csrf
    if not tokens_match(expected, given):
        raise CsrfRefused()


async def get_translator(request: Request, user: OptionalUser) -> Translator:
    """The translator for this request's interface language."""
    return translator_for(request, user)


def translator_for(request: Request, user: User | Principal | None) -> Translator:
    """:func:`get_translator` for code outside FastAPI's dependencies (a worker thread)."""
    locale = negotiate_locale(
        user_locale=user.locale if user else None,
        cookie_locale=request.cookies.get(LOCALE_COOKIE),
        accept_language=request.headers.get("accept-language", ""),
        default=request.app.state.settings.default_locale,
    )
    translator = Translator(locale)
    request.state.translator = translator
    return translator


TranslatorDep = Annotated[Translator, Depends(get_translator)]


def plain_url(request: Request) -> None:
    """Refuse (422) a path or query value with a control character, before a route reads it.

    No slug, id, user name or filter of the workbench has one, and a NUL reaching a query
    makes PostgreSQL refuse the whole statement.
    """
    values = [("path", item) for item in request.path_params.items()]
    values += [("query", item) for item in request.query_params.multi_items()]
    for where, (name, value) in values:
        if has_control_characters(value):
            error = {"type": "control_characters", "loc": (where, name), "msg": "", "input": ""}
            raise RequestValidationError([error])
