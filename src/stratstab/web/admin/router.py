"""Admin pages and API: accounts and the audit log (role admin only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from stratstab.web.admin import service
from stratstab.web.admin.schemas import AuditEventPublic, UserCreate
from stratstab.web.auth.schemas import UserPublic
from stratstab.web.deps import AdminUser, SessionDep
from stratstab.web.forms import FormBody
from stratstab.web.params import PageOffset, PageSize
from stratstab.web.templating import render

pages = APIRouter(prefix="/admin", include_in_schema=False)
api = APIRouter(tags=["admin"])


@pages.get("/users", response_class=HTMLResponse)
def users_page(request: Request, db: SessionDep, admin: AdminUser) -> HTMLResponse:
    """List accounts, with a form to add one."""
    return render(request, "admin/users.html", {"users": service.list_users(db)})


@pages.post("/users")
def users_create(
    request: Request,
    db: SessionDep,
    admin: AdminUser,
    data: Annotated[UserCreate, FormBody(UserCreate)],
) -> Response:
    """Create an account from the form (the schema of ``POST /api/v1/users``)."""
    service.create_user(db, actor=admin, data=data)
    return RedirectResponse("/admin/users", status_code=303)


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
