"""The one-time password-reset link: its page and its API.

An admin issues the link (``/admin/users``, ``POST /api/v1/users/{username}/password-reset``
or ``stratstab users reset-link``); whoever holds it sets a new password once, before
it expires, under the same password rules as sign-up.  A used or expired link answers
410 in the reader's language; the user's sessions end when the password changes.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from stratstab.accounts import administration
from stratstab.errors import GoneError, InputError
from stratstab.web.admin.schemas import PasswordResetUse
from stratstab.web.deps import SessionDep, TranslatorDep
from stratstab.web.errors import password_or_error_message
from stratstab.web.shapes import UtcDateTime
from stratstab.web.templating import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/password-resets", tags=["auth"])

ResetToken = Annotated[str, Path(min_length=16, max_length=128)]


def reset_url(request: Request, token: str) -> str:
    """The absolute link a person opens to set a new password."""
    return str(request.base_url).rstrip("/") + f"/reset/{token}"


class ResetPreviewPublic(BaseModel):
    """Whose reset link this is and whether it still works (open, used or expired)."""

    username: str
    display_name: str
    expires_at: UtcDateTime
    state: str


def _page(request: Request, db, token: str, **extra) -> HTMLResponse:
    status_code = extra.pop("status", None)
    found = administration.preview_reset(db, token=token)
    gone = None if found.usable else found.state
    context = {"reset": found, "token": token, "gone": gone, **extra}
    return render(request, "reset.html", context, status_code=status_code or (410 if gone else 200))


@pages.get("/reset/{token}", response_class=HTMLResponse)
def reset_page(token: ResetToken, request: Request, db: SessionDep) -> HTMLResponse:
    """The form for a new password, or why the link no longer works."""
    return _page(request, db, token)


@pages.post("/reset/{token}", response_class=HTMLResponse)
def reset_submit(
    token: ResetToken,
    request: Request,
    db: SessionDep,
    t: TranslatorDep,
    password: Annotated[str, Form(max_length=1024)] = "",
    password_again: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    """Set the new password once; on to the login page."""
    if password != password_again:
        return _page(request, db, token, error=t("reset.mismatch"), status=400)
    try:
        administration.use_password_reset(db, token=token, new_password=password)
        db.commit()
    except GoneError:
        db.rollback()
        return _page(request, db, token)
    except InputError as exc:
        db.rollback()
        return _page(request, db, token, error=password_or_error_message(t, exc), status=400)
    return RedirectResponse("/login?done=password_reset", status_code=303)


@api.get("/{token}", response_model=ResetPreviewPublic, summary="What a reset link is for")
def api_preview(token: ResetToken, db: SessionDep) -> ResetPreviewPublic:
    """The account of a reset link and whether it can still be used."""
    found = administration.preview_reset(db, token=token)
    return ResetPreviewPublic(
        username=found.username,
        display_name=found.display_name,
        expires_at=found.expires_at,
        state=found.state,
    )


@api.post("/{token}", status_code=204, summary="Set a new password through a reset link")
def api_use(token: ResetToken, body: PasswordResetUse, db: SessionDep) -> Response:
    """Set the new password once (410 when used or expired, 400 for a weak password)."""
    administration.use_password_reset(db, token=token, new_password=body.password)
    db.commit()
    return Response(status_code=204)
