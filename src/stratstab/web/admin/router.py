"""Admin pages and API: accounts and the audit log (role admin only).

Accounts can be created, disabled (after a confirmation step) and re-enabled, given
another global role, and sent a one-time password-reset link; the rules live in
:mod:`stratstab.accounts.administration`, shared with ``stratstab users``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from stratstab.accounts.roles import Role
from stratstab.web.admin import service
from stratstab.web.admin.schemas import (
    AuditEventPublic,
    DisableRequest,
    ResetLinkPublic,
    ResetLinkRequest,
    RoleChange,
    UserCreate,
)
from stratstab.web.auth.reset import reset_url
from stratstab.web.auth.schemas import UserPublic
from stratstab.web.deps import AdminUser, SessionDep
from stratstab.web.errors import LocalizedError
from stratstab.web.forms import FormBody
from stratstab.web.params import PageOffset, PageSize
from stratstab.web.templating import render

pages = APIRouter(prefix="/admin", include_in_schema=False)
api = APIRouter(tags=["admin"])


UsernamePath = Annotated[str, Path(min_length=1, max_length=64)]
# Banners the users page shows after a change (``?done=``).
DONE = ("created", "disabled", "enabled", "role_changed")


def _users_page(request: Request, db, **extra) -> HTMLResponse:
    status_code = extra.pop("status", 200)
    done = request.query_params.get("done")
    context = {
        "users": service.list_users(db),
        "roles": [role.value for role in Role],
        "done": done if done in DONE else None,
        **extra,
    }
    return render(request, "admin/users.html", context, status_code=status_code)


def _back(done: str, username: str) -> RedirectResponse:
    return RedirectResponse(f"/admin/users?done={done}#user-{username}", status_code=303)


@pages.get("/users", response_class=HTMLResponse)
def users_page(request: Request, db: SessionDep, admin: AdminUser) -> HTMLResponse:
    """List accounts, with what an admin can do to each and a form to add one."""
    return _users_page(request, db)


@pages.post("/users/{username}/disable", response_class=HTMLResponse)
def user_disable(
    username: UsernamePath,
    request: Request,
    db: SessionDep,
    admin: AdminUser,
    confirm: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """Disable an account after a confirmation step; its sessions end at once."""
    if confirm != "1":
        user = service.get_user(db, username=username)
        return render(request, "admin/confirm_disable.html", {"account": user})
    user = service.set_active(db, actor=admin, username=username, active=False)
    return _back("disabled", user.username)


@pages.post("/users/{username}/enable")
def user_enable(
    username: UsernamePath, request: Request, db: SessionDep, admin: AdminUser
) -> Response:
    """Re-enable a disabled account (it logs in again with its password)."""
    user = service.set_active(db, actor=admin, username=username, active=True)
    return _back("enabled", user.username)


@pages.post("/users/{username}/role")
def user_role(
    username: UsernamePath,
    request: Request,
    db: SessionDep,
    admin: AdminUser,
    data: Annotated[RoleChange, FormBody(RoleChange)],
) -> Response:
    """Give an account another global role; its sessions end."""
    user = service.change_role(db, actor=admin, username=username, data=data)
    return _back("role_changed", user.username)


@pages.post("/users/{username}/reset-link", response_class=HTMLResponse)
def user_reset_link(
    username: UsernamePath,
    request: Request,
    db: SessionDep,
    admin: AdminUser,
    data: Annotated[ResetLinkRequest, FormBody(ResetLinkRequest)],
) -> HTMLResponse:
    """Issue a one-time reset link and show it this once, to hand to the user."""
    token, row = service.issue_reset_link(db, actor=admin, username=username, hours=data.hours)
    issued = {"username": username.strip().lower(), "url": reset_url(request, token), "row": row}
    return _users_page(request, db, issued=issued, status=201)


@pages.post("/users")
def users_create(
    request: Request,
    db: SessionDep,
    admin: AdminUser,
    data: Annotated[UserCreate, FormBody(UserCreate)],
) -> Response:
    """Create an account from the form (the schema of ``POST /api/v1/users``)."""
    user = service.create_user(db, actor=admin, data=data)
    return _back("created", user.username)


@pages.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request, db: SessionDep, admin: AdminUser, offset: Annotated[PageOffset, Query()] = 0
) -> HTMLResponse:
    """The audit log, newest first, 200 per page."""
    events = service.audit_log(db, limit=200, offset=offset)
    return render(request, "admin/audit.html", {"events": events, "offset": offset})


@api.get("/users", response_model=list[UserPublic], summary="List accounts")
def api_users(db: SessionDep, admin: AdminUser) -> list[UserPublic]:
    """Every account (admin only)."""
    return [UserPublic.model_validate(u) for u in service.list_users(db)]


@api.post("/users", response_model=UserPublic, status_code=201, summary="Create an account")
def api_create_user(body: UserCreate, db: SessionDep, admin: AdminUser) -> UserPublic:
    """Create an account (admin only); delegates need a delegation code."""
    return UserPublic.model_validate(service.create_user(db, actor=admin, data=body))


@api.get("/users/{username}", response_model=UserPublic, summary="One account")
def api_user(username: UsernamePath, db: SessionDep, admin: AdminUser) -> UserPublic:
    """One account (admin only)."""
    return UserPublic.model_validate(service.get_user(db, username=username))


@api.post("/users/{username}/disable", response_model=UserPublic, summary="Disable an account")
def api_disable_user(
    username: UsernamePath, body: DisableRequest, db: SessionDep, admin: AdminUser
) -> UserPublic:
    """Disable an account (``{"confirm": true}`` needed); its sessions end at once.

    409 for the last active admin.
    """
    if not body.confirm:
        raise LocalizedError(400, "accounts.error.confirm_disable")
    return UserPublic.model_validate(
        service.set_active(db, actor=admin, username=username, active=False)
    )


@api.post("/users/{username}/enable", response_model=UserPublic, summary="Re-enable an account")
def api_enable_user(username: UsernamePath, db: SessionDep, admin: AdminUser) -> UserPublic:
    """Re-enable a disabled account."""
    return UserPublic.model_validate(
        service.set_active(db, actor=admin, username=username, active=True)
    )


@api.put("/users/{username}/role", response_model=UserPublic, summary="Change an account's role")
def api_change_role(
    username: UsernamePath, body: RoleChange, db: SessionDep, admin: AdminUser
) -> UserPublic:
    """Give an account another global role (delegates name a delegation); its sessions end.

    409 when it would leave no active admin.
    """
    return UserPublic.model_validate(
        service.change_role(db, actor=admin, username=username, data=body)
    )


@api.post(
    "/users/{username}/password-reset",
    response_model=ResetLinkPublic,
    status_code=201,
    summary="Issue a one-time password-reset link",
)
def api_reset_link(
    username: UsernamePath,
    request: Request,
    db: SessionDep,
    admin: AdminUser,
    body: ResetLinkRequest | None = None,
) -> ResetLinkPublic:
    """A link that sets a new password once, until it expires (default 24 hours).

    The token is shown only in this answer; older open links of the account stop working.
    """
    hours = body.hours if body else ResetLinkRequest().hours
    token, row = service.issue_reset_link(db, actor=admin, username=username, hours=hours)
    return ResetLinkPublic(
        username=username.strip().lower(),
        token=token,
        url=reset_url(request, token),
        expires_at=row.expires_at,
    )


@api.get("/audit", response_model=list[AuditEventPublic], summary="Read the audit log")
def api_audit(
    db: SessionDep,
    admin: AdminUser,
    limit: Annotated[PageSize, Query()] = 200,
    offset: Annotated[PageOffset, Query()] = 0,
) -> list[AuditEventPublic]:
    """Who changed what, newest first (admin only)."""
    return [
        AuditEventPublic.model_validate(e)
        for e in service.audit_log(db, limit=limit, offset=offset)
    ]
